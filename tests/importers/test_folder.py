"""Folder import: stable identifiers, titles from names, JSON sidecars, bad files reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vitrine.collection import create_collection
from vitrine.errors import ImportError_
from vitrine.importers.base import SourceItem, run_import
from vitrine.importers.folder import FolderSource, title_from_name

try:
    from tests.imagegen import make_images
except ModuleNotFoundError:
    from imagegen import make_images  # type: ignore[no-redef]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "scans"
    make_images(root, 2, seed=1, prefix="plate_")
    make_images(root / "box 2", 2, seed=2, ext="jpg", prefix="Folio-")
    make_images(root / ".thumbs", 1, seed=3)
    (root / "notes.txt").write_text("not an image")
    (root / "UPPER.JPG").write_bytes((root / "box 2" / "Folio-0000.jpg").read_bytes())
    return root


def by_id(items: list[SourceItem]) -> dict[str, SourceItem]:
    return {i.record.identifier: i for i in items if i.record is not None}


def test_every_image_becomes_a_record_in_a_stable_order(folder: Path) -> None:
    items = list(FolderSource(folder).read())
    assert [i.cursor for i in items] == ["UPPER", "box 2/Folio-0000", "box 2/Folio-0001",
                                         "plate_0000", "plate_0001"]
    plate = by_id(items)["plate_0000"].record
    assert plate is not None and plate.title == "plate 0000"
    assert plate.images[0].location == str(folder / "plate_0000.png")
    assert by_id(items)["box 2/Folio-0001"].record.title == "Folio 0001"  # type: ignore[union-attr]


def test_not_recursive_and_source_name(folder: Path) -> None:
    items = list(FolderSource(folder, recursive=False, source_name="scans").read())
    assert sorted(by_id(items)) == ["UPPER", "plate_0000", "plate_0001"]
    assert {i.record.source for i in items if i.record} == {"scans"}


def test_files_differing_only_by_extension_make_one_record(folder: Path) -> None:
    (folder / "plate_0000.tif").write_bytes(b"II*\x00 a tiff would be here")
    items = list(FolderSource(folder).read())
    record = by_id(items)["plate_0000"].record
    assert record is not None
    assert [Path(i.location).name for i in record.images] == ["plate_0000.png", "plate_0000.tif"]


def test_json_sidecars_fill_the_record(folder: Path) -> None:
    (folder / "plate_0000.json").write_text(json.dumps({
        "title": "View of Delft", "creators": ["J. Vermeer"], "date": "c. 1660", "shelfmark": "A/1"}))
    (folder / "plate_0001.png.json").write_text(json.dumps({"identifier": "inv-77", "medium": "ink"}))
    got = by_id(list(FolderSource(folder).read()))
    delft = got["plate_0000"].record
    assert delft is not None
    assert (delft.title, delft.creators, delft.date_text) == ("View of Delft", ["J. Vermeer"], "c. 1660")
    assert (delft.year_min, delft.year_max) == (1655, 1665)
    assert delft.extra == {"shelfmark": "A/1"}
    assert delft.images[0].location == str(folder / "plate_0000.png")
    renamed = got["inv-77"].record
    assert renamed is not None and renamed.medium == "ink" and renamed.title == "plate 0001"
    assert got["inv-77"].cursor == "plate_0001"
    assert not list(FolderSource(folder, sidecars=False).read())[3].record.extra  # type: ignore[union-attr]


def test_bad_sidecars_and_empty_files_are_reported_not_fatal(folder: Path) -> None:
    (folder / "plate_0000.json").write_text("{not json")
    (folder / "plate_0001.json").write_text("[1, 2]")
    (folder / "box 2" / "Folio-0000.jpg").write_bytes(b"")
    items = list(FolderSource(folder).read())
    assert sorted(by_id(items)) == ["UPPER", "box 2/Folio-0001"]
    reasons = {i.item: i.error for i in items if i.record is None}
    assert "plate_0000.json is not valid JSON" in str(reasons["plate_0000.png"])
    assert "holds a JSON list, not an object" in str(reasons["plate_0001.png"])
    assert reasons["box 2/Folio-0000.jpg"] == "empty file (Folio-0000.jpg)"


def test_resume_skips_everything_up_to_the_cursor(folder: Path) -> None:
    source = FolderSource(folder)
    assert source.total() == 5
    assert [i.cursor for i in source.read("box 2/Folio-0001")] == ["plate_0000", "plate_0001"]


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ImportError_, match="no such folder"):
        FolderSource(tmp_path / "absent")


@pytest.mark.parametrize(("stem", "title"), [
    ("met-247009", "met 247009"), ("Storm_at__sea", "Storm at sea"), ("1650-1660", "1650-1660"),
    ("___", "___"),
])
def test_titles_from_file_names(stem: str, title: str) -> None:
    assert title_from_name(stem) == title


def test_folder_import_is_idempotent_and_sees_new_files(folder: Path, tmp_path: Path) -> None:
    with create_collection(tmp_path / "c", embedder="fake", index="memory") as collection:
        first = run_import(collection, FolderSource(folder))
        assert (first.added, first.failed) == (5, 0)
        again = run_import(collection, FolderSource(folder))
        assert (again.added, again.updated, again.unchanged) == (0, 0, 5)
        make_images(folder, 3, seed=1, prefix="plate_")  # plate_0002 is new
        (folder / "plate_0001.json").write_text('{"title": "Renamed"}')
        third = run_import(collection, FolderSource(folder))
        assert (third.added, third.updated, third.unchanged) == (1, 1, 4)
        assert collection.catalog.get("plate_0001").title == "Renamed"
        assert collection.catalog.count() == 6
