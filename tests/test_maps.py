"""The similarity map library: build (PCA fallback), reload, update, colours, selection and export."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
from PIL import Image, ImageFilter

from conftest import draw_image, sample_records
from vitrine.collection import Collection, create_collection, open_collection
from vitrine.errors import LayoutError, MapNotBuilt, MapQueryError
from vitrine.indexing import index_collection
from vitrine.maps import (
    build_map,
    create_layout,
    export_selection,
    load_map,
    map_colors,
    map_fields,
    map_status,
    parse_ids,
    point_records,
    selected_works,
    update_map,
)
from vitrine.maps.atlas import SHEET_PX, atlas_dir, sheet_path
from vitrine.maps.build import z_order
from vitrine.maps.layout import normalise, pca
from vitrine.maps.store import map_dir
from vitrine.records import ImageRef, Record

N = 30


@pytest.fixture
def coll(tmp_path: Path) -> Iterator[Collection]:
    collection = create_collection(tmp_path / "c", embedder="fake", index="memory")
    for record in sample_records(tmp_path / "pics", N):
        collection.catalog.upsert(record)
    index_collection(collection, workers=1)
    yield collection
    collection.close()


def test_build_stores_a_normalised_layout_that_reloads(coll: Collection) -> None:
    report = build_map(coll, "pca")
    assert report.count == len(coll.index) == N + 1  # record 0 has two images
    coll.close()
    again = open_collection(coll.root)
    data = load_map(again)
    assert data.coords.dtype == np.float32 and data.coords.shape == (N + 1, 2)
    assert data.coords.min() >= 0 and data.coords.max() <= 1
    assert np.isclose(np.ptp(data.coords, axis=0).max(), 1.0)
    assert sorted(data.ids.tolist()) == again.index.ids().tolist()
    assert data.meta.embedder == again.vectors_key and data.meta.method == "pca"
    assert data.meta.built_at > 0 and data.meta.atlas["count"] == N + 1
    assert not data.placed.any()
    # points are stored along a Z-order curve, so atlas sheets hold neighbourhoods
    assert np.all(np.diff(z_order(data.coords).astype(np.float64)) >= 0)
    again.close()


def test_layout_reflects_similarity() -> None:
    rng = np.random.default_rng(1)
    centres = rng.normal(size=(3, 40))
    vectors = np.concatenate([c + 0.05 * rng.normal(size=(50, 40)) for c in centres]).astype(np.float32)
    coords = normalise(create_layout("pca").fit(vectors))
    labels = np.repeat(np.arange(3), 50)
    within = np.mean([np.linalg.norm(coords[labels == k] - coords[labels == k].mean(0), axis=1).mean()
                      for k in range(3)])
    between = np.linalg.norm(coords[:, None] - coords[None], axis=2).mean()
    assert within < between / 4


def test_pca_is_deterministic_in_sign() -> None:
    x = np.random.default_rng(3).normal(size=(200, 16)).astype(np.float32)
    assert np.allclose(pca(x, 2), pca(x[::-1].copy(), 2)[::-1], atol=1e-4)


def test_atlas_sheets_hold_the_thumbnails(coll: Collection) -> None:
    build_map(coll, "pca")
    data = load_map(coll)
    folder = atlas_dir(map_dir(coll), data.meta.version)
    for cell in (32, 64):
        with Image.open(sheet_path(folder, cell, 0)) as sheet:
            assert sheet.size == (SHEET_PX, SHEET_PX) and sheet.format == "JPEG"
            first = np.asarray(sheet.crop((0, 0, cell, cell)).convert("RGB"), np.float32)
    image = coll.catalog.image(int(data.ids[0]))
    with Image.open(coll.thumbnail_path(str(image.sha256))) as thumb:
        expected = np.asarray(thumb.convert("RGB").resize((64, 64)), np.float32)
    assert np.abs(first.mean((0, 1)) - expected.mean((0, 1))).max() < 20
    build_map(coll, "pca")  # a rebuild replaces the old sheets
    assert len(list(map_dir(coll).glob("atlas-*"))) == 1


def test_update_places_new_images_near_their_neighbours(coll: Collection, tmp_path: Path) -> None:
    build_map(coll, "pca")
    before = load_map(coll)
    originals = [3, 8, 17]
    for i in originals:  # a slightly blurred copy of an existing image
        path = tmp_path / f"copy{i}.png"
        draw_image(i).filter(ImageFilter.GaussianBlur(0.6)).save(path)
        coll.catalog.upsert(Record(identifier=f"copy{i}", title=f"Copy of {i}",
                                   images=[ImageRef(location=str(path))]))
    index_collection(coll, workers=1)
    assert map_status(coll).missing == 3
    report = update_map(coll)
    assert report.added == 3 and report.total == N + 4
    after = load_map(coll)
    assert np.array_equal(after.coords[: len(before)], before.coords)  # nobody else moved
    assert after.placed.sum() == 3 and map_status(coll).complete
    spread = np.linalg.norm(before.coords[:, None] - before.coords[None], axis=2).mean()
    for i in originals:
        original = coll.catalog.images_of(f"r{i:02d}")[0].id
        copy = coll.catalog.images_of(f"copy{i}")[0].id
        rows = after.positions_of(np.array([original, copy]))
        assert np.linalg.norm(after.coords[rows[0]] - after.coords[rows[1]]) < spread / 3
    assert after.meta.atlas["count"] == N + 4


def test_update_drops_deleted_images(coll: Collection) -> None:
    build_map(coll, "pca")
    gone = coll.catalog.delete_record("r05")
    coll.index.remove(np.array(gone, np.int64))
    report = update_map(coll)
    assert report.removed == 1 and report.total == N
    assert not np.isin(gone, load_map(coll).ids).any()


def test_unbuilt_map_says_how_to_build_it(coll: Collection) -> None:
    assert not map_status(coll).built
    with pytest.raises(MapNotBuilt, match="vitrine map build c"):
        load_map(coll)
    with pytest.raises(MapNotBuilt):
        update_map(coll)


def test_empty_collection_cannot_be_mapped(tmp_path: Path) -> None:
    empty = create_collection(tmp_path / "e", embedder="fake", index="memory")
    with empty, pytest.raises(MapNotBuilt, match="vitrine index e"):
        build_map(empty, "pca")


def test_a_failed_build_keeps_the_previous_map(coll: Collection) -> None:
    build_map(coll, "pca")
    before = load_map(coll)

    class Broken:
        name = "broken"
        params: ClassVar[dict[str, object]] = {}

        def fit(self, vectors: object, timings: object = None) -> object:
            raise RuntimeError("layout crashed")

    with pytest.raises(RuntimeError):
        build_map(coll, layout=Broken())  # type: ignore[arg-type]
    assert np.array_equal(load_map(coll).coords, before.coords)


def test_layout_errors() -> None:
    with pytest.raises(LayoutError, match="umap or pca"):
        create_layout("tsne")
    with pytest.raises(LayoutError, match="neighbors"):
        create_layout("umap", neighbors=1)


def test_colours_by_category_gradient_and_extra_field(coll: Collection) -> None:
    build_map(coll, "pca")
    data = load_map(coll)
    records = point_records(coll, data)
    names = [f.name for f in map_fields(coll)]
    assert {"creator", "object_type", "source", "year", "museum", "inventory"} <= set(names)
    by_type = map_colors(records, "object_type")
    assert by_type.kind == "category" and sorted(v for v, _ in by_type.legend) == ["painting", "print"]
    assert sum(n for _, n in by_type.legend) == len(data)
    for code, record in zip(by_type.codes, records, strict=True):
        assert record is not None and by_type.legend[code][0] == record.object_type
    year = map_colors(records, "year")
    assert year.kind == "gradient" and (year.low, year.high) == (1600, 1600 + 25 * (N - 1))
    oldest = [i for i, r in enumerate(records) if r and r.year_min == 1600]
    assert all(year.codes[i] == 0 for i in oldest)
    museum = map_colors(records, "museum")
    assert {v for v, _ in museum.legend} == {"North", "South"}
    inventory = map_colors(records, "inventory")  # many values: 19 kept, the rest "other"
    assert len(inventory.legend) == 20 and inventory.legend[-1][0] == "other"


def test_unknown_colour_field(coll: Collection) -> None:
    build_map(coll, "pca")
    with pytest.raises(MapQueryError, match="no work on the map has a field 'nonsense'"):
        map_colors(point_records(coll, load_map(coll)), "nonsense")


def test_export_csv(coll: Collection) -> None:
    build_map(coll, "pca")
    data = load_map(coll)
    ids = data.ids[:5]
    works = selected_works(coll, data, ids)
    rows = list(csv.DictReader(io.StringIO(export_selection(works, "csv", "http://x", "sel"))))
    expected = {coll.catalog.image(int(i)).identifier for i in ids}
    assert {r["identifier"] for r in rows} == expected and len(rows) == len(expected)
    assert all(r["title"] and r["museum"] for r in rows)


def test_export_iiif_collection_is_valid_presentation_3(coll: Collection) -> None:
    build_map(coll, "pca")
    data = load_map(coll)
    works = selected_works(coll, data, data.ids[:4])
    doc = json.loads(export_selection(works, "iiif", "http://museum.test/", "My selection"))
    assert doc["@context"] == "http://iiif.io/api/presentation/3/context.json"
    assert doc["type"] == "Collection" and doc["id"].startswith("http://museum.test/")
    assert doc["label"] == {"en": ["My selection"]}
    assert len(doc["items"]) == len(works)
    for item, work in zip(doc["items"], works, strict=True):
        assert item["type"] == "Manifest"
        assert item["id"] == f"http://museum.test/iiif/{work.record.identifier}/manifest"
        assert item["label"]["none"] == [work.record.title]
        assert item["thumbnail"][0]["id"] == f"http://museum.test/images/{work.image_id}/thumbnail"
        assert item["thumbnail"][0]["type"] == "Image"


def test_selection_errors(coll: Collection) -> None:
    build_map(coll, "pca")
    data = load_map(coll)
    with pytest.raises(MapQueryError, match="not on the map"):
        selected_works(coll, data, np.array([999_999], np.int64))
    with pytest.raises(MapQueryError, match="whole numbers"):
        parse_ids("1, two, 3")
    with pytest.raises(MapQueryError, match="whole numbers"):
        parse_ids([1, -2])
    assert parse_ids("4,5 6").tolist() == [4, 5, 6]
    with pytest.raises(MapQueryError, match="unknown export format"):
        export_selection([], "pdf", "http://x", "sel")
