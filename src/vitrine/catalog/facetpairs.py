"""Facet counts by pairs, kept by triggers: a facet page under one filter at a million records
without counting the rows the filter matches.

Migration 9 keeps each field's counts over every record (the landing page). Under a filter the
research page still counted from the rows, in proportion to what the filter matches: a century or an
object type is a third to nine tenths of a collection, seconds at a million records. Migration 11
keeps, in `facet_pairs`, the number of records for each (filter key, facet value) pair:

- filter keys: the object type (lower-cased: the filter matches it without regard to ASCII case), the
  source, and the centuries. The web's century filter is the year range of one century, and whether
  a record's years overlap it depends only on the "century numbers" of its earliest and latest years
  (`k(y) = floor((y - 1) / 100) + 1`). A record whose years span fewer than SPAN_LIMIT centuries
  counts under each century it overlaps (key `century`, read from the index on counts); one with an
  open end or a wider range counts under its *span* (key `span`, "low:high", either side empty),
  and the few spans that overlap a century are added when read, an exact merge (`read`).
- facet values: object type, source, century, creator (each name once per record) and accepted values
  of the kinds the page shows (tag, class, entity, link; each label once per record).

Triggers on `records`, `record_creators` and `assertions` keep them inside the writing transaction;
a record's pairs are taken away *before* it is deleted (its creators and accepted values go by
cascade after the row, when it can no longer be read). `read` answers a facet when the filter is one
of these alone and returns None otherwise (the caller counts from the rows). Accepted values are
grouped without regard to case on the page: where two spellings of one label meet under the filter,
`read` also returns None, so the answer is always the one counted from the rows.
"""

from __future__ import annotations

import sqlite3

from vitrine.records import Filters

#: facet fields whose filtered counts are kept
FIELDS = ("object_type", "source", "century", "creator")
#: kinds of accepted values whose filtered counts are kept (the research page's curated facets)
KINDS = ("tag", "class", "entity", "link")
_KINDS_SQL = "(" + ", ".join(f"'{k}'" for k in KINDS) + ")"
_CURATED = "curated:"
#: a record whose years span fewer centuries is counted under each century it overlaps; the others
#: (an open end, or a wider range) under their span, summed when read
SPAN_LIMIT = 10


def _k(year: str) -> str:
    """The 'century number' of a year: 1..100 → 1, -99..0 → 0, -199..-100 → -1 (floor division)."""
    return f"(CASE WHEN {year} > 0 THEN ({year} - 1) / 100 + 1 ELSE 1 - (100 - {year}) / 100 END)"


def _bounded(row: str) -> str:
    """Whether the row's years are a range of fewer than SPAN_LIMIT centuries (both ends known)."""
    low, high = _k(row + ".year_min"), _k(row + ".year_max")
    return f"({row}.year_min IS NOT NULL AND {row}.year_max IS NOT NULL AND {high} - {low} < {SPAN_LIMIT})"


def _keys(row: str) -> dict[str, str]:
    """The filter keys of the record row `row` (NEW, OLD or an alias), as SQL. A century key takes one
    value per century the row's years overlap, over the rows of `facet_century_steps s`."""
    low, high = _k(row + ".year_min"), _k(row + ".year_max")
    return {
        "object_type": f"lower({row}.object_type)",
        "source": f"{row}.source",
        "century": f"(CASE WHEN {_bounded(row)} AND s.i <= {high} - {low} THEN {low} + s.i END)",
        "span": (f"(CASE WHEN {_bounded(row)} OR ({row}.year_min IS NULL AND {row}.year_max IS NULL)"
                 f" THEN NULL ELSE coalesce({low}, '') || ':' || coalesce({high}, '') END)"),
    }


def _values(row: str) -> dict[str, str]:
    """The record row's own facet values, as SQL."""
    year = f"{row}.year_min"
    return {"object_type": f"{row}.object_type", "source": f"{row}.source",
            "century": (f"(CASE WHEN {year} > 0 THEN ({year} - 1) / 100 + 1"
                        f" ELSE -((-{year} - 1) / 100 + 1) END)")}


