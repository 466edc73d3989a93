"""The saved-sets table behind `catalog.sets`: typed rows in, the same rows out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from vitrine.catalog import Catalog
from vitrine.catalog.sets import SavedSet, SetQuery


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[Catalog]:
    cat = Catalog(tmp_path / "catalog.sqlite")
    yield cat
    cat.close()


def test_put_get_all_delete(catalog: Catalog) -> None:
    harbours = SavedSet(name="Harbours", description="calm", query=SetQuery("image"), method="rocchio",
                        positives=("a",), negatives=("b",), identifiers=("a", "c"),
                        created_at=10.0, updated_at=30.0)
    storms = SavedSet(name="Storms", identifiers=("d",), created_at=20.0, updated_at=20.0)
    catalog.sets.put(storms)
    catalog.sets.put(harbours)
    assert catalog.sets.get("Harbours") == harbours
    assert catalog.sets.get("harbours") is None  # names are exact; the use-cases strip them
    assert [s.name for s in catalog.sets.all()] == ["Harbours", "Storms"]  # latest update first
    catalog.sets.put(SavedSet(name="Storms", identifiers=(), created_at=20.0, updated_at=40.0))
    assert catalog.sets.get("Storms") == SavedSet(name="Storms", created_at=20.0, updated_at=40.0)
    assert catalog.sets.delete("Storms") is True
    assert catalog.sets.delete("Storms") is False
    assert catalog.sets.all() == [harbours]


def test_a_transaction_groups_set_writes(catalog: Catalog) -> None:
    catalog.sets.put(SavedSet(name="kept"))
    with pytest.raises(RuntimeError), catalog.transaction():
        catalog.sets.delete("kept")
        catalog.sets.put(SavedSet(name="renamed"))
        raise RuntimeError("the rename failed half-way")
    assert [s.name for s in catalog.sets.all()] == ["kept"]
