"""Duplicate candidates from the local-feature index: the images sharing most visual words.

The global vector squashes a picture into one descriptor, so a crop of 40% of a work, or the work
inside a wide border, lands far from it and outside its k nearest neighbours. Local features
survive both: a crop keeps the features of the part it shows, a border only adds a few. Each
image queries the inverted file (`LocalIndex.similar`: the region search's tf-idf scoring with
the whole image as the region) and keeps its `per_image` best images; those whose stored
features agree on one affine transform (`LocalIndex.verify_stored`, RANSAC, at least `min_inliers`,
spread over a quarter of the querying image) become candidate pairs, scored by the cosine of
their vectors. The finder merges them with the k-NN candidates and runs the usual second check.

Cost: one inverted-file query per image, reading only the postings of its `rarest` features'
words (the highest idf, the shortest lists), never a comparison with every image; see
`vitrine.bench.duplicate_words` for how it grows with n.
"""

from __future__ import annotations

import logging

import numpy as np
from numpy.typing import NDArray

from vitrine.collection import Collection
from vitrine.errors import NoLocalIndex
from vitrine.index.base import VectorIndex
from vitrine.jobs.progress import ProgressCallback, Reporter
from vitrine.local.index import LocalIndex, local_dir
from vitrine.local.store import MANIFEST

log = logging.getLogger(__name__)

DEFAULT_PER_IMAGE = 5
"""Images kept per query from the inverted file (a work has rarely more copies than this)."""
MIN_INLIERS = 10
"""Stored features that must agree on one affine transform for a pair to become a candidate."""
RAREST = 60
"""Features an image queries with: those whose words are rarest in the collection."""
MIN_COVERAGE = 0.25
"""Share of a 4x4 grid over the querying image that the inliers must reach: a shared watermark
or library stamp fills a corner or a strip, a copy or a crop of the picture spreads over it."""


def local_index_of(collection: Collection) -> LocalIndex | None:
    """The collection's local-feature index, or None when it has none (`vitrine regions index`)."""
    if not (local_dir(collection.root) / MANIFEST).is_file():
        return None
    try:
        return collection.local_index()
    except NoLocalIndex:
        return None


def word_pairs(
    local: LocalIndex, index: VectorIndex, ids: NDArray[np.int64], *, per_image: int = DEFAULT_PER_IMAGE,
    min_inliers: int = MIN_INLIERS, rarest: int | None = RAREST, min_coverage: float = MIN_COVERAGE,
    progress: ProgressCallback | None = None, among: set[int] | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    """Unordered pairs (a < b) found by visual words from each of `ids` and verified on stored
    features, with their cosine in `index`: (m, 2) ids and (m,) scores, best first. The other image
    of a pair is one of `among` (images with a vector), by default one of `ids`."""
    indexed = set(ids.tolist()) if among is None else among
    found: set[tuple[int, int]] = set()
    reporter = Reporter(progress, "visual words", int(ids.size))
    for image_id in ids.tolist():
        if image_id in local:
            others = [o for o, _ in local.similar(image_id, n=per_image, rarest=rarest)
                      if o in indexed and (min(o, image_id), max(o, image_id)) not in found]
            if others:
                hits = local.verify_stored(image_id, others, min_inliers=min_inliers)
                found.update((min(h.image_id, image_id), max(h.image_id, image_id)) for h in hits
                             if h.coverage >= min_coverage)
        reporter.advance()
    if not found:
        return np.zeros((0, 2), np.int64), np.zeros(0, np.float32)
    pairs = np.array(sorted(found), np.int64)
    scores = cosines(index, pairs)
    order = np.argsort(-scores, kind="stable")
    log.info("%d candidate pairs from visual words", len(pairs))
    return pairs[order], scores[order]


def cosines(index: VectorIndex, pairs: NDArray[np.int64]) -> NDArray[np.float32]:
    """The cosine of each pair's two stored vectors."""
    members, at = np.unique(pairs, return_inverse=True)
    vectors = index.get(members).astype(np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    at = at.reshape(pairs.shape)
    return np.asarray(np.einsum("ij,ij->i", vectors[at[:, 0]], vectors[at[:, 1]]), np.float32)
