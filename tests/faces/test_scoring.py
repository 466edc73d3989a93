"""Detections against hand labels (IoU >= 0.5, one-to-one), and `vitrine bench faces` on a labels file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from vitrine.bench import faces as bench
from vitrine.errors import SuggestionError
from vitrine.faces.scoring import Labelled, iou, match, read_labels


def test_iou_and_one_to_one_matching() -> None:
    assert iou([0, 0, 10, 10], [0, 0, 10, 10]) == 1.0
    assert iou([0, 0, 10, 10], [5, 0, 10, 10]) == pytest.approx(50 / 150)
    assert iou([0, 0, 10, 10], [20, 20, 5, 5]) == 0.0
    truth = [[0, 0, 10, 10], [100, 100, 20, 20]]
    tally = match([[1, 1, 10, 10], [0, 0, 10, 10], [50, 50, 5, 5]], truth)
    # the second detection of the same face is a false positive; the face at 100,100 is missed
    assert (tally.found, tally.wrong, tally.missed, tally.ignored) == (1, 2, 1, 0)
    assert tally.precision == pytest.approx(1 / 3) and tally.recall == 0.5
    # the highest pair first, whatever the detections' order: [4, 0, 10, 10] takes its twin (IoU 1) and
    # leaves the first face to [3, 0, 10, 10] (0.54), which would have taken the second (0.82) first
    greedy = match([[3, 0, 10, 10], [4, 0, 10, 10]], [[0, 0, 10, 10], [4, 0, 10, 10]])
    assert (greedy.found, greedy.wrong, greedy.missed) == (2, 0, 0)
    # a detection on an uncertain box, or centred in an uncertain crowd, counts for nothing
    on_uncertain = match([[50, 50, 5, 5], [200, 200, 8, 8], [400, 400, 8, 8]], truth,
                         uncertain=[[49, 49, 6, 6], [150, 150, 100, 100]])
    assert (on_uncertain.found, on_uncertain.wrong, on_uncertain.missed, on_uncertain.ignored) == (0, 1, 2, 2)
    # the centre rule: a small box on a labelled face finds it though IoU is under 0.5
    small = [[3, 3, 4, 4]]
    face = [[0, 0, 10, 10]]
    assert match(small, face).found == 0 and match(small, face, centre=True).found == 1
    assert match([[8, 8, 10, 10]], [[0, 0, 10, 10]], centre=True).found == 0  # overlapping, centre outside
    empty = match([], [])
    assert empty.precision is None and empty.recall is None


def test_a_malformed_labels_line_is_refused_by_number(tmp_path: Path) -> None:
    path = tmp_path / "faces.jsonl"
    path.write_text('{"file": "a.jpg", "faces": [[1, 2, 3, 4]]}\n\n{"file": "b.jpg", "faces": [[1, 2, 3]]}\n')
    with pytest.raises(SuggestionError, match=r"faces.jsonl, line 3: .*a face is \[x, y, w, h\]"):
        read_labels(path)
    path.write_text('{"file": "a.jpg", "faces": []}\n'
                    '{"file": "b.jpg", "faces": [], "uncertain": [[1, 2, 3, 4]]}\n')
    assert read_labels(path) == {"a.jpg": Labelled([], []), "b.jpg": Labelled([], [(1, 2, 3, 4)])}


def test_the_bench_reports_precision_and_recall_per_detector_from_a_labels_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "images").mkdir()
    for name in ("a", "b", "c"):
        Image.new("RGB", (300, 150), "grey").save(tmp_path / "images" / f"{name}.jpg")
    (tmp_path / "records.csv").write_text("id,file\na,images/a.jpg\nb,images/b.jpg\nc,images/c.jpg\n")
    labels = tmp_path / "labels.jsonl"
    # the fake detector's box is the middle third, (100, 50, 100, 50) in these images
    rows = [{"file": "images/a.jpg", "faces": [[100, 50, 100, 50]]},
            {"file": "b.jpg", "faces": [[0, 0, 30, 30], [100, 50, 90, 50]]},
            {"file": "images/c.jpg", "faces": [], "uncertain": [[90, 40, 120, 70]]}]
    labels.write_text("".join(json.dumps(r) + "\n" for r in rows))
    report = bench.main(["--data", str(tmp_path), "--detectors", "fake", "--labels", str(labels),
                         "--json", str(tmp_path / "out.json")])
    (row,) = report.rows
    assert (row.found, row.wrong, row.missed, row.ignored) == (2, 0, 1, 1)  # c's face is uncertain
    assert row.precision == 1.0 and row.recall == 0.667
    assert row.centre_precision == 1.0 and row.centre_recall == 0.667
    assert "| fake |" in capsys.readouterr().out
    assert json.loads((tmp_path / "out.json").read_text())["rows"][0]["recall"] == 0.667
    plain = bench.main(["--data", str(tmp_path), "--detectors", "fake", "--images", "2"])
    assert plain.images == 2 and plain.rows[0].precision is None and plain.rows[0].faces == 2
