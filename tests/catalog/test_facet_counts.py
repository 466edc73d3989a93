"""Facet counts kept by triggers (migration 9) stay equal to the counts computed from the rows
through inserts, updates, re-imports, deletes, and when an older catalogue is migrated."""

from __future__ import annotations

from pathlib import Path

from vitrine.catalog import SCHEMA_VERSION, Catalog
from vitrine.catalog.facetcounts import COUNTED
from vitrine.catalog.migrations import MIGRATIONS
from vitrine.records import Filters, Record


def _record(n: int, **fields: object) -> Record:
    values: dict[str, object] = {
        "title": f"work {n}", "creators": [f"maker {n % 3}"], "object_type": ("painting", "print")[n % 2],
        "source": f"museum {n % 4}", "date_text": str(1450 + 60 * n)}
    values.update(fields)
    return Record(identifier=f"r{n}", **values)  # type: ignore[arg-type]


def _assert_counts_match(catalog: Catalog) -> None:
    for field in (*COUNTED, "curated:tag"):
        kept = catalog.facet(field, Filters(), 100)
        assert kept == catalog.facet_live(field, Filters(), 100), field


def test_counts_follow_inserts_updates_and_deletes(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    for n in range(12):
        catalog.upsert(_record(n))
    with catalog.transaction():
        catalog._db.executemany(
            "INSERT INTO assertions (record_id, kind, value, label, accepted_by, accepted_at)"
            " VALUES (?, 'tag', '{}', ?, 'test', 0)", [(1, "Ship"), (1, "ship"), (2, "ship"), (3, "horse")])
    _assert_counts_match(catalog)
    assert catalog.facet("curated:tag") == [("Ship", 2), ("horse", 1)]
    assert dict(catalog.facet("object_type"))["painting"] == 6

    catalog.upsert(_record(0, object_type="drawing", source=None, date_text=None, creators=["maker 9"]))
    catalog.upsert(_record(1, creators=["maker 1", "maker 1", "maker 2"]))  # a name twice counts once
    catalog.upsert(_record(2, date_text="150 BCE"))  # a century before the common era
    _assert_counts_match(catalog)
    assert dict(catalog.facet("creator"))["maker 9"] == 1
    assert dict(catalog.facet("century"))["-2"] == 1

    catalog.delete_record("r0")
    catalog.delete_record("r1")
    _assert_counts_match(catalog)
    assert "drawing" not in dict(catalog.facet("object_type"))  # a count of zero is not shown
    catalog.upsert(_record(0, object_type="drawing"))
    _assert_counts_match(catalog)
    catalog.close()


def test_counts_are_made_when_an_older_catalogue_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite"
    old = Catalog(path, migrations=MIGRATIONS[:8])
    for n in range(9):
        old.upsert(_record(n))
    old.close()
    catalog = Catalog(path)
    assert catalog.get_meta("schema_version") == str(SCHEMA_VERSION)
    assert dict(catalog.facet("source"))["museum 0"] == 3
    _assert_counts_match(catalog)
    catalog.close()


def test_a_filtered_facet_is_still_counted_from_the_rows(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    for n in range(8):
        catalog.upsert(_record(n))
    assert catalog.facet("source", Filters(object_type="print")) == [("museum 1", 2), ("museum 3", 2)]
    catalog.close()


def test_the_change_stamps_move_on_every_write_and_only_then(tmp_path: Path) -> None:
    """Caches of the whole catalogue (ask, /reconcile) read these in O(1) instead of scanning."""
    catalog = Catalog(tmp_path / "catalog.sqlite")
    first = (catalog.records_stamp(), catalog.text_stamp())
    catalog.upsert(_record(0))
    second = (catalog.records_stamp(), catalog.text_stamp())
    assert second[0] != first[0] and second[1] != first[1]
    assert catalog.count() == 1
    assert (catalog.records_stamp(), catalog.text_stamp()) == second  # reading moves nothing
    catalog.delete_record(_record(0).identifier)
    assert catalog.records_stamp() != second[0]
    catalog.close()
