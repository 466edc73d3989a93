"""The SQLite catalogue: upserts, images on update, full text, filters and facets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from vitrine.catalog import Catalog, fts_query
from vitrine.errors import CatalogError, RecordNotFound
from vitrine.records import Filters, ImageRef, Record


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[Catalog]:
    cat = Catalog(tmp_path / "catalog.sqlite")
    yield cat
    cat.close()


def rec(identifier: str, **fields: object) -> Record:
    return Record(identifier=identifier, **fields)  # type: ignore[arg-type]


@pytest.fixture
def filled(catalog: Catalog) -> Catalog:
    for record in [
        rec("a", title="Storm at sea", creators=["Anna Painter"], date_text="c. 1650",
            object_type="painting", medium="oil on canvas", extra={"museum": "North", "room": 3}),
        rec("b", title="Portrait of a lady", creators=["Bruno Engraver", "Anna Painter"],
            date_text="1701-1710", object_type="print", medium="etching", extra={"museum": "South"}),
        rec("c", title="Harbour at dawn", creators=["Georgia O'Keeffe"], date_text="after 1850",
            object_type="Painting", extra={"museum": "North"}),
        rec("d", title="Wall painting", creators=["Unknown"], date_text="ca. 50–40 BCE",
            object_type="fresco"),
        rec("e", title="Undated sketch", date_text="undated", object_type="drawing"),
        rec("f", title="Old map", date_text="before 1600", object_type="map"),
    ]:
        catalog.upsert(record)
    return catalog


def test_upsert_adds_then_leaves_unchanged_then_updates(catalog: Catalog) -> None:
    first = catalog.upsert(rec("x", title="One"))
    assert first.status == "added"
    assert catalog.upsert(rec("x", title="One")).status == "unchanged"
    again = catalog.upsert(rec("x", title="One, revised", creators=["Z"]))
    assert (again.status, again.record_id) == ("updated", first.record_id)
    stored = catalog.get("x")
    assert stored.title == "One, revised" and stored.creators == ["Z"]
    assert catalog.count() == 1


def test_images_kept_added_and_removed_on_update(catalog: Catalog) -> None:
    catalog.upsert(rec("x", images=[ImageRef("a.jpg"), ImageRef("b.jpg")]))
    a, b = (i.id for i in catalog.images_of("x"))
    catalog.set_image_file(a, local_path=None, width=10, height=20, sha256="abc")
    result = catalog.upsert(rec("x", images=[ImageRef("c.jpg"), ImageRef("a.jpg")]))
    assert result.removed_images == (b,)
    images = catalog.images_of("x")
    assert [i.location for i in images] == ["c.jpg", "a.jpg"]  # new order kept
    assert images[1].id == a and images[1].sha256 == "abc"  # the kept image keeps its decode
    assert [i.location for i in catalog.get("x").images] == ["c.jpg", "a.jpg"]


def test_delete_returns_image_ids_and_forgets_the_record(filled: Catalog) -> None:
    filled.upsert(rec("g", title="Lonely lighthouse", images=[ImageRef("g.jpg")]))
    (image,) = filled.images_of("g")
    assert filled.delete_record("g") == [image.id]
    with pytest.raises(RecordNotFound):
        filled.get("g")
    assert filled.full_text("lighthouse", 10) == []


def ids(catalog: Catalog, record_ids: list[int]) -> set[str]:
    return {r.identifier for r in catalog.get_many(record_ids).values()}


def test_full_text_ranks_title_matches_and_ignores_syntax(filled: Catalog) -> None:
    hits = filled.full_text("storm", 10)
    assert ids(filled, [h[0] for h in hits]) == {"a"}
    assert ids(filled, [h[0] for h in filled.full_text("anna", 10)]) == {"a", "b"}
    assert ids(filled, [h[0] for h in filled.full_text("harb", 10)]) == {"c"}  # prefix of the last word
    assert ids(filled, [h[0] for h in filled.full_text("O'Keeffe", 10)]) == {"c"}
    assert ids(filled, [h[0] for h in filled.full_text('portrait" OR NEAR(', 10)]) == {"b"}
    assert filled.full_text("  ;; ", 10) == []
    assert ids(filled, [h[0] for h in filled.full_text("north", 10)]) == {"a", "c"}  # extra values
    assert ids(filled, [h[0] for h in filled.full_text("painting", 10, Filters(creator="anna"))]) == {"a"}


def test_fts_query_quotes_every_word() -> None:
    assert fts_query("storm at-sea") == '"storm" OR "at" OR "sea"*'
    assert fts_query("*)(") == ""


@pytest.mark.parametrize(("filters", "expected"), [
    (Filters(), {"a", "b", "c", "d", "e", "f"}),
    (Filters(year_from=1640, year_to=1660), {"a"}),  # "before 1600" ends in 1600: no overlap
    (Filters(year_from=1700, year_to=1705), {"b"}),
    (Filters(year_from=1900), {"c"}),  # "after 1850" is open-ended
    (Filters(year_to=1599), {"d", "f"}),  # "before 1600" has no start
    (Filters(year_to=0), {"d", "f"}),  # "before 1600" may be older still
    (Filters(object_type="painting"), {"a", "c"}),  # case-insensitive
    (Filters(creator="anna"), {"a", "b"}),
    (Filters(creator="o'kee"), {"c"}),
    (Filters(creator="100%"), set()),
    (Filters(fields={"museum": "north"}), {"a", "c"}),
    (Filters(fields={"room": "3"}), {"a"}),
    (Filters(object_type="painting", year_from=1800), {"c"}),
])
def test_filters(filled: Catalog, filters: Filters, expected: set[str]) -> None:
    assert ids(filled, filled.filter_record_ids(filters)) == expected


def test_filters_reach_images(filled: Catalog) -> None:
    filled.upsert(rec("g", object_type="photo", images=[ImageRef("1.jpg"), ImageRef("2.jpg")]))
    found = filled.filter_image_ids(Filters(object_type="photo"))
    assert sorted(found.tolist()) == sorted(i.id for i in filled.images_of("g"))


def test_a_bad_field_name_is_refused(filled: Catalog) -> None:
    with pytest.raises(CatalogError, match="field name"):
        filled.filter_record_ids(Filters(fields={"x') OR 1=1 --": "y"}))


def test_facets(filled: Catalog) -> None:
    assert filled.facet("creator")[0] == ("Anna Painter", 2)
    assert dict(filled.facet("object_type"))["print"] == 1
    assert dict(filled.facet("museum")) == {"North": 2, "South": 1}
    assert dict(filled.facet("museum", Filters(object_type="print"))) == {"South": 1}
    centuries = dict(filled.facet("century"))
    assert centuries == {"17": 1, "18": 1, "19": 1, "-1": 1}


def test_import_runs_resume_until_finished(catalog: Catalog) -> None:
    run = catalog.begin_import("file.csv", "tabular")
    assert not run.resumed
    catalog.save_cursor(run.id, "42")
    catalog.count_import(run.id, "added")
    again = catalog.begin_import("file.csv", "tabular")
    assert (again.id, again.resumed, again.cursor) == (run.id, True, "42")
    catalog.add_import_error(run.id, "line 3", "bad")
    catalog.finish_import(run.id)
    assert catalog.import_counts(run.id)["added"] == 1
    assert catalog.import_errors(run.id) == [("line 3", "bad")]
    assert not catalog.begin_import("file.csv", "tabular").resumed
