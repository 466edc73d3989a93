"""Region-search use-cases on a real collection folder: incremental indexing, box and image queries."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from motifs import scene
from vitrine import collection as collection_module
from vitrine.collection import Collection, create_collection, open_collection
from vitrine.errors import NoLocalIndex, RecordNotFound, RegionSearchError
from vitrine.local.builder import WriterOptions
from vitrine.local.index import LocalIndex
from vitrine.records import Filters, ImageRef, Record
from vitrine.regions import search as regions

SPECS: dict[str, tuple[int, int, float] | None] = {
    "a": (30, 40, 1.0), "b": (200, 150, 0.8), "c": (120, 60, 1.3), "d": None, "e": None}
WRITER = WriterOptions(train_images=4)


def add(collection: Collection, folder: Path, name: str, image: Image.Image, kind: str = "print") -> None:
    path = folder / f"{name}.png"
    image.save(path)
    collection.catalog.upsert(Record(identifier=name, title=f"Scene {name}", object_type=kind,
                                     images=[ImageRef(location=str(path))]))


def make(folder: Path) -> Collection:
    coll = create_collection(folder / "coll", embedder="fake", index="memory")
    for n, (name, where) in enumerate(SPECS.items(), 1):
        add(coll, folder, name, scene(n, where)[0], kind="print" if name != "c" else "drawing")
    return coll


@pytest.fixture
def collection(tmp_path: Path) -> Iterator[Collection]:
    """A collection of its own, not indexed yet (tests that change it)."""
    coll = make(tmp_path)
    yield coll
    coll.close()


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Collection]:
    """One indexed collection shared by the tests that only query it."""
    coll = make(tmp_path_factory.mktemp("regions"))
    report = regions.index_regions(coll, workers=1, writer_options=WRITER)
    assert report.added == 5 and report.failed == 0 and report.images == 5 and report.bytes > 0
    yield coll
    coll.close()


def box_of(name: str) -> tuple[float, float, float, float]:
    n = list(SPECS).index(name) + 1
    box = scene(n, SPECS[name])[1]
    assert box is not None
    return box


def test_box_query_finds_the_other_prints_with_their_regions(indexed: Collection) -> None:
    collection = indexed
    result = regions.search_regions_by_box(collection, "a", box_of("a"))
    assert {h.identifier for h in result.hits} == {"b", "c"}  # itself excluded, d and e lack it
    for hit in result.hits:
        assert np.allclose(hit.region, box_of(hit.identifier), atol=6)
        assert hit.image_size == (420, 320) and hit.image_index == 0
    marked = regions.search_regions_by_box(collection, "a", box_of("a"), include_self=True)
    assert marked.hits[0].identifier == "a" and marked.hits[0].is_query_image


def test_filters_apply(indexed: Collection) -> None:
    result = regions.search_regions_by_box(indexed, "a", box_of("a"), filters=Filters(object_type="drawing"))
    assert [h.identifier for h in result.hits] == ["c"]


def test_whole_image_query(indexed: Collection) -> None:
    collection = indexed
    x0, y0, x1, y1 = (round(v) for v in box_of("b"))
    crop = scene(2, SPECS["b"])[0].crop((x0, y0, x1, y1))
    result = regions.search_regions_by_image(collection, crop.resize((crop.width * 2, crop.height * 2)))
    assert {h.identifier for h in result.hits} == {"a", "b", "c"}  # the motif is in all three
    hit = next(h for h in result.hits if h.identifier == "b")
    assert np.allclose(hit.region, (x0, y0, x1, y1), atol=6)


def test_added_changed_and_deleted_images_without_rebuild(collection: Collection, tmp_path: Path) -> None:
    regions.index_regions(collection, workers=1, writer_options=WRITER)
    vocabulary = sorted((collection.root / "local").glob("vocabulary-*.npz"))
    add(collection, tmp_path, "f", scene(9, (10, 150, 0.9))[0])
    assert regions.pending_count(collection) == 1
    report = regions.index_regions(collection, workers=1, writer_options=WRITER)
    assert report.added == 1 and report.images == 6
    assert sorted((collection.root / "local").glob("vocabulary-*.npz")) == vocabulary
    assert "f" in {h.identifier for h in regions.search_regions_by_box(collection, "a", box_of("a")).hits}
    assert regions.index_regions(collection, workers=1).added == 0  # nothing changed
    scene(4, None)[0].save(tmp_path / "b.png")  # b no longer shows the motif
    collection.catalog.delete_record("c")
    report = regions.index_regions(collection, workers=1, writer_options=WRITER)
    assert report.added == 1 and report.removed == 1 and report.images == 5
    assert [h.identifier for h in regions.search_regions_by_box(collection, "a", box_of("a")).hits] == ["f"]
    again = regions.index_regions(collection, workers=1, writer_options=WRITER, again=True)
    assert again.added == 5 and again.images == 5  # every image extracted again, none doubled
    assert len(list((collection.root / "local").glob("segment-*.npz"))) == 1  # the old entries dropped
    assert sorted((collection.root / "local").glob("vocabulary-*.npz")) == vocabulary
    assert [h.identifier for h in regions.search_regions_by_box(collection, "a", box_of("a")).hits] == ["f"]


def test_the_collection_keeps_its_local_index_until_its_files_change(
    collection: Collection, tmp_path: Path,
) -> None:
    regions.index_regions(collection, workers=1, writer_options=WRITER)
    first = collection.local_index()
    assert collection.local_index() is first
    add(collection, tmp_path, "f", scene(9, (10, 150, 0.9))[0])
    regions.index_regions(collection, workers=1, writer_options=WRITER)
    again = collection.local_index()
    assert again is not first and len(again) == len(first) + 1


def test_threads_asking_at_once_load_the_local_index_once(
    collection: Collection, monkeypatch: pytest.MonkeyPatch,
) -> None:
    regions.index_regions(collection, workers=1, writer_options=WRITER)  # which loads it once
    fresh = open_collection(collection.root)
    real, loads = collection_module.open_local_index, []

    def slow_open(*args: object, **kwargs: object) -> LocalIndex:
        loads.append(1)
        time.sleep(0.05)  # wide enough a window for every thread to ask before the first load ends
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(collection_module, "open_local_index", slow_open)
    got: list[LocalIndex] = []
    threads = [threading.Thread(target=lambda: got.append(fresh.local_index())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    fresh.close()
    assert len(loads) == 1 and len(got) == 8 and all(index is got[0] for index in got)


def test_hostile_queries_get_clear_errors(collection: Collection, tmp_path: Path) -> None:
    with pytest.raises(NoLocalIndex, match="vitrine regions index"):
        regions.search_regions_by_box(collection, "a", (0, 0, 50, 50))
    add(collection, tmp_path, "blank", Image.new("RGB", (300, 200), "white"))
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    broken = ImageRef(location=str(tmp_path / "broken.png"))
    collection.catalog.upsert(Record(identifier="broken", images=[broken]))
    report = regions.index_regions(collection, workers=1, writer_options=WRITER)
    assert report.added == 6 and report.failed == 1 and "broken.png" in report.errors[0][0]
    with pytest.raises(RegionSearchError, match="empty"):
        regions.search_regions_by_box(collection, "a", (50, 50, 50, 80))
    with pytest.raises(RegionSearchError, match="outside"):
        regions.search_regions_by_box(collection, "a", (1000, 1000, 1200, 1100))
    with pytest.raises(RegionSearchError, match="finite"):
        regions.search_regions_by_box(collection, "a", (0, 0, float("nan"), 10))
    with pytest.raises(RecordNotFound):
        regions.search_regions_by_box(collection, "nobody", (0, 0, 50, 50))
    with pytest.raises(RegionSearchError, match="image index 3"):
        regions.search_regions_by_box(collection, "a", (0, 0, 50, 50), image_index=3)
    with pytest.raises(RegionSearchError, match="no distinctive detail"):
        regions.search_regions_by_box(collection, "blank", (0, 0, 300, 200))
    with pytest.raises(RegionSearchError, match="no distinctive detail"):
        regions.search_regions_by_image(collection, Image.new("RGB", (100, 100), "grey"))
