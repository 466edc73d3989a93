"""Records: add or update by identifier, read back with their images, delete."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from vitrine.catalog.base import Connected, chunks, placeholders
from vitrine.catalog.fulltext import delete_fts, write_fts
from vitrine.catalog.images import image_refs, write_images
from vitrine.errors import RecordNotFound
from vitrine.records import Record


@dataclass(frozen=True)
class UpsertResult:
    """What an upsert did: `status` is added, updated or unchanged; `removed_images` need unindexing."""

    record_id: int
    status: str
    removed_images: tuple[int, ...] = ()


class Records(Connected):
    """Record rows with their creators; an upsert also writes the record's images and full text."""

    def upsert(self, record: Record) -> UpsertResult:
        """Add `record`, or update it when its identifier exists and any field changed."""
        digest = record.content_hash()
        with self.transaction():
            row = self._db.execute(
                "SELECT id, content_hash FROM records WHERE identifier = ?", (record.identifier,)
            ).fetchone()
            if row is not None and row["content_hash"] == digest:
                return UpsertResult(int(row["id"]), "unchanged")
            if row is None:
                record_id, status = self._insert(record, digest), "added"
            else:
                record_id, status = int(row["id"]), "updated"
                self._update(record_id, record, digest)
                self._keep_curated_years(record_id)
            self._write_creators(record_id, record.creators)
            write_fts(self._db, record_id, record)
            removed = write_images(self._db, record_id, record.images)
            return UpsertResult(record_id, status, removed)

    def delete_record(self, identifier: str) -> list[int]:
        """Delete a record; returns the ids of its images so the caller can unindex them."""
        with self.transaction():
            record_id = self.record_id(identifier)
            ids = [r[0] for r in self._db.execute(
                "SELECT id FROM images WHERE record_id = ?", (record_id,))]
            delete_fts(self._db, record_id)
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
        for chunk in chunks(list(record_ids), 900):
            rows = self._db.execute(
                f"SELECT * FROM records WHERE id IN ({placeholders(len(chunk))})", chunk)
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

    def records_stamp(self) -> tuple[int]:
        """Changes whenever a record is added, changed or deleted: a counter that triggers move
        (migration 10), read in O(1); a count and a max(updated_at) scanned every record (77 ms at 1M)."""
        row = self._db.execute("SELECT n FROM change_counters WHERE name = 'records'").fetchone()
        return (int(row[0]),)

    def record_hashes(self, after: int, limit: int,
                      among: Sequence[int] | None = None) -> list[tuple[int, str]]:
        """(id, content hash) of up to `limit` records with ids above `after`, in id order; only
        those `among` when given. Agents page through a collection with this."""
        scope = "" if among is None else " AND id IN (SELECT value FROM json_each(?))"
        params: tuple[Any, ...] = (after,) if among is None else (after, json.dumps(list(among)))
        return [(int(r[0]), str(r[1])) for r in self._db.execute(
            f"SELECT id, content_hash FROM records WHERE id > ?{scope} ORDER BY id LIMIT ?",
            (*params, limit))]

    def _insert(self, record: Record, digest: str) -> int:
        now = time.time()
        values = _record_values(record)
        cur = self._db.execute(
            f"INSERT INTO records (identifier, {', '.join(values)}, content_hash, created_at,"
            f" updated_at) VALUES (?, {placeholders(len(values))}, ?, ?, ?)",
            (record.identifier, *values.values(), digest, now, now))
        return int(cur.lastrowid or 0)

    def _update(self, record_id: int, record: Record, digest: str) -> None:
        values = _record_values(record)
        sets = ", ".join(f"{k} = ?" for k in values)
        self._db.execute(
            f"UPDATE records SET {sets}, content_hash = ?, updated_at = ? WHERE id = ?",
            (*values.values(), digest, time.time(), record_id))

    def _keep_curated_years(self, record_id: int) -> None:
        """A date a cataloguer accepted stays in force when the source's date text is re-imported."""
        row = self._db.execute(
            "SELECT json_extract(value, '$.earliest'), json_extract(value, '$.latest') FROM assertions"
            " WHERE record_id = ? AND kind = 'date' ORDER BY id DESC LIMIT 1", (record_id,)).fetchone()
        if row is not None:
            self._db.execute("UPDATE records SET year_min = ?, year_max = ? WHERE id = ?",
                             (row[0], row[1], record_id))

    def _write_creators(self, record_id: int, creators: list[str]) -> None:
        self._db.execute("DELETE FROM record_creators WHERE record_id = ?", (record_id,))
        self._db.executemany(
            "INSERT INTO record_creators VALUES (?, ?)", [(record_id, c) for c in creators if c])

    def _to_record(self, row: sqlite3.Row) -> Record:
        return Record(
            identifier=row["identifier"], title=row["title"], creators=json.loads(row["creators"]),
            date_text=row["date_text"], year_min=row["year_min"], year_max=row["year_max"],
            object_type=row["object_type"], medium=row["medium"], dimensions=row["dimensions"],
            credit_line=row["credit_line"], rights=row["rights"], source_url=row["source_url"],
            source=row["source"], extra=json.loads(row["extra"]),
            images=image_refs(self._db, int(row["id"])),
        )


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
