"""Filtering records by metadata, and counting them by field value (facets)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from vitrine.catalog import facetcache, facetcounts, facetlog, facetpairs
from vitrine.catalog.base import Connected, id_array
from vitrine.catalog.creatornames import creator_clause, creator_names
from vitrine.errors import CatalogError
from vitrine.records import Filters

#: a facet of accepted suggestions' labels is named CURATED_PREFIX + kind (no record field has a colon)
CURATED_PREFIX = "curated:"
#: a creator filter matching more names than this has no estimated share (`Filtering.share`)
MANY_NAMES = 2_000
_CORE_FIELDS = (
    "title", "date_text", "object_type", "medium", "dimensions", "credit_line", "rights",
    "source_url", "source",
)


class Filtering(Connected):
    """Which records and images pass a filter, and the values of a field with their counts."""

    def filter_image_ids(self, filters: Filters) -> NDArray[np.int64]:
        """Ids of every image whose record passes `filters`."""
        where, params = filter_sql(filters)
        return id_array(self._db.execute(
            f"SELECT i.id FROM images i JOIN records r ON r.id = i.record_id WHERE {where}", params))

    def passing_image_ids(self, image_ids: list[int], filters: Filters) -> set[int]:
        """Which of `image_ids` belong to records passing `filters` (a check in proportion to the
        ids given, for post-filtering an index's answers)."""
        if not image_ids:
            return set()
        where, params = filter_sql(filters, per_row=True)
        listed = ",".join(str(int(i)) for i in image_ids)
        # CROSS JOIN keeps the images (by id) outside: the planner would otherwise walk an index of
        # records by source or object type, in proportion to the collection
        return {int(r[0]) for r in self._db.execute(
            f"SELECT i.id FROM images i CROSS JOIN records r ON r.id = i.record_id WHERE i.id IN ({listed})"
            f" AND {where}", params)}

    def share(self, filters: Filters) -> float | None:
        """The share of the records that `filters` passes, as the kept counts (`facetcounts`) tell it
        for one filter alone: an object type or a source (exact, over the highest record id: an
        upper bound of their number), or a creator (an upper bound: a record naming two matching
        makers counts twice); None for any other filter, or a creator matching over MANY_NAMES names."""
        if filters == Filters(object_type=filters.object_type) and filters.object_type:
            # without regard to ASCII case, as filter_sql matches it
            n = self._db.execute("SELECT coalesce(sum(n), 0) FROM facet_counts WHERE field = 'object_type'"
                                 " AND value = ? COLLATE NOCASE", (filters.object_type,)).fetchone()[0]
        elif filters == Filters(source=filters.source) and filters.source:
            n = self._db.execute("SELECT coalesce(sum(n), 0) FROM facet_counts WHERE field = 'source'"
                                 " AND value = ?", (filters.source,)).fetchone()[0]
        elif filters == Filters(creator=filters.creator) and filters.creator:
            names = creator_names(self._db, filters.creator, MANY_NAMES)
            if names is None:
                return None
            n = sum(int(r[0]) for name in names for r in self._db.execute(
                "SELECT n FROM facet_counts WHERE field = 'creator' AND value = ?", (name,)))
        else:
            return None
        top = self._db.execute("SELECT coalesce(max(id), 0) FROM records").fetchone()[0]
        return min(1.0, int(n) / top) if top else 0.0

    def filter_record_ids(self, filters: Filters) -> list[int]:
        where, params = filter_sql(filters)
        return [r[0] for r in self._db.execute(f"SELECT r.id FROM records r WHERE {where}", params)]

    def facet(self, field: str, filters: Filters | None = None, limit: int = 50) -> list[tuple[str, int]]:
        """Values of a field with their record counts, most frequent first. `curated:KIND` counts the
        labels of accepted suggestions of that kind (curated:tag, curated:class...). Read from kept
        counts with no filter (`facetcounts`) or one filter of those kept by pairs (`facetpairs`);
        any other filter from the columns in memory (`facetcache`); a field of `extra`, or any
        field under a filter on one, is counted from the rows."""
        if filters is None or filters.is_empty():
            if field in facetcounts.COUNTED:
                return facetcounts.read(self._db, field, limit)
            if field.startswith(CURATED_PREFIX):
                return facetcounts.read_curated(self._db, field.removeprefix(CURATED_PREFIX), limit)
            return self.facet_live(field, filters, limit)
        kept = facetpairs.read(self._db, field, filters, limit)
        if kept is not None:
            return kept
        with self._lock:  # the columns are read and counted on the shared connection
            cache = self.facet_cache()
            if cache.holds(field, filters):
                return cache.count(self._db, field, filters, limit)
        return self.facet_live(field, filters, limit, scoped=narrow(filters))

    def facet_cache(self, reload: bool = False) -> facetcache.FacetCache:
        """The records' facet columns in memory (`facetcache`), read again when the catalogue's
        change counters moved since (or `reload`)."""
        with self._lock:
            held = None if reload else getattr(self, "_facet_cache", None)
            self._facet_cache: facetcache.FacetCache = facetlog.refreshed(self._db, held)
            return self._facet_cache

    def facet_live(
        self, field: str, filters: Filters | None = None, limit: int = 50, scoped: bool = False,
    ) -> list[tuple[str, int]]:
        """`facet` computed from the rows. `scoped`: from the records passing `filters` listed once
        (`_scope`), for a filter that picks few; else the filter is part of each facet's query."""
        where, params = filter_sql(filters or Filters())
        # the listed records are the connection's, shared by threads: list and count under the lock
        with self._lock:
            if scoped:
                self._scope(filters or Filters())
                where, params = "1", []
            sql = _facet_sql(field, where, scoped)
            if field.startswith(CURATED_PREFIX):
                kind = field.removeprefix(CURATED_PREFIX)
                params = [kind, *params]
                if scoped and self._fewer_values(kind):
                    sql = _SCOPED_BY_VALUES
            rows = self._db.execute(sql + " ORDER BY 2 DESC, 1 LIMIT ?", (*params, limit)).fetchall()
        return [(str(r[0]), int(r[1])) for r in rows]

    def _scope(self, filters: Filters) -> None:
        """List the records passing `filters` into `temp.facet_scope`, unless they are there for
        the same filters and the catalogue has not changed since (its change counters)."""
        stamp = self._db.execute("SELECT group_concat(name || ':' || n) FROM change_counters").fetchone()[0]
        key = (repr(filters), stamp)
        if getattr(self, "_scoped", None) == key:
            return
        where, params = filter_sql(filters)
        self._db.execute("CREATE TEMP TABLE IF NOT EXISTS facet_scope"
                         " (id INTEGER PRIMARY KEY, object_type, source, century)")
        self._db.execute("DELETE FROM temp.facet_scope")
        self._db.execute(f"INSERT INTO temp.facet_scope SELECT r.id, r.object_type, r.source, {_CENTURY}"
                         f" FROM records r WHERE {where}", params)
        self._scoped = key
        self._scoped_count = int(self._db.execute("SELECT count(*) FROM temp.facet_scope").fetchone()[0])

    def _fewer_values(self, kind: str) -> bool:
        """Whether `kind` has fewer accepted values than there are listed records (then counting
        starts from the values; a kind with none costs nothing)."""
        limit = getattr(self, "_scoped_count", 0)
        held = self._db.execute("SELECT count(*) FROM (SELECT 1 FROM assertions WHERE kind = ? LIMIT ?)",
                                (kind, limit)).fetchone()[0]
        return int(held) < limit


_SCOPED_BY_VALUES = ("SELECT min(a.label), count(DISTINCT a.record_id) FROM assertions a"
                     " CROSS JOIN temp.facet_scope s ON s.id = a.record_id WHERE a.kind = ?"
                     " GROUP BY a.label COLLATE NOCASE")
# Centuries count from 1: 1-100 is the 1st, -100..-1 (BCE) the -1st; SQLite's integer division
# truncates toward zero, hence the two branches.
_CENTURY = ("CASE WHEN r.year_min > 0 THEN (r.year_min - 1) / 100 + 1"
            " ELSE -((-r.year_min - 1) / 100 + 1) END")


def _facet_sql(field: str, where: str, scoped: bool) -> str:
    """A facet's counting query (without its ORDER BY); `scoped` starts from `temp.facet_scope s`
    and reaches each listed record's rows by its id (CROSS JOIN keeps that order; `+` keeps the
    planner off the index of accepted values by kind)."""
    records = "temp.facet_scope s CROSS JOIN records r ON r.id = s.id" if scoped else "records r"
    if field.startswith(CURATED_PREFIX):
        if scoped:
            return ("SELECT min(a.label), count(DISTINCT a.record_id) FROM temp.facet_scope s"
                    " CROSS JOIN assertions a ON a.record_id = s.id WHERE +a.kind = ?"
                    " GROUP BY a.label COLLATE NOCASE")
        return ("SELECT min(a.label), count(DISTINCT r.id) FROM assertions a JOIN records r"
                f" ON r.id = a.record_id WHERE a.kind = ? AND {where} GROUP BY a.label COLLATE NOCASE")
    if field == "creator":
        if scoped:
            return ("SELECT c.name, count(DISTINCT c.record_id) FROM temp.facet_scope s"
                    " CROSS JOIN record_creators c ON c.record_id = s.id GROUP BY c.name")
        return ("SELECT c.name, count(DISTINCT r.id) FROM record_creators c"
                f" JOIN records r ON r.id = c.record_id WHERE {where} GROUP BY c.name")
    if scoped and field in ("object_type", "source", "century"):  # listed with the records
        return f"SELECT {field}, count(*) FROM temp.facet_scope WHERE {field} IS NOT NULL GROUP BY 1"
    if field == "century":
        return (f"SELECT {_CENTURY}, count(*) FROM {records}"
                f" WHERE r.year_min IS NOT NULL AND {where} GROUP BY 1")
    column = _field_sql(field)
    return f"SELECT {column}, count(*) FROM {records} WHERE {column} IS NOT NULL AND {where} GROUP BY 1"


def narrow(filters: Filters | None) -> bool:
    """Whether `filters` names a creator or an accepted value: filters that pick few records."""
    return filters is not None and bool(filters.creator or filters.curated)


def filter_sql(filters: Filters, per_row: bool = False) -> tuple[str, list[Any]]:
    """A WHERE condition on `records r` for `filters`, with its parameters. `per_row`: creators and
    accepted values are looked up for each row (for a few rows) rather than listed once (for many)."""
    clauses: list[str] = ["1"]
    params: list[Any] = []
    if filters.year_from is not None:
        # An open end ("after 1850": no year_max) overlaps every later range; no date at all
        # overlaps none.
        clauses.append("(r.year_max >= ? OR (r.year_max IS NULL AND r.year_min IS NOT NULL))")
        params.append(filters.year_from)
    if filters.year_to is not None:
        clauses.append("(r.year_min <= ? OR (r.year_min IS NULL AND r.year_max IS NOT NULL))")
        params.append(filters.year_to)
    if filters.object_type:
        clauses.append("r.object_type = ? COLLATE NOCASE")
        params.append(filters.object_type)
    if filters.source:
        clauses.append("r.source = ?")
        params.append(filters.source)
    if filters.creator:
        clause, more = creator_clause(filters.creator, per_row)
        clauses.append(clause)
        params.extend(more)
    for kind, label in filters.curated.items():
        clauses.append(
            "EXISTS (SELECT 1 FROM assertions WHERE record_id = r.id AND kind = ?"
            " AND label = ? COLLATE NOCASE)"
            if per_row else
            "r.id IN (SELECT record_id FROM assertions WHERE kind = ? AND label = ? COLLATE NOCASE)")
        params.extend((kind, label))
    for name, value in filters.fields.items():
        clauses.append(f"CAST({_field_sql(name)} AS TEXT) = ? COLLATE NOCASE")
        params.append(value)
    return " AND ".join(clauses), params


def _field_sql(field: str) -> str:
    """SQL for a named field: a core column, or a key of the `extra` JSON."""
    if field in _CORE_FIELDS:
        return f"r.{field}"
    if field == "date":
        return "r.date_text"
    if not field.replace("_", "").replace("-", "").isalnum():
        raise CatalogError(f"field name {field!r} may hold only letters, digits, '_' and '-'")
    return f"json_extract(r.extra, '$.\"{field}\"')"
