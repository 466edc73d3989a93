"""The facet columns in memory (`catalog/facetcache.py`): under many random combined filters, every
facet equals the one counted from the rows, after inserts, updates, deletes, accepted and undone
values; the cache is read again when the change counters move, and only the accepted values when
only they changed."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from vitrine.catalog import Catalog, facetcache
from vitrine.records import Filters, Record

FIELDS = ("object_type", "source", "century", "creator", "curated:tag", "curated:class", "curated:link")
DATES = ("1450", "ca. 1620", "1599-1601", "150 BCE", "after 1850", "before 1300", None, "1700", "20 CE",
         "500-1700", "1 BCE", "100", "101")
MAKERS = ("Unknown artist", "unknown ARTIST", "Anna Ånström", "Jan van Eyck", "Ab", "a_b%", "Åke", "zed")


def _record(rng: random.Random, n: int) -> Record:
    creators = rng.sample(MAKERS, rng.randint(0, 3))
    if creators and rng.random() < 0.2:
        creators.append(creators[0])  # named twice on one record: counted once
    return Record(identifier=f"r{n}", title=f"work {n}", creators=creators,
                  object_type=rng.choice(("painting", "Painting", "print", "Ölbild", None)),
                  source=rng.choice(("museum 1", "museum 2", "Museum 1", None)),
                  date_text=rng.choice(DATES))


def _accept(catalog: Catalog, rng: random.Random, count: int) -> None:
    ids = [int(r[0]) for r in catalog._db.execute("SELECT id FROM records")]
    labels = ("ship", "Ship", "horse", "Å", "å", "SHIP")
    rows = [(rng.choice(ids), rng.choice(("tag", "tag", "class", "link")), rng.choice(labels))
            for _ in range(count)]
    with catalog.transaction():
        catalog._db.executemany(
            "INSERT INTO assertions (record_id, kind, value, label, accepted_by, accepted_at)"
            " VALUES (?, ?, '{}', ?, 'test', 0)", rows)


def _random_filters(rng: random.Random) -> Filters:
    parts: dict[str, object] = {}
    if rng.random() < 0.5:
        parts["year_from"] = rng.choice((-300, -1, 0, 1, 99, 101, 1400, 1601, 1650, 1900))
    if rng.random() < 0.5:
        parts["year_to"] = rng.choice((-100, 0, 100, 1450, 1600, 1700, 1720, 2000))
    if rng.random() < 0.4:
        parts["object_type"] = rng.choice(("painting", "PAINTING", "print", "Ölbild", "ölbild", "none"))
    if rng.random() < 0.3:
        parts["source"] = rng.choice(("museum 1", "Museum 1", "museum 2", "nowhere"))
    if rng.random() < 0.4:
        parts["creator"] = rng.choice(("unknown", "Unknown artist", "an", "ån", "a_b", "%", "Eyck", "zzz",
                                       "Å"))
    if rng.random() < 0.3:
        parts["curated"] = {rng.choice(("tag", "class", "date")): rng.choice(("ship", "SHIP", "å", "none"))}
    return Filters(**parts)  # type: ignore[arg-type]


def _assert_cache_matches(catalog: Catalog, rng: random.Random, rounds: int = 60) -> int:
    cache = catalog.facet_cache()
    held = 0
    for _ in range(rounds):
        filters = _random_filters(rng)
        for field in FIELDS:
            live = catalog.facet_live(field, filters, 5)
            assert cache.count(catalog._db, field, filters, 5) == live, (field, filters)
            assert catalog.facet(field, filters, 5) == live, (field, filters)
            held += bool(live)
    return held


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cache_counts_as_the_rows_do_through_writes(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    catalog = Catalog(tmp_path / "catalog.sqlite")
    for n in range(120):
        catalog.upsert(_record(rng, n))
    _accept(catalog, rng, 60)
    assert _assert_cache_matches(catalog, rng) > 100  # the filters leave something to count
    for n in rng.sample(range(120), 30):  # updates, then new records, deletes, accepted and undone values
        catalog.upsert(_record(rng, n))
    for n in range(120, 140):
        catalog.upsert(_record(rng, n))
    _assert_cache_matches(catalog, rng)
    for n in rng.sample(range(140), 25):
        catalog.delete_record(f"r{n}")
    _accept(catalog, rng, 20)
    _assert_cache_matches(catalog, rng)
    catalog._db.execute("DELETE FROM assertions WHERE id IN (SELECT id FROM assertions"
                        " ORDER BY random() LIMIT 15)")  # undone
    catalog._db.execute("UPDATE records SET year_min = 1205, year_max = NULL"
                        " WHERE id % 7 = 0")  # accepted dates
    _assert_cache_matches(catalog, rng)
    catalog.close()


def test_cache_is_read_again_only_as_far_as_the_catalogue_changed(tmp_path: Path) -> None:
    rng = random.Random(5)
    catalog = Catalog(tmp_path / "catalog.sqlite")
    for n in range(20):
        catalog.upsert(_record(rng, n))
    first = catalog.facet_cache()
    assert catalog.facet_cache() is first  # nothing changed
    _accept(catalog, rng, 5)
    accepted = catalog.facet_cache()
    assert accepted is not first and accepted.columns is first.columns  # the labels alone read again
    catalog.upsert(Record(identifier="new", title="new", creators=["Unknown artist"]))
    assert catalog.facet_cache().columns is not first.columns
    assert catalog.facet("creator", Filters(creator="unknown", year_from=None), 50) == \
        catalog.facet_live("creator", Filters(creator="unknown"), 50)
    assert catalog.facet_cache().nbytes > 0
    catalog.close()


def test_fields_of_extra_are_left_to_the_rows(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    catalog.upsert(Record(identifier="a", title="a", object_type="print", extra={"room": "7"}))
    cache = catalog.facet_cache()
    assert not cache.holds("room", Filters(year_from=1))
    assert not cache.holds("object_type", Filters(fields={"room": "7"}))
    assert catalog.facet("object_type", Filters(fields={"room": "7"}, year_from=None)) == [("print", 1)]
    assert facetcache.fold("ÅbC") == "Åbc"
    catalog.close()
