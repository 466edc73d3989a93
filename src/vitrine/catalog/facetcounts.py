"""Facet counts kept by triggers: the unfiltered research page at a million records without a scan.

Counting a field's values over every record (`Filtering.facet_live`) reads the whole table: at a
million records the research page's landing facets took seconds. Migration 9 keeps, per field and
value, the number of records that have it, in `facet_counts`, up to date by triggers on `records`
and `record_creators` inside the writing transaction; `read` answers the landing page from it, and
`read_curated` counts accepted values from an index alone. Counts of zero stay as rows (a value that
comes back costs no insert) and are not shown. Values keep their type (a century is an integer), so
ties order as the computed facet orders them. A filtered facet is still counted from the rows.
"""

from __future__ import annotations

import sqlite3

#: fields whose unfiltered facet is read from `facet_counts`
COUNTED = ("object_type", "source", "century", "creator")

_CENTURY_NEW = ("CASE WHEN NEW.year_min > 0 THEN (NEW.year_min - 1) / 100 + 1"
                " ELSE -((-NEW.year_min - 1) / 100 + 1) END")
_CENTURY = "CASE WHEN year_min > 0 THEN (year_min - 1) / 100 + 1 ELSE -((-year_min - 1) / 100 + 1) END"


def _add(field: str, value: str, step: int) -> str:
    """One statement of a trigger: add `step` to the count of (field, value) unless value is NULL."""
    return (f"INSERT INTO facet_counts (field, value, n) SELECT '{field}', {value}, {step}"
            f" WHERE {value} IS NOT NULL ON CONFLICT (field, value) DO UPDATE SET n = n + {step};")


def _record_steps(row: str, step: int) -> str:
    century = _CENTURY_NEW.replace("NEW.", f"{row}.")
    return "\n    ".join((_add("object_type", f"{row}.object_type", step),
                          _add("source", f"{row}.source", step), _add("century", century, step)))


V9_SCRIPT = f"""
CREATE TABLE IF NOT EXISTS facet_counts (
    field TEXT NOT NULL,
    value NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (field, value)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS facet_counts_top ON facet_counts (field, n DESC, value);
INSERT INTO facet_counts SELECT 'object_type', object_type, count(*) FROM records
    WHERE object_type IS NOT NULL GROUP BY object_type;
INSERT INTO facet_counts SELECT 'source', source, count(*) FROM records
    WHERE source IS NOT NULL GROUP BY source;
INSERT INTO facet_counts SELECT 'century', {_CENTURY}, count(*) FROM records
    WHERE year_min IS NOT NULL GROUP BY 2;
INSERT INTO facet_counts SELECT 'creator', name, count(DISTINCT record_id) FROM record_creators GROUP BY name;
CREATE TRIGGER IF NOT EXISTS facet_counts_record_added AFTER INSERT ON records BEGIN
    {_record_steps("NEW", 1)}
END;
CREATE TRIGGER IF NOT EXISTS facet_counts_record_deleted AFTER DELETE ON records BEGIN
    {_record_steps("OLD", -1)}
END;
CREATE TRIGGER IF NOT EXISTS facet_counts_record_changed AFTER UPDATE OF object_type, source, year_min
    ON records BEGIN
    {_record_steps("OLD", -1)}
    {_record_steps("NEW", 1)}
END;
CREATE TRIGGER IF NOT EXISTS facet_counts_creator_added AFTER INSERT ON record_creators
    WHEN NOT EXISTS (SELECT 1 FROM record_creators WHERE record_id = NEW.record_id AND name = NEW.name
                     AND rowid <> NEW.rowid) BEGIN
    {_add("creator", "NEW.name", 1)}
END;
CREATE TRIGGER IF NOT EXISTS facet_counts_creator_deleted AFTER DELETE ON record_creators
    WHEN NOT EXISTS (SELECT 1 FROM record_creators WHERE record_id = OLD.record_id AND name = OLD.name) BEGIN
    {_add("creator", "OLD.name", -1)}
END;
CREATE INDEX IF NOT EXISTS assertions_facet ON assertions (kind, label COLLATE NOCASE, record_id);
CREATE INDEX IF NOT EXISTS records_source_years ON records (source, year_min, year_max);
CREATE INDEX IF NOT EXISTS records_type_years ON records (object_type, year_min, year_max);
"""


def read_curated(db: sqlite3.Connection, kind: str, limit: int) -> list[tuple[str, int]]:
    """The most frequent accepted labels of `kind` over every record, read from an index alone
    (`assertions_facet`); every assertion has its record, so no join is needed."""
    rows = db.execute(
        "SELECT min(label), count(DISTINCT record_id) FROM assertions WHERE kind = ?"
        " GROUP BY label COLLATE NOCASE ORDER BY 2 DESC, 1 LIMIT ?", (kind, limit)).fetchall()
    return [(str(r[0]), int(r[1])) for r in rows]


def read(db: sqlite3.Connection, field: str, limit: int) -> list[tuple[str, int]]:
    """The most frequent values of `field` over every record, from the kept counts."""
    rows = db.execute(
        "SELECT value, n FROM facet_counts WHERE field = ? AND n > 0 ORDER BY n DESC, value LIMIT ?",
        (field, limit)).fetchall()
    return [(str(r[0]), int(r[1])) for r in rows]
