"""The audit trail (`catalog.audit`): who did what to which object, when, before and after.

Append-only: triggers in the schema refuse UPDATE and DELETE. A staff action writes its row
inside the same transaction as its change (`with catalog.transaction(): change; audit.record(...)`),
so an action without its row cannot happen, nor a row without its action.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from vitrine.catalog.base import Connected


@dataclass(frozen=True)
class AuditEntry:
    """One staff action. `actor` is an account name (or "anonymous" for failed logins)."""

    id: int
    at: float
    actor: str
    action: str
    object: str
    before: Any
    after: Any
    address: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at, "actor": self.actor, "action": self.action,
                "object": self.object, "before": self.before, "after": self.after, "address": self.address}


class AuditLog(Connected):
    """Append and read audit rows."""

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock) -> None:
        self._db = db
        self._lock = lock

    def record(self, actor: str, action: str, object: str = "", *, before: Any = None, after: Any = None,
               address: str = "") -> None:
        """Append one row; call inside the transaction of the change it records."""
        with self._lock:
            self._db.execute(
                "INSERT INTO audit (at, actor, action, object, before, after, address)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (time.time(), actor, action, object, _json(before), _json(after), address))

    def entries(self, *, actor: str | None = None, action: str | None = None, since: float | None = None,
                until: float | None = None, limit: int = 200, offset: int = 0) -> list[AuditEntry]:
        """Rows newest first, filtered by actor, action (a prefix: "user." matches every user action)
        and time."""
        where, params = _where(actor, action, since, until)
        with self._lock:
            rows = self._db.execute(
                f"SELECT * FROM audit WHERE {where} ORDER BY id DESC LIMIT ? OFFSET ?",
                (*params, limit, offset)).fetchall()
        return [_entry(r) for r in rows]

    def iter_all(self, **filters: Any) -> Iterator[AuditEntry]:
        """Every row passing the filters, oldest first, in pages (for exports)."""
        where, params = _where(filters.get("actor"), filters.get("action"), filters.get("since"),
                               filters.get("until"))
        last = 0
        while True:
            with self._lock:
                rows = self._db.execute(
                    f"SELECT * FROM audit WHERE {where} AND id > ? ORDER BY id LIMIT 500",
                    (*params, last)).fetchall()
            if not rows:
                return
            for row in rows:
                yield _entry(row)
            last = int(rows[-1]["id"])


def _where(actor: str | None, action: str | None, since: float | None,
           until: float | None) -> tuple[str, list[Any]]:
    clauses: list[str] = ["1"]
    params: list[Any] = []
    if actor:
        clauses.append("actor = ?")
        params.append(actor)
    if action:
        clauses.append("action LIKE ? ESCAPE '\\'")
        params.append(action.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
    if since is not None:
        clauses.append("at >= ?")
        params.append(since)
    if until is not None:
        clauses.append("at < ?")
        params.append(until)
    return " AND ".join(clauses), params


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def _entry(row: sqlite3.Row) -> AuditEntry:
    return AuditEntry(
        int(row["id"]), float(row["at"]), str(row["actor"]), str(row["action"]), str(row["object"]),
        json.loads(row["before"]) if row["before"] else None,
        json.loads(row["after"]) if row["after"] else None, str(row["address"]))
