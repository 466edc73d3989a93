"""A small run of the retrieval-quality benchmark on the public-art thumbnails (read in place)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from vitrine.bench import quality


def test_edits_keep_the_picture_recognisable_in_shape() -> None:
    image = Image.new("RGB", (200, 100), (10, 120, 200))
    rng = np.random.default_rng(0)
    assert quality.rescale(image, rng).size == (100, 50)
    assert quality.crop80(image, rng).size == (179, 89)
    assert quality.jpeg40(image, rng).size == image.size
    assert quality.colour(image, rng).size == image.size
    width, height = quality.rotate(image, rng).size
    assert 0.8 * 200 < width <= 200 and 0.8 * 100 < height <= 100


def test_calibrate_takes_the_worst_edit() -> None:
    easy = np.linspace(0.9, 1.0, 100, dtype=np.float32)
    hard = np.linspace(0.4, 0.9, 100, dtype=np.float32)
    threshold = quality.calibrate([easy, hard], 0.02)
    assert threshold <= float(np.quantile(hard, 0.02))
    assert np.mean(hard < threshold) <= 0.02


@pytest.mark.shared
def test_small_benchmark_run(shared_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = shared_dir / "data" / "public-art"
    if not (data / "records.csv").is_file():
        pytest.skip("../shared/data/public-art is absent: this test reads it in place")
    out = tmp_path / "quality.json"
    report = quality.main(["--data", str(data), "--limit", "300", "--queries", "60",
                           "--transforms", "rescale50,crop80", "--json", str(out)])
    recall = {r.transform: r for r in report.recall}
    assert recall["rescale50"].recall_at_1 >= 0.95
    assert recall["crop80"].recall_at_1 >= 0.85
    assert report.threshold is not None
    cutoff = {c.transform: c for c in report.cutoff}
    assert cutoff["rescale50"].false_cutoff <= 0.05
    assert "crop80" in capsys.readouterr().out
    assert json.loads(out.read_text())["recall"][0]["transform"] == "rescale50"


@pytest.mark.shared
def test_unknown_transform_is_refused(shared_dir: Path) -> None:
    with pytest.raises(SystemExit):
        quality.parse(["--data", str(shared_dir / "data" / "public-art"), "--transforms", "blur"])
