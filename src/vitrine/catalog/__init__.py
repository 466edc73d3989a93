"""The catalogue: records, their images, full-text search and import bookkeeping, in SQLite."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vitrine.errors import CatalogError, ImageNotFound, RecordNotFound
from vitrine.records import Filters, ImageRef, Record, StoredImage

SCHEMA_VERSION = 1

_SCHEMA = """
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

_CORE_FIELDS = (
    "title", "date_text", "object_type", "medium", "dimensions", "credit_line", "rights",
    "source_url", "source",
)


@dataclass(frozen=True)
class UpsertResult:
    """What an upsert did: `status` is added, updated or unchanged; `removed_images` need unindexing."""

    record_id: int
    status: str
    removed_images: tuple[int, ...] = ()


@dataclass(frozen=True)
class ImportRun:
    """One run of one import source; a run with no `finished_at` was interrupted."""

    id: int
    source: str
    kind: str
    cursor: str | None
    resumed: bool


class Catalog:
    """SQLite catalogue of one collection. Safe to share across threads; writes are serialised."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(_SCHEMA)
        if self.get_meta("schema_version") is None:
            self.set_meta("schema_version", str(SCHEMA_VERSION))

    def close(self) -> None:
        self._db.close()

    # -- meta -------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def transaction(self) -> _Transaction:
        """A write transaction: `with catalog.transaction(): ...` commits or rolls back whole."""
        return _Transaction(self)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Run one statement under the write lock; for stores keeping their SQL beside their
        use-cases (saved sets: vitrine.search.sets)."""
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    # -- records ----------------------------------------------------------------------------

    def upsert(self, record: Record) -> UpsertResult:
        """Add `record`, or update it when its identifier exists and any field changed."""
        digest = record.content_hash()
        with self._lock, self.transaction():
            row = self._db.execute(
                "SELECT id, content_hash FROM records WHERE identifier = ?", (record.identifier,)
            ).fetchone()
            if row is not None and row["content_hash"] == digest:
                return UpsertResult(int(row["id"]), "unchanged")
            now = time.time()
            values = _record_values(record)
            if row is None:
                cur = self._db.execute(
                    f"INSERT INTO records (identifier, {', '.join(values)}, content_hash,"
                    f" created_at, updated_at) VALUES (?, {', '.join('?' * len(values))}, ?, ?, ?)",
                    (record.identifier, *values.values(), digest, now, now),
                )
                record_id, status = int(cur.lastrowid or 0), "added"
            else:
                record_id, status = int(row["id"]), "updated"
                sets = ", ".join(f"{k} = ?" for k in values)
                self._db.execute(
                    f"UPDATE records SET {sets}, content_hash = ?, updated_at = ? WHERE id = ?",
                    (*values.values(), digest, now, record_id),
                )
            self._write_creators(record_id, record.creators)
            self._write_fts(record_id, record)
            removed = self._write_images(record_id, record.images)
            return UpsertResult(record_id, status, removed)

    def delete_record(self, identifier: str) -> list[int]:
        """Delete a record; returns the ids of its images so the caller can unindex them."""
        with self._lock, self.transaction():
            record_id = self.record_id(identifier)
            ids = [r[0] for r in self._db.execute(
                "SELECT id FROM images WHERE record_id = ?", (record_id,))]
            self._db.execute("DELETE FROM records_fts WHERE rowid = ?", (record_id,))
            self._db.execute("DELETE FROM records WHERE id = ?", (record_id,))
            return ids

    def record_id(self, identifier: str) -> int:
        row = self._db.execute(
            "SELECT id FROM records WHERE identifier = ?", (identifier,)).fetchone()
        if row is None:
            raise RecordNotFound(f"no record with identifier {identifier!r}")
        return int(row[0])

    def get(self, identifier: str) -> Record:
        """The record with this identifier, images included."""
        row = self._db.execute(
            "SELECT * FROM records WHERE identifier = ?", (identifier,)).fetchone()
        if row is None:
            raise RecordNotFound(f"no record with identifier {identifier!r}")
        return self._to_record(row)

    def get_many(self, record_ids: Iterable[int]) -> dict[int, Record]:
        """Records by internal id, in one query per 900 ids."""
        out: dict[int, Record] = {}
        for chunk in _chunks(list(record_ids), 900):
            rows = self._db.execute(
                f"SELECT * FROM records WHERE id IN ({','.join('?' * len(chunk))})", chunk)
            for row in rows:
                out[int(row["id"])] = self._to_record(row)
        return out

    def iter_records(self, batch: int = 500) -> Iterator[Record]:
        """Every record, in identifier order."""
        last = ""
        while True:
            rows = self._db.execute(
                "SELECT * FROM records WHERE identifier > ? ORDER BY identifier LIMIT ?",
                (last, batch)).fetchall()
            if not rows:
                return
            for row in rows:
                yield self._to_record(row)
            last = rows[-1]["identifier"]

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM records").fetchone()[0])

    # -- images -----------------------------------------------------------------------------

    def image(self, image_id: int) -> StoredImage:
        row = self._db.execute(_IMAGE_SELECT + " WHERE i.id = ?", (image_id,)).fetchone()
        if row is None:
            raise ImageNotFound(f"no image with id {image_id}")
        return _to_image(row)

    def images_of(self, identifier: str) -> list[StoredImage]:
        rows = self._db.execute(
            _IMAGE_SELECT + " WHERE r.identifier = ? ORDER BY i.position", (identifier,))
        return [_to_image(r) for r in rows]

    def images_by_id(self, image_ids: Iterable[int]) -> dict[int, StoredImage]:
        out: dict[int, StoredImage] = {}
        for chunk in _chunks(list(image_ids), 900):
            rows = self._db.execute(
                _IMAGE_SELECT + f" WHERE i.id IN ({','.join('?' * len(chunk))})", chunk)
            out.update((int(r["id"]), _to_image(r)) for r in rows)
        return out

    def images_needing_vectors(self, embedder_key: str) -> list[StoredImage]:
        """Images not yet processed, or whose vector is missing, stale, or from another embedder."""
        rows = self._db.execute(
            _IMAGE_SELECT + " WHERE i.error IS NULL AND (i.sha256 IS NULL OR"
            " i.embedded_sha256 IS NULL OR i.embedded_sha256 != i.sha256 OR i.embedder IS NOT ?)"
            " ORDER BY i.id", (embedder_key,))
        return [_to_image(r) for r in rows]

    def set_image_file(
        self, image_id: int, *, local_path: str | None, width: int, height: int, sha256: str,
        source_stamp: str | None = None,
    ) -> None:
        """Record a successful fetch/decode of an image."""
        with self._lock:
            self._db.execute(
                "UPDATE images SET local_path = ?, width = ?, height = ?, sha256 = ?,"
                " source_stamp = ?, error = NULL WHERE id = ?",
                (local_path, width, height, sha256, source_stamp, image_id))

    def local_image_stamps(self) -> list[tuple[int, str, str | None]]:
        """(id, path, size:mtime stamp) of processed images that are local files."""
        rows = self._db.execute(
            "SELECT id, location, source_stamp FROM images"
            " WHERE sha256 IS NOT NULL AND location NOT LIKE '%://%'")
        return [(int(r[0]), str(r[1]), r[2]) for r in rows]

    def invalidate_images(self, image_ids: Iterable[int]) -> None:
        """Forget what is known of these images' content: they will be read and hashed again."""
        with self._lock, self.transaction():
            self._db.executemany(
                "UPDATE images SET sha256 = NULL, error = NULL WHERE id = ?",
                [(int(i),) for i in image_ids])

    def clear_image_errors(self) -> None:
        """Give failed images another chance at the next indexing run."""
        with self._lock:
            self._db.execute("UPDATE images SET error = NULL WHERE error IS NOT NULL")

    def set_image_error(self, image_id: int, reason: str) -> None:
        with self._lock:
            self._db.execute("UPDATE images SET error = ? WHERE id = ?", (reason, image_id))

    def mark_embedded(self, image_ids: Iterable[int], embedder_key: str) -> None:
        """Note that these images' current content now has a vector from `embedder_key`."""
        with self._lock, self.transaction():
            self._db.executemany(
                "UPDATE images SET embedded_sha256 = sha256, embedder = ? WHERE id = ?",
                [(embedder_key, int(i)) for i in image_ids])

    def clear_embedded(self, image_ids: Iterable[int] | None = None) -> None:
        """Forget vectors, for all images or some (they will be embedded again)."""
        with self._lock:
            if image_ids is None:
                self._db.execute("UPDATE images SET embedded_sha256 = NULL, embedder = NULL")
            else:
                self._db.executemany(
                    "UPDATE images SET embedded_sha256 = NULL, embedder = NULL WHERE id = ?",
                    [(int(i),) for i in image_ids])

    def embedded_image_ids(self, embedder_key: str) -> NDArray[np.int64]:
        """Ids of images whose current content has a vector from `embedder_key`."""
        rows = self._db.execute(
            "SELECT id FROM images WHERE embedder = ? AND embedded_sha256 = sha256 ORDER BY id",
            (embedder_key,)).fetchall()
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))

    def all_image_ids(self) -> NDArray[np.int64]:
        rows = self._db.execute("SELECT id FROM images ORDER BY id").fetchall()
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))

    # -- filtering and full text --------------------------------------------------------------

    def filter_image_ids(self, filters: Filters) -> NDArray[np.int64]:
        """Ids of every image whose record passes `filters`."""
        where, params = _filter_sql(filters)
        rows = self._db.execute(
            f"SELECT i.id FROM images i JOIN records r ON r.id = i.record_id WHERE {where}",
            params).fetchall()
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))

    def filter_record_ids(self, filters: Filters) -> list[int]:
        where, params = _filter_sql(filters)
        return [r[0] for r in self._db.execute(f"SELECT r.id FROM records r WHERE {where}", params)]

    def full_text(self, query: str, limit: int, filters: Filters | None = None) -> list[tuple[int, float]]:
        """Records matching `query` in FTS5, best first, as (record id, bm25 rank; lower is better)."""
        match = fts_query(query)
        if not match:
            return []
        where, params = _filter_sql(filters or Filters())
        try:
            rows = self._db.execute(
                "SELECT f.rowid, bm25(records_fts, 10.0, 5.0, 2.0, 2.0, 1.0, 1.0) AS rank"
                " FROM records_fts f JOIN records r ON r.id = f.rowid"
                f" WHERE records_fts MATCH ? AND {where} ORDER BY rank LIMIT ?",
                (match, *params, limit)).fetchall()
        except sqlite3.OperationalError as exc:
            raise CatalogError(f"full-text query {query!r} could not be run: {exc}") from exc
        return [(int(r[0]), float(r[1])) for r in rows]

    def facet(self, field: str, filters: Filters | None = None, limit: int = 50) -> list[tuple[str, int]]:
        """Values of a field with their record counts, most frequent first."""
        where, params = _filter_sql(filters or Filters())
        if field == "creator":
            sql = ("SELECT c.name, count(DISTINCT r.id) FROM record_creators c"
                   f" JOIN records r ON r.id = c.record_id WHERE {where} GROUP BY c.name")
        elif field == "century":
            # Centuries count from 1: 1-100 is the 1st, -100..-1 (BCE) the -1st; SQLite's
            # integer division truncates toward zero, hence the two branches.
            sql = ("SELECT CASE WHEN r.year_min > 0 THEN (r.year_min - 1) / 100 + 1"
                   " ELSE -((-r.year_min - 1) / 100 + 1) END, count(*) FROM records r"
                   f" WHERE r.year_min IS NOT NULL AND {where} GROUP BY 1")
        else:
            column = _field_sql(field)
            sql = (f"SELECT {column}, count(*) FROM records r"
                   f" WHERE {column} IS NOT NULL AND {where} GROUP BY 1")
        rows = self._db.execute(sql + " ORDER BY 2 DESC, 1 LIMIT ?", (*params, limit)).fetchall()
        return [(str(r[0]), int(r[1])) for r in rows]

    # -- imports ----------------------------------------------------------------------------

    def begin_import(self, source: str, kind: str) -> ImportRun:
        """Start a run, or resume the unfinished run of the same source."""
        with self._lock:
            row = self._db.execute(
                "SELECT id, cursor FROM imports WHERE source = ? AND kind = ? AND finished_at IS NULL"
                " ORDER BY id DESC LIMIT 1", (source, kind)).fetchone()
            if row is not None:
                return ImportRun(int(row["id"]), source, kind, row["cursor"], resumed=True)
            cur = self._db.execute(
                "INSERT INTO imports (source, kind, started_at) VALUES (?, ?, ?)",
                (source, kind, time.time()))
            return ImportRun(int(cur.lastrowid or 0), source, kind, None, resumed=False)

    def save_cursor(self, run_id: int, cursor: str | None) -> None:
        with self._lock:
            self._db.execute("UPDATE imports SET cursor = ? WHERE id = ?", (cursor, run_id))

    def count_import(self, run_id: int, status: str) -> None:
        if status not in ("added", "updated", "unchanged", "failed"):
            raise ValueError(status)
        with self._lock:
            self._db.execute(f"UPDATE imports SET {status} = {status} + 1 WHERE id = ?", (run_id,))

    def add_import_error(self, run_id: int, item: str, reason: str) -> None:
        with self._lock:
            self._db.execute(
                "DELETE FROM import_errors WHERE import_id = ? AND item = ?", (run_id, item))
            self._db.execute("INSERT INTO import_errors VALUES (?, ?, ?)", (run_id, item, reason))

    def finish_import(self, run_id: int) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE imports SET finished_at = ?, cursor = NULL WHERE id = ?",
                (time.time(), run_id))

    def import_errors(self, run_id: int) -> list[tuple[str, str]]:
        rows = self._db.execute(
            "SELECT item, reason FROM import_errors WHERE import_id = ? ORDER BY rowid", (run_id,))
        return [(r[0], r[1]) for r in rows]

    def import_counts(self, run_id: int) -> dict[str, int]:
        row = self._db.execute(
            "SELECT added, updated, unchanged, failed FROM imports WHERE id = ?", (run_id,)).fetchone()
        return {k: int(row[k]) for k in ("added", "updated", "unchanged", "failed")}

    # -- stats ------------------------------------------------------------------------------

    def stats(self) -> dict[str, int]:
        q = self._db.execute
        return {
            "records": int(q("SELECT count(*) FROM records").fetchone()[0]),
            "images": int(q("SELECT count(*) FROM images").fetchone()[0]),
            "images_failed": int(q("SELECT count(*) FROM images WHERE error IS NOT NULL").fetchone()[0]),
            "images_pending": int(q(
                "SELECT count(*) FROM images WHERE sha256 IS NULL AND error IS NULL").fetchone()[0]),
        }

    # -- internals --------------------------------------------------------------------------

    def _write_creators(self, record_id: int, creators: list[str]) -> None:
        self._db.execute("DELETE FROM record_creators WHERE record_id = ?", (record_id,))
        self._db.executemany(
            "INSERT INTO record_creators VALUES (?, ?)", [(record_id, c) for c in creators if c])

    def _write_fts(self, record_id: int, record: Record) -> None:
        other = " ".join(
            str(v) for v in (record.credit_line, record.dimensions, *record.extra.values())
            if v is not None and not isinstance(v, (dict, list)))
        self._db.execute("DELETE FROM records_fts WHERE rowid = ?", (record_id,))
        self._db.execute(
            "INSERT INTO records_fts (rowid, title, creators, object_type, medium, date_text, other)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (record_id, record.title, " ; ".join(record.creators), record.object_type,
             record.medium, record.date_text, other))

    def _write_images(self, record_id: int, images: list[ImageRef]) -> tuple[int, ...]:
        existing = {r["location"]: int(r["id"]) for r in self._db.execute(
            "SELECT id, location FROM images WHERE record_id = ?", (record_id,))}
        wanted = {img.location for img in images}
        removed = tuple(i for loc, i in existing.items() if loc not in wanted)
        self._db.executemany("DELETE FROM images WHERE id = ?", [(i,) for i in removed])
        for position, img in enumerate(images):
            if img.location in existing:
                self._db.execute(
                    "UPDATE images SET position = ?, label = ? WHERE id = ?",
                    (position, img.label, existing[img.location]))
            else:
                self._db.execute(
                    "INSERT INTO images (record_id, position, location, label, width, height)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (record_id, position, img.location, img.label, img.width, img.height))
        return removed

    def _to_record(self, row: sqlite3.Row) -> Record:
        images = [
            ImageRef(location=r["location"], width=r["width"], height=r["height"],
                     sha256=r["sha256"], label=r["label"])
            for r in self._db.execute(
                "SELECT location, width, height, sha256, label FROM images WHERE record_id = ?"
                " ORDER BY position", (row["id"],))
        ]
        return Record(
            identifier=row["identifier"], title=row["title"], creators=json.loads(row["creators"]),
            date_text=row["date_text"], year_min=row["year_min"], year_max=row["year_max"],
            object_type=row["object_type"], medium=row["medium"], dimensions=row["dimensions"],
            credit_line=row["credit_line"], rights=row["rights"], source_url=row["source_url"],
            source=row["source"], extra=json.loads(row["extra"]), images=images,
        )


class _Transaction:
    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    def __enter__(self) -> None:
        self._catalog._lock.acquire()
        db = self._catalog._db
        self._outer = not db.in_transaction
        if self._outer:
            db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_: object) -> None:
        try:
            if self._outer:
                self._catalog._db.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self._catalog._lock.release()


