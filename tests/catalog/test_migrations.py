"""Numbered migrations: a folder written by the release before them opens with nothing lost;
newer catalogues are refused; a failed migration leaves the file as it was."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from vitrine.catalog import SCHEMA_VERSION, Catalog
from vitrine.catalog.migrations import MIGRATIONS, Migration, _statements, migrate
from vitrine.collection import open_collection
from vitrine.errors import CatalogError, SchemaError
from vitrine.records import Filters, ImageRef, Record
from vitrine.search.sets import SetQuery, get_set

# The schema of the release before migrations, copied from its catalog.py as it was: a fixture,
# deliberately not imported from the code under test.
V1_RELEASE_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY,
    identifier TEXT NOT NULL UNIQUE,
    source TEXT,
    title TEXT,
    creators TEXT NOT NULL DEFAULT '[]',
    date_text TEXT,
    year_min INTEGER,
    year_max INTEGER,
    object_type TEXT,
    medium TEXT,
    dimensions TEXT,
    credit_line TEXT,
    rights TEXT,
    source_url TEXT,
    extra TEXT NOT NULL DEFAULT '{}',
    content_hash TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS records_years ON records (year_min, year_max);
CREATE INDEX IF NOT EXISTS records_type ON records (object_type COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS records_source ON records (source);
CREATE TABLE IF NOT EXISTS record_creators (
    record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    name TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS record_creators_name ON record_creators (name COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS record_creators_record ON record_creators (record_id);
CREATE TABLE IF NOT EXISTS images (
    id INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    location TEXT NOT NULL,
    label TEXT,
    local_path TEXT,
    width INTEGER,
    height INTEGER,
    sha256 TEXT,
    source_stamp TEXT,
    error TEXT,
    embedded_sha256 TEXT,
    embedder TEXT,
    UNIQUE (record_id, location)
);
CREATE INDEX IF NOT EXISTS images_record ON images (record_id);
CREATE VIRTUAL TABLE IF NOT EXISTS records_fts USING fts5(
    title, creators, object_type, medium, date_text, other,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS imports (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    started_at REAL NOT NULL,
    finished_at REAL,
    cursor TEXT,
    added INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS import_errors (
    import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    item TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS saved_sets (
    name TEXT PRIMARY KEY,
    description TEXT NOT NULL DEFAULT '',
    query TEXT,
    method TEXT,
    positives TEXT NOT NULL DEFAULT '[]',
    negatives TEXT NOT NULL DEFAULT '[]',
    identifiers TEXT NOT NULL DEFAULT '[]',
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
"""

KEY = "fake/1/64"
STORM = Record(
    identifier="rijks:SK-A-1", title="Storm at sea", creators=["Anna Painter", "Bruno Helper"],
    date_text="c. 1650", year_min=1645, year_max=1655, object_type="painting", medium="oil on canvas",
    source="rijks", extra={"museum": "North", "room": 3},
    images=[ImageRef("storm.jpg", label="front"), ImageRef("storm-back.jpg")])
LADY = Record(
    identifier="rijks:RP-P-2", title="Portrait of a lady", creators=["Georgia O'Keeffe"],
    date_text="1701", year_min=1701, year_max=1701, object_type="print", source="rijks",
    extra={"school": "Dutch"}, images=[ImageRef("https://example.org/iiif/lady.jpg")])

NEXT = SCHEMA_VERSION + 1  # a migration a later release would add


def _write_record(db: sqlite3.Connection, record_id: int, record: Record) -> None:
    """The rows the release's upsert wrote for one record."""
    db.execute(
        "INSERT INTO records (id, identifier, source, title, creators, date_text, year_min, year_max,"
        " object_type, medium, extra, content_hash, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1700000000.0, 1700000000.0)",
        (record_id, record.identifier, record.source, record.title, json.dumps(record.creators),
         record.date_text, record.year_min, record.year_max, record.object_type, record.medium,
         json.dumps(record.extra), record.content_hash()))
    db.executemany("INSERT INTO record_creators VALUES (?, ?)", [(record_id, c) for c in record.creators])
    other = " ".join(str(v) for v in record.extra.values())
    db.execute(
        "INSERT INTO records_fts (rowid, title, creators, object_type, medium, date_text, other)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (record_id, record.title, " ; ".join(record.creators), record.object_type, record.medium,
         record.date_text, other))


