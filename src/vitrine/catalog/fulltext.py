"""Full-text search over records with SQLite FTS5: the index rows and the queries."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from typing import Any

from vitrine.catalog.base import Connected
from vitrine.catalog.filters import filter_sql, narrow
from vitrine.errors import CatalogError
from vitrine.records import Filters, Record

#: above this many matches a query ranks only the newest RANKED matches (bm25 costs about a microsecond
#: a match: a word in a third of a million records took 350 ms at 1M records)
RANKED = 20_000
_BM25 = "bm25(records_fts, 10.0, 5.0, 2.0, 2.0, 1.0, 1.0, 3.0)"


class FullText(Connected):
    """Ranked full-text search of the records."""

    def full_text(
        self, query: str, limit: int, filters: Filters | None = None, ranked: int | None = RANKED,
    ) -> list[tuple[int, float]]:
        """Records matching `query` in FTS5, best first, as (record id, bm25 rank; lower is better).

        When more than `ranked` records match, only the `ranked` newest matches (by record id) are
        ranked, unless fewer than `limit` of them pass `filters` or the filter names a creator or an
        accepted value (then every match is ranked, as with `ranked=None`). Every answer matches;
        scores are the same bm25 (its statistics are the whole table's), but a better-scoring older
        match may be left out.
        """
        match = fts_query(query)
        if not match:
            return []
        filters = filters or Filters()
        try:
            # a creator or an accepted value passes few of the newest matches: rank them all at once
            bound = self._rank_bound(match, ranked) if ranked and not narrow(filters) else None
            rows = self._ranked(match, limit, filters, bound)
            if bound is not None and len(rows) < limit and not filters.is_empty():
                rows = self._ranked(match, limit, filters, None)
        except sqlite3.OperationalError as exc:
            raise CatalogError(f"full-text query {query!r} could not be run: {exc}") from exc
        return [(int(r[0]), float(r[1])) for r in rows]

    def _rank_bound(self, match: str, ranked: int) -> int | None:
        """The record id below which matches are not ranked: None when at most `ranked` match."""
        row = self._db.execute(
            "SELECT rowid FROM records_fts WHERE records_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
            (match, ranked)).fetchone()
        return None if row is None else int(row[0])

    def _ranked(self, match: str, limit: int, filters: Filters, bound: int | None) -> list[Any]:
        above = "" if bound is None else f" AND f.rowid > {bound:d}"
        if filters.is_empty():  # every indexed row is a record's: no join
            return self._db.execute(
                f"SELECT f.rowid, {_BM25} AS rank FROM records_fts f WHERE records_fts MATCH ?{above}"
                " ORDER BY rank LIMIT ?", (match, limit)).fetchall()
        where, params = filter_sql(filters)
        if _ids_only(filters):
            # creators and accepted values are lists of record ids: no need to read each matching
            # record (`+` keeps the planner from running the text query once per listed id)
            return self._db.execute(
                f"SELECT f.rowid, {_BM25} AS rank FROM records_fts f WHERE records_fts MATCH ?{above}"
                f" AND {where.replace('r.id IN', '+f.rowid IN')} ORDER BY rank LIMIT ?",
                (match, *params, limit)).fetchall()
        return self._db.execute(
            f"SELECT f.rowid, {_BM25} AS rank FROM records_fts f JOIN records r ON r.id = f.rowid"
            f" WHERE records_fts MATCH ?{above} AND {where} ORDER BY rank LIMIT ?",
            (match, *params, limit)).fetchall()

    def text_rows(self) -> Iterator[tuple[Any, ...]]:
        """Every record's indexed text: (record id, title, creators, object_type, medium, date_text,
        other, curated), for indexes built elsewhere (the stemmed one of `vitrine.ask`)."""
        yield from self._db.execute(
            "SELECT rowid, title, creators, object_type, medium, date_text, other, curated FROM records_fts")

    def text_stamp(self) -> tuple[Any, ...]:
        """Changes when any record's indexed text may have: the records' and accepted values' change
        counters (migration 10)."""
        rows = self._db.execute(
            "SELECT n FROM change_counters WHERE name IN ('records', 'assertions') ORDER BY name").fetchall()
        return tuple(int(r[0]) for r in rows)


def _ids_only(filters: Filters) -> bool:
    """Whether `filters` names only creators and accepted values, whose conditions are `r.id IN (...)`."""
    return filters == Filters(creator=filters.creator, curated=filters.curated)


def write_fts(db: sqlite3.Connection, record_id: int, record: Record) -> None:
    """Index (or re-index) a record's text; call inside the record's write transaction.

    The `curated` column holds the labels of accepted suggestions of the searchable kinds
    (`vitrine.suggestions.values.SEARCHABLE`), so they survive a re-import of the record.
    """
    other = " ".join(
        str(v) for v in (record.credit_line, record.dimensions, *record.extra.values())
        if v is not None and not isinstance(v, (dict, list)))
    curated = curated_text(db, record_id)
    delete_fts(db, record_id)
    db.execute(
        "INSERT INTO records_fts (rowid, title, creators, object_type, medium, date_text, other, curated)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (record_id, record.title, " ; ".join(record.creators), record.object_type,
         record.medium, record.date_text, other, curated))


def curated_text(db: sqlite3.Connection, record_id: int) -> str:
    """The record's accepted values of the searchable kinds, as one text (OCR and descriptions whole)."""
    return " ; ".join(r[0] for r in db.execute(
        "SELECT CASE WHEN kind IN ('text', 'description') THEN json_extract(value, '$.text') ELSE label END"
        " FROM assertions WHERE record_id = ? AND kind IN ("
        "'tag', 'class', 'face', 'entity', 'link', 'text', 'description') ORDER BY id", (record_id,)))


def delete_fts(db: sqlite3.Connection, record_id: int) -> None:
    db.execute("DELETE FROM records_fts WHERE rowid = ?", (record_id,))


def fts_query(text: str) -> str:
    """Turn free text into a safe FTS5 query: any word may match, bm25 ranks records with more first.

    Punctuation is dropped so that nothing a user types is read as FTS5 syntax; the last word
    matches as a prefix, for search-as-you-type.
    """
    # Split where the unicode61 tokenizer splits ("O'Keeffe" is two tokens there, not "OKeeffe").
    words = re.findall(r"[^\W_]+", text)
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " OR ".join(quoted)
