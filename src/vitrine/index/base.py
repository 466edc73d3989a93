"""The vector-index seam: add (upsert), remove, search (optionally restricted to allowed ids)."""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np
from numpy.typing import NDArray

from vitrine.errors import IndexError_

SearchResult = tuple[NDArray[np.float32], NDArray[np.int64]]
"""(scores, ids), each of shape (queries, k); scores are inner products, higher is better;
missing results are padded with id -1 and score -inf."""


class VectorIndex(ABC):
    """Unit vectors keyed by int64 ids (catalogue image ids), searched by inner product."""

    #: whether a reader must load the index again to see what another process saved (files on
    #: disk); an index served by a database (Milvus) is always current
    reloads = True
    #: the largest difference between a stored vector's component and what `get` returns (a
    #: compressed index keeps rounded copies)
    vector_error = 1e-5

    def __init__(self, dim: int) -> None:
        if dim <= 0:
            raise IndexError_(f"vector dimension must be positive, got {dim}")
        self.dim = dim

    @abstractmethod
    def add(self, ids: NDArray[np.int64], vectors: NDArray[np.float32]) -> None:
        """Insert vectors; an id already present is replaced."""

    @abstractmethod
    def remove(self, ids: NDArray[np.int64]) -> None:
        """Delete ids; unknown ids are ignored."""

    @abstractmethod
    def search(
        self, queries: NDArray[np.float32], k: int, allowed: NDArray[np.int64] | None = None,
        *, ef_search: int | None = None,
    ) -> SearchResult:
        """The k best ids per query, only among `allowed` ids when given.

        `ef_search`: how many candidates a graph index keeps while it walks (None: its default);
        a narrow walk suits queries whose answers are very close, such as near-duplicates.
        Exact indexes ignore it."""

    @abstractmethod
    def ids(self) -> NDArray[np.int64]:
        """Every id in the index, sorted."""

    @abstractmethod
    def get(self, ids: NDArray[np.int64]) -> NDArray[np.float32]:
        """The stored vectors of `ids`, in order; raises IndexError_ for a missing id."""

    def drop(self) -> None:
        """Delete every vector and whatever holds them, ready for vectors of another dimension."""
        self.remove(self.ids())
        self.save()

    def save(self) -> None:
        """Make every change durable (a no-op for servers that persist by themselves)."""

    def close(self) -> None:
        """Release files and connections."""

    def __len__(self) -> int:
        return int(self.ids().size)

    def _check(
        self, ids: NDArray[np.int64], vectors: NDArray[np.float32],
    ) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise IndexError_(f"vectors have shape {vectors.shape}, the index holds dimension {self.dim}")
        if vectors.shape[0] != ids.size:
            raise IndexError_(f"{ids.size} ids for {vectors.shape[0]} vectors")
        if np.unique(ids).size != ids.size:
            raise IndexError_("duplicate ids in one add() call")
        return ids, vectors


def as_queries(queries: NDArray[np.float32], dim: int) -> NDArray[np.float32]:
    """Queries as a C-contiguous (m, dim) float32 array."""
    q = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
    if q.shape[1] != dim:
        raise IndexError_(f"query has dimension {q.shape[1]}, the index holds {dim}")
    return q


def top_k(scores: NDArray[np.float32], ids: NDArray[np.int64], k: int) -> SearchResult:
    """Best k columns of each row of a (m, n) score matrix, padded to k."""
    m, n = scores.shape
    out_s = np.full((m, k), -np.inf, dtype=np.float32)
    out_i = np.full((m, k), -1, dtype=np.int64)
    if n == 0 or k == 0:
        return out_s, out_i
    kk = min(k, n)
    part = np.argpartition(-scores, kk - 1, axis=1)[:, :kk] if kk < n else np.tile(np.arange(n), (m, 1))
    part_scores = np.take_along_axis(scores, part, axis=1)
    order = np.argsort(-part_scores, axis=1, kind="stable")
    best = np.take_along_axis(part, order, axis=1)
    out_s[:, :kk] = np.take_along_axis(scores, best, axis=1)
    out_i[:, :kk] = ids[best]
    return out_s, out_i