def write_release_folder(root: Path, schema: str = V1_RELEASE_SCHEMA) -> Path:
    """A collection folder as the release before migrations wrote it, through raw SQL."""
    root.mkdir(parents=True)
    (root / "collection.json").write_text(json.dumps({
        "name": root.name, "embedder": "fake", "embedder_options": {}, "index": "memory",
        "title": "Old folder", "created_at": 1700000000.0}))
    db = sqlite3.connect(root / "catalog.sqlite", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(schema)
    db.execute("INSERT INTO meta VALUES ('schema_version', '1'), ('vectors_embedder', ?)", (KEY,))
    _write_record(db, 1, STORM)
    _write_record(db, 2, LADY)
    db.executemany(
        "INSERT INTO images (id, record_id, position, location, label, width, height, sha256,"
        " embedded_sha256, embedder, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(10, 1, 0, "storm.jpg", "front", 640, 480, "aa" * 32, "aa" * 32, KEY, None),
         (11, 1, 1, "storm-back.jpg", None, 640, 480, "bb" * 32, None, None, None),
         (12, 2, 0, "https://example.org/iiif/lady.jpg", None, None, None, None, None, None, "404")])
    db.execute("INSERT INTO imports (id, source, kind, started_at, cursor, added, failed)"
               " VALUES (7, 'works.csv', 'tabular', 1700000000.0, '120', 2, 1)")
    db.execute("INSERT INTO import_errors VALUES (7, 'line 5', 'no identifier')")
    db.execute(
        "INSERT INTO saved_sets VALUES ('Stormy', 'weather', ?, 'svm', ?, '[]', ?, 1700000000.0,"
        " 1700000100.0)",
        (json.dumps({"kind": "text", "value": "storm"}), json.dumps([STORM.identifier]),
         json.dumps([STORM.identifier, LADY.identifier])))
    db.close()
    return root


# The tables the release had, with their columns then (later migrations may add columns).
RELEASE_TABLES = {
    "meta": "key, value", "records": "*", "record_creators": "*", "images": "*",
    "records_fts": "title, creators, object_type, medium, date_text, other",
    "imports": "*", "import_errors": "*",
    "saved_sets": ("name, description, query, method, positives, negatives, identifiers, created_at,"
                   " updated_at"),
}


def table_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table the release had, in the release's columns, by table."""
    with sqlite3.connect(path) as db:
        return {t: db.execute(f"SELECT rowid, {cols} FROM {t} ORDER BY rowid").fetchall()
                for t, cols in RELEASE_TABLES.items()}


def test_migration_1_is_the_release_schema() -> None:
    assert list(_statements(MIGRATIONS[0].script)) == list(_statements(V1_RELEASE_SCHEMA))


def test_a_release_folder_opens_and_migrates_with_nothing_lost(tmp_path: Path) -> None:
    root = write_release_folder(tmp_path / "old")
    before = table_rows(root / "catalog.sqlite")
    with open_collection(root) as coll:
        catalog = coll.catalog
        assert catalog.get_meta("schema_version") == str(SCHEMA_VERSION) == str(len(MIGRATIONS))
        assert catalog.count() == 2 and coll.vectors_key == KEY
        storm = catalog.get(STORM.identifier)
        assert (storm.creators, storm.extra, storm.year_min) == (STORM.creators, STORM.extra, 1645)
        assert [(i.location, i.label, i.sha256) for i in storm.images] == [
            ("storm.jpg", "front", "aa" * 32), ("storm-back.jpg", None, "bb" * 32)]
        assert catalog.embedded_image_ids(KEY).tolist() == [10]
        assert [i.id for i in catalog.images_needing_vectors(KEY)] == [11]  # 12 failed: skipped
        assert catalog.stats() == {"records": 2, "images": 3, "images_failed": 1}
        found = catalog.get_many(r for r, _ in catalog.full_text("keeffe", 10))
        assert [r.identifier for r in found.values()] == [LADY.identifier]
        assert catalog.filter_record_ids(Filters(creator="bruno", fields={"room": "3"})) == [1]
        assert catalog.upsert(STORM).status == "unchanged"  # content hashes carried over
        run = catalog.begin_import("works.csv", "tabular")
        assert (run.id, run.resumed, run.cursor) == (7, True, "120")
        assert catalog.import_errors(7) == [("line 5", "no identifier")]
        assert catalog.import_counts(7) == {"added": 2, "updated": 0, "unchanged": 0, "failed": 1}
        saved = get_set(coll, "Stormy")
        assert saved.query == SetQuery("text", "storm") and saved.method == "svm"
        assert saved.identifiers == (STORM.identifier, LADY.identifier)
        assert (saved.positives, saved.created_at) == ((STORM.identifier,), 1700000000.0)
    after = table_rows(root / "catalog.sqlite")
    before["meta"] = [row for row in before["meta"] if row[1] != "schema_version"]
    after["meta"] = [row for row in after["meta"] if row[1] != "schema_version"]
    assert after == before


