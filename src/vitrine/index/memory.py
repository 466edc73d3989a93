"""Exact numpy index: the in-package fake, and the brute-force baseline of the benchmarks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from vitrine.errors import IndexError_
from vitrine.fsutil import atomic_path
from vitrine.index.base import SearchResult, VectorIndex, as_queries, top_k


class MemoryIndex(VectorIndex):
    """Brute-force inner product over a dense matrix. Persists to an .npz file when given a path."""

    def __init__(self, dim: int, path: Path | None = None) -> None:
        super().__init__(dim)
        self.path = path
        self._ids = np.zeros(0, np.int64)
        self._vectors = np.zeros((0, dim), np.float32)
        if path is not None and path.exists():
            with np.load(path) as data:
                self._ids, self._vectors = data["ids"], data["vectors"]

    def add(self, ids: NDArray[np.int64], vectors: NDArray[np.float32]) -> None:
        ids, vectors = self._check(ids, vectors)
        self.remove(ids)
        self._ids = np.concatenate([self._ids, ids])
        self._vectors = np.concatenate([self._vectors, vectors])

    def remove(self, ids: NDArray[np.int64]) -> None:
        keep = ~np.isin(self._ids, np.asarray(ids, np.int64))
        self._ids, self._vectors = self._ids[keep], self._vectors[keep]

    def search(
        self, queries: NDArray[np.float32], k: int, allowed: NDArray[np.int64] | None = None,
        *, ef_search: int | None = None,
    ) -> SearchResult:
        q = as_queries(queries, self.dim)
        ids, vectors = self._ids, self._vectors
        if allowed is not None:
            mask = np.isin(ids, np.asarray(allowed, np.int64))
            ids, vectors = ids[mask], vectors[mask]
        return top_k(q @ vectors.T, ids, k)

    def ids(self) -> NDArray[np.int64]:
        return np.sort(self._ids)

    def get(self, ids: NDArray[np.int64]) -> NDArray[np.float32]:
        ids = np.asarray(ids, np.int64).reshape(-1)
        order = np.argsort(self._ids)
        pos = np.searchsorted(self._ids, ids, sorter=order)
        pos = np.minimum(pos, max(len(order) - 1, 0))
        if len(order) == 0 or not np.array_equal(self._ids[order[pos]], ids):
            raise IndexError_("some ids are not in the index")
        return self._vectors[order[pos]]

    def save(self) -> None:
        if self.path is None:
            return
        with atomic_path(self.path) as tmp, tmp.open("wb") as fh:
            np.savez(fh, ids=self._ids, vectors=self._vectors)
