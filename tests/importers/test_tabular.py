"""CSV / JSON Lines import: column mappings, row-level errors, resume cursors, the public-art CSV."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from vitrine.collection import create_collection
from vitrine.errors import ImportError_
from vitrine.importers.base import SourceItem, run_import
from vitrine.importers.mapping import ColumnMapping, detect_columns
from vitrine.importers.tabular import TabularSource


def write(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def records(items: list[SourceItem]) -> dict[str, SourceItem]:
    return {i.record.identifier: i for i in items if i.record is not None}


def errors(items: list[SourceItem]) -> list[tuple[str, str]]:
    return [(i.item, i.error or "") for i in items if i.record is None]


# -- mappings ---------------------------------------------------------------------------------

def test_mapping_parses_cli_strings() -> None:
    mapping = ColumnMapping.parse("identifier=id, title=Title ,creators=artist,image=file")
    assert mapping.columns == {"identifier": "id", "title": "Title", "creators": "artist", "image": "file"}


@pytest.mark.parametrize(("text", "message"), [
    ("identifier", "should read field=column"),
    ("painter=artist", r"unknown record field\(s\) painter"),
])
def test_bad_mapping_strings_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ImportError_, match=message):
        ColumnMapping.parse(text)


def test_mapping_file_with_options(tmp_path: Path) -> None:
    path = write(tmp_path / "map.toml", """
