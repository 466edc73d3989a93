"""Facet counts from columns in memory, as search engines count facets (Lucene/Solr docValues).

Kept counts (`facetcounts`, `facetpairs`) answer the landing page and one filter of a kept kind;
any other filter (a year range that is no century, a type within a century, a tag within
centuries, a maker as frequent as "Unknown artist") was counted from the rows: seconds at a
million records. Here each facet field is one numpy array indexed by a dense record position
(the records in id order): a code per record for the object type, the source and the century,
the years as two arrays, and (record position, value code) pairs, each pair once, for the
creators and for each kind of accepted value. A filter of any combination becomes a boolean mask
over the positions, and a facet's counts are one `np.bincount` over the masked codes.

The counts are exactly those `Filtering.facet_live` gives (tests compare them on random combined
filters after writes of every kind): values order as SQLite orders them (string codes are given
in sorted order, so a code's order is the value's), a creator named twice on a record counts once,
an accepted label groups its spellings as `COLLATE NOCASE` does (ASCII case) and shows the least
spelling present among the counted records, as `min(label)` does. A creator filter finds its names
as the SQL filter does (`LIKE`, through the trigram index where it applies) and reaches the
records through them.

The cache belongs to one catalogue connection and is checked against the change counters
(migration 10) and the log of changed records (migration 14) on each use, an O(1) read: a few
changed records are patched in (`facetlog`: milliseconds), many read everything again (seconds at
a million records), a change to accepted values only reloads their pairs. Fields other than these
(a configured `extra` field) and filters on `extra` fields are not held: `count` answers None and
the caller counts from the rows.
"""

from __future__ import annotations

import bisect
import sqlite3
import string
import sys
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vitrine.catalog.creatornames import creator_names
from vitrine.records import Filters

CURATED = "curated:"
#: fields a cache answers (besides curated:KIND)
FIELDS = ("object_type", "source", "century", "creator")
_FOLD = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_NO_YEAR = np.float32(np.nan)


def fold(text: str) -> str:
    """`text` as SQLite's NOCASE compares it: ASCII letters lower-cased, nothing else."""
    return text.translate(_FOLD)


def sorted_values(values: set[Any]) -> list[Any]:
    """Distinct values in SQLite's order: numbers before text, text by code point (UTF-8 bytes)."""
    return sorted(values, key=lambda v: (0, v, "") if isinstance(v, (int, float)) else (1, 0, str(v)))


def _encode(column: list[Any]) -> tuple[NDArray[np.int32], list[Any]]:
    """Codes of a column (None: the code len(values), counted in a bin that is dropped)."""
    values = sorted_values({v for v in column if v is not None})
    code = {v: i for i, v in enumerate(values)}
    missing = len(values)
    return np.fromiter((code.get(v, missing) if v is not None else missing for v in column),
                       dtype=np.int32, count=len(column)), values


@dataclass
class Pairs:
    """A many-valued field: (record position, value code) pairs, each pair once."""

    positions: NDArray[np.int32]
    codes: NDArray[np.int32]
    values: list[Any]

    def having(self, wanted: NDArray[np.bool_], size: int) -> NDArray[np.bool_]:
        """A mask of the records holding any value whose code is True in `wanted`."""
        mask = np.zeros(size, dtype=bool)
        mask[self.positions[wanted[self.codes]]] = True
        return mask

    def counts(self, mask: NDArray[np.bool_] | None) -> NDArray[np.int64]:
        codes = self.codes if mask is None else self.codes[mask[self.positions]]
        return np.bincount(codes, minlength=len(self.values))

    @property
    def nbytes(self) -> int:
        return int(self.positions.nbytes + self.codes.nbytes)


