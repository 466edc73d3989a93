"""The duplicate benchmark end to end on a tiny public-art-shaped folder of synthetic pictures."""

from __future__ import annotations

import csv
from pathlib import Path

from duplicate_images import picture
from vitrine.bench import duplicates as bench
from vitrine.bench.duplicate_plants import EDITS
from vitrine.bench.duplicate_scale import all_pairs, vectors


def _folder(root: Path, n: int) -> Path:
    (root / "images").mkdir(parents=True)
    with (root / "records.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "file", "title", "artist", "year", "date", "medium", "museum",
                         "height_cm", "width_cm", "wikidata"])
        for i in range(n):
            picture(i, (200, 200)).save(root / "images" / f"w{i}.jpg", quality=92)
            writer.writerow([f"w{i}", f"images/w{i}.jpg", f"Work {i}", "Anna", "1800", "1800", "oil",
                             "North", "", "", f"Q{i}"])
    return root


def test_bench_finds_planted_copies_and_scores_them(tmp_path: Path) -> None:
    data = _folder(tmp_path / "art", 12)
    report = bench.main(["--data", str(data), "--plants", "10", "--workers", "1", "--grid",
                         "--thresholds", "0.8", "--sures", "0.95", "--out", str(tmp_path / "out")])
    assert report.works == 12 and report.plants == 10
    assert report.default is not None
    assert report.default.recall_by_kind["exact"] == 1.0 and report.default.precision == 1.0
    assert report.default.recall >= 0.5  # the crops of this tiny set may be missed, not the rest
    assert [s.setting for s in report.grid] == ["t=0.80 no check", "t=0.80 sure=0.95 check"]
    # the old finder (k-NN candidates only) is the baseline, scored in the same run
    assert report.baseline is not None and report.baseline.setting.startswith("baseline: k-NN ")
    assert report.local_candidates is not None and report.default.setting.startswith("k-NN+words")
    assert report.default.recall >= report.baseline.recall
    assert "candidates: k-NN + " in bench.table(report)


def test_without_a_local_index_there_is_no_baseline_row(tmp_path: Path) -> None:
    data = _folder(tmp_path / "art", 8)
    report = bench.main(["--data", str(data), "--plants", "5", "--workers", "1", "--no-local"])
    assert report.baseline is None and report.local_candidates is None
    assert "k-NN only" in bench.table(report)


def test_visual_word_pass_finds_synthetic_crops() -> None:
    from vitrine.bench.duplicate_words import measure_words

    out = measure_words(1000, features=60)
    assert out["1000"]["crop_recall"] >= 0.9 and out["1000"]["crops"] == 5
    assert out["1000"]["border_recall"] >= 0.9 and out["1000"]["borders"] == 5
    assert out["200"]["pass_s"] >= 0


def test_every_edit_returns_a_decodable_copy(tmp_path: Path) -> None:
    import io
    import random

    from PIL import Image

    image = picture(3, (200, 200))
    buf = io.BytesIO()
    image.save(buf, "JPEG")
    for name, edit in EDITS.items():
        data, detail = edit(buf.getvalue(), image, random.Random(1))
        with Image.open(io.BytesIO(data)) as copy:
            assert copy.size[0] > 50 and detail, name


def test_all_pairs_baseline_finds_the_planted_vectors() -> None:
    x, copies = vectors(2000, seed=1)
    found = all_pairs(x, 0.8, block=300)
    assert copies == 20 and len(found) >= 20
    assert all(i < j for i, j in found)