_IMAGE_SELECT = (
    "SELECT i.id, i.record_id, r.identifier, i.location, i.local_path, i.width, i.height, i.sha256"
    " FROM images i JOIN records r ON r.id = i.record_id"
)


def _to_image(row: sqlite3.Row) -> StoredImage:
    return StoredImage(
        id=int(row["id"]), record_id=int(row["record_id"]), identifier=row["identifier"],
        location=row["location"], local_path=row["local_path"], width=row["width"],
        height=row["height"], sha256=row["sha256"])


def _record_values(record: Record) -> dict[str, Any]:
    return {
        "source": record.source, "title": record.title,
        "creators": json.dumps(record.creators, ensure_ascii=False),
        "date_text": record.date_text, "year_min": record.year_min, "year_max": record.year_max,
        "object_type": record.object_type, "medium": record.medium,
        "dimensions": record.dimensions, "credit_line": record.credit_line,
        "rights": record.rights, "source_url": record.source_url,
        "extra": json.dumps(record.extra, ensure_ascii=False, default=str),
    }


def _field_sql(field: str) -> str:
    """SQL for a named field: a core column, or a key of the `extra` JSON."""
    if field in _CORE_FIELDS:
        return f"r.{field}"
    if field == "date":
        return "r.date_text"
    if not field.replace("_", "").replace("-", "").isalnum():
        raise CatalogError(f"field name {field!r} may hold only letters, digits, '_' and '-'")
    return f"json_extract(r.extra, '$.\"{field}\"')"


