"""Filtered visual search by post-filtering, for filters that pass a large share of a collection.

Searching among the images a filter allows first lists every one of them (`filter_image_ids`): a
century is a third of a collection, 350,000 ids at a million records, most of a filtered search's
time. `post_filtered` instead asks the index for OVERFETCH times more answers with no filter and
keeps those the filter passes, checked in the catalogue for those ids alone. When every query row
keeps at least `k`, they are the `k` best among the allowed images, as the listing gives them (an
exact index gives the same answers; a graph index answers as approximately as it does unfiltered);
otherwise (a filter that passes fewer than about one image in OVERFETCH) it says so and the caller
lists the allowed images.

`filtered_search` is the whole filtered search: post-filtering, else the listing. Where the kept
counts tell the filter's share of the records (one object type, source or creator alone:
`Catalog.share`), the index is asked for enough answers that twice `k` are expected to pass, when
that is at most MAX_DEPTH (at 1M records, asking HNSW for 2,000 answers and checking them took
35 ms, listing a maker's 68,000 images 190 ms); a rarer filter is listed at once. Without a share,
a creator or accepted-value filter (few records, listed from their own indexes) is listed at once,
any other post-filtered at OVERFETCH times `k`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from vitrine.catalog.filters import narrow
from vitrine.index.base import SearchResult
from vitrine.records import Filters

if TYPE_CHECKING:
    from vitrine.catalog import Catalog
    from vitrine.index.base import VectorIndex

#: how many more answers than wanted to ask the index for before filtering, when the share is unknown
OVERFETCH = 8
#: the most answers asked of the index for post-filtering (beyond, the allowed images are listed)
MAX_DEPTH = 4_096


def post_filtered(
    catalog: Catalog, index: VectorIndex, queries: NDArray[np.float32], k: int, filters: Filters,
    depth: int | None = None,
) -> SearchResult | None:
    """The `k` best images per query row among those passing `filters`, padded (id -1, score -inf)
    where fewer exist; None when the index's `depth` (OVERFETCH * k) best left some row short."""
    wide = depth or k * OVERFETCH
    scores, ids = index.search(queries, wide)
    passing = catalog.passing_image_ids(ids[ids >= 0].tolist(), filters)
    out_scores = np.full((len(ids), k), -np.inf, dtype=np.float32)
    out_ids = np.full((len(ids), k), -1, dtype=np.int64)
    for row, (row_scores, row_ids) in enumerate(zip(scores, ids, strict=True)):
        keep = np.fromiter((i in passing for i in row_ids.tolist()), dtype=bool, count=len(row_ids))
        found = int(keep.sum())
        # every image was seen only when every image came back: an approximate index (IVF-PQ
        # probing a few lists, HNSW) may return fewer than asked with more unseen
        exhausted = int((row_ids >= 0).sum()) >= len(index)
        if found < k and not exhausted:
            return None
        n = min(found, k)
        out_scores[row, :n] = row_scores[keep][:n]
        out_ids[row, :n] = row_ids[keep][:n]
    return out_scores, out_ids


def filtered_search(
    catalog: Catalog, index: VectorIndex, queries: NDArray[np.float32], k: int, filters: Filters,
) -> SearchResult:
    """The `k` best images per query row among those passing `filters` (at most as many as pass):
    post-filtered where the filter passes many, else among the listed allowed images, searched by
    the index's own filtered search (HNSW and IVF-PQ score a short list exactly)."""
    depth = _depth(catalog, k, filters)
    if depth is not None:
        found = post_filtered(catalog, index, queries, k, filters, depth)
        if found is not None:
            return found
    allowed = catalog.filter_image_ids(filters)
    if allowed.size == 0:
        rows = np.asarray(queries).reshape(-1, index.dim).shape[0]
        return np.zeros((rows, 0), np.float32), np.zeros((rows, 0), np.int64)
    return index.search(queries, min(k, int(allowed.size)), allowed=allowed)


def _depth(catalog: Catalog, k: int, filters: Filters) -> int | None:
    """How many answers to ask the index for before filtering, or None to list the allowed images."""
    share = catalog.share(filters)
    if share is None:
        return None if narrow(filters) else k * OVERFETCH
    if share <= 0:
        return None
    depth = math.ceil((2 * k + 20) / share)  # twice k expected to pass: short once in many thousands
    return depth if depth <= MAX_DEPTH else None
