"""Which source column feeds which Record field, for tabular imports (CSV, JSON Lines).

A mapping comes from a CLI string (``identifier=id,title=title,creators=artist,image=file``),
from a TOML file (the same keys under ``[columns]`` plus options), or from auto-detection on
the column names. Explicit entries always win; auto-detection only fills fields left unmapped,
using columns nothing else claimed. Map a field to an empty string to switch it off.

Example mapping file::

    source = "public-art"          # Record.source for every row
    delimiter = ","                # CSV only; sniffed from the header when absent
    encoding = "utf-8-sig"
    creators_separator = ";"
    image_separator = "|"
    image_base = "images/.."       # relative to the mapping file; default: the data file's folder
    auto_detect = true

    [columns]
    identifier = "id"
    image = "file"
    creators = "artist"
    date_text = "date"
    year_min = "year"              # used only when date_text gives no year
    year_max = "year"
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from vitrine.dates import parse_date
from vitrine.errors import ImportError_, RowError
from vitrine.records import ImageRef, Record

FIELDS = (
    "identifier", "title", "creators", "date_text", "year_min", "year_max", "object_type",
    "medium", "dimensions", "credit_line", "rights", "source_url", "source", "image",
)
"""Record fields a column can feed; `image` holds image paths or URLs."""

_ALIASES: dict[str, tuple[str, ...]] = {
    "identifier": ("id", "identifier", "objectid", "objectnumber", "accessionnumber", "accession",
                   "inventorynumber", "acno", "recordid", "uuid"),
    "title": ("title", "objecttitle", "titletext"),
    "creators": ("creators", "creator", "artist", "artists", "allartists", "author", "authors",
                 "maker", "makers"),
    "date_text": ("datetext", "date", "displaydate", "objectdate", "dated", "dating"),
    "year_min": ("yearmin", "startyear", "yearstart", "datebegin", "begindate", "earliestyear", "year"),
    "year_max": ("yearmax", "endyear", "yearend", "dateend", "enddate", "latestyear", "year"),
    "object_type": ("objecttype", "type", "classification", "objectname", "worktype", "category"),
    "medium": ("medium", "mediumdescription", "materials", "material", "technique"),
    "dimensions": ("dimensions", "measurements", "size"),
    "credit_line": ("creditline", "credit"),
    "rights": ("rights", "rightsstatement", "license", "licence", "copyright"),
    "source_url": ("sourceurl", "url", "permalink", "link", "webpage"),
    "image": ("image", "images", "imageurl", "imagepath", "file", "filename", "filepath", "path",
              "thumbnailurl", "media"),
}
_TEXT_FIELDS = ("title", "date_text", "object_type", "medium", "dimensions", "credit_line",
                "rights", "source_url", "source")
_OPTIONS = {"source", "delimiter", "encoding", "creators_separator", "image_separator",
            "image_base", "auto_detect", "columns"}


@dataclass(frozen=True)
class ColumnMapping:
    """Record field -> source column, plus the options a tabular reader needs."""

    columns: dict[str, str] = field(default_factory=dict)
    source_name: str | None = None
    delimiter: str | None = None
    encoding: str = "utf-8-sig"
    creators_separator: str | None = ";"
    image_separator: str | None = "|"
    image_base: Path | None = None
    auto_detect: bool = True

    def __post_init__(self) -> None:
        unknown = sorted(set(self.columns) - set(FIELDS))
        if unknown:
            raise ImportError_(
                f"unknown record field(s) {', '.join(unknown)} in the column mapping; "
                f"known fields: {', '.join(FIELDS)}")
        if self.delimiter is not None and len(self.delimiter) != 1:
            raise ImportError_(f"the CSV delimiter must be one character, not {self.delimiter!r}")

    @classmethod
    def parse(cls, text: str, **options: Any) -> ColumnMapping:
        """A mapping from ``field=column,field=column`` (as typed on the command line)."""
        columns: dict[str, str] = {}
        for part in filter(None, (p.strip() for p in text.split(","))):
            name, sep, column = part.partition("=")
            if not sep:
                raise ImportError_(
                    f"column mapping entry {part!r} should read field=column, e.g. title=Title")
            columns[name.strip()] = column.strip()
        return cls(columns=columns, **options)

    @classmethod
    def load(cls, path: Path) -> ColumnMapping:
        """A mapping from a TOML file (see the module docstring for its keys)."""
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ImportError_(f"cannot read the mapping file {path}: {exc.strerror or exc}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ImportError_(f"the mapping file {path} is not valid TOML: {exc}") from None
        return cls.from_dict(data, base=path.parent)

    @classmethod
    def from_dict(cls, data: dict[str, Any], base: Path | None = None) -> ColumnMapping:
        """A mapping from a parsed mapping file; a relative `image_base` is taken from `base`."""
        unknown = sorted(set(data) - _OPTIONS)
        if unknown:
            raise ImportError_(
                f"unknown mapping option(s) {', '.join(unknown)}; known: {', '.join(sorted(_OPTIONS))}")
        columns = data.get("columns", {})
        if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
            raise ImportError_("[columns] in a mapping file must map record fields to column names")
        image_base = data.get("image_base")
        return cls(
            columns=dict(columns),
            source_name=data.get("source"),
            delimiter=data.get("delimiter"),
            encoding=data.get("encoding", "utf-8-sig"),
            creators_separator=data.get("creators_separator", ";") or None,
            image_separator=data.get("image_separator", "|") or None,
            image_base=None if image_base is None else (base or Path()) / image_base,
            auto_detect=bool(data.get("auto_detect", True)),
        )

    def resolve(self, available: Sequence[str], where: str) -> ColumnMapping:
        """This mapping checked against a file's columns, auto-detected fields filled in.

        Raises ImportError_ naming the mapped column that `where` lacks and listing those it has.
        """
        missing = {f: c for f, c in self.columns.items() if c and c not in available}
        if missing:
            wrong = ", ".join(f"{f}={c!r}" for f, c in missing.items())
            raise ImportError_(
                f"{where} has no column {' or '.join(repr(c) for c in missing.values())} "
                f"(mapped as {wrong}); its columns are: {', '.join(available) or '(none)'}")
        columns = dict(self.columns)
        if self.auto_detect:
            for name, column in detect_columns(available, taken=set(columns.values())).items():
                columns.setdefault(name, column)
        return replace(self, columns={f: c for f, c in columns.items() if c})

    def unmapped(self, available: Sequence[str]) -> list[str]:
        """Columns no field uses: they go into Record.extra."""
        used = set(self.columns.values())
        return [c for c in available if c not in used]


def detect_columns(available: Sequence[str], taken: set[str] | None = None) -> dict[str, str]:
    """Guess field -> column from column names ("Artist" -> creators, "Object ID" -> identifier)."""
    taken = set(taken or ())
    by_key: dict[str, str] = {}
    for column in available:
        by_key.setdefault(_key(column), column)
    found: dict[str, str] = {}
    for name, aliases in _ALIASES.items():
        for alias in aliases:
            match = by_key.get(alias)
            # A year column may feed both ends of the range; every other column feeds one field.
            if match is not None and (match not in taken or alias == "year"):
                found[name] = match
                taken.add(match)
                break
    return found


def _key(column: str) -> str:
    return re.sub(r"[^a-z0-9]", "", column.lower())


# -- rows -> records ------------------------------------------------------------------------


def record_from_row(row: dict[str, Any], mapping: ColumnMapping, base: Path) -> Record:
    """The record a row describes; unmapped non-empty columns go into `extra` unchanged.

    Raises RowError when the row has no identifier.
    """
    cols = mapping.columns
    identifier = _text(row.get(cols.get("identifier", "")))
    if identifier is None:
        column = cols.get("identifier")
        raise RowError(f"no identifier (column {column!r} is empty)" if column
                       else "no identifier column (map one with identifier=<column>)")
    values: dict[str, Any] = {f: _text(row.get(cols[f])) for f in _TEXT_FIELDS if f in cols}
    if values.get("source") is None:
        values["source"] = mapping.source_name
    values["year_min"], values["year_max"] = _years(row, mapping, values.get("date_text"))
    creators = _split(row.get(cols["creators"]), mapping.creators_separator) if "creators" in cols else []
    images = _split(row.get(cols["image"]), mapping.image_separator) if "image" in cols else []
    used = set(cols.values())
    extra = {k: v for k, v in row.items() if k not in used and v not in (None, "")}
    return Record(
        identifier=identifier, creators=creators, extra=extra,
        images=[ImageRef(location=image_location(i, base)) for i in images], **values)


def image_location(value: str, base: Path) -> str:
    """An http(s) URL or an s3:// URI as given; a local path made absolute against `base`."""
    if value.lower().startswith(("http://", "https://", "s3://")):
        return value
    # normpath, not resolve(): no file-system calls per row (base is absolute already).
    return os.path.normpath(os.path.join(base.absolute(), os.path.expanduser(value)))


def _years(
    row: dict[str, Any], mapping: ColumnMapping, date_text: str | None,
) -> tuple[int | None, int | None]:
    """Years parsed from the date text; the year columns only when the text gives none."""
    parsed = parse_date(date_text)
    if parsed != (None, None):
        return parsed
    cols = mapping.columns
    lo = _year(row.get(cols["year_min"])) if "year_min" in cols else None
    hi = _year(row.get(cols["year_max"])) if "year_max" in cols else None
    return lo, hi


def _year(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError, OverflowError):
        return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value if v not in (None, ""))
    text = str(value).strip()
    return text or None


def _split(value: Any, separator: str | None) -> list[str]:
    if value is None:
        return []
    parts = [str(v) for v in value] if isinstance(value, (list, tuple)) else (
        str(value).split(separator) if separator else [str(value)])
    return [p.strip() for p in parts if p and p.strip()]
