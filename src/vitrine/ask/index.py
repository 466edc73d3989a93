"""The stemmed full-text index questions are matched against: SQLite FTS5 in memory, over Snowball stems.

The catalogue's own FTS5 table (`records_fts`, unicode61) does not stem, and FTS5's porter tokenizer is
English-only; this index holds, for each word of each record's text (accepted suggestions' labels
included: the `curated` column), its English and French stems. It is built from the catalogue's text
on the first question, kept per process, and rebuilt when the catalogue's text changes
(`FullText.text_stamp`). A record of 4,375 takes about a second to build (docs/ask.md).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vitrine.ask.language import parts, stems, words
from vitrine.ask.question import Makers
from vitrine.catalog.store import Catalog

#: the indexed columns, in the order of `FullText.text_rows`, and their bm25 weights
COLUMNS = ("title", "creators", "object_type", "medium", "date_text", "other", "curated")
_WEIGHTS = (10.0, 5.0, 2.0, 2.0, 1.0, 2.0, 4.0)
_cache: dict[str, tuple[tuple[Any, ...], StemIndex]] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Match:
    """A record matching the words, its bm25 (higher is better), and the words each column matched."""

    record_id: int
    score: float
    columns: dict[str, tuple[str, ...]]


class StemIndex:
    """Records' stems by column, searchable with FTS5 (an in-memory database of its own)."""

    def __init__(self, rows: Iterable[Sequence[Any]], makers: Sequence[str] = ()) -> None:
        self.makers = Makers.of(list(makers))
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(f"CREATE VIRTUAL TABLE s USING fts5({', '.join(COLUMNS)}, tokenize='unicode61')")
        self._stems: dict[int, list[frozenset[str]]] = {}
        self._lock = threading.Lock()
        batch = []
        for row in rows:
            columns = [_stemmed(text) for text in row[1:1 + len(COLUMNS)]]
            self._stems[int(row[0])] = columns
            batch.append((int(row[0]), *(" ".join(sorted(c)) for c in columns)))
        self._db.executemany(f"INSERT INTO s (rowid, {', '.join(COLUMNS)}) VALUES (?{', ?' * len(COLUMNS)})",
                             batch)

    def __len__(self) -> int:
        return len(self._stems)

    def ranked(self, terms: Sequence[str], allowed: set[int] | None = None) -> list[tuple[int, float]]:
        """(record id, bm25: higher is better) of every record holding every term (any of its stems,
        in any column), best first: all of them, so that their number is the true count."""
        groups = [sorted(stems(p)) for t in terms for p in parts(t)]
        groups = [g for g in groups if g]
        if not groups:
            return []
        match = " AND ".join("(" + " OR ".join(f'"{s}"' for s in g) + ")" for g in groups)
        with self._lock:
            rows = self._db.execute(
                f"SELECT rowid, bm25(s, {', '.join(map(str, _WEIGHTS))}) FROM s WHERE s MATCH ? ORDER BY 2",
                (match,)).fetchall()
        return [(int(rowid), -float(rank)) for rowid, rank in rows if allowed is None or rowid in allowed]

    def search(self, terms: Sequence[str], allowed: set[int] | None = None, limit: int = 1000) -> list[Match]:
        """The best `limit` records holding every term, with the words each column matched."""
        best = self.ranked(terms, allowed)[:limit]
        return [Match(rid, score, self.matched(rid, terms)) for rid, score in best]

    def matched(self, record_id: int, terms: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """Which of `terms` each column of the record holds."""
        columns = self._stems.get(record_id, [])
        out = {}
        for name, held in zip(COLUMNS, columns, strict=False):
            hit = tuple(t for t in terms if all(stems(p) & held for p in parts(t)))
            if hit:
                out[name] = hit
        return out


def _stemmed(text: object) -> frozenset[str]:
    if not text:
        return frozenset()
    out: set[str] = set()
    for word in words(str(text)):
        out |= stems(word)
    return frozenset(out)


def stem_index(root: Path, catalog: Catalog) -> StemIndex:
    """The collection's stemmed index, rebuilt when its catalogue's text changed since the last one."""
    key = str(Path(root).resolve())
    stamp = catalog.text_stamp()
    with _lock:
        held = _cache.get(key)
        if held is not None and held[0] == stamp:
            return held[1]
        makers = [name for name, _count in catalog.facet("creator", limit=1_000_000)]
        index = StemIndex(catalog.text_rows(), makers)
        _cache[key] = (stamp, index)
        return index