def test_migration_2_adds_the_import_errors_index(tmp_path: Path) -> None:
    root = write_release_folder(tmp_path / "old")
    open_collection(root).close()
    with sqlite3.connect(root / "catalog.sqlite") as db:
        plan = db.execute("EXPLAIN QUERY PLAN DELETE FROM import_errors WHERE import_id = 7"
                          " AND item = 'line 5'").fetchall()
    assert "import_errors_item" in str(plan)


def test_opening_twice_changes_nothing_more(tmp_path: Path) -> None:
    root = write_release_folder(tmp_path / "old")
    open_collection(root).close()
    with sqlite3.connect(root / "catalog.sqlite") as db:
        first = list(db.iterdump())
    open_collection(root).close()
    with sqlite3.connect(root / "catalog.sqlite") as db:
        assert list(db.iterdump()) == first


def test_a_newer_catalogue_is_refused(tmp_path: Path) -> None:
    root = write_release_folder(tmp_path / "new")
    with sqlite3.connect(root / "catalog.sqlite") as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(NEXT),))
    before = table_rows(root / "catalog.sqlite")
    message = (rf"catalog.sqlite was written by a newer vitrine \(schema {NEXT}, this version knows up to "
               rf"{SCHEMA_VERSION}\); upgrade vitrine")
    with pytest.raises(SchemaError, match=message):
        open_collection(root)
    assert table_rows(root / "catalog.sqlite") == before


def test_an_added_migration_runs_once_and_older_code_then_refuses_the_file(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite"
    Catalog(path).close()
    notes = Migration(NEXT, "notes", "CREATE TABLE notes (record_id INTEGER, text TEXT);")
    catalog = Catalog(path, migrations=[*MIGRATIONS, notes])
    assert catalog.get_meta("schema_version") == str(NEXT)
    catalog.close()
    tags = Migration(NEXT + 1, "tags", "CREATE TABLE tags (record_id INTEGER, tag TEXT);")
    Catalog(path, migrations=[*MIGRATIONS, notes, tags]).close()  # notes again would raise
    with pytest.raises(SchemaError, match=f"schema {NEXT + 1}, this version knows up to {SCHEMA_VERSION}"):
        Catalog(path)


def test_a_failed_migration_rolls_back_and_leaves_the_file_untouched(tmp_path: Path) -> None:
    root = write_release_folder(tmp_path / "old")
    path = root / "catalog.sqlite"
    before = path.read_bytes()
    broken = Migration(NEXT, "broken", "CREATE TABLE notes (text TEXT);\nINSERT INTO nowhere VALUES (1);")
    with pytest.raises(SchemaError, match=rf"to schema {NEXT} \(broken\) failed: no such table: nowhere"):
        Catalog(path, migrations=[*MIGRATIONS, broken])
    assert path.read_bytes() == before
    with sqlite3.connect(path) as db:  # migration 2 went back too, not only the broken step
        names = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
        assert "notes" not in names and "import_errors_item" not in names
        assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("1",)
    with open_collection(root) as coll:  # nothing left locked: the real migrations still apply
        assert coll.catalog.get_meta("schema_version") == str(SCHEMA_VERSION)


def test_migrations_must_be_numbered_in_order(tmp_path: Path) -> None:
    skipped = [MIGRATIONS[0], Migration(3, "gap", "SELECT 1;")]
    with sqlite3.connect(tmp_path / "c.sqlite", isolation_level=None) as db, \
            pytest.raises(ValueError, match=r"numbered 1, 2, 3\.\.\. in order, not \[1, 3\]"):
        migrate(db, tmp_path / "c.sqlite", skipped)


def test_an_unreadable_version_or_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite"
    Catalog(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = 'two' WHERE key = 'schema_version'")
    with pytest.raises(SchemaError, match="unreadable schema version 'two'"):
        Catalog(path)
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database, " * 100)
    with pytest.raises(CatalogError, match="cannot be opened as a catalogue: file is not a database"):
        Catalog(garbage)
