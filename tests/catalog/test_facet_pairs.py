"""Facet counts by pairs (migration 11): a facet under one filter (an object type, a source, a
century) read from kept counts equals the one counted from the rows, through inserts, updates,
re-imports, accepted and undone values, deletes, and when an older catalogue is migrated."""

from __future__ import annotations

import sqlite3
import sys
import threading
from pathlib import Path

import pytest

from vitrine.catalog import Catalog, facetpairs
from vitrine.catalog.filters import filter_sql
from vitrine.catalog.migrations import MIGRATIONS
from vitrine.records import Filters, Record

FIELDS = (*facetpairs.FIELDS, *(f"curated:{k}" for k in facetpairs.KINDS))
DATES = ("1450", "ca. 1620", "1599-1601", "150 BCE", "after 1850", "before 1300", None, "1700", "20 CE",
         "500-1700")


def _record(n: int, **fields: object) -> Record:
    values: dict[str, object] = {
        "title": f"work {n}", "creators": [f"maker {n % 3}", f"maker {n % 5}"],
        "object_type": ("painting", "print", "Painting")[n % 3], "source": f"museum {n % 4}",
        "date_text": DATES[n % len(DATES)]}
    values.update(fields)
    return Record(identifier=f"r{n}", **values)  # type: ignore[arg-type]


def _filters(catalog: Catalog) -> list[Filters]:
    types = {v for v, _ in catalog.facet_live("object_type", Filters(), 100)} | {"PAINTING", "none"}
    sources = {v for v, _ in catalog.facet_live("source", Filters(), 100)} | {"nowhere"}
    return ([Filters(object_type=t) for t in sorted(types)] + [Filters(source=s) for s in sorted(sources)]
            + [Filters(year_from=(k - 1) * 100 + 1, year_to=k * 100) for k in range(-3, 23)])


def _assert_pairs_match(catalog: Catalog, kept_labels: bool = True) -> None:
    for filters in _filters(catalog):
        for field in FIELDS:
            live = catalog.facet_live(field, filters, 100)
            kept = facetpairs.read(catalog._db, field, filters, 100)
            if kept is None:
                assert field.startswith("curated:") and not kept_labels, (field, filters)
                continue
            assert kept == live, (field, filters)
            assert catalog.facet(field, filters, 100) == live


def _accept(catalog: Catalog, rows: list[tuple[int, str, str]]) -> None:
    with catalog.transaction():
        catalog._db.executemany(
            "INSERT INTO assertions (record_id, kind, value, label, accepted_by, accepted_at)"
            " VALUES (?, ?, '{}', ?, 'test', 0)", rows)


