"""The facet columns in memory (`facetcache`) brought up to date from a log of changed records.

Migration 14 keeps `facet_changes`: triggers on `records` (a record added, deleted, or its type,
source or years changed) and on `record_creators` write the record's id with a growing `seq`.
A cache remembers the last seq it read; on use, when at most `PATCH_LIMIT` entries were written
since, it reads those records' rows again and patches its arrays: a record it holds is changed in
place (a deleted one marked not live and its codes cleared), a new one (its id above every id held)
is appended, and the creator pairs of the changed records are dropped and read again. A value
never seen before is put in its sorted place and the codes renumbered, so codes keep ordering as
the values. More entries, a log trimmed past the cache's seq, or a marker entry (record_id NULL,
written when an import defers its counts and when it settles them: the records it adds are not
logged one by one) read everything again, as does an id added below those held.

The log trims itself: every `_TRIM_EVERY`-th entry deletes those more than `KEEP` behind it. A
cache further behind than that reads everything again (it would anyway: `KEEP` > `PATCH_LIMIT`).
"""

from __future__ import annotations

import bisect
import json
import sqlite3
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vitrine.catalog.facetcache import (
    Columns,
    FacetCache,
    Pairs,
    century_codes,
    load_columns,
    load_labels,
    plain_rows,
    sorted_values,
)

#: the most log entries a cache patches from; more are read in full (see docs/scale.md)
PATCH_LIMIT = 50_000
#: entries the log keeps (it trims itself every _TRIM_EVERY entries)
KEEP = 60_000
_TRIM_EVERY = 10_000

V14_SCRIPT = f"""
CREATE TABLE IF NOT EXISTS facet_changes (seq INTEGER PRIMARY KEY, record_id INTEGER);
CREATE TRIGGER IF NOT EXISTS facet_changes_trim AFTER INSERT ON facet_changes
    WHEN NEW.seq % {_TRIM_EVERY} = 0 BEGIN
    DELETE FROM facet_changes WHERE seq <= NEW.seq - {KEEP};
END;
CREATE TRIGGER IF NOT EXISTS facet_changes_deferred AFTER INSERT ON facet_pairs_deferred BEGIN
    INSERT INTO facet_changes (record_id) VALUES (NULL);
END;
CREATE TRIGGER IF NOT EXISTS facet_changes_settled AFTER DELETE ON facet_pairs_deferred BEGIN
    INSERT INTO facet_changes (record_id) VALUES (NULL);
END;
CREATE TRIGGER IF NOT EXISTS facet_changes_record_added AFTER INSERT ON records
    WHEN NOT EXISTS (SELECT 1 FROM facet_pairs_deferred) BEGIN
    INSERT INTO facet_changes (record_id) VALUES (NEW.id);
END;
CREATE TRIGGER IF NOT EXISTS facet_changes_record_changed
    AFTER UPDATE OF id, object_type, source, year_min, year_max ON records
    WHEN NOT EXISTS (SELECT 1 FROM facet_pairs_deferred) BEGIN
    INSERT INTO facet_changes (record_id) VALUES (OLD.id);
    INSERT INTO facet_changes (record_id) SELECT NEW.id WHERE NEW.id != OLD.id;
END;
CREATE TRIGGER IF NOT EXISTS facet_changes_record_deleted AFTER DELETE ON records
    WHEN NOT EXISTS (SELECT 1 FROM facet_pairs_deferred) BEGIN
    INSERT INTO facet_changes (record_id) VALUES (OLD.id);
END;
CREATE TRIGGER IF NOT EXISTS facet_changes_creator_added AFTER INSERT ON record_creators
    WHEN NOT EXISTS (SELECT 1 FROM facet_pairs_deferred) BEGIN
    INSERT INTO facet_changes (record_id) VALUES (NEW.record_id);
END;
CREATE TRIGGER IF NOT EXISTS facet_changes_creator_changed AFTER UPDATE ON record_creators
    WHEN NOT EXISTS (SELECT 1 FROM facet_pairs_deferred) BEGIN
    INSERT INTO facet_changes (record_id) VALUES (OLD.record_id);
    INSERT INTO facet_changes (record_id) SELECT NEW.record_id WHERE NEW.record_id != OLD.record_id;
END;
CREATE TRIGGER IF NOT EXISTS facet_changes_creator_deleted AFTER DELETE ON record_creators
    WHEN NOT EXISTS (SELECT 1 FROM facet_pairs_deferred) BEGIN
    INSERT INTO facet_changes (record_id) VALUES (OLD.record_id);
END;
"""


