"""The visual vocabulary: k-means centroids of RootSIFT descriptors plus Hamming-embedding thresholds.

Trained once on a sample of a collection's descriptors; every later image is quantised against
the same vocabulary, so adding images never needs a rebuild. Each feature becomes a visual word
and a 64-bit Hamming-embedding signature (Jegou, Douze & Schmid 2008): the sign of a fixed random
projection of the descriptor against the per-word median, so that two features in the same word
still match only when their descriptors are close.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

log = logging.getLogger(__name__)

SIGNATURE_BITS = 64
DEFAULT_MAX_WORDS = 8192
_POINTS_PER_WORD = 48  # k is chosen so each word has about this many descriptors to learn from
TRAINING_POINTS_PER_WORD = 24  # k-means runs on a sample this many times k (time grows with both)
_MIN_WORDS = 16
_MIN_FOR_MEDIAN = 8


@dataclass(frozen=True)
class Vocabulary:
    """Centroids (k, 128), the HE projection (64, 128) and per-word thresholds (k, 64)."""

    centroids: NDArray[np.float32]
    projection: NDArray[np.float32]
    thresholds: NDArray[np.float32]

    @property
    def size(self) -> int:
        return int(self.centroids.shape[0])

    @cached_property
    def _assigner(self) -> Any:
        import faiss

        index = faiss.IndexFlatL2(self.centroids.shape[1])
        index.add(np.ascontiguousarray(self.centroids))
        return index

    def words(self, descriptors: NDArray[np.float32]) -> NDArray[np.int32]:
        """The nearest centroid of each descriptor."""
        if len(descriptors) == 0:
            return np.zeros(0, np.int32)
        _, nearest = self._assigner.search(np.ascontiguousarray(descriptors, np.float32), 1)
        return np.asarray(nearest[:, 0], np.int32)

    def signatures(self, descriptors: NDArray[np.float32], words: NDArray[np.int32]) -> NDArray[np.uint64]:
        """64-bit Hamming-embedding signatures of descriptors already assigned to `words`."""
        projected = np.asarray(descriptors, np.float32) @ self.projection.T
        bits = projected > self.thresholds[words]
        packed = np.packbits(bits, axis=1, bitorder="little")
        return np.ascontiguousarray(packed).view(np.uint64)[:, 0].copy()

    def to_arrays(self) -> dict[str, NDArray[Any]]:
        return {"centroids": self.centroids, "projection": self.projection,
                "thresholds": self.thresholds}

    @staticmethod
    def from_arrays(arrays: dict[str, NDArray[Any]]) -> Vocabulary:
        return Vocabulary(
            np.asarray(arrays["centroids"], np.float32), np.asarray(arrays["projection"], np.float32),
            np.asarray(arrays["thresholds"], np.float32))


def vocabulary_size(n_descriptors: int, max_words: int = DEFAULT_MAX_WORDS) -> int:
    """How many words a sample of `n_descriptors` supports, at most `max_words`."""
    return int(min(max_words, max(_MIN_WORDS, n_descriptors // _POINTS_PER_WORD)))


def train(
    descriptors: NDArray[np.float32], *, words: int | None = None, seed: int = 0,
    iterations: int = 10,
) -> Vocabulary:
    """Train a vocabulary (faiss k-means) and its Hamming-embedding thresholds on a sample."""
    import faiss

    sample = np.ascontiguousarray(descriptors, np.float32)
    k = words or vocabulary_size(len(sample))
    if len(sample) < k:
        raise ValueError(f"{len(sample)} descriptors cannot train {k} visual words")
    kmeans = faiss.Kmeans(
        sample.shape[1], k, niter=iterations, seed=seed, max_points_per_centroid=10_000,
        min_points_per_centroid=1, verbose=False)
    kmeans.train(sample)
    centroids = np.asarray(kmeans.centroids, np.float32)
    projection = _random_rotation(SIGNATURE_BITS, sample.shape[1], seed)
    partial = Vocabulary(centroids, projection, np.zeros((k, SIGNATURE_BITS), np.float32))
    thresholds = _median_thresholds(sample @ projection.T, partial.words(sample), k)
    log.info("trained %d visual words on %d descriptors", k, len(sample))
    return Vocabulary(centroids, projection, thresholds)


def _random_rotation(rows: int, dim: int, seed: int) -> NDArray[np.float32]:
    """`rows` orthonormal random directions in `dim` dimensions."""
    # Gram-Schmidt by hand: LAPACK's QR of this tiny matrix can take seconds on a busy machine
    # (threaded BLAS spinning), this takes a millisecond.
    gaussian = np.random.default_rng(seed).standard_normal((rows, dim))
    basis = np.zeros((rows, dim))
    for i, v in enumerate(gaussian):
        v = v - basis[:i].T @ (basis[:i] @ v)
        basis[i] = v / np.linalg.norm(v)
    return np.ascontiguousarray(basis, np.float32)


def _median_thresholds(
    projected: NDArray[np.float32], words: NDArray[np.int32], k: int,
) -> NDArray[np.float32]:
    """Per-word median of each projected dimension; words with few samples use the global median."""
    thresholds = np.tile(np.median(projected, axis=0), (k, 1)).astype(np.float32)
    order = np.argsort(words, kind="stable")
    bounds = np.searchsorted(words[order], np.arange(k + 1))
    for word in range(k):
        lo, hi = bounds[word], bounds[word + 1]
        if hi - lo >= _MIN_FOR_MEDIAN:
            thresholds[word] = np.median(projected[order[lo:hi]], axis=0)
    return thresholds