def _add(key: str, fvalue: str, field: str, value: str, step: int, source: str = "", where: str = "") -> str:
    """One statement: add `step` to the pair's count (rows where either side is NULL are skipped)."""
    if key == "century":
        source = f"{source}, facet_century_steps s" if source else "FROM facet_century_steps s"
    return (f"INSERT INTO facet_pairs (ffield, fvalue, field, value, n) SELECT '{key}', {fvalue}, {field},"
            f" {value}, {step} {source} WHERE {where}{fvalue} IS NOT NULL AND {value} IS NOT NULL"
            " ON CONFLICT (ffield, fvalue, field, value) DO UPDATE SET n = n + excluded.n;")


def _own(row: str, step: int) -> list[str]:
    return [_add(k, f, f"'{field}'", v, step)
            for k, f in _keys(row).items() for field, v in _values(row).items()]


def _linked(row: str, step: int) -> list[str]:
    """The pairs of the record's creators and accepted values (each once per record)."""
    creators = f"FROM (SELECT DISTINCT name FROM record_creators WHERE record_id = {row}.id) c"
    accepted = (f"FROM (SELECT DISTINCT kind, label FROM assertions WHERE record_id = {row}.id"
                f" AND kind IN {_KINDS_SQL}) a")
    return [statement for k, f in _keys(row).items() for statement in (
        _add(k, f, "'creator'", "c.name", step, creators),
        _add(k, f, f"'{_CURATED}' || a.kind", "a.label", step, accepted))]


def _through_record(record_id: str, field: str, value: str, step: int) -> list[str]:
    """Pairs of one creator or accepted value with the keys of its record (if it still exists)."""
    return [_add(k, f, field, value, step, "FROM records r", f"r.id = {record_id} AND ")
            for k, f in _keys("r").items()]


def _body(statements: list[str]) -> str:
    return "\n    ".join(statements)


_CHANGED = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in ("object_type", "source", "year_min", "year_max"))
_OTHER_CREATOR = "SELECT 1 FROM record_creators WHERE record_id = {0}.record_id AND name = {0}.name"
_OTHER_LABEL = ("SELECT 1 FROM assertions WHERE record_id = {0}.record_id AND kind = {0}.kind"
                " AND label = {0}.label")

def _steps(key: str) -> str:
    return " CROSS JOIN facet_century_steps s" if key == "century" else ""


_BUILD = "\n".join(
    [f"INSERT INTO facet_pairs SELECT '{k}', {f}, '{field}', {v}, count(*) FROM records r{_steps(k)}"
     f" WHERE {f} IS NOT NULL AND {v} IS NOT NULL GROUP BY 2, 4;"
     for k, f in _keys("r").items() for field, v in _values("r").items()]
    + [f"INSERT INTO facet_pairs SELECT '{k}', {f}, 'creator', c.name, count(DISTINCT r.id) FROM records r"
       f" JOIN record_creators c ON c.record_id = r.id{_steps(k)} WHERE {f} IS NOT NULL GROUP BY 2, 4;"
       for k, f in _keys("r").items()]
    + [f"INSERT INTO facet_pairs SELECT '{k}', {f}, '{_CURATED}' || a.kind, a.label, count(DISTINCT r.id)"
       f" FROM records r JOIN assertions a ON a.record_id = r.id{_steps(k)}"
       f" WHERE {f} IS NOT NULL AND a.kind IN {_KINDS_SQL}"
       " GROUP BY 2, 3, 4;" for k, f in _keys("r").items()])

