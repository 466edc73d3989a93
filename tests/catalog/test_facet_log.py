"""The facet columns patched from the log of changed records (`catalog/facetlog.py`, migration 14):
after random writes of every kind the patch is taken (asserted) and every facet equals the one
counted from the rows under random combined filters; a log trimmed past the cache, a long log, an
id below those held and an import deferring its counts read everything again, also exactly; a
catalogue of schema 13 is migrated and patched."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from vitrine.catalog import Catalog, facetlog, facetpairs
from vitrine.catalog.migrations import MIGRATIONS
from vitrine.records import Record

from .test_facet_cache import _accept, _assert_cache_matches, _record


def _catalog(path: Path, rng: random.Random, n: int = 150) -> Catalog:
    catalog = Catalog(path)
    for i in range(n):
        catalog.upsert(_record(rng, i))
    _accept(catalog, rng, 60)
    return catalog


def _writes(catalog: Catalog, rng: random.Random, next_id: list[int]) -> None:
    """A random mix: updates (type, source, dates, creators), new records, deletes, accepted and
    undone values, creators and years written straight into the tables."""
    db = catalog._db
    identifiers = [str(r[0]) for r in db.execute("SELECT identifier FROM records")]
    for _ in range(rng.randint(1, 12)):
        op = rng.random()
        if op < 0.35 and identifiers:
            n = int(rng.choice(identifiers).removeprefix("r").removeprefix("x"))
            catalog.upsert(_record(rng, n))
        elif op < 0.55:
            catalog.upsert(_record(rng, next_id[0]))
            next_id[0] += 1
        elif op < 0.7 and identifiers:
            catalog.delete_record(rng.choice(identifiers))
        elif op < 0.8:
            _accept(catalog, rng, rng.randint(1, 4))
        elif op < 0.85:
            db.execute("DELETE FROM assertions WHERE id IN"
                       " (SELECT id FROM assertions ORDER BY random() LIMIT 3)")
        elif op < 0.92:
            db.execute("INSERT INTO record_creators SELECT id, ? FROM records ORDER BY random() LIMIT 2",
                       (rng.choice(("Neue Meisterin", "unknown artist", "Åke")),))
            db.execute("DELETE FROM record_creators WHERE rowid IN"
                       " (SELECT rowid FROM record_creators ORDER BY random() LIMIT 1)")
        else:
            db.execute("UPDATE records SET year_min = ?, year_max = NULL WHERE id % 5 = ?",
                       (rng.choice((-250, 1, 100, 1205, 1999)), rng.randint(0, 4)))
        identifiers = [str(r[0]) for r in db.execute("SELECT identifier FROM records")]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_patched_columns_count_as_the_rows_do(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    catalog = _catalog(tmp_path / "catalog.sqlite", rng)
    assert catalog.facet_cache().how == "full"
    next_id = [150]
    for _ in range(8):
        _writes(catalog, rng, next_id)
        assert catalog.facet_cache().how.startswith(("patch", "same")), catalog.facet_cache().how
        _assert_cache_matches(catalog, rng, rounds=25)
    # the highest id deleted and given again to a new record: its place is reused
    top = catalog._db.execute("SELECT identifier FROM records ORDER BY id DESC LIMIT 1").fetchone()[0]
    catalog.delete_record(top)
    catalog.upsert(Record(identifier="again", title="again", object_type="Neuer Typ", source="museum 9",
                          creators=["Zacharias"], date_text="1450"))
    assert catalog.facet_cache().how.startswith("patch")
    _assert_cache_matches(catalog, rng, rounds=25)
    catalog.close()


def test_an_id_below_those_held_reads_everything_again(tmp_path: Path) -> None:
    rng = random.Random(7)
    catalog = _catalog(tmp_path / "catalog.sqlite", rng, 40)
    catalog.facet_cache()
    catalog._db.execute("INSERT INTO records (id, identifier, title, object_type, content_hash, created_at,"
                        " updated_at) VALUES (1000, 'high', 'high', 'vase', '', 0, 0)")
    assert catalog.facet_cache().how == "patch"
    catalog._db.execute("INSERT INTO records (id, identifier, title, object_type, content_hash, created_at,"
                        " updated_at) VALUES (500, 'low', 'low', 'urn', '', 0, 0)")
    assert catalog.facet_cache().how == "full"
    _assert_cache_matches(catalog, rng, rounds=20)
    catalog.close()


def test_a_long_or_trimmed_log_reads_everything_again(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(8)
    catalog = _catalog(tmp_path / "catalog.sqlite", rng, 60)
    catalog.facet_cache()
    monkeypatch.setattr(facetlog, "PATCH_LIMIT", 5)
    for n in range(10):
        catalog.upsert(_record(rng, 100 + n))
    assert catalog.facet_cache().how == "full"
    _assert_cache_matches(catalog, rng, rounds=20)
    monkeypatch.setattr(facetlog, "PATCH_LIMIT", 50_000)
    catalog.upsert(_record(rng, 3))
    # the log trims itself: more than KEEP entries written (here straight into the log)
    catalog._db.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 70000)"
                        " INSERT INTO facet_changes (record_id) SELECT 1 FROM n")
    held = catalog._db.execute("SELECT count(*), min(seq) FROM facet_changes").fetchone()
    assert held[0] <= facetlog.KEEP + 10_000 and held[1] > 60
    assert catalog.facet_cache().how == "full"
    _assert_cache_matches(catalog, rng, rounds=20)
    catalog.close()


def test_an_import_deferring_its_counts_is_read_in_full(tmp_path: Path) -> None:
    rng = random.Random(9)
    catalog = _catalog(tmp_path / "catalog.sqlite", rng, 50)
    catalog.facet_cache()
    with catalog.transaction():
        facetpairs.defer(catalog._db)
    logged = catalog._db.execute("SELECT count(*) FROM facet_changes").fetchone()[0]
    catalog.upsert(_record(rng, 200))
    assert catalog.facet_cache().how == "full"
    catalog.upsert(_record(rng, 201))  # not logged: read in full while deferred
    catalog.upsert(_record(rng, 5))
    assert catalog.facet_cache().how == "full"
    _assert_cache_matches(catalog, rng, rounds=15)
    assert catalog._db.execute("SELECT count(*) FROM facet_changes").fetchone()[0] == logged
    catalog.upsert(_record(rng, 202))
    with catalog.transaction():
        facetpairs.settle(catalog._db)
    assert catalog.facet_cache().how == "full"
    catalog.upsert(_record(rng, 203))
    assert catalog.facet_cache().how == "patch"
    _assert_cache_matches(catalog, rng, rounds=15)
    catalog.close()


def test_a_catalogue_of_schema_13_is_migrated_and_patched(tmp_path: Path) -> None:
    rng = random.Random(10)
    path = tmp_path / "catalog.sqlite"
    old = Catalog(path, migrations=MIGRATIONS[:13])
    for n in range(40):
        old.upsert(_record(rng, n))
    old.close()
    catalog = Catalog(path)
    assert catalog._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "14"
    assert catalog.facet_cache().how == "full"
    catalog.upsert(_record(rng, 41))
    catalog.delete_record("r3")
    assert catalog.facet_cache().how == "patch"
    _assert_cache_matches(catalog, rng, rounds=20)
    catalog.close()