def stamps(db: sqlite3.Connection) -> tuple[int, int, int]:
    """(records, accepted values) change counters (migration 10) and the log's last seq."""
    rows = dict(db.execute("SELECT name, n FROM change_counters").fetchall())
    seq = db.execute("SELECT max(seq) FROM facet_changes").fetchone()[0]
    return int(rows.get("records", 0)), int(rows.get("assertions", 0)), int(seq or 0)


def refreshed(db: sqlite3.Connection, cache: FacetCache | None) -> FacetCache:
    """`cache` if the catalogue has not changed since it was read; else brought up to date: the
    accepted values alone when only they changed, the records from the log when it is short, else
    everything read again. `how` says which."""
    now = stamps(db)  # read before the rows: a change after it is read again next time
    if cache is not None and cache.stamps == now:
        return cache
    columns = None if cache is None else _patched(db, cache.columns, cache.stamps, now)
    if cache is not None and columns is not None:
        # a label's position stays where its record is (a deleted record's labels go with it)
        labels = cache.labels if cache.stamps[1] == now[1] else load_labels(db, columns)
        how = "same" if columns is cache.columns else "patch"
        return FacetCache(columns, labels, now, how=how if cache.stamps[1] == now[1] else f"{how}+labels")
    columns = load_columns(db)
    return FacetCache(columns, load_labels(db, columns), now, how="full")


def _patched(db: sqlite3.Connection, columns: Columns, was: tuple[int, ...],
             now: tuple[int, ...]) -> Columns | None:
    """`columns` with the records logged since seq `was[2]` read again (the same object when none
    was), or None when they are to be read in full."""
    since = was[2]
    if db.execute("SELECT 1 FROM facet_pairs_deferred").fetchone() is not None:
        return None  # an import is adding records unlogged
    first = db.execute("SELECT min(seq) FROM facet_changes").fetchone()[0]
    if since == now[2]:
        return columns
    if first is None or first > since + 1:  # trimmed past the cache (or emptied)
        return None
    logged = [r[0] for r in plain_rows(db).execute(
        "SELECT record_id FROM facet_changes WHERE seq > ? AND seq <= ? LIMIT ?",
        (since, now[2], PATCH_LIMIT + 1))]
    if len(logged) > PATCH_LIMIT or None in logged:
        return None
    return _apply(db, columns, np.unique(np.array(logged, dtype=np.int64)))


def _apply(db: sqlite3.Connection, cols: Columns, changed: NDArray[np.int64]) -> Columns | None:
    listed = json.dumps(changed.tolist())
    rows = plain_rows(db).execute(
        "SELECT id, year_min, year_max, object_type, source FROM records"
        " WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id", (listed,)).fetchall()
    present = np.array([r[0] for r in rows], dtype=np.int64)
    at = np.searchsorted(cols.ids, changed)
    held = (at < len(cols.ids)) & (cols.ids[np.minimum(at, len(cols.ids) - 1)] == changed) \
        if len(cols.ids) else np.zeros(len(changed), dtype=bool)
    new = np.setdiff1d(present, changed[held])
    if len(new) and len(cols.ids) and new[0] <= cols.ids[-1]:
        return None  # an id below those held: its place would break the order
    grown = _grown(cols, new)
    known = changed[held | np.isin(changed, present)]  # one added and deleted since is neither
    positions = np.searchsorted(grown.ids, known)
    gone = positions[~np.isin(known, present)]
    grown.live[gone] = False
    grown.year_min[gone] = grown.year_max[gone] = np.nan
    for name in ("object_type", "source", "century"):
        grown.singles[name][0][gone] = len(grown.singles[name][1])
    places = np.searchsorted(grown.ids, present)
    grown.live[places] = True
    grown.year_min[places] = [np.nan if r[1] is None else r[1] for r in rows]
    grown.year_max[places] = [np.nan if r[2] is None else r[2] for r in rows]
    _set_codes(grown, "object_type", places, [r[3] for r in rows])
    _set_codes(grown, "source", places, [r[4] for r in rows])
    centuries = century_codes(grown.year_min[places])
    _set_codes(grown, "century", places, [None if np.isnan(c) else int(c) for c in centuries])
    # of the records read above (one written since is logged after the seq kept: read next time)
    read = set(present.tolist())
    creators = [r for r in plain_rows(db).execute(
        "SELECT record_id, name FROM record_creators WHERE record_id IN (SELECT value FROM json_each(?))",
        (listed,)) if r[0] in read]
    owners = np.searchsorted(grown.ids, np.array([r[0] for r in creators], dtype=np.int64))
    grown.creators = _repaired(grown.creators, positions, len(grown.ids), owners,
                               [str(r[1]) for r in creators])
    return grown