def _triggers(deferrable: bool) -> str:
    """The triggers keeping the pairs. `deferrable` (migration 13): while `facet_pairs_deferred` holds a
    row, a new record is listed in `facet_pairs_pending` instead of counted, and a pending record's
    changes, creators and accepted values are not counted either (`settle` counts them in bulk)."""
    def pending(record_id: str) -> str:
        return f" AND NOT EXISTS (SELECT 1 FROM facet_pairs_pending WHERE record_id = {record_id})" \
            if deferrable else ""
    added = " WHEN NOT EXISTS (SELECT 1 FROM facet_pairs_deferred)" if deferrable else ""
    deleting = " WHEN 1" + pending("OLD.id") if deferrable else ""
    return f"""
CREATE TRIGGER IF NOT EXISTS facet_pairs_record_added AFTER INSERT ON records{added} BEGIN
    {_body(_own("NEW", 1))}
END;
CREATE TRIGGER IF NOT EXISTS facet_pairs_record_deleting BEFORE DELETE ON records{deleting} BEGIN
    {_body(_own("OLD", -1) + _linked("OLD", -1))}
END;
CREATE TRIGGER IF NOT EXISTS facet_pairs_record_changed
    AFTER UPDATE OF object_type, source, year_min, year_max ON records WHEN ({_CHANGED}){pending("NEW.id")}
BEGIN
    {_body(_own("OLD", -1) + _linked("OLD", -1) + _own("NEW", 1) + _linked("NEW", 1))}
END;
CREATE TRIGGER IF NOT EXISTS facet_pairs_creator_added AFTER INSERT ON record_creators
    WHEN NOT EXISTS ({_OTHER_CREATOR.format("NEW")} AND rowid <> NEW.rowid){pending("NEW.record_id")} BEGIN
    {_body(_through_record("NEW.record_id", "'creator'", "NEW.name", 1))}
END;
CREATE TRIGGER IF NOT EXISTS facet_pairs_creator_deleted AFTER DELETE ON record_creators
    WHEN NOT EXISTS ({_OTHER_CREATOR.format("OLD")}){pending("OLD.record_id")} BEGIN
    {_body(_through_record("OLD.record_id", "'creator'", "OLD.name", -1))}
END;
CREATE TRIGGER IF NOT EXISTS facet_pairs_label_added AFTER INSERT ON assertions
    WHEN NEW.kind IN {_KINDS_SQL} AND NOT EXISTS ({_OTHER_LABEL.format("NEW")} AND id <> NEW.id)\
{pending("NEW.record_id")} BEGIN
    {_body(_through_record("NEW.record_id", f"'{_CURATED}' || NEW.kind", "NEW.label", 1))}
END;
CREATE TRIGGER IF NOT EXISTS facet_pairs_label_deleted AFTER DELETE ON assertions
    WHEN OLD.kind IN {_KINDS_SQL} AND NOT EXISTS ({_OTHER_LABEL.format("OLD")}){pending("OLD.record_id")}
BEGIN
    {_body(_through_record("OLD.record_id", f"'{_CURATED}' || OLD.kind", "OLD.label", -1))}
END;
CREATE TRIGGER IF NOT EXISTS facet_pairs_label_changed BEFORE UPDATE OF record_id, kind, label ON assertions
    WHEN OLD.kind IN {_KINDS_SQL} OR NEW.kind IN {_KINDS_SQL} BEGIN
    SELECT RAISE(ABORT, 'accepted values are deleted and written again, not changed in place');
END;
"""


V11_SCRIPT = f"""
CREATE TABLE IF NOT EXISTS facet_pairs (
    ffield TEXT NOT NULL,
    fvalue NOT NULL,
    field TEXT NOT NULL,
    value NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (ffield, fvalue, field, value)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS facet_century_steps (i INTEGER PRIMARY KEY);
INSERT OR IGNORE INTO facet_century_steps (i) VALUES {", ".join(f"({i})" for i in range(SPAN_LIMIT))};
{_BUILD}
CREATE INDEX IF NOT EXISTS facet_pairs_top ON facet_pairs (ffield, fvalue, field, n DESC, value);
{_triggers(deferrable=False)}"""

_TRIGGERS = ("record_added", "record_deleting", "record_changed", "creator_added", "creator_deleted",
             "label_added", "label_deleted")
