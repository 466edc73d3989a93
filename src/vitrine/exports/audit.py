"""Export the audit trail as CSV or JSON Lines, streaming (one page of rows in memory at a time).

Rows come oldest first, filtered like `catalog.audit.entries` (actor, action prefix, time range).
Both formats carry the same fields: `id`, `at` (ISO 8601 in UTC, to the microsecond), `actor`,
`action`, `object`, `before`, `after` and `address`. In CSV, `before` and `after` are JSON text
(empty when absent); in JSON Lines they are nested values (null when absent).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

from vitrine.collection import Collection
from vitrine.errors import VitrineError

FORMATS: tuple[str, ...] = ("csv", "jsonl")
COLUMNS = ("id", "at", "actor", "action", "object", "before", "after", "address")


@dataclass(frozen=True)
class AuditFilter:
    """Which audit rows: by actor, action prefix ("user." matches every account action), and
    time (`since` inclusive, `until` exclusive, in seconds since the epoch)."""

    actor: str | None = None
    action: str | None = None
    since: float | None = None
    until: float | None = None

    def as_kwargs(self) -> dict[str, Any]:
        return {"actor": self.actor, "action": self.action, "since": self.since, "until": self.until}


def export_audit(collection: Collection, fmt: str, out: TextIO, where: AuditFilter | None = None) -> int:
    """Write the audit rows passing `where` to `out` in `fmt`, oldest first; returns how many."""
    if fmt not in FORMATS:
        raise VitrineError(f"unknown export format {fmt!r}: use {' or '.join(FORMATS)}")
    rows = collection.catalog.audit.iter_all(**(where or AuditFilter()).as_kwargs())
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        for entry in rows:
            writer.writerow(_flat(entry.to_dict()))
            count += 1
        return count
    for entry in rows:
        out.write(json.dumps(_stamped(entry.to_dict()), ensure_ascii=False, sort_keys=False) + "\n")
        count += 1
    return count


def iso_time(at: float) -> str:
    """An audit time as ISO 8601 in UTC (what both formats write)."""
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="microseconds")


def _stamped(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "at": iso_time(row["at"])}


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    # JSON text rather than Python's repr, so a spreadsheet shows it and a script parses it back
    def text(value: Any) -> str:
        return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)

    return {**_stamped(row), "before": text(row["before"]), "after": text(row["after"])}