def _pairs(positions: NDArray[np.int64], column: list[Any]) -> Pairs:
    """Pairs from rows (position, value), a repeated pair kept once."""
    codes, values = _encode(column)
    key = _unique(positions * (len(values) + 1) + codes)
    return Pairs((key // (len(values) + 1)).astype(np.int32), (key % (len(values) + 1)).astype(np.int32),
                 values)


@dataclass
class Labels:
    """One kind's accepted values: counted by label without regard to ASCII case (`groups`), shown
    as the least spelling present among the counted records (`spellings`)."""

    groups: Pairs
    spellings: Pairs
    group_of: NDArray[np.int32]  # spelling code -> group code

    def top(self, mask: NDArray[np.bool_] | None, limit: int) -> list[tuple[str, int]]:
        counts = self.groups.counts(mask)
        present = np.flatnonzero(self.spellings.counts(mask))
        least = np.full(len(self.groups.values), len(self.spellings.values), dtype=np.int64)
        np.minimum.at(least, self.group_of[present], present)  # spelling codes order as the labels
        return [(str(self.spellings.values[least[g]]), int(counts[g])) for g in _ranked(counts, least, limit)]


def _labels(positions: NDArray[np.int64], labels: list[str]) -> Labels:
    spellings = _pairs(positions, labels)
    groups = _pairs(positions, [fold(label) for label in labels])
    index = {v: i for i, v in enumerate(groups.values)}
    group_of = np.array([index[fold(v)] for v in spellings.values], dtype=np.int32)
    return Labels(groups, spellings, group_of)


def _ranked(counts: NDArray[np.int64], order: NDArray[Any], limit: int) -> list[int]:
    """Codes of the `limit` largest non-zero counts, ties by `order` (the value's rank)."""
    held = np.flatnonzero(counts)
    if len(held) > limit:  # only values at least as frequent as the limit-th need sorting
        floor = np.partition(counts[held], len(held) - limit)[len(held) - limit]
        held = held[counts[held] >= floor]
    chosen = held[np.lexsort((order[held], -counts[held]))][:limit]
    return [int(c) for c in chosen]


def century_codes(years: NDArray[np.float32]) -> NDArray[np.float64]:
    """The century of each first year as `filters._CENTURY` computes it (SQLite's integer division
    truncates toward zero), NaN where there is no year."""
    y = years.astype(np.float64)
    ahead = np.floor((y - 1) / 100) + 1
    before = -(np.trunc((-y - 1) / 100) + 1)
    return np.where(y > 0, ahead, before)


@dataclass
class Columns:
    """The records' columns, built from one read of the records and their creators."""

    ids: NDArray[np.int64]
    year_min: NDArray[np.float32]
    year_max: NDArray[np.float32]
    singles: dict[str, tuple[NDArray[np.int32], list[Any]]]
    creators: Pairs
    live: NDArray[np.bool_]  # False: a record deleted since (`facetlog` patches the columns)

    @property
    def nbytes(self) -> int:
        arrays: list[NDArray[Any]] = [self.ids, self.year_min, self.year_max, self.live,
                                      *(c for c, _ in self.singles.values())]
        return sum(int(a.nbytes) for a in arrays) + self.creators.nbytes

    def positions(self, record_ids: NDArray[np.int64]) -> NDArray[np.int64]:
        return _positions(self.ids, record_ids)


def _positions(ids: NDArray[np.int64], record_ids: NDArray[np.int64]) -> NDArray[np.int64]:
    """Positions of `record_ids` (all present) among the sorted `ids`: a subtraction where the ids
    have no gaps, as usual, else a binary search."""
    if len(ids) and int(ids[-1]) - int(ids[0]) + 1 == len(ids):
        shifted: NDArray[np.int64] = record_ids - ids[0]
        return shifted
    found: NDArray[np.int64] = np.searchsorted(ids, record_ids)
    return found


def load_columns(db: sqlite3.Connection) -> Columns:
    """The records' columns and their creators' pairs, with as little as possible made in Python:
    numbers straight into arrays, a text column's records listed per distinct value by its index."""
    rows = np.fromiter(plain_rows(db).execute("SELECT id, ifnull(year_min, 'nan'), ifnull(year_max, 'nan')"
                                          " FROM records ORDER BY id"),
                       dtype=[("id", "i8"), ("min", "f4"), ("max", "f4")])
    ids = np.ascontiguousarray(rows["id"])
    year_min, year_max = np.ascontiguousarray(rows["min"]), np.ascontiguousarray(rows["max"])
    del rows
    centuries = century_codes(year_min)
    held = ~np.isnan(centuries)
    values = np.unique(centuries[held]).astype(np.int64)
    century = np.full(len(ids), len(values), dtype=np.int32)
    century[held] = np.searchsorted(values, centuries[held])
    singles = {name: _by_value(db, name, ids) for name in ("object_type", "source")}
    singles["century"] = (century, [int(v) for v in values])
    return Columns(ids, year_min, year_max, singles, _creators(db, ids), np.ones(len(ids), dtype=bool))


def plain_rows(db: sqlite3.Connection) -> sqlite3.Cursor:
    """A cursor giving plain tuples (the catalogue's connection gives sqlite3.Row)."""
    cursor = db.cursor()
    cursor.row_factory = None
    return cursor


def _by_value(db: sqlite3.Connection, column: str,
              ids: NDArray[np.int64]) -> tuple[NDArray[np.int32], list[Any]]:
    """Codes of a text column of `records`: each distinct value's records by the column's index."""
    values = sorted_values({r[0] for r in db.execute(f"SELECT DISTINCT {column} FROM records")} - {None})
    codes = np.full(len(ids), len(values), dtype=np.int32)
    for code, value in enumerate(values):
        listed = plain_rows(db).execute(f"SELECT id FROM records WHERE {column} = ?", (value,))
        codes[_positions(ids, np.fromiter(listed, dtype=[("id", "i8")])["id"])] = code
    return codes, values


def _creators(db: sqlite3.Connection, ids: NDArray[np.int64]) -> Pairs:
    """(record position, name code) pairs; the codes are the names' places in sorted order, the
    names every one the trigram table holds (one no record uses any more counts nothing)."""
    names = sorted(str(r[0]) for r in db.execute("SELECT name FROM creator_names"))
    code = {name: i for i, name in enumerate(names)}
    rows = plain_rows(db).execute("SELECT record_id, name FROM record_creators").fetchall()
    positions = _positions(ids, np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)))
    codes = np.fromiter((code[r[1]] for r in rows), dtype=np.int64, count=len(rows))
    del rows, code
    key = _unique(positions * len(names) + codes)
    base = max(len(names), 1)
    return Pairs((key // base).astype(np.int32), (key % base).astype(np.int32), names)


def _unique(keys: NDArray[np.int64]) -> NDArray[np.int64]:
    """Sorted distinct keys (numpy's unique hashes them first: ten times slower on a million)."""
    keys = np.sort(keys)
    return keys[np.concatenate(([True], keys[1:] != keys[:-1]))] if len(keys) else keys


def load_labels(db: sqlite3.Connection, columns: Columns) -> dict[str, Labels]:
    """Each kind's accepted labels (an assertion always has its record)."""
    by_kind: dict[str, list[tuple[int, str]]] = {}
    for kind, record_id, label in db.execute("SELECT kind, record_id, label FROM assertions"):
        by_kind.setdefault(str(kind), []).append((int(record_id), str(label)))
    out = {}
    for kind, rows in by_kind.items():
        positions = columns.positions(np.array([r[0] for r in rows], dtype=np.int64))
        out[kind] = _labels(positions, [r[1] for r in rows])
    return out


@dataclass
class FacetCache:
    """Columns of one catalogue, the stamps they were read at, and counting under a filter."""

    columns: Columns
    labels: dict[str, Labels]
    stamps: tuple[int, int, int]
    how: str = "full"  # how it was brought up to date (`facetlog.refreshed`)
    _masks: dict[str, NDArray[np.bool_]] = field(default_factory=dict)

    @property
    def nbytes(self) -> int:
        held = sum(lab.groups.nbytes + lab.spellings.nbytes + int(lab.group_of.nbytes)
                   for lab in self.labels.values())
        return self.columns.nbytes + held

    @property
    def held_bytes(self) -> int:
        """`nbytes` and the values' Python objects (the creators' names most)."""
        lists = [self.columns.creators.values, *(v for _, v in self.columns.singles.values())]
        for labels in self.labels.values():
            lists += [labels.groups.values, labels.spellings.values]
        objects = sum(sys.getsizeof(values) + sum(sys.getsizeof(v) for v in values) for values in lists)
        return self.nbytes + objects

    def holds(self, fieldname: str, filters: Filters) -> bool:
        """Whether this cache answers `fieldname` under `filters` (not a field of `extra`)."""
        return not filters.fields and (fieldname in FIELDS or fieldname.startswith(CURATED))

    def count(self, db: sqlite3.Connection, fieldname: str, filters: Filters,
              limit: int) -> list[tuple[str, int]]:
        """`fieldname`'s `limit` most frequent values among the records passing `filters`."""
        mask = self.mask(db, filters)
        if fieldname.startswith(CURATED):
            labels = self.labels.get(fieldname.removeprefix(CURATED))
            return [] if labels is None else labels.top(mask, limit)
        if fieldname == "creator":
            pairs = self.columns.creators
            counts = pairs.counts(mask)
            values = pairs.values
        else:
            codes, values = self.columns.singles[fieldname]
            counts = np.bincount(codes if mask is None else codes[mask], minlength=len(values) + 1)[:-1]
        order = np.arange(len(values))
        return [(str(values[c]), int(counts[c])) for c in _ranked(counts, order, limit)]

    def mask(self, db: sqlite3.Connection, filters: Filters) -> NDArray[np.bool_] | None:
        """The records passing `filters` as a mask over positions (None: every record); the last
        filter's mask is kept, as a page counts several facets under one filter."""
        key = repr(filters)
        if key not in self._masks:
            self._masks.clear()
            self._masks[key] = self._build_mask(db, filters)
        return self._masks[key]

    def _build_mask(self, db: sqlite3.Connection, filters: Filters) -> NDArray[np.bool_]:
        cols = self.columns
        size = len(cols.ids)
        mask = cols.live.copy()
        ymin, ymax = cols.year_min, cols.year_max
        with np.errstate(invalid="ignore"):
            if filters.year_from is not None:  # an open end overlaps every later range
                mask &= (ymax >= filters.year_from) | (np.isnan(ymax) & ~np.isnan(ymin))
            if filters.year_to is not None:
                mask &= (ymin <= filters.year_to) | (np.isnan(ymin) & ~np.isnan(ymax))
        if filters.object_type:
            mask &= self._single("object_type", lambda v: isinstance(v, str)
                                 and fold(v) == fold(filters.object_type or ""))
        if filters.source:
            mask &= self._single("source", lambda v: v == filters.source)
        if filters.creator:
            mask &= cols.creators.having(self._names(db, filters.creator), size)
        for kind, label in filters.curated.items():
            labels = self.labels.get(kind)
            if labels is None:
                return np.zeros(size, dtype=bool)
            wanted = np.array([v == fold(label) for v in labels.groups.values], dtype=bool)
            mask &= labels.groups.having(wanted, size)
        return mask

    def _single(self, name: str, test: Any) -> NDArray[np.bool_]:
        codes, values = self.columns.singles[name]
        wanted = np.array([bool(test(v)) for v in values] + [False], dtype=bool)
        return wanted[codes]

    def _names(self, db: sqlite3.Connection, text: str) -> NDArray[np.bool_]:
        """Which creator names hold `text` as the SQL filter's LIKE finds them: from the trigram
        index where it applies, else by LIKE over each distinct name once."""
        names = creator_names(db, text, len(self.columns.creators.values) + 1_000_000)
        if names is None:
            escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            names = [str(r[0]) for r in db.execute(
                "SELECT name FROM creator_names WHERE name LIKE ? ESCAPE '\\'", (f"%{escaped}%",))]
        values = self.columns.creators.values
        wanted = np.zeros(len(values), dtype=bool)
        for name in names:  # the values are sorted as Python sorts them (all text)
            at = bisect.bisect_left(values, name)
            if at < len(values) and values[at] == name:
                wanted[at] = True
        return wanted

