"""Gazetteers: names (with their alternative forms) of known people, places, organisations and works,
found in text by longest match on word tokens (the Ritter finding: the catalogue's own authority data
first). Built from a collection's records (makers, places) and from authority files users supply.

An authority file is a CSV with a header: a name column (`name`, `label`, or NGA's
`forwarddisplayname`/`preferreddisplayname`), optionally a type (`type`, or NGA's `constituenttype`:
individual -> person, corporate -> organisation) and alternative names (`alternative_names`,
separated by `|`). "Last, First" names are also looked for as "First Last".
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Final

from vitrine.entities.mentions import TYPES, Mention, type_of
from vitrine.errors import EntityError
from vitrine.records import Record

WORD: Final = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")
#: names that are not names of anyone in particular
_NOT_NAMES: Final = frozenset({"anonymous", "anonyme", "unknown", "inconnu", "various", "divers", "after",
                               "attributed", "school", "workshop", "atelier", "studio", "the", "le", "la"})
_NAME_COLUMNS: Final = ("name", "label", "forwarddisplayname", "preferreddisplayname")
_TYPE_COLUMNS: Final = ("type", "constituenttype")
_ALT_COLUMNS: Final = ("alternative_names", "alternatives", "altnames")
_NGA_TYPES: Final = {"individual": "person", "corporate": "organisation", "anonymous": ""}
#: record fields (keys of `extra`) that hold place names
PLACE_KEYS: Final = re.compile(r"place|country|city|location|region|geograph", re.IGNORECASE)


def words(text: str) -> list[tuple[int, int, str]]:
    """The word tokens of `text` as (start, end, token)."""
    return [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]


class Gazetteer:
    """Known names by type; `find(text)` yields their longest, non-overlapping occurrences."""

    def __init__(self, source: str = "gazetteer") -> None:
        self.source = source
        self._names: dict[tuple[str, ...], str] = {}
        self._longest: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._names)

    def add(self, name: str, kind: str) -> bool:
        """Add `name` as a `kind`; False (nothing added) for what cannot be a name or is known already."""
        key = tuple(token.lower() for _, _, token in words(name))
        if not key or key in self._names or not any(t[0].isalpha() for t in key):
            return False
        if len(key) == 1 and (len(key[0]) < 3 or key[0] in _NOT_NAMES):
            return False
        self._names[key] = kind
        self._longest[key[0]] = max(self._longest.get(key[0], 0), len(key))
        return True

    def add_with_forms(self, name: str, kind: str) -> None:
        """`name`, and for "Last, First" also "First Last"."""
        self.add(name, kind)
        if kind == "person" and name.count(",") == 1:
            last, first = (part.strip() for part in name.split(","))
            if last and first:
                self.add(f"{first} {last}", kind)

    def find(self, text: str) -> list[Mention]:
        tokens = words(text)
        found: list[Mention] = []
        i = 0
        while i < len(tokens):
            length = self._match(tokens, i)
            if length:
                kind = self._names[tuple(t.lower() for _, _, t in tokens[i:i + length])]
                found.append(Mention(tokens[i][0], tokens[i + length - 1][1], kind, self.source))
                i += length
            else:
                i += 1
        return found

    def _match(self, tokens: list[tuple[int, int, str]], i: int) -> int:
        first = tokens[i][2]
        if not first[0].isupper():
            return 0  # a name in running text starts with a capital
        for length in range(min(self._longest.get(first.lower(), 0), len(tokens) - i), 0, -1):
            if tuple(t.lower() for _, _, t in tokens[i:i + length]) in self._names:
                return length
        return 0


def from_records(records: Iterable[Record], gazetteer: Gazetteer | None = None) -> Gazetteer:
    """The collection's own names: its records' makers (persons) and place fields (places)."""
    gazetteer = Gazetteer("collection") if gazetteer is None else gazetteer
    for record in records:
        for creator in record.creators:
            gazetteer.add_with_forms(creator.split(" (", 1)[0].strip(), "person")
        for key, value in record.extra.items():
            if isinstance(value, str) and PLACE_KEYS.search(key):
                for place in re.split(r"[;|]", value):
                    gazetteer.add(place.strip(), "place")
    return gazetteer


def read_authority(path: Path | str, gazetteer: Gazetteer | None = None,
                   default_type: str = "person") -> Gazetteer:
    """Names from an authority CSV (see the module's docstring); a malformed row names its line."""
    path = Path(path)
    gazetteer = Gazetteer("authority") if gazetteer is None else gazetteer
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            for line, name, kind, alternatives in _authority_rows(path, handle, default_type):
                if kind not in TYPES:
                    raise EntityError(f"{path}:{line}: the type is not one of {', '.join(TYPES)}")
                gazetteer.add_with_forms(name, kind)
                for alternative in alternatives:
                    gazetteer.add_with_forms(alternative, kind)
    except OSError as exc:
        raise EntityError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise EntityError(f"{path}: not UTF-8 text") from None
    except csv.Error as exc:
        raise EntityError(f"{path}: not a readable CSV file ({exc})") from None
    return gazetteer


def _authority_rows(path: Path, handle: Iterable[str],
                    default_type: str) -> Iterator[tuple[int, str, str, list[str]]]:
    reader = csv.DictReader(handle)
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    name_col = next((c for c in _NAME_COLUMNS if c in fields), None)
    if name_col is None:
        raise EntityError(f"{path}:1: no name column; the header needs one of {', '.join(_NAME_COLUMNS)}")
    type_col = next((c for c in _TYPE_COLUMNS if c in fields), None)
    alt_col = next((c for c in _ALT_COLUMNS if c in fields), None)
    reader.fieldnames = fields
    for row in reader:
        line = reader.line_num
        if None in row:
            raise EntityError(f"{path}:{line}: more cells than the header has columns")
        name = (row.get(name_col) or "").strip()
        if not name:
            continue
        kind = _kind(row.get(type_col) if type_col else None, default_type)
        if kind == "":
            continue  # NGA's "anonymous"
        cell = (row.get(alt_col) or "") if alt_col else ""
        alternatives = [a.strip() for a in cell.split("|") if a.strip()]
        yield line, name, kind, alternatives


def _kind(value: str | None, default: str) -> str:
    text = (value or "").strip().lower()
    if not text:
        return default
    if text in _NGA_TYPES:
        return _NGA_TYPES[text]
    return type_of(text) or text