def _filter_sql(filters: Filters) -> tuple[str, list[Any]]:
    clauses: list[str] = ["1"]
    params: list[Any] = []
    if filters.year_from is not None:
        # An open end ("after 1850": no year_max) overlaps every later range; no date at all
        # overlaps none.
        clauses.append("(r.year_max >= ? OR (r.year_max IS NULL AND r.year_min IS NOT NULL))")
        params.append(filters.year_from)
    if filters.year_to is not None:
        clauses.append("(r.year_min <= ? OR (r.year_min IS NULL AND r.year_max IS NOT NULL))")
        params.append(filters.year_to)
    if filters.object_type:
        clauses.append("r.object_type = ? COLLATE NOCASE")
        params.append(filters.object_type)
    if filters.source:
        clauses.append("r.source = ?")
        params.append(filters.source)
    if filters.creator:
        clauses.append(
            "r.id IN (SELECT record_id FROM record_creators WHERE name LIKE ? ESCAPE '\\')")
        params.append(f"%{_like_escape(filters.creator)}%")
    for name, value in filters.fields.items():
        clauses.append(f"CAST({_field_sql(name)} AS TEXT) = ? COLLATE NOCASE")
        params.append(value)
    return " AND ".join(clauses), params


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def fts_query(text: str) -> str:
    """Turn free text into a safe FTS5 query: any word may match, bm25 ranks records with more first.

    Punctuation is dropped so that nothing a user types is read as FTS5 syntax; the last word
    matches as a prefix, for search-as-you-type.
    """
    # Split where the unicode61 tokenizer splits ("O'Keeffe" is two tokens there, not "OKeeffe").
    words = re.findall(r"[^\W_]+", text)
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " OR ".join(quoted)


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