def _grown(cols: Columns, new: NDArray[np.int64]) -> Columns:
    """A copy of `cols` with `new` ids appended (not live until their rows are set)."""
    extra = len(new)

    def more(array: NDArray[Any], fill: Any) -> NDArray[Any]:
        return np.concatenate((array, np.full(extra, fill, dtype=array.dtype)))

    singles = {name: (more(codes, len(values)), list(values))
               for name, (codes, values) in cols.singles.items()}
    return Columns(np.concatenate((cols.ids, new)), more(cols.year_min, np.nan), more(cols.year_max, np.nan),
                   singles, cols.creators, more(cols.live, False))


def _set_codes(cols: Columns, name: str, places: NDArray[np.int64], column: list[Any]) -> None:
    """Codes of `column`'s values at `places`, values not held yet put in their sorted places."""
    codes, values = cols.singles[name]
    unseen = {v for v in column if v is not None} - set(values)
    if unseen:
        codes, values = _renumbered(codes, values, unseen)
        cols.singles[name] = (codes, values)
    code = {v: i for i, v in enumerate(values)}
    codes[places] = [len(values) if v is None else code[v] for v in column]


def _renumbered(codes: NDArray[np.int32], values: list[Any],
                unseen: set[Any]) -> tuple[NDArray[np.int32], list[Any]]:
    """Codes and values with `unseen` values added in SQLite's order (the last code, the missing
    value's, stays last)."""
    merged = sorted_values(set(values) | unseen)
    index = {v: i for i, v in enumerate(merged)}
    remap = np.array([index[v] for v in values] + [len(merged)], dtype=np.int32)
    return remap[codes], merged


def _repaired(pairs: Pairs, changed: NDArray[np.int64], size: int, positions: NDArray[np.int64],
              names: list[str]) -> Pairs:
    """Creator pairs without those of the `changed` positions, with their current (position, name)."""
    values = pairs.values
    unseen = sorted(n for n in set(names) if not _holds(values, n))
    codes = pairs.codes
    if unseen:  # an old code moves up by the new names sorted before its name
        shift = np.zeros(len(values) + 1, dtype=np.int32)
        for name in unseen:
            shift[bisect.bisect_left(values, name)] += 1
        codes = (codes + np.cumsum(shift)[codes]).astype(np.int32)
        values = sorted([*values, *unseen])
    dropped = np.zeros(size, dtype=bool)
    dropped[changed] = True
    keep = ~dropped[pairs.positions]
    index = {n: bisect.bisect_left(values, n) for n in set(names)}
    base = max(len(values), 1)
    key = np.unique(positions * base + np.array([index[n] for n in names], dtype=np.int64))
    return Pairs(np.concatenate((pairs.positions[keep], (key // base).astype(np.int32))),
                 np.concatenate((codes[keep], (key % base).astype(np.int32))), values)


def _holds(values: list[str], name: str) -> bool:
    at = bisect.bisect_left(values, name)
    return at < len(values) and values[at] == name
