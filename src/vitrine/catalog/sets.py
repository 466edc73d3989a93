"""The saved-sets table: named sets of works with the search session that made them.

What a set means and how one is made, changed or exported is `vitrine.search.sets`; this module
only stores `SavedSet`s. Lists of identifiers are kept as JSON arrays of text.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Literal

from vitrine.catalog.base import Connected

QueryKind = Literal["record", "text", "image"]

_COLUMNS = ("name, description, query, method, positives, negatives, identifiers, created_at, updated_at, "
            "owner, shared")


@dataclass(frozen=True)
class SetQuery:
    """What the session searched for: a record ("more like this"), words, or an uploaded image
    (which is not kept: `value` is empty)."""

    kind: QueryKind
    value: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "value": self.value}


@dataclass(frozen=True)
class SavedSet:
    """A named set of works and the session that made it; times are Unix seconds. `owner` is the
    account that made it (None: made before accounts, or at the shell); `shared` lets other staff see it."""

    name: str
    description: str = ""
    query: SetQuery | None = None
    method: str | None = None
    positives: tuple[str, ...] = ()
    negatives: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    created_at: float = field(default_factory=time.time)
    updated_at: float = field(default_factory=time.time)
    owner: str | None = None
    shared: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "description": self.description,
            "query": self.query.to_dict() if self.query else None, "method": self.method,
            "positives": list(self.positives), "negatives": list(self.negatives),
            "identifiers": list(self.identifiers), "created_at": self.created_at,
            "updated_at": self.updated_at, "owner": self.owner, "shared": self.shared,
        }


class SetStore(Connected):
    """Saved sets by name (`catalog.sets`); group calls in `catalog.transaction()` to make them one."""

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock) -> None:
        self._db = db
        self._lock = lock

    def get(self, name: str) -> SavedSet | None:
        """The set stored under exactly this name, or None."""
        with self._lock:
            row = self._db.execute(f"SELECT {_COLUMNS} FROM saved_sets WHERE name = ?", (name,)).fetchone()
        return None if row is None else _from_row(row)

    def all(self) -> list[SavedSet]:
        """Every set, most recently updated first."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_COLUMNS} FROM saved_sets ORDER BY updated_at DESC, name").fetchall()
        return [_from_row(r) for r in rows]

    def put(self, saved: SavedSet) -> None:
        """Store `saved` under its name, replacing a set of that name."""
        with self._lock:
            self._db.execute(
                f"INSERT OR REPLACE INTO saved_sets ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                _row(saved))

    def delete(self, name: str) -> bool:
        """Forget the set of this name; False when there was none."""
        with self._lock:
            return self._db.execute("DELETE FROM saved_sets WHERE name = ?", (name,)).rowcount > 0


def _row(saved: SavedSet) -> tuple[Any, ...]:
    query = json.dumps(saved.query.to_dict()) if saved.query else None
    return (saved.name, saved.description, query, saved.method, json.dumps(list(saved.positives)),
            json.dumps(list(saved.negatives)), json.dumps(list(saved.identifiers)),
            saved.created_at, saved.updated_at, saved.owner, int(saved.shared))


def _from_row(row: sqlite3.Row) -> SavedSet:
    query = json.loads(row["query"]) if row["query"] else None
    return SavedSet(
        name=row["name"], description=row["description"],
        query=SetQuery(query["kind"], query.get("value", "")) if query else None, method=row["method"],
        positives=tuple(json.loads(row["positives"])), negatives=tuple(json.loads(row["negatives"])),
        identifiers=tuple(json.loads(row["identifiers"])), created_at=float(row["created_at"]),
        updated_at=float(row["updated_at"]), owner=row["owner"], shared=bool(row["shared"]))
