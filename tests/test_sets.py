"""Saved sets in the catalogue: save, list, show, update, delete, export."""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from vitrine.collection import Collection, create_collection, open_collection
from vitrine.errors import SetError, SetNotFound
from vitrine.records import Record
from vitrine.search.sets import (
    SavedSet,
    SetQuery,
    delete_set,
    export_set,
    get_set,
    list_sets,
    save_set,
    session_set,
    set_records,
    update_set,
)


@pytest.fixture
def coll(tmp_path: Path) -> Iterator[Collection]:
    collection = create_collection(tmp_path / "c", embedder="fake", index="memory")
    for i in range(6):
        collection.catalog.upsert(Record(
            identifier=f"r{i}", title=f"Work {i}", creators=["Ann Maker"], date_text=str(1800 + i),
            extra={"school": "Dutch"} if i % 2 else {}))
    yield collection
    collection.close()


def test_save_then_show_and_list(coll: Collection) -> None:
    query = SetQuery("record", "r0")
    saved = save_set(coll, SavedSet(name="Dutch harbours", description="first try", query=query,
                                    method="svm", positives=("r1", "r2"), negatives=("r3",),
                                    identifiers=("r2", "r1", "r4", "r2")))
    shown = get_set(coll, "Dutch harbours")
    assert shown == saved and shown.identifiers == ("r2", "r1", "r4")  # order kept, repeats dropped
    assert shown.query == query and shown.negatives == ("r3",) and shown.created_at <= shown.updated_at
    save_set(coll, SavedSet(name="second", identifiers=("r5",)))
    assert [s.name for s in list_sets(coll)] == ["second", "Dutch harbours"]
    assert shown.to_dict()["query"] == {"kind": "record", "value": "r0"}


def test_a_taken_name_is_refused_unless_replacing(coll: Collection) -> None:
    first = save_set(coll, SavedSet(name="a", identifiers=("r1",)))
    with pytest.raises(SetError, match="exists already"):
        save_set(coll, SavedSet(name="a", identifiers=("r2",)))
    assert get_set(coll, "a").identifiers == ("r1",)
    again = save_set(coll, SavedSet(name="a", identifiers=("r2",)), replace_existing=True)
    assert again.identifiers == ("r2",) and again.created_at == first.created_at
    assert again.updated_at >= first.updated_at


@pytest.mark.parametrize("name", ["", "   ", "../etc", "a/b", "x" * 81, "-dash", "semi;colon"])
def test_bad_names_are_refused(coll: Collection, name: str) -> None:
    with pytest.raises(SetError, match="not allowed"):
        save_set(coll, SavedSet(name=name))
    assert list_sets(coll) == []


def test_unknown_records_are_refused_and_nothing_is_stored(coll: Collection) -> None:
    with pytest.raises(SetError, match="'ghost', 'phantom'"):
        save_set(coll, SavedSet(name="s", identifiers=("r1", "ghost"), positives=("phantom",)))
    assert list_sets(coll) == []


def test_update_description_name_and_works(coll: Collection) -> None:
    save_set(coll, SavedSet(name="s", identifiers=("r1", "r2")))
    save_set(coll, SavedSet(name="other"))
    updated = update_set(coll, "s", description=" now described ", add=["r3", "r1"], remove=["r2"])
    assert updated.identifiers == ("r1", "r3") and updated.description == "now described"
    renamed = update_set(coll, "s", new_name="renamed")
    assert get_set(coll, "renamed").identifiers == ("r1", "r3") and renamed.created_at == updated.created_at
    with pytest.raises(SetNotFound):
        get_set(coll, "s")
    with pytest.raises(SetError, match="exists already"):
        update_set(coll, "renamed", new_name="other")
    with pytest.raises(SetError, match="'nope'"):
        update_set(coll, "renamed", add=["nope"])
    assert get_set(coll, "renamed").identifiers == ("r1", "r3")


def test_delete_and_missing_sets(coll: Collection) -> None:
    save_set(coll, SavedSet(name="s"))
    delete_set(coll, "s")
    assert list_sets(coll) == []
    with pytest.raises(SetNotFound, match="no saved set named 's'"):
        delete_set(coll, "s")
    with pytest.raises(SetNotFound):
        update_set(coll, "s", description="x")


def test_export_csv_in_set_order_skipping_deleted_records(coll: Collection) -> None:
    save_set(coll, SavedSet(name="s", identifiers=("r3", "r0", "r1")))
    coll.catalog.delete_record("r0")
    assert [r.identifier for r in set_records(coll, get_set(coll, "s"))] == ["r3", "r1"]
    out = io.StringIO()
    assert export_set(coll, "s", out) == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["identifier"] for r in rows] == ["r3", "r1"]
    assert rows[0]["title"] == "Work 3" and rows[0]["creators"] == "Ann Maker"
    assert rows[0]["school"] == "Dutch"


def test_session_set_keeps_relevant_works_first_and_never_rejected_ones() -> None:
    saved = session_set("s", shown=["r4", "r3", "r1"], positives=["r1", "r2"], negatives=["r3"],
                        query=SetQuery("text", "harbour"), method="svm")
    assert saved.identifiers == ("r1", "r2", "r4")
    only = session_set("s", shown=["r4"], positives=["r1"], only_positives=True)
    assert only.identifiers == ("r1",)


def test_a_catalogue_made_before_sets_gets_the_table(tmp_path: Path) -> None:
    collection = create_collection(tmp_path / "old", embedder="fake", index="memory")
    collection.catalog.upsert(Record(identifier="kept", title="Kept"))
    collection.close()
    with sqlite3.connect(tmp_path / "old" / "catalog.sqlite") as db:
        db.execute("DROP TABLE saved_sets")
        # As those releases left it: they wrote schema 1 and had no migrations.
        db.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with open_collection(tmp_path / "old") as reopened:
        assert reopened.catalog.get("kept").title == "Kept"
        save_set(reopened, SavedSet(name="new", identifiers=("kept",)))
        assert get_set(reopened, "new").identifiers == ("kept",)
