"""Filtering records by metadata, and counting them by field value (facets)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from vitrine.catalog import facetcounts, facetpairs
from vitrine.catalog.base import Connected, id_array
from vitrine.catalog.creatornames import creator_clause
from vitrine.errors import CatalogError
from vitrine.records import Filters

#: a facet of accepted suggestions' labels is named CURATED_PREFIX + kind (no record field has a colon)
CURATED_PREFIX = "curated:"
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

    def filter_record_ids(self, filters: Filters) -> list[int]:
        where, params = filter_sql(filters)
        return [r[0] for r in self._db.execute(f"SELECT r.id FROM records r WHERE {where}", params)]

    def facet(self, field: str, filters: Filters | None = None, limit: int = 50) -> list[tuple[str, int]]:
        """Values of a field with their record counts, most frequent first. `curated:KIND` counts the
        labels of accepted suggestions of that kind (curated:tag, curated:class...). Read from kept
        counts with no filter (`facetcounts`) or one filter of those kept by pairs (`facetpairs`);
        counted from the rows otherwise."""
        if filters is None or filters.is_empty():
            if field in facetcounts.COUNTED:
                return facetcounts.read(self._db, field, limit)
            if field.startswith(CURATED_PREFIX):
                return facetcounts.read_curated(self._db, field.removeprefix(CURATED_PREFIX), limit)
            return self.facet_live(field, filters, limit)
        kept = facetpairs.read(self._db, field, filters, limit)
        return self.facet_live(field, filters, limit) if kept is None else kept

    def facet_live(
        self, field: str, filters: Filters | None = None, limit: int = 50,
    ) -> list[tuple[str, int]]:
        """`facet` computed from the rows."""
        where, params = filter_sql(filters or Filters())
        if field.startswith(CURATED_PREFIX):
            # A creator or an accepted value picks few records: start from them, not from every
            # accepted value of the kind (the planner's choice, right for the other filters)
            # (a record's accepted values by record id: `+` keeps the planner off the index by kind)
            join, kind = (("records r CROSS JOIN assertions a", "+a.kind") if narrow(filters)
                          else ("assertions a JOIN records r", "a.kind"))
            sql = (f"SELECT min(a.label), count(DISTINCT r.id) FROM {join}"
                   f" ON r.id = a.record_id WHERE {kind} = ? AND {where} GROUP BY a.label COLLATE NOCASE")
            params = [field.removeprefix(CURATED_PREFIX), *params]
        elif field == "creator":
            sql = ("SELECT c.name, count(DISTINCT r.id) FROM record_creators c"
                   f" JOIN records r ON r.id = c.record_id WHERE {where} GROUP BY c.name")
        elif field == "century":
            # Centuries count from 1: 1-100 is the 1st, -100..-1 (BCE) the -1st; SQLite's
            # integer division truncates toward zero, hence the two branches.
            sql = ("SELECT CASE WHEN r.year_min > 0 THEN (r.year_min - 1) / 100 + 1"
                   " ELSE -((-r.year_min - 1) / 100 + 1) END, count(*) FROM records r"
                   f" WHERE r.year_min IS NOT NULL AND {where} GROUP BY 1")
        else:
            column = _field_sql(field)
            sql = (f"SELECT {column}, count(*) FROM records r"
                   f" WHERE {column} IS NOT NULL AND {where} GROUP BY 1")
        rows = self._db.execute(sql + " ORDER BY 2 DESC, 1 LIMIT ?", (*params, limit)).fetchall()
        return [(str(r[0]), int(r[1])) for r in rows]


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