V13_SCRIPT = f"""
CREATE TABLE IF NOT EXISTS facet_pairs_deferred (id INTEGER PRIMARY KEY CHECK (id = 1));
CREATE TABLE IF NOT EXISTS facet_pairs_pending (record_id INTEGER PRIMARY KEY);
{"".join(f"DROP TRIGGER IF EXISTS facet_pairs_{name};" + chr(10) for name in _TRIGGERS)}
{_triggers(deferrable=True)}
CREATE TRIGGER IF NOT EXISTS facet_pairs_record_pending AFTER INSERT ON records
    WHEN EXISTS (SELECT 1 FROM facet_pairs_deferred) BEGIN
    INSERT OR IGNORE INTO facet_pairs_pending (record_id) VALUES (NEW.id);
END;
CREATE TRIGGER IF NOT EXISTS facet_pairs_record_unpending AFTER DELETE ON records BEGIN
    DELETE FROM facet_pairs_pending WHERE record_id = OLD.id;
END;
"""

#: the pairs of the pending records, added to the kept ones (the build's statements, from the pending
#: records only: CROSS JOIN keeps them outside)
_SETTLE = [
    statement.replace(" FROM records r",
                      " FROM facet_pairs_pending p CROSS JOIN records r ON r.id = p.record_id")
    .replace(";", " ON CONFLICT (ffield, fvalue, field, value) DO UPDATE SET n = n + excluded.n;")
    for statement in _BUILD.split("\n")]


def defer(db: sqlite3.Connection) -> None:
    """From now on, records added are listed as pending instead of counted one by one (a bulk import);
    `settle` counts them. Facets under a kept filter are counted from the rows while any is pending."""
    db.execute("INSERT OR IGNORE INTO facet_pairs_deferred (id) VALUES (1)")


def settle(db: sqlite3.Connection) -> int:
    """Count the pending records' pairs in bulk, and count each record as it comes again; returns how
    many were pending. Run it inside the caller's transaction."""
    pending = int(db.execute("SELECT count(*) FROM facet_pairs_pending").fetchone()[0])
    if pending:
        for statement in _SETTLE:
            db.execute(statement)
        db.execute("DELETE FROM facet_pairs_pending")
    db.execute("DELETE FROM facet_pairs_deferred")
    return pending


