"""Import records from a CSV / TSV file or a JSON Lines file, one record per row.

A bad row (no identifier, broken JSON, an identifier already seen in the file, a wrong number
of fields) becomes an error item naming its line; the import carries on. The resume cursor is
the byte offset after the last row read, so a resumed import seeks there instead of re-reading.
"""

from __future__ import annotations

import codecs
import csv
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from vitrine.errors import ImportError_
from vitrine.importers.base import Source, SourceItem
from vitrine.importers.mapping import ColumnMapping, record_from_row

log = logging.getLogger(__name__)

_CSV_SUFFIXES = {".csv": None, ".tsv": "\t", ".tab": "\t", ".txt": None}
_JSONL_SUFFIXES = {".jsonl", ".ndjson", ".jsonlines", ".json"}
_SNIFF_DELIMITERS = ",;\t|"
_JSONL_KEY_SAMPLE = 1000


@dataclass
class _Position:
    """Where the line reader is: lines and bytes consumed so far."""

    line: int = 0
    offset: int = 0
    bad_bytes: str | None = None


class TabularSource(Source):
    """Rows of a CSV/TSV or JSON Lines file, mapped to records by a ColumnMapping."""

    kind = "tabular"

    def __init__(
        self, path: Path | str, mapping: ColumnMapping | None = None, kind: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.mapping = mapping or ColumnMapping()
        self.format = kind or _format_of(self.path)
        if self.format not in ("csv", "jsonl"):
            raise ImportError_(f"unknown tabular format {self.format!r}: use 'csv' or 'jsonl'")
        if not self.path.is_file():
            raise ImportError_(f"no such file: {self.path}")
        if codecs.lookup(self.mapping.encoding).name.startswith(("utf-16", "utf-32")):
            raise ImportError_(
                f"{self.mapping.encoding} files cannot be read line by line; "
                f"re-save {self.path.name} as UTF-8")
        self.base = self.mapping.image_base or self.path.resolve().parent

    def key(self) -> str:
        return str(self.path.resolve())

    def total(self) -> int | None:
        """Number of lines (less the CSV header): exact for JSON Lines, an upper bound for CSV."""
        with self.path.open("rb") as f:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
            f.seek(max(0, f.tell() - 1))
            lines += f.read(1) not in (b"\n", b"")
        return max(0, lines - (self.format == "csv"))

    def columns(self) -> list[str]:
        """The file's column names: the CSV header, or the keys of the first JSON objects."""
        with self.path.open("rb") as f:
            pos = _Position()
            if self.format == "csv":
                return _header(csv.reader(self._lines(f, pos), delimiter=self._delimiter(f)), self.path)
            return _jsonl_keys(self._lines(f, pos), self.path)

    def read(self, cursor: str | None = None) -> Iterator[SourceItem]:
        with self.path.open("rb") as f:
            if self.format == "csv":
                yield from self._read_csv(f, cursor)
            else:
                yield from self._read_jsonl(f, cursor)

    # -- CSV ------------------------------------------------------------------------------

    def _read_csv(self, f: IO[bytes], cursor: str | None) -> Iterator[SourceItem]:
        pos = _Position()
        reader = csv.reader(self._lines(f, pos), delimiter=self._delimiter(f))
        header = _header(reader, self.path)
        mapping = self.mapping.resolve(header, self.path.name)
        self._seek(f, pos, cursor)
        seen: dict[str, int] = {}
        while True:
            start = pos.line + 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield self._error(start, f"unreadable CSV ({exc})", pos)
                continue
            if not any(v.strip() for v in fields):
                continue
            if len(fields) > len(header):
                yield self._error(start, f"{len(fields)} fields where the header has {len(header)}"
                                         " (an unquoted delimiter?)", pos)
                continue
            row: dict[str, Any] = dict(zip(header, fields, strict=False))
            yield self._item(row, start, pos, mapping, seen)

    def _delimiter(self, f: IO[bytes]) -> str:
        """The mapping's delimiter, the one the suffix implies, or one sniffed from the header."""
        chosen = self.mapping.delimiter or _CSV_SUFFIXES.get(self.path.suffix.lower())
        if chosen:
            return chosen
        first = f.readline().decode(self.mapping.encoding, errors="replace")
        f.seek(0)
        counts = {d: first.count(d) for d in _SNIFF_DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","

    # -- JSON Lines ----------------------------------------------------------------------

    def _read_jsonl(self, f: IO[bytes], cursor: str | None) -> Iterator[SourceItem]:
        pos = _Position()
        mapping = self.mapping.resolve(_jsonl_keys(self._lines(f, pos), self.path), self.path.name)
        f.seek(0)
        pos = _Position()
        self._seek(f, pos, cursor)
        seen: dict[str, int] = {}
        for text in self._lines(f, pos):
            if not text.strip():
                continue
            try:
                row = json.loads(text)
            except json.JSONDecodeError as exc:
                yield self._error(pos.line, f"not valid JSON ({exc.msg} at column {exc.colno})", pos)
                continue
            if not isinstance(row, dict):
                yield self._error(pos.line, f"a JSON {type(row).__name__}, not an object", pos)
                continue
            yield self._item(row, pos.line, pos, mapping, seen)

    # -- shared --------------------------------------------------------------------------

    def _lines(self, f: IO[bytes], pos: _Position) -> Iterator[str]:
        """Decoded lines (newline kept), counting lines and bytes; bad bytes are noted, not fatal."""
        while raw := f.readline():
            pos.line += 1
            pos.offset += len(raw)
            try:
                yield raw.decode(self.mapping.encoding)
            except UnicodeDecodeError as exc:
                enc = self.mapping.encoding
                pos.bad_bytes = f"bytes that are not {enc} ({exc.reason} at byte {exc.start})"
                yield raw.decode(self.mapping.encoding, errors="replace")

    def _seek(self, f: IO[bytes], pos: _Position, cursor: str | None) -> None:
        """Continue after the row the cursor names, unless the file changed under it."""
        if not cursor:
            return
        try:
            saved = json.loads(cursor)
            line, offset = int(saved["line"]), int(saved["offset"])
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring a resume cursor this reader did not write: %r", cursor)
            return
        f.seek(max(0, offset - 1))
        if offset < pos.offset or f.read(1) != b"\n":
            log.warning("%s changed since the interrupted import; reading it from the start", self.path)
            f.seek(pos.offset)
            return
        pos.line, pos.offset = line, offset

    def _item(
        self, row: dict[str, Any], line: int, pos: _Position, mapping: ColumnMapping, seen: dict[str, int],
    ) -> SourceItem:
        if pos.bad_bytes:
            reason, pos.bad_bytes = pos.bad_bytes, None
            return self._error(line, reason, pos)
        try:
            record = record_from_row(row, mapping, self.base)
        except ValueError as exc:
            return self._error(line, str(exc), pos)
        first = seen.setdefault(record.identifier, line)
        if first != line:
            return self._error(
                line, f"identifier {record.identifier!r} already used at line {first}; row skipped", pos)
        return SourceItem(item=self._name(line), record=record, cursor=_cursor(pos))

    def _error(self, line: int, reason: str, pos: _Position) -> SourceItem:
        pos.bad_bytes = None
        return SourceItem(item=self._name(line), error=reason, cursor=_cursor(pos))

    def _name(self, line: int) -> str:
        return f"{self.path.name} line {line}"


def csv_source(path: Path | str, mapping: ColumnMapping | None = None) -> TabularSource:
    """A CSV file as a source, whatever its extension (the "csv" importer)."""
    return TabularSource(path, mapping, kind="csv")


def jsonl_source(path: Path | str, mapping: ColumnMapping | None = None) -> TabularSource:
    """A JSON Lines file as a source, whatever its extension (the "jsonl" importer)."""
    return TabularSource(path, mapping, kind="jsonl")


def _cursor(pos: _Position) -> str:
    return json.dumps({"line": pos.line, "offset": pos.offset})


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in _CSV_SUFFIXES:
        return "csv"
    if suffix in _JSONL_SUFFIXES:
        return "jsonl"
    raise ImportError_(
        f"cannot tell the format of {path.name} from its extension; say kind='csv' or kind='jsonl'")


def _header(reader: Iterator[list[str]], path: Path) -> list[str]:
    """Column names, stripped; blank names become column_N and repeated names get a suffix."""
    try:
        raw = next(reader)
    except StopIteration:
        raise ImportError_(f"{path.name} is empty: a CSV file needs a header row") from None
    except csv.Error as exc:
        raise ImportError_(f"{path.name}: unreadable CSV header ({exc})") from None
    names: list[str] = []
    for i, name in enumerate(raw, start=1):
        name = name.strip() or f"column_{i}"
        base, n = name, 1
        while name in names:
            n += 1
            name = f"{base}_{n}"
        names.append(name)
    return names


def _jsonl_keys(lines: Iterator[str], path: Path) -> list[str]:
    """Keys of the first objects of a JSON Lines file, in first-seen order."""
    keys: dict[str, None] = {}
    for i, text in enumerate(lines):
        if i >= _JSONL_KEY_SAMPLE:
            break
        stripped = text.strip()
        if i == 0 and stripped.startswith("["):
            raise ImportError_(
                f"{path.name} holds a JSON array; write one JSON object per line (JSON Lines) instead")
        try:
            row = json.loads(stripped) if stripped else None
        except json.JSONDecodeError:
            continue
        if isinstance(row, dict):
            keys.update(dict.fromkeys(row))
    return list(keys)