def test_pairs_follow_inserts_updates_and_deletes(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    for n in range(30):
        catalog.upsert(_record(n))
    _accept(catalog, [(1, "tag", "ship"), (1, "tag", "ship"), (2, "tag", "ship"), (3, "tag", "horse"),
                      (3, "class", "ship"), (4, "date", "x"), (5, "link", "Q1")])
    _assert_pairs_match(catalog)
    assert catalog.facet("curated:tag", Filters(object_type="painting")) == [("horse", 1), ("ship", 1)]

    catalog.upsert(_record(0, object_type="drawing", source=None, date_text=None, creators=["maker 9"]))
    catalog.upsert(_record(1, creators=["maker 1", "maker 1", "maker 2"], date_text="1510"))
    catalog.upsert(_record(2, date_text="150 BCE", object_type="PRINT"))  # a century before the common era
    catalog._db.execute("UPDATE records SET year_min = 1205, year_max = NULL WHERE id = 3")  # a curated date
    _assert_pairs_match(catalog)

    catalog._db.execute("DELETE FROM assertions WHERE record_id = 1 AND kind = 'tag' AND id = (SELECT min(id)"
                        " FROM assertions WHERE record_id = 1)")  # the same label stays once: still counted
    _assert_pairs_match(catalog)
    catalog._db.execute("DELETE FROM assertions WHERE record_id = 3")  # undone
    catalog.delete_record("r1")
    catalog.delete_record("r5")
    _assert_pairs_match(catalog)
    catalog.upsert(_record(1, object_type="drawing"))
    _assert_pairs_match(catalog)
    rows = catalog._db.execute("SELECT count(*) FROM facet_pairs WHERE n < 0").fetchone()[0]
    assert rows == 0
    catalog.close()


def test_two_spellings_of_a_label_fall_back_to_counting_the_rows(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    for n in range(6):
        catalog.upsert(_record(n))
    _accept(catalog, [(1, "tag", "Ship"), (1, "tag", "ship"), (4, "tag", "ship")])
    painting = Filters(object_type="painting")
    assert facetpairs.read(catalog._db, "curated:tag", painting, 30) is None
    kept, live = catalog.facet("curated:tag", painting), catalog.facet_live("curated:tag", painting)
    assert kept == live == [("Ship", 2)]
    _assert_pairs_match(catalog, kept_labels=False)
    catalog.close()


def test_only_one_kept_filter_is_read_from_pairs(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    for n in range(9):
        catalog.upsert(_record(n))
    for filters in (Filters(object_type="print", source="museum 1"), Filters(year_from=1401, year_to=1550),
                    Filters(creator="maker 1"), Filters(curated={"tag": "ship"}), Filters(year_from=1601),
                    Filters(source="museum 1", year_from=1401, year_to=1500), Filters(fields={"x": "y"})):
        assert facetpairs.read(catalog._db, "source", filters, 30) is None, filters
    assert facetpairs.read(catalog._db, "medium", Filters(source="museum 1"), 30) is None
    assert facetpairs.century_of_range(Filters(year_from=-199, year_to=-100)) == -1
    assert facetpairs.century_of_range(Filters(year_from=1601, year_to=1700)) == 17
    assert facetpairs.century_of_range(Filters(year_from=1600, year_to=1700)) is None
    catalog.close()


def test_pairs_are_made_when_an_older_catalogue_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite"
    old = Catalog(path, migrations=MIGRATIONS[:10])
    for n in range(20):
        old.upsert(_record(n))
    _accept(old, [(1, "tag", "ship"), (2, "tag", "ship"), (2, "entity", "Rome")])
    old.close()
    catalog = Catalog(path)
    assert catalog._db.execute("SELECT count(*) FROM facet_pairs").fetchone()[0] > 0
    _assert_pairs_match(catalog)
    catalog.upsert(_record(20))
    _assert_pairs_match(catalog)
    catalog.close()


def test_an_accepted_value_is_not_changed_in_place(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    catalog.upsert(_record(0))
    _accept(catalog, [(1, "tag", "ship")])
    with pytest.raises(sqlite3.IntegrityError, match="not changed in place"):
        catalog._db.execute("UPDATE assertions SET label = 'boat'")
    assert catalog.facet("curated:tag", Filters(source="museum 0")) == [("ship", 1)]
    catalog.close()


CREATORS = ("Rembrandt van Rijn", "REMBRANDT workshop", "Élisabeth Vigée Le Brun", "Jan van Eyck",
            "Pieter de Hooch", "maker_50%", "Anonymous")
TEXTS = ("rembrandt", "Rembrandt van", "van", "élisabeth", "Élisabeth", "vigée", "ee", "Eyck", "_50%",
         "r_5", "50%", "zzz", "an", "Hooch", "de h", "%", "\\")


def test_the_creator_filter_finds_what_like_finds(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite"
    old = Catalog(path, migrations=MIGRATIONS[:11])
    for n, name in enumerate(CREATORS[:4]):
        old.upsert(_record(n, creators=[name, "Anonymous"]))
    old.close()
    catalog = Catalog(path)  # migrated: the names already there are indexed
    for n, name in enumerate(CREATORS[3:], start=4):  # and the names written since
        catalog.upsert(_record(n, creators=[name]))
    catalog.upsert(_record(1, creators=["Pieter de Hooch"]))  # a name no longer used matches no record
    for text in TEXTS:
        like = sorted(r[0] for r in catalog._db.execute(
            "SELECT DISTINCT record_id FROM record_creators WHERE name LIKE ? ESCAPE '\\'",
            ("%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",)))
        assert sorted(catalog.filter_record_ids(Filters(creator=text))) == like, text
        for field in ("source", "curated:tag"):
            filters = Filters(creator=text)
            assert catalog.facet(field, filters) == catalog.facet_live(field, filters), text
    assert len(catalog.filter_record_ids(Filters(creator="rembrandt"))) == 1
    catalog.close()


def test_accepted_values_under_a_narrow_filter_count_as_before(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    for n in range(24):
        catalog.upsert(_record(n))
    _accept(catalog, [(1, "tag", "Ship"), (1, "tag", "ship"), (2, "tag", "ship"), (3, "tag", "horse"),
                      (6, "tag", "ship"), (6, "class", "ship"), (11, "tag", "tree")])
    for filters in (Filters(creator="maker 1"), Filters(curated={"tag": "ship"}),
                    Filters(curated={"class": "ship"}, creator="maker")):
        where, params = filter_sql(filters)
        before = [(str(r[0]), int(r[1])) for r in catalog._db.execute(
            "SELECT min(a.label), count(DISTINCT r.id) FROM assertions a JOIN records r ON r.id = a.record_id"
            f" WHERE a.kind = 'tag' AND {where} GROUP BY a.label COLLATE NOCASE ORDER BY 2 DESC, 1", params)]
        assert catalog.facet("curated:tag", filters) == before and before, filters
    catalog.close()


def test_a_narrow_filter_lists_its_records_once_and_again_after_a_change(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    for n in range(10):
        catalog.upsert(_record(n))
    _accept(catalog, [(1, "tag", "ship"), (2, "tag", "ship"), (7, "tag", "tree")])
    maker, ship = Filters(creator="maker 1"), Filters(curated={"tag": "ship"})
    for filters in (maker, ship, maker):  # the listed records follow the filter asked for
        for field in FIELDS:
            assert catalog.facet(field, filters, 100) == catalog.facet_live(field, filters, 100), field
    before = dict(catalog.facet("source", maker))
    catalog.upsert(_record(40, creators=["maker 1"], source="museum 9"))  # a write: listed again
    assert dict(catalog.facet("source", maker)) == {**before, "museum 9": 1}
    _accept(catalog, [(3, "tag", "ship")])
    assert catalog.facet("object_type", ship) == catalog.facet_live("object_type", ship)
    catalog.close()


def test_threads_sharing_the_catalogue_get_their_own_filters_counts(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    for n in range(40):
        catalog.upsert(_record(n))
    filters = [Filters(creator=f"maker {m}") for m in range(5)]
    expected = [catalog.facet_live("source", f, 100) for f in filters]
    wrong: list[int] = []

    def ask(m: int) -> None:
        for _ in range(60):
            if catalog.facet("source", filters[m], 100) != expected[m]:
                wrong.append(m)

    threads = [threading.Thread(target=ask, args=(m,)) for m in range(5)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads change often: between listing and counting, without the lock
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert not wrong
    catalog.close()
