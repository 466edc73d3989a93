"""Local authority files: people (or places, subjects) from a CSV, with alternative names, life
dates and identifiers in other authorities, looked up by name offline.

The columns are configurable (`Columns`); the defaults read the National Gallery of Art's open
data (`constituents.csv` and `constituents_altnames.csv`). Lookup blocks on name words: an entry is
a candidate when it shares one of the query's two rarest words, so a query costs a few hundred
comparisons, not one per entry.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from vitrine.errors import SuggestionError
from vitrine.reconcile.names import key, tokens

#: a word shared by more entries than this is not used for blocking while rarer ones exist
MAX_BLOCK = 3000


@dataclass(frozen=True)
class Columns:
    """Which CSV column holds what; empty: the file has none. `uri` is a template with `{id}`."""

    id: str = "constituentid"
    name: str = "preferreddisplayname"
    other_names: tuple[str, ...] = ("forwarddisplayname",)
    birth: str = "beginyear"
    death: str = "endyear"
    description: str = "displaydate"
    kind: str = "constituenttype"
    role: str = "artistofngaobject"
    ulan: str = "ulanid"
    wikidata: str = "wikidataid"
    uri: str = "https://www.nga.gov/collection/artist-info.{id}.html"
    alt_id: str = "constituentid"
    alt_name: str = "displayname"

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> Columns:
        """Columns from options (TOML or JSON); an unknown key is refused by name."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(mapping) - known)
        if unknown:
            raise SuggestionError(f"unknown column option {unknown[0]!r}; known: {', '.join(sorted(known))}")
        values = dict(mapping)
        if "other_names" in values:
            values["other_names"] = tuple(values["other_names"])
        return cls(**values)


@dataclass(frozen=True)
class Entity:
    """One authority entry."""

    id: str
    name: str
    names: tuple[str, ...]
    birth: int | None = None
    death: int | None = None
    description: str = ""
    kind: str = ""
    artist: bool = False
    uri: str = ""
    same_as: tuple[str, ...] = ()


@dataclass
class Authority:
    """Entries by id, name keys by entry, and the blocking index."""

    name: str
    entities: dict[str, Entity] = field(default_factory=dict)
    keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    blocks: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, entity: Entity) -> None:
        self.entities[entity.id] = entity
        self.keys[entity.id] = tuple(dict.fromkeys(k for k in (key(n) for n in entity.names) if k))
        for word in {t for n in entity.names for t in tokens(n)}:
            self.blocks[word].append(entity.id)

    def block(self, name: str) -> list[str]:
        """The ids sharing one of the query's two rarest words (all its words if those are common)."""
        words = sorted(set(tokens(name)), key=lambda w: len(self.blocks.get(w, ())))
        words = [w for w in words if w in self.blocks]
        rare = [w for w in words if len(self.blocks[w]) <= MAX_BLOCK][:2] or words[:1]
        return list(dict.fromkeys(i for w in rare for i in self.blocks[w]))


def load_authority(path: Path, columns: Columns | None = None, altnames: Path | None = None) -> Authority:
    """An authority file and, optionally, its file of alternative names (same id column)."""
    columns = columns or Columns()
    other: dict[str, list[str]] = defaultdict(list)
    if altnames is not None:
        for _line, row in _rows(altnames, (columns.alt_id, columns.alt_name)):
            if row[columns.alt_name].strip():
                other[row[columns.alt_id].strip()].append(row[columns.alt_name].strip())
    authority = Authority(path.stem)
    needed = tuple(c for c in (columns.id, columns.name) if c)
    for line, row in _rows(path, needed):
        entity = _entity(row, columns, other, f"{path}, line {line}")
        if entity is not None:
            authority.add(entity)
    return authority


def _entity(row: dict[str, str], c: Columns, other: Mapping[str, list[str]], where: str) -> Entity | None:
    ident, name = row[c.id].strip(), row[c.name].strip()
    if not ident or not name:
        return None
    names = [name, *(row.get(col, "").strip() for col in c.other_names), *other.get(ident, ())]
    same_as = []
    if c.ulan and row.get(c.ulan, "").strip():
        same_as.append(f"http://vocab.getty.edu/ulan/{row[c.ulan].strip()}")
    if c.wikidata and row.get(c.wikidata, "").strip():
        same_as.append(f"http://www.wikidata.org/entity/{row[c.wikidata].strip()}")
    return Entity(
        id=ident, name=name, names=tuple(dict.fromkeys(n for n in names if n)),
        birth=_year(row.get(c.birth, ""), where, c.birth), death=_year(row.get(c.death, ""), where, c.death),
        description=row.get(c.description, "").strip(), kind=row.get(c.kind, "").strip(),
        artist=row.get(c.role, "").strip().lower() in ("1", "true", "yes", "artist"),
        uri=c.uri.format(id=ident) if c.uri else "", same_as=tuple(same_as))


def _year(text: str | None, where: str, column: str) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        year = int(float(text))
    except ValueError:
        raise SuggestionError(f"{where}: the {column!r} column does not hold a year") from None
    return year if -3000 <= year <= 2200 else None


def _rows(path: Path, needed: Iterable[str]) -> Iterable[tuple[int, dict[str, str]]]:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise SuggestionError(f"cannot read the authority file {path}: {exc.strerror or exc}") from None
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in needed if c not in (reader.fieldnames or [])]
        if missing:
            raise SuggestionError(
                f"{path}, line 1: the header has no column {missing[0]!r}; name the file's columns with"
                " the agent's `columns` option")  # the header itself is not repeated: it could be anything
        try:
            for row in reader:
                yield reader.line_num, {k: v or "" for k, v in row.items() if k is not None}
        except (csv.Error, UnicodeDecodeError) as exc:
            raise SuggestionError(f"{path}, line {reader.line_num}: {exc}") from None
