"""Recognising a work in a synthetic gallery photo: the right record, "no match" for outsiders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from vitrine.bench.gallery_photos import family_photo
from vitrine.collection import Collection, create_collection
from vitrine.indexing import index_collection
from vitrine.recognize import NO_LOCAL_INDEX, RecognitionError, recognize_photo
from vitrine.records import ImageRef, Record

N_WORKS = 10


def textured(seed: int, size: tuple[int, int] = (300, 240)) -> Image.Image:
    """A made-up painting full of corners and blobs (what SIFT needs), unlike any other seed."""
    rng = np.random.default_rng(seed)
    w, h = size
    base = rng.integers(0, 256, 3)
    ramp = np.linspace(0.4, 1.0, w, dtype=np.float32)[None, :, None]
    image = Image.fromarray((np.broadcast_to(base * ramp, (h, w, 3))).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x0, x1 = sorted(int(v) for v in rng.integers(0, w, 2))
        y0, y1 = sorted(int(v) for v in rng.integers(0, h, 2))
        x1, y1 = min(x1, x0 + w // 4), min(y1, y0 + h // 4)
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        kind = rng.integers(3)
        if kind == 0:
            draw.ellipse([x0, y0, x1 + 3, y1 + 3], fill=colour)
        elif kind == 1:
            draw.rectangle([x0, y0, x1 + 3, y1 + 3], fill=colour)
        else:
            draw.line([x0, y0, x1, y1], fill=colour, width=int(rng.integers(1, 5)))
    return image.filter(ImageFilter.GaussianBlur(0.6))


def build(root: Path, local: bool) -> Collection:
    from vitrine.regions import index_regions

    root.mkdir(parents=True, exist_ok=True)
    collection = create_collection(root / "coll", embedder="classic", index="memory")
    for i in range(N_WORKS):
        path = root / f"work{i}.png"
        textured(i).save(path)
        collection.catalog.upsert(Record(identifier=f"r{i}", title=f"Work {i}", creators=["A. Painter"],
                                         images=[ImageRef(location=str(path))]))
    index_collection(collection, workers=1)
    if local:
        index_regions(collection, workers=1)
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
