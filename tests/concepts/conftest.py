"""Fixtures of the concept tests: the 12 sample records with separable synthetic vectors."""

from __future__ import annotations

import numpy as np
import pytest

from vitrine.collection import Collection

#: each record's place along the concept's axis: positive (a "boat") where t > 0
T = {f"r{i:02d}": t for i, t in enumerate([1.1, -1.1, 0.9, -0.9, 0.7, -0.7, 0.5, -0.5, 0.3, -0.3, 0.1, -0.1])}


def vector_at(t: float, dim: int) -> np.ndarray:
    """A unit vector whose first coordinate is `t` against a fixed second one."""
    v = np.zeros(dim, np.float32)
    v[0], v[1] = t, 0.3
    return v / np.linalg.norm(v)


def set_vector(collection: Collection, identifier: str, t: float) -> None:
    ids = np.asarray([img.id for img in collection.catalog.images_of(identifier)], np.int64)
    vectors = np.stack([vector_at(t, collection.index.dim)] * ids.size)
    collection.index.add(ids, vectors)


@pytest.fixture
def boats(fake_collection: Collection) -> Collection:
    """The sample collection with vectors along one axis (T) and a concept "boat" with no labels."""
    for identifier, t in T.items():
        set_vector(fake_collection, identifier, t)
    from vitrine.concepts.teach import create_concept

    create_concept(fake_collection.catalog, "boat", "ships and boats", actor="ada")
    return fake_collection
