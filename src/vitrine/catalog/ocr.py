"""Text read from page images (migration 8): the words of a `text` suggestion with their boxes and
confidences, and full-text search over each page's current text, machine-read or decided."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from vitrine.catalog.base import Connected
from vitrine.catalog.fulltext import fts_query
from vitrine.errors import CatalogError


@dataclass(frozen=True)
class StoredWord:
    """One word as read, in the image's pixels; `confidence` from 0 to 1; `line` counts from 0."""

    n: int
    line: int
    text: str
    x: float
    y: float
    w: float
    h: float
    confidence: float


def text_digest(text: str) -> str:
    """The SHA-256 of a page text: what a suggestion read from that text (an entity) carries, so
    review can tell when the text has changed since."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TextHit:
    """A page whose text matches a query: its `text` suggestion and where it stands in review."""

    suggestion_id: int
    record_id: int
    identifier: str
    image_id: int
    status: str
    snippet: str
    rank: float


class OcrStore(Connected):
    """The words of page texts and the search over them (`catalog.ocr`)."""

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock) -> None:
        self._db = db
        self._lock = lock

    def words(self, suggestion_id: int) -> list[StoredWord]:
        rows = self._db.execute(
            "SELECT n, line, text, x, y, w, h, confidence FROM ocr_words WHERE suggestion_id = ? ORDER BY n",
            (suggestion_id,)).fetchall()
        return [StoredWord(*row) for row in rows]

    def search(self, query: str, *, statuses: Sequence[str], limit: int = 50, offset: int = 0,
               record_id: int | None = None) -> list[TextHit]:
        """Pages whose current text matches `query`, best first, among suggestions in `statuses`
        (never stale ones). The snippet marks the matches with U+E000 and U+E001 for the caller
        to escape and render."""
        match = fts_query(query)
        if not match or not statuses:
            return []
        marks = ", ".join("?" * len(statuses))
        where = "" if record_id is None else " AND s.record_id = ?"
        params: tuple[object, ...] = (match, *statuses, *(() if record_id is None else (record_id,)))
        try:
            rows = self._db.execute(
                "SELECT s.id, s.record_id, r.identifier, s.image_id, s.status,"
                " snippet(ocr_fts, 0, char(57344), char(57345), '…', 24), bm25(ocr_fts) AS rank"
                " FROM ocr_fts f JOIN suggestions s ON s.id = f.rowid JOIN records r ON r.id = s.record_id"
                f" WHERE ocr_fts MATCH ? AND s.status IN ({marks}) AND s.stale = 0{where}"
                " ORDER BY rank, s.id LIMIT ? OFFSET ?", (*params, limit, offset)).fetchall()
        except sqlite3.OperationalError as exc:
            raise CatalogError(f"text query {query!r} could not be run: {exc}") from exc
        return [TextHit(int(r[0]), int(r[1]), str(r[2]), int(r[3]), str(r[4]), str(r[5]), float(r[6]))
                for r in rows]

    def page_texts(self, record_id: int, image_id: int, statuses: Sequence[str]) -> list[int]:
        """The ids of an image's `text` suggestions in `statuses`, not stale, decided ones first,
        then newest first."""
        marks = ", ".join("?" * len(statuses))
        rows = self._db.execute(
            "SELECT id FROM suggestions WHERE record_id = ? AND image_id = ? AND kind = 'text'"
            f" AND stale = 0 AND status IN ({marks})"
            " ORDER BY status = 'proposed', id DESC", (record_id, image_id, *statuses)).fetchall()
        return [int(r[0]) for r in rows]

    def current_text(self, record_id: int, image_id: int) -> str | None:
        """The text a reader sees for an image: the decided text (as accepted or edited) where there
        is one, else the newest machine-read one; None when there is none (rejected, stale, unread)."""
        found = self.page_texts(record_id, image_id, ("accepted", "edited", "proposed"))
        if not found:
            return None
        row = self._db.execute("SELECT json_extract(coalesce(final_value, value), '$.text') FROM suggestions"
                               " WHERE id = ?", (found[0],)).fetchone()
        return row[0] if row is not None and isinstance(row[0], str) else None
