"""Export the audit trail as CSV or JSON Lines, streaming (one page of rows in memory at a time).

Rows come oldest first, filtered like `catalog.audit.entries` (actor, action prefix, time range).
Both formats carry the same fields: `id`, `at` (ISO 8601 in UTC, to the microsecond), `actor`,
`action`, `object`, `before`, `after` and `address`. In CSV, `before` and `after` are JSON text
(empty when absent); in JSON Lines they are nested values (null when absent). A CSV cell that a
spreadsheet would read as a formula (anyone can type a name into the login form) starts with `'`.
The CLI (`vitrine audit export`) and the admin pages (`/admin/audit.csv`) call the same functions.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

from vitrine.catalog.audit import AuditEntry
from vitrine.collection import Collection
from vitrine.errors import VitrineError

FORMATS: tuple[str, ...] = ("csv", "jsonl")
COLUMNS = ("id", "at", "actor", "action", "object", "before", "after", "address")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


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


def audit_lines(collection: Collection, fmt: str, where: AuditFilter | None = None) -> Iterator[str]:
    """The rows passing `where`, oldest first, as lines of `fmt` (CSV starts with its header)."""
    if fmt not in FORMATS:
        raise VitrineError(f"unknown export format {fmt!r}: use {' or '.join(FORMATS)}")
    rows = collection.catalog.audit.iter_all(**(where or AuditFilter()).as_kwargs())
    return audit_csv(rows) if fmt == "csv" else audit_jsonl(rows)


def export_audit(collection: Collection, fmt: str, out: TextIO, where: AuditFilter | None = None) -> int:
    """Write the audit rows passing `where` to `out` in `fmt`, oldest first; returns how many."""
    count = 0
    for line in audit_lines(collection, fmt, where):
        out.write(line)
        count += 1
    return count - 1 if fmt == "csv" else count


def audit_csv(entries: Iterable[AuditEntry]) -> Iterator[str]:
    """A header line, then one CSV line per entry."""
    yield _csv_line(COLUMNS)
    for entry in entries:
        row = _flat(entry.to_dict())
        yield _csv_line([_cell(str(row[c])) for c in COLUMNS])


def audit_jsonl(entries: Iterable[AuditEntry]) -> Iterator[str]:
    """One JSON object per line."""
    for entry in entries:
        yield json.dumps(_stamped(entry.to_dict()), ensure_ascii=False) + "\n"


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


def _csv_line(values: Iterable[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerow(values)
    return buf.getvalue()


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA) else value
