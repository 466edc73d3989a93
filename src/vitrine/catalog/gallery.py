"""The visitor gallery's rows (`catalog.gallery`): one per consented photo, with its moderation state.

The photos themselves are files beside the catalogue (`visitor/gallery.py` writes and deletes
them); a row holds what is known of one: the work it is paired with, whether it is `pending` or
`approved`, what screening found, and the SHA-256 of its private removal token. A rejected or
removed photo loses its row: nothing is kept hidden.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from typing import Any, Literal

from vitrine.catalog.base import Connected

State = Literal["pending", "approved"]
STATES: tuple[State, ...] = ("pending", "approved")


@dataclass(frozen=True)
class GalleryRow:
    """One consented photo: its entry id, the work it is paired with, its state and screening."""

    id: str
    identifier: str
    image_id: int | None
    title: str | None
    created_at: float
    state: State
    flagged: bool
    #: what screening found ({label: score}); None when the photo was not screened
    screen: dict[str, float] | None
    token_sha256: str
    photo_sha256: str
    decided_by: str | None = None
    decided_at: float | None = None


class GalleryStore(Connected):
    """Read and write gallery rows; callers hold `transaction()` around changes that go together."""

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock) -> None:
        self._db = db
        self._lock = lock

    def add(self, row: GalleryRow, *, ignore_existing: bool = False) -> bool:
        """Insert a row; False when `ignore_existing` and its id (or photo and work) is taken."""
        verb = "INSERT OR IGNORE" if ignore_existing else "INSERT"
        with self._lock:
            cursor = self._db.execute(
                f"{verb} INTO gallery (id, identifier, image_id, title, created_at, state, flagged,"
                " screen, token_sha256, photo_sha256, decided_by, decided_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (row.id, row.identifier, row.image_id, row.title, row.created_at, row.state,
                 int(row.flagged), None if row.screen is None else json.dumps(row.screen),
                 row.token_sha256, row.photo_sha256, row.decided_by, row.decided_at))
        return cursor.rowcount == 1

    def get(self, entry_id: str) -> GalleryRow | None:
        with self._lock:
            found = self._db.execute("SELECT * FROM gallery WHERE id = ?", (entry_id,)).fetchone()
        return None if found is None else _row(found)

    def has_photo(self, photo_sha256: str, identifier: str) -> bool:
        """Whether this photo is in the gallery with this work already (in any state)."""
        with self._lock:
            found = self._db.execute(
                "SELECT 1 FROM gallery WHERE photo_sha256 = ? AND identifier = ?",
                (photo_sha256, identifier)).fetchone()
        return found is not None

    def entries(self, state: State, limit: int = 60, offset: int = 0, *, oldest_first: bool = False
                ) -> list[GalleryRow]:
        """Rows in `state`, newest first (the public gallery) or oldest first (the queue)."""
        order = "ASC" if oldest_first else "DESC"
        with self._lock:
            rows = self._db.execute(
                f"SELECT * FROM gallery WHERE state = ? ORDER BY created_at {order}, id LIMIT ? OFFSET ?",
                (state, limit, offset)).fetchall()
        return [_row(r) for r in rows]

    def count(self, state: State) -> int:
        with self._lock:
            found = self._db.execute("SELECT count(*) FROM gallery WHERE state = ?", (state,)).fetchone()
        return int(found[0])

    def set_state(self, entry_id: str, state: State, *, decided_by: str, decided_at: float) -> None:
        with self._lock:
            self._db.execute("UPDATE gallery SET state = ?, decided_by = ?, decided_at = ? WHERE id = ?",
                             (state, decided_by, decided_at, entry_id))

    def delete(self, entry_id: str) -> bool:
        with self._lock:
            return self._db.execute("DELETE FROM gallery WHERE id = ?", (entry_id,)).rowcount == 1


def _row(found: sqlite3.Row) -> GalleryRow:
    screen: Any = json.loads(found["screen"]) if found["screen"] else None
    return GalleryRow(
        id=str(found["id"]), identifier=str(found["identifier"]), image_id=found["image_id"],
        title=found["title"], created_at=float(found["created_at"]), state=found["state"],
        flagged=bool(found["flagged"]), screen=screen, token_sha256=str(found["token_sha256"]),
        photo_sha256=str(found["photo_sha256"]), decided_by=found["decided_by"],
        decided_at=found["decided_at"])
