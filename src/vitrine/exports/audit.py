"""The audit trail as CSV or JSON Lines, streamed a line at a time (a long trail never sits in memory)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from vitrine.catalog.audit import AuditEntry

COLUMNS = ("id", "at", "actor", "action", "object", "before", "after", "address")
#: a cell starting with one of these is a formula to a spreadsheet; a failed login's name is typed by anyone
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def audit_csv(entries: Iterable[AuditEntry]) -> Iterator[str]:
    """A header line, then one CSV line per entry; times as ISO 8601 UTC, before/after as JSON."""
    yield _csv_line(COLUMNS)
    for entry in entries:
        row = entry.to_dict()
        row["at"] = _iso(entry.at)
        for key in ("before", "after"):
            row[key] = "" if row[key] is None else json.dumps(row[key], ensure_ascii=False, sort_keys=True)
        yield _csv_line([_cell(str(row[c])) for c in COLUMNS])


def audit_jsonl(entries: Iterable[AuditEntry]) -> Iterator[str]:
    """One JSON object per line, with the time both as Unix seconds (`at`) and ISO 8601 (`time`)."""
    for entry in entries:
        yield json.dumps({**entry.to_dict(), "time": _iso(entry.at)}, ensure_ascii=False) + "\n"


def _csv_line(values: Iterable[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerow(values)
    return buf.getvalue()


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA) else value


def _iso(at: float) -> str:
    return datetime.fromtimestamp(at, tz=UTC).isoformat(timespec="seconds")