def _pending(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT 1 FROM facet_pairs_pending LIMIT 1").fetchone() is not None


def century_of_range(filters: Filters) -> int | None:
    """The century number `k` when `filters` is exactly the year range of one century, else None."""
    if filters.year_from is None or filters.year_to is None or filters.year_to % 100:
        return None
    k = filters.year_to // 100
    return k if filters.year_from == (k - 1) * 100 + 1 else None


def _key_of(db: sqlite3.Connection, filters: Filters) -> list[tuple[str, object]] | None:
    """The kept (filter field, key) pairs whose counts add up to `filters`' records, or None when it is
    not one filter of those kept."""
    only = Filters(object_type=filters.object_type, source=filters.source,
                   year_from=filters.year_from, year_to=filters.year_to)
    if only != filters:
        return None
    years = filters.year_from is not None or filters.year_to is not None
    if filters.object_type and not (filters.source or years):
        return [("object_type", db.execute("SELECT lower(?)", (filters.object_type,)).fetchone()[0])]
    if filters.source and not (filters.object_type or years):
        return [("source", filters.source)]
    century = century_of_range(filters) if not (filters.object_type or filters.source) else None
    if century is None:
        return None
    return [("century", century)] + [("span", span) for span in _spans(db) if _overlaps(span, century)]


def _spans(db: sqlite3.Connection) -> list[str]:
    """Every span key held, by seeking from one to the next along the primary key."""
    spans: list[str] = []
    row = db.execute("SELECT min(fvalue) FROM facet_pairs WHERE ffield = 'span'").fetchone()
    while row is not None and row[0] is not None:
        spans.append(str(row[0]))
        row = db.execute("SELECT min(fvalue) FROM facet_pairs WHERE ffield = 'span' AND fvalue > ?",
                         (row[0],)).fetchone()
    return spans


def _overlaps(span: str, century: int) -> bool:
    """Whether a record of this span passes the year range of century `century` (the filter's rule:
    an open end overlaps everything on its side; see `filters.filter_sql`)."""
    low, high = (int(part) if part else None for part in span.split(":"))
    after_start = high >= century if high is not None else low is not None
    before_end = low <= century if low is not None else high is not None
    return after_start and before_end


def read(db: sqlite3.Connection, field: str, filters: Filters, limit: int) -> list[tuple[str, int]] | None:
    """`field`'s most frequent values among the records passing `filters`, from the kept pairs; None
    when the filter or field is not kept (or two spellings of an accepted label meet)."""
    curated = field.startswith(_CURATED) and field.removeprefix(_CURATED) in KINDS
    if field not in FIELDS and not curated:
        return None
    keys = _key_of(db, filters)
    if keys is None or _pending(db):
        return None
    if curated and _spellings_meet(db, field, keys):
        return None
    main, rest = keys[0], keys[1:]
    top = _top(db, main, field, limit + (_count_rest(db, field, rest) if rest else 0))
    if not rest:
        return [(str(v), n) for v, n in top[:limit]]
    totals = dict(top)
    for value, n in _summed(db, field, rest):
        totals[value] = totals.get(value, _one(db, main, field, value)) + n
    ranked = sorted(((v, n) for v, n in totals.items() if n > 0), key=lambda vn: (-vn[1], vn[0]))
    return [(str(v), int(n)) for v, n in ranked[:limit]]


def _top(db: sqlite3.Connection, key: tuple[str, object], field: str, limit: int) -> list[tuple[object, int]]:
    """The best `limit` values under one key, from the index on counts (values keep their type)."""
    return [(r[0], int(r[1])) for r in db.execute(
        "SELECT value, n FROM facet_pairs WHERE ffield = ? AND fvalue = ? AND field = ? AND n > 0"
        " ORDER BY n DESC, value LIMIT ?", (*key, field, limit))]


def _one(db: sqlite3.Connection, key: tuple[str, object], field: str, value: object) -> int:
    row = db.execute("SELECT n FROM facet_pairs WHERE ffield = ? AND fvalue = ? AND field = ? AND value = ?",
                     (*key, field, value)).fetchone()
    return int(row[0]) if row else 0


def _in_keys(keys: list[tuple[str, object]]) -> tuple[str, list[object]]:
    """A condition on (filter field, key) pairs that the primary key answers (a row value IN a VALUES
    list is scanned)."""
    return ("(" + " OR ".join(["(ffield = ? AND fvalue = ?)"] * len(keys)) + ")",
            [part for key in keys for part in key])


def _summed(db: sqlite3.Connection, field: str, keys: list[tuple[str, object]]) -> list[tuple[object, int]]:
    """Values under the (few) spans that are not counted by century, summed."""
    where, params = _in_keys(keys)
    return [(r[0], int(r[1])) for r in db.execute(
        f"SELECT value, sum(n) FROM facet_pairs WHERE {where} AND field = ? GROUP BY value",
        (*params, field))]


def _count_rest(db: sqlite3.Connection, field: str, keys: list[tuple[str, object]]) -> int:
    """How many values the other keys add: the main key's best `limit` + this many hold the answer
    (a value beyond them has no more than any of them that the other keys do not raise)."""
    where, params = _in_keys(keys)
    return int(db.execute(f"SELECT count(DISTINCT value) FROM facet_pairs WHERE {where} AND field = ?",
                          (*params, field)).fetchone()[0])


def _spellings_meet(db: sqlite3.Connection, field: str, keys: list[tuple[str, object]]) -> bool:
    """Whether two spellings (ASCII case) of one accepted label are counted under these keys."""
    where, params = _in_keys(keys)
    return db.execute(
        f"SELECT 1 FROM facet_pairs WHERE {where} AND field = ? AND n > 0 GROUP BY lower(value)"
        " HAVING count(DISTINCT value) > 1 LIMIT 1", (*params, field)).fetchone() is not None
