"""Export a collection's records as CSV or JSON Lines, streaming (one record in memory at a time).

CSV: one row per record; creators joined with "; ", image locations joined with " | ", each
`extra` key as its own column (after the core columns, sorted), lists and dicts as JSON text.
JSON Lines: one object per record, `extra` nested and `images` as a list of objects.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any, Literal, TextIO

from vitrine.collection import Collection
from vitrine.errors import VitrineError
from vitrine.jobs.progress import ProgressCallback, Reporter
from vitrine.records import Record

Format = Literal["csv", "jsonl"]
FORMATS: tuple[str, ...] = ("csv", "jsonl")

CORE_COLUMNS = (
    "identifier", "title", "creators", "date_text", "year_min", "year_max", "object_type", "medium",
    "dimensions", "credit_line", "rights", "source_url", "source", "images",
)
CREATOR_SEPARATOR = "; "
IMAGE_SEPARATOR = " | "


def export_records(
    collection: Collection, fmt: str, out: TextIO, progress: ProgressCallback | None = None,
) -> int:
    """Write every record of `collection` to `out` in `fmt`; returns how many were written."""
    if fmt not in FORMATS:
        raise VitrineError(f"unknown export format {fmt!r}: use {' or '.join(FORMATS)}")
    reporter = Reporter(progress, "export", collection.catalog.count())
    if fmt == "csv":
        return _write_csv(collection, out, reporter)
    return _write_jsonl(collection.catalog.iter_records(), out, reporter)


def _write_jsonl(records: Iterator[Record], out: TextIO, reporter: Reporter) -> int:
    for record in records:
        out.write(json.dumps(record.to_dict(), ensure_ascii=False, default=str) + "\n")
        reporter.advance()
    return reporter.done


def _write_csv(collection: Collection, out: TextIO, reporter: Reporter) -> int:
    # A first pass learns the extra columns, so the header is complete while rows still stream.
    extra_keys = sorted({key for r in collection.catalog.iter_records() for key in r.extra}
                        - set(CORE_COLUMNS))
    writer = csv.DictWriter(out, fieldnames=[*CORE_COLUMNS, *extra_keys], extrasaction="ignore")
    writer.writeheader()
    for record in collection.catalog.iter_records():
        writer.writerow(csv_row(record))
        reporter.advance()
    return reporter.done


def csv_row(record: Record) -> dict[str, Any]:
    """A record flattened into CSV cells."""
    row: dict[str, Any] = {key: _cell(value) for key, value in record.extra.items()}
    row.update({
        "identifier": record.identifier, "title": record.title,
        "creators": CREATOR_SEPARATOR.join(record.creators), "date_text": record.date_text,
        "year_min": record.year_min, "year_max": record.year_max,
        "object_type": record.object_type, "medium": record.medium,
        "dimensions": record.dimensions, "credit_line": record.credit_line, "rights": record.rights,
        "source_url": record.source_url, "source": record.source,
        "images": IMAGE_SEPARATOR.join(img.location for img in record.images),
    })
    return row


def _cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value
