"""The first filtered facet page after N record writes (`vitrine bench catalog`): the facet columns
patched from the log of changed records (`catalog/facetlog.py`, migration 14) against read in full,
as every page after a write did before it, on the same catalogue in the same run.

A write changes a record's object type and first year and adds a creator (two log entries); each N
is written, its page timed patched and then read in full, and the records restored, that page timed
the same way: two samples of each. The catalogue ends as it began (a creator name it added stays in
the names' index, counting nothing)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from vitrine.catalog import Catalog
from vitrine.records import Filters

WRITES = (1, 100, 10_000)
#: a combined filter, counted from the columns
FILTER = Filters(object_type="painting", year_from=1601, year_to=1700)
_MAKER = "Bench Maker (page after writes)"


def after_writes(catalog: Catalog, page: Callable[[Catalog, Filters], None],
                 seed: int) -> dict[str, list[float]]:
    """ms of the page after each N writes: '… patched' and '… read in full', two samples each."""
    rng = random.Random(seed)
    db = catalog._db
    catalog.facet_cache()
    ids = [int(r[0]) for r in db.execute("SELECT id FROM records")]
    out: dict[str, list[float]] = {}
    for n in (w for w in WRITES if w <= len(ids)):
        chosen = rng.sample(ids, n)
        saved = db.execute("SELECT id, object_type, year_min FROM records WHERE id IN"
                           " (SELECT value FROM json_each(?))", (str(chosen),)).fetchall()
        for restore in (False, True):
            with catalog.transaction():
                if restore:
                    db.executemany("UPDATE records SET object_type = ?, year_min = ? WHERE id = ?",
                                   [(r[1], r[2], r[0]) for r in saved])
                    db.execute("DELETE FROM record_creators WHERE name = ?", (_MAKER,))
                else:
                    db.executemany("UPDATE records SET object_type = CASE WHEN object_type = 'print'"
                                   " THEN 'painting' ELSE 'print' END, year_min = year_min + 1"
                                   " WHERE id = ?", [(i,) for i in chosen])
                    db.executemany("INSERT INTO record_creators VALUES (?, ?)", [(i, _MAKER) for i in chosen])
            started = time.perf_counter()
            page(catalog, FILTER)
            patched = time.perf_counter() - started
            if not catalog.facet_cache().how.startswith("patch"):
                raise SystemExit(f"the page after {n} writes read the columns in full")
            started = time.perf_counter()
            catalog.facet_cache(reload=True)
            page(catalog, FILTER)
            full = time.perf_counter() - started
            writes = f"{n:,} record write{'s' if n > 1 else ''}"
            out.setdefault(f"page after {writes}, patched (ms)", []).append(round(patched * 1e3, 1))
            out.setdefault(f"page after {writes}, read in full (ms)", []).append(round(full * 1e3, 1))
    return out
