"""`vitrine bench pages` on drawn pages: the finder and the trained model scored per class."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pagedraw import WOODCUT, printed_page
from vitrine.bench import pages


def _labels(folder: Path, images: Path) -> None:
    lines = []
    for i, split in enumerate(["tune", "tune", "tune", "report", "report"]):
        printed_page(seed=i, shift=15 * i).save(images / f"{i}.png")
        x, y, w, h = WOODCUT
        lines.append(json.dumps({"file": f"{i}.png", "width": 600, "height": 900, "split": split,
                                 "boxes": [{"class": "illustration", "box": [x, y + 15 * i, w, h]}]}))
    (folder / "pages.jsonl").write_text("\n".join(lines) + "\n")


def test_the_bench_scores_the_report_split_with_a_model_trained_on_tune(tmp_path: Path) -> None:
    _labels(tmp_path, tmp_path)
    report = pages.main(["--labels", str(tmp_path), "--pages", str(tmp_path)])
    assert (report.tune_pages, report.report_pages) == (3, 2)
    by_name = {m.name: m for m in report.methods}
    assert set(by_name) == {"picture finder (region search)", "finder with classes and text",
                            "trained on tune (score >= 0.5)", "trained on tune (all, for AP)"}
    for method in report.methods:
        assert method.classes["illustration"]["recall"] == 1.0 and method.pages_per_s > 0
    assert by_name["trained on tune (score >= 0.5)"].classes["illustration"]["precision"] == 1.0
    assert report.candidate_recall["illustration"] == 1.0


def test_the_bench_refuses_a_folder_without_boxes(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        pages.main(["--labels", str(tmp_path), "--pages", str(tmp_path)])
