"""Shared helpers for the vector-index tests: seeded unit vectors and one opener per backend."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from vitrine.index import VectorIndex, open_index

DIM = 16


def unit_vectors(n: int, dim: int = DIM, seed: int = 0) -> NDArray[np.float32]:
    """n seeded random unit vectors."""
    x = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


Opener = Callable[..., VectorIndex]


@pytest.fixture
def vectors() -> Callable[..., NDArray[np.float32]]:
    """The seeded unit-vector maker, as a fixture."""
    return unit_vectors


@pytest.fixture(scope="module")
def milvus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder per module so Milvus Lite starts once (its start-up is slow)."""
    return tmp_path_factory.mktemp("milvus")


@pytest.fixture(
    params=["memory", "faiss", "ivfpq", "ivfpq-trained",
            pytest.param("milvus-lite", marks=pytest.mark.milvus)],
)
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Opener:
    """A function that opens (or reopens) this backend's index with dimension DIM in a folder."""
    kind: str = request.param
    if kind == "milvus-lite":
        pytest.importorskip("pymilvus")
        pytest.importorskip("milvus_lite")
        folder = request.getfixturevalue("milvus_dir")
        name = "t_" + re.sub(r"\W", "_", request.node.name)
        return lambda _folder, dim=DIM: open_index(str(folder / "milvus.db"), folder, dim, name=name)
    if kind == "ivfpq-trained":  # trains once 256 vectors are in (8-bit PQ needs 256 points)
        return lambda folder, dim=DIM: open_index("ivfpq", folder, dim, params={"train_after": 256})
    return lambda folder, dim=DIM: open_index(kind, folder, dim)
