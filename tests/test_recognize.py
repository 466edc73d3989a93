"""Recognising a work in a synthetic gallery photo: the right record, "no match" for outsiders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from artworks import recognition_collection, textured
from vitrine.bench.gallery_photos import family_photo
from vitrine.collection import Collection
from vitrine.errors import RecognitionError
from vitrine.visitor.recognize import NO_LOCAL_INDEX, recognize_photo


def build(root: Path, local: bool) -> Collection:
    collection: Collection = recognition_collection(root, 10, local=local)
    return collection


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Collection]:
    coll = build(tmp_path_factory.mktemp("recognize"), local=True)
    yield coll
    coll.close()


def test_a_gallery_photo_of_an_indexed_work_finds_its_record(collection: Collection) -> None:
    shot = family_photo(textured(3), "perspective", 7)
    result = recognize_photo(collection, shot.image)
    assert result.method == "local" and result.note is None
    assert result.record is not None and result.record.identifier == "r3"
    assert result.inliers >= result.threshold
    assert result.timings.local_ms > 0 and result.timings.global_ms > 0
    assert result.quad is not None
    # The work's corners in the photo: scaled back from the 300 px original, within a few percent.
    error = np.abs(np.array(result.quad) - shot.quad).max()
    assert error < 0.03 * max(shot.image.size), (result.quad, shot.quad)


def test_a_photo_of_a_work_not_in_the_collection_is_no_match(collection: Collection) -> None:
    result = recognize_photo(collection, family_photo(textured(99), "mild", 1).image)
    assert not result.matched and result.record is None and result.quad is None
    assert result.method == "local"
    assert result.inliers < result.threshold


def test_a_cropped_photo_is_still_recognised(collection: Collection) -> None:
    shot = family_photo(textured(6), "crop", 3)
    assert shot.visible < 0.9
    result = recognize_photo(collection, shot.image)
    assert result.record is not None and result.record.identifier == "r6"


def test_global_method_skips_verification(collection: Collection) -> None:
    result = recognize_photo(collection, textured(2), method="global")
    assert result.method == "global" and result.timings.local_ms == 0
    assert result.record is not None and result.record.identifier == "r2"  # the picture itself


def test_without_a_local_index_it_falls_back_to_the_global_stage(tmp_path: Path) -> None:
    coll = build(tmp_path, local=False)
    try:
        result = recognize_photo(coll, textured(4))
        assert result.method == "global" and result.note == NO_LOCAL_INDEX
        assert result.record is not None and result.record.identifier == "r4"
        assert not recognize_photo(coll, Image.new("RGB", (300, 240), (30, 200, 40))).matched
        with pytest.raises(RecognitionError, match="no local-feature index"):
            recognize_photo(coll, textured(4), method="local")
    finally:
        coll.close()


def test_bad_options_are_refused(collection: Collection) -> None:
    with pytest.raises(RecognitionError):
        recognize_photo(collection, textured(1), candidates=0)
    with pytest.raises(RecognitionError):
        recognize_photo(collection, textured(1), min_inliers=0)


@pytest.mark.shared
@pytest.mark.slow
def test_a_small_public_art_benchmark(shared_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from vitrine.bench import recognition

    data = shared_dir / "data" / "public-art"
    if not (data / "records.csv").is_file():
        pytest.skip("../shared/data/public-art is absent: this test reads it in place")
    report = recognition.main([
        "--data", str(data), "--limit", "60", "--per-family", "4", "--outsiders", "2", "--calibration", "4",
        "--families", "perspective,crop", "--upscale", "1", "--query-side", "800", "--max-words", "512"])
    rows = {r.family: r for r in report.rows}
    assert rows["all"].photos == 8 and rows["all"].outsiders == 4
    assert rows["all"].local_recall >= 0.75
    assert rows["all"].local_recall >= rows["all"].global_accepted_recall
    assert report.latency_ms["local_p50"] > report.latency_ms["global_p50"]
    assert "calibrated min_inliers" in capsys.readouterr().out


def test_the_cli_names_the_work_or_says_no_match(collection: Collection, tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from vitrine.cli import cli

    seen, unseen = tmp_path / "seen.jpg", tmp_path / "unseen.jpg"
    family_photo(textured(5), "mild", 2).image.save(seen)
    family_photo(textured(123), "mild", 2).image.save(unseen)
    runner = CliRunner()
    result = runner.invoke(cli, ["recognize", str(collection.root), str(seen)], catch_exceptions=False)
    assert result.exit_code == 0 and "This is Work 5 by A. Painter (r5)" in result.output
    result = runner.invoke(cli, ["recognize", str(collection.root), str(unseen), "--json"],
                           catch_exceptions=False)
    body = json.loads(result.output)
    assert result.exit_code == 0 and body["matched"] is False and body["method"] == "local"
    result = runner.invoke(cli, ["recognize", str(collection.root), str(seen), "--candidates", "0"])
    assert result.exit_code == 2
