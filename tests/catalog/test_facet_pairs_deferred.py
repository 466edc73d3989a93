"""Pair counts deferred during an import (migration 13): the records an import adds are counted in
bulk when it finishes (or is cut short); until then facets under a kept filter are counted from the
rows; the counts equal a recount after a whole import, an interrupted one and its resumption, and
writes of every kind made while counting is deferred."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from catalog.test_facet_pairs import FIELDS, _accept, _assert_pairs_match, _filters, _record
from vitrine.catalog import Catalog, facetpairs
from vitrine.collection import create_collection
from vitrine.importers.base import Source, SourceItem, run_import
from vitrine.records import Filters


class Varied(Source):
    """Records of test_facet_pairs (types, sources, dates, creators) from `first`; Ctrl-C at `stop_at`."""

    kind = "varied"

    def __init__(self, n: int, first: int = 0, stop_at: int | None = None, **fields: object) -> None:
        self.n, self.first, self.stop_at, self.fields = n, first, stop_at, fields

    def key(self) -> str:
        return f"memory://varied/{self.first}"

    def read(self, cursor: str | None = None) -> Iterator[SourceItem]:
        start = self.first if cursor is None else int(cursor) + 1
        for i in range(start, self.first + self.n):
            if i == self.stop_at:
                raise KeyboardInterrupt
            yield SourceItem(item=f"item {i}", record=_record(i, **self.fields), cursor=str(i))


def _pairs(catalog: Catalog) -> set[tuple[object, ...]]:
    return set(catalog._db.execute("SELECT ffield, fvalue, field, value, n FROM facet_pairs WHERE n <> 0"))


def _recounted(catalog: Catalog) -> set[tuple[object, ...]]:
    """The pairs built from the rows, as migration 11 builds them."""
    db = catalog._db
    db.execute("SAVEPOINT recount")
    db.execute("DELETE FROM facet_pairs")
    for statement in facetpairs._BUILD.split("\n"):
        db.execute(statement)
    rebuilt = _pairs(catalog)
    db.execute("ROLLBACK TO recount")
    db.execute("RELEASE recount")
    return rebuilt


def test_an_import_counts_its_records_at_the_end(tmp_path: Path) -> None:
    with create_collection(tmp_path / "c", embedder="fake", index="memory") as collection:
        catalog = collection.catalog
        run_import(collection, Varied(450))  # three batches
        assert catalog._db.execute("SELECT count(*) FROM facet_pairs_pending").fetchone()[0] == 0
        assert _pairs(catalog) == _recounted(catalog)
        _assert_pairs_match(catalog)
        # a second import updates some records and adds others: updates are counted as they come
        run_import(collection, Varied(300, first=300, object_type="drawing", date_text="150 BCE"))
        assert _pairs(catalog) == _recounted(catalog)
        _assert_pairs_match(catalog)
        catalog.upsert(_record(900))  # after the import, one by one again
        assert catalog._db.execute("SELECT count(*) FROM facet_pairs_pending").fetchone()[0] == 0
        assert _pairs(catalog) == _recounted(catalog)


def test_an_interrupted_import_is_exact_before_and_after_it_resumes(tmp_path: Path) -> None:
    with create_collection(tmp_path / "c", embedder="fake", index="memory") as collection:
        catalog = collection.catalog
        run_import(collection, Varied(50))
        with pytest.raises(KeyboardInterrupt):
            run_import(collection, Varied(500, first=40, stop_at=430))
        # the committed batch (40..239; 50.. new) is counted at once, not left pending until a later
        # import finishes: the kept counts serve the facet pages in between
        pending = catalog._db.execute("SELECT count(*) FROM facet_pairs_pending").fetchone()[0]
        assert pending == 0 and catalog.count() == 240
        assert _pairs(catalog) == _recounted(catalog)
        assert facetpairs.read(catalog._db, "source", Filters(object_type="print"), 30) is not None
        painting = Filters(object_type="painting")
        assert catalog.facet("creator", painting, 100) == catalog.facet_live("creator", painting, 100)
        report = run_import(collection, Varied(500, first=40))
        assert report.resumed and catalog.count() == 540
        assert _pairs(catalog) == _recounted(catalog)
        _assert_pairs_match(catalog)


def test_writes_of_every_kind_while_deferred_settle_exactly(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    for n in range(20):
        catalog.upsert(_record(n))
    catalog.defer_pair_counts()
    for n in range(20, 40):
        catalog.upsert(_record(n))
    catalog.upsert(_record(3, object_type="drawing", date_text="after 1850"))  # counted: not pending
    catalog.upsert(_record(25, creators=["maker 7", "maker 7"], date_text="1510"))  # pending, changed
    _accept(catalog, [(1, "tag", "ship"), (22, "tag", "ship"), (22, "tag", "ship"), (23, "entity", "Rome")])
    catalog._db.execute("DELETE FROM assertions WHERE record_id = 23")
    catalog.delete_record("r24")  # pending, deleted
    catalog.delete_record("r4")  # counted, deleted
    for filters in _filters(catalog):  # counted from the rows meanwhile
        for field in FIELDS:
            assert facetpairs.read(catalog._db, field, filters, 100) is None
            assert catalog.facet(field, filters, 100) == catalog.facet_live(field, filters, 100)
    with catalog.transaction():
        assert facetpairs.settle(catalog._db) == 19
    assert _pairs(catalog) == _recounted(catalog)
    _assert_pairs_match(catalog)
    catalog.upsert(_record(50))
    assert _pairs(catalog) == _recounted(catalog)
    catalog.close()