source = "prints"
delimiter = ";"
creators_separator = "/"
image_base = "scans"
[columns]
identifier = "inv"
creators = "makers"
""")
    mapping = ColumnMapping.load(path)
    assert mapping.columns == {"identifier": "inv", "creators": "makers"}
    assert (mapping.source_name, mapping.delimiter, mapping.creators_separator) == ("prints", ";", "/")
    assert mapping.image_base == tmp_path / "scans"


@pytest.mark.parametrize(("text", "message"), [
    ("colour = 1", "unknown mapping option"),
    ("[columns\n", "not valid TOML"),
])
def test_bad_mapping_files(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ImportError_, match=message):
        ColumnMapping.load(write(tmp_path / "m.toml", text))


def test_columns_are_detected_from_their_names() -> None:
    found = detect_columns(["Object ID", "Title", "Artist", "Date", "Medium", "Image URL", "Notes", "Year"])
    assert found == {
        "identifier": "Object ID", "title": "Title", "creators": "Artist", "date_text": "Date",
        "medium": "Medium", "image": "Image URL", "year_min": "Year", "year_max": "Year",
    }


def test_explicit_mapping_wins_and_the_displaced_column_goes_to_extra(tmp_path: Path) -> None:
    csv = write(tmp_path / "a.csv", "id,title,name\nx1,a working title,The Real Title\n")
    (item,) = TabularSource(csv, ColumnMapping.parse("title=name")).read()
    assert item.record is not None
    assert item.record.title == "The Real Title"
    assert item.record.extra == {"title": "a working title"}


def test_a_field_mapped_to_nothing_is_not_detected(tmp_path: Path) -> None:
    csv = write(tmp_path / "a.csv", "id,title\nx1,T\n")
    (item,) = TabularSource(csv, ColumnMapping.parse("title=")).read()
    assert item.record is not None and item.record.title is None and item.record.extra == {"title": "T"}


def test_a_mapped_column_missing_from_the_file_is_named(tmp_path: Path) -> None:
    csv = write(tmp_path / "a.csv", "id,title,painter\nx1,T,P\n")
    with pytest.raises(ImportError_) as caught:
        list(TabularSource(csv, ColumnMapping.parse("creators=artist")).read())
    message = str(caught.value)
    assert "no column 'artist'" in message and "creators='artist'" in message
    assert "id, title, painter" in message


# -- CSV rows ---------------------------------------------------------------------------------

CSV = """\
id,title,artist,date,year,file,museum,notes
a1,Storm,Anna Painter; Bruno Engraver,c. 1650,1650,scans/a1.jpg|scans/a1-back.jpg,North,
a2,Calm,Carla,undated,1701,https://example.org/a2.jpg,South,"two
lines"
a3,Harbour,,1650–1660,,/abs/a3.png,,
"""


def test_csv_rows_become_records(tmp_path: Path) -> None:
    csv = write(tmp_path / "r.csv", CSV)
    mapping = ColumnMapping.parse("image=file", source_name="test")
    got = records(list(TabularSource(csv, mapping).read()))
    a1, a2, a3 = got["a1"].record, got["a2"].record, got["a3"].record
    assert a1 is not None and a2 is not None and a3 is not None
    assert a1.creators == ["Anna Painter", "Bruno Engraver"]
    assert [i.location for i in a1.images] == [
        str(tmp_path / "scans" / "a1.jpg"), str(tmp_path / "scans" / "a1-back.jpg")]
    assert (a1.year_min, a1.year_max, a1.source) == (1645, 1655, "test")
    assert a1.extra == {"museum": "North"}  # empty cells are left out
    assert a2.images[0].location == "https://example.org/a2.jpg"
    assert (a2.year_min, a2.year_max) == (1701, 1701)  # the year column stands in for "undated"
    assert a2.extra == {"museum": "South", "notes": "two\nlines"}
    assert a3.creators == [] and a3.images[0].location == "/abs/a3.png"
    assert (a3.year_min, a3.year_max) == (1650, 1660)
    assert got["a3"].item == "r.csv line 5"  # counted after the two-line cell


def test_image_base_from_the_mapping(tmp_path: Path) -> None:
    csv = write(tmp_path / "r.csv", "id,file\nx,a.jpg\n")
    mapping = ColumnMapping(image_base=tmp_path / "elsewhere")
    (item,) = TabularSource(csv, mapping).read()
    assert item.record is not None and item.record.images[0].location == str(tmp_path / "elsewhere" / "a.jpg")


def test_bad_rows_are_reported_by_line_and_do_not_stop_the_import(tmp_path: Path) -> None:
    data = (b"id,title\n"
            b"r1,One\n"
            b",No identifier\n"
            b"r1,Again\n"
            b"r4,Too,many,fields\n"
            b"r5,Bad \xff bytes\n"
            b"\n"
            b"r7,Seven\n")
    items = list(TabularSource(write(tmp_path / "bad.csv", data)).read())
    assert sorted(records(items)) == ["r1", "r7"]
    assert records(items)["r1"].record.title == "One"  # type: ignore[union-attr]
    reasons = dict(errors(items))
    assert "no identifier" in reasons["bad.csv line 3"]
    assert "'r1' already used at line 2" in reasons["bad.csv line 4"]
    assert "4 fields where the header has 2" in reasons["bad.csv line 5"]
    assert "not utf-8" in reasons["bad.csv line 6"]
    assert records(items)["r7"].item == "bad.csv line 8"


@pytest.mark.parametrize(("name", "text"), [
    ("semi.csv", "id;title;artist\nx;A title, with a comma;P\n"),
    ("tabs.tsv", "id\ttitle\tartist\nx\tA title, with a comma\tP\n"),
])
def test_delimiters_are_sniffed_or_implied(tmp_path: Path, name: str, text: str) -> None:
    (item,) = TabularSource(write(tmp_path / name, text)).read()
    assert item.record is not None and item.record.title == "A title, with a comma"


def test_byte_order_mark_and_blank_header_names(tmp_path: Path) -> None:
    csv = write(tmp_path / "bom.csv", "\ufeffid,,title,title\nx,e,T,U\n".encode())
    (item,) = TabularSource(csv).read()
    assert item.record is not None and item.record.identifier == "x"
    assert item.record.extra == {"column_2": "e", "title_2": "U"}


def test_unknown_extension_needs_a_kind(tmp_path: Path) -> None:
    path = write(tmp_path / "data.dat", "id\nx\n")
    with pytest.raises(ImportError_, match="kind='csv'"):
        TabularSource(path)
    assert len(list(TabularSource(path, kind="csv").read())) == 1


def test_empty_csv_is_an_import_error(tmp_path: Path) -> None:
    with pytest.raises(ImportError_, match="is empty"):
        list(TabularSource(write(tmp_path / "e.csv", "")).read())


# -- JSON Lines -------------------------------------------------------------------------------

def test_json_lines_rows(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": 1, "title": "One", "creators": ["A", "B"], "images": ["a.png"],
                    "dateRange": {"start": 1700}, "tags": ["x"]}),
        "{broken",
        "[1, 2]",
        "",
        json.dumps({"id": "2", "title": "Two", "date": "1820s"}),
    ]
    path = write(tmp_path / "rows.jsonl", "\n".join(lines) + "\n")
    items = list(TabularSource(path).read())
    got = records(items)
    one = got["1"].record
    assert one is not None and one.creators == ["A", "B"]
    assert one.images[0].location == str(tmp_path / "a.png")
    assert one.extra == {"dateRange": {"start": 1700}, "tags": ["x"]}
    assert (got["2"].record.year_min, got["2"].record.year_max) == (1820, 1829)  # type: ignore[union-attr]
    assert got["2"].item == "rows.jsonl line 5"
    reasons = dict(errors(items))
    assert "not valid JSON" in reasons["rows.jsonl line 2"]
    assert "not an object" in reasons["rows.jsonl line 3"]


def test_a_json_array_file_is_refused_with_advice(tmp_path: Path) -> None:
    path = write(tmp_path / "rows.json", '[{"id": 1}]')
    with pytest.raises(ImportError_, match="JSON Lines"):
        list(TabularSource(path).read())


# -- resume cursors ---------------------------------------------------------------------------

def make_csv(path: Path, n: int) -> Path:
    return write(path, "id,title\n" + "".join(f"r{i:04d},Title {i}\n" for i in range(n)))


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_reading_resumes_after_the_cursor(tmp_path: Path, kind: str) -> None:
    if kind == "csv":
        path = make_csv(tmp_path / "r.csv", 50)
    else:
        path = write(tmp_path / "r.jsonl", "".join(json.dumps({"id": f"r{i:04d}"}) + "\n" for i in range(50)))
    source = TabularSource(path)
    first = list(source.read())
    rest = list(source.read(first[19].cursor))
    assert [i.item for i in rest] == [i.item for i in first[20:]]
    assert [i.record for i in rest] == [i.record for i in first[20:]]


def test_a_cursor_into_a_changed_file_starts_over(tmp_path: Path) -> None:
    path = make_csv(tmp_path / "r.csv", 10)
    cursor = list(TabularSource(path).read())[5].cursor
    make_csv(path, 3)  # shorter now: the saved offset points past the end
    assert len(list(TabularSource(path).read(cursor))) == 3


def test_total_counts_rows(tmp_path: Path) -> None:
    assert TabularSource(make_csv(tmp_path / "r.csv", 12)).total() == 12
    assert TabularSource(write(tmp_path / "n.csv", "id\na\nb")).total() == 2


# -- the public-art collection, read in place ----------------------------------------------------

PUBLIC_ART_MAPPING = "identifier=id,image=file,creators=artist,date_text=date,year_min=year,year_max=year"


@pytest.mark.shared
def test_public_art_csv_imports_whole_and_re_imports_unchanged(shared_dir: Path, tmp_path: Path) -> None:
    csv = shared_dir / "data" / "public-art" / "records.csv"
    if not csv.is_file():
        pytest.skip(f"{csv} is absent")
    source = TabularSource(csv, ColumnMapping.parse(PUBLIC_ART_MAPPING, source_name="public-art"))
    with create_collection(tmp_path / "art", embedder="fake", index="memory") as collection:
        started = time.perf_counter()
        first = run_import(collection, source)
        seconds = time.perf_counter() - started
        assert (first.added, first.failed, first.errors) == (4375, 0, [])
        assert collection.catalog.stats()["images"] == 4375
        fresco = collection.catalog.get("met-247009")
        assert fresco.title is not None and fresco.title.startswith("Wall painting from Room H")
        assert fresco.creators == ["Unknown"] and fresco.medium == "Fresco"
        assert (fresco.date_text, fresco.year_min, fresco.year_max) == ("ca. 50–40 BCE", -55, -35)
        assert fresco.extra["museum"] == "Metropolitan Museum of Art"
        image = Path(fresco.images[0].location)
        assert image.is_file() and image.name == "met-247009.jpg"
        everything = list(collection.catalog.iter_records())
        assert all(r.year_min is not None or r.year_max is not None for r in everything)
        assert [r.date_text for r in everything if r.year_min is None] == ["before 1528"]
        second = run_import(collection, source)
        assert (second.added, second.updated, second.unchanged, second.resumed) == (0, 0, 4375, False)
    print(f"public-art: {first.added} records imported in {seconds:.2f} s")
