"""Search use-cases shared by the CLI and the web app: by image, by record, by text, and browsing.

Scores are in [0, 1], higher is better:

- visual search (image, record): the cosine similarity of unit vectors, clipped at 0. A
  negative cosine means "unrelated" as surely as 0 does, so nothing is gained by stretching
  [-1, 1]; keeping cosine as-is also lets `match_threshold` be read in the same unit.
- full-text search: bm25 relative to the best match of the query (the best scores 1).
- semantic text search: the text-image cosine, clipped at 0.
- hybrid text search: reciprocal rank fusion (RRF, k=60) of the full-text and semantic rankings,
  divided by its maximum, so a record first in both lists scores 1 and first in one scores 0.5.
  RRF is used because bm25 and cosine live on unrelated scales, and ranks are comparable where
  raw scores are not; it needs no per-model calibration.

Vector hits are per image; each record keeps its best image (`Hit.image_id`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NoReturn

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from vitrine.collection import Collection
from vitrine.errors import IndexError_, SearchError
from vitrine.indexing import embed_query_image
from vitrine.records import Filters, Hit, unit_score
from vitrine.search.filtered import filtered_search

log = logging.getLogger(__name__)

TextMode = Literal["hybrid", "fulltext", "semantic"]
MAX_PER_PAGE = 200
RRF_K = 60
#: images fetched per wanted record, so that records with several images still fill a page
_IMAGES_PER_RECORD = 4


@dataclass(frozen=True)
class SearchPage:
    """One page of results."""

    hits: list[Hit]
    page: int
    per_page: int
    total: int
    no_good_match: bool
    kind: str

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class Ranked:
    """A record in a ranking before its metadata is loaded."""

    record_id: int
    score: float
    image_id: int | None = None
    matched_by: tuple[str, ...] = ()


# -- use-cases ------------------------------------------------------------------------------


def search_by_image(
    collection: Collection, image: Image.Image, *, filters: Filters | None = None,
    page: int = 1, per_page: int = 20, max_results: int = 500,
) -> SearchPage:
    """Records whose images look most like `image`."""
    check_page(page, per_page, max_results)
    return search_by_vector(collection, embed_query_image(collection, image), filters=filters, page=page,
                            per_page=per_page, max_results=max_results)


def search_by_vector(
    collection: Collection, vector: NDArray[np.float32], *, filters: Filters | None = None,
    page: int = 1, per_page: int = 20, max_results: int = 500,
) -> SearchPage:
    """Records whose images are nearest a query vector made by the collection's embedder (an
    image embedded earlier: the research page keeps its searched image as a vector)."""
    check_page(page, per_page, max_results)
    if vector.shape != (collection.embedder.dim,):
        raise SearchError(f"a query vector of {collection.embedder.name!r} has {collection.embedder.dim}"
                          f" values, not {vector.shape[0] if vector.ndim == 1 else vector.shape}")
    ranked = _visual_ranking(collection, vector[None, :], filters, max_results)
    return ranked_page(collection, ranked, page, per_page, "image", _below_cutoff(collection, ranked))


def search_by_record(
    collection: Collection, identifier: str, *, filters: Filters | None = None,
    page: int = 1, per_page: int = 20, max_results: int = 500,
) -> SearchPage:
    """"More like this": records whose images look like this record's images (itself excluded)."""
    check_page(page, per_page, max_results)
    collection.check_embedder(collection.embedder)
    record_id = collection.catalog.record_id(identifier)
    queries = record_vectors(collection, identifier)
    ranked = _visual_ranking(collection, queries, filters, max_results, exclude=record_id)
    return ranked_page(collection, ranked, page, per_page, "record", _below_cutoff(collection, ranked))


def search_by_text(
    collection: Collection, text: str, *, filters: Filters | None = None, page: int = 1,
    per_page: int = 20, mode: TextMode = "hybrid", max_results: int = 500,
) -> SearchPage:
    """Records matching `text`: full text, semantic (text tower), or both fused into one ranking."""
    check_page(page, per_page, max_results)
    if not text or not text.strip():
        raise SearchError("the text query is empty; type a few words")
    if mode not in ("hybrid", "fulltext", "semantic"):
        raise SearchError(f"unknown text search mode {mode!r}: use hybrid, fulltext or semantic")
    has_text = collection.embedder.has_text
    if mode == "semantic" and not has_text:
        raise SearchError(
            f"the {collection.embedder.name!r} embedder has no text tower, so semantic search is "
            "unavailable; search in full-text mode, or re-index with a text-capable embedder (clip)")
    full = _fulltext_ranking(collection, text, filters, max_results) if mode != "semantic" else []
    semantic: list[Ranked] = []
    if mode != "fulltext" and has_text:
        semantic = _semantic_ranking(collection, text, filters, max_results)
    ranked = _fuse([full, semantic], max_results) if mode == "hybrid" and semantic else full or semantic
    threshold = collection.embedder.calibration.text_match
    semantic_good = bool(semantic) and (threshold is None or semantic[0].score >= threshold)
    if mode == "hybrid":
        # Without a calibrated text threshold only full-text matches count as good ones.
        semantic_good = semantic_good and threshold is not None
    no_good = not full and not semantic_good if mode != "semantic" else not semantic_good
    return ranked_page(collection, ranked, page, per_page, "text", no_good)


def browse(
    collection: Collection, *, filters: Filters | None = None, page: int = 1, per_page: int = 20,
) -> SearchPage:
    """Records passing `filters`, in catalogue order, with no query (scores are 0)."""
    check_page(page, per_page, 1)
    ids = sorted(collection.catalog.filter_record_ids(filters or Filters()))
    ranked = [Ranked(record_id=i, score=0.0, matched_by=("browse",)) for i in ids]
    return ranked_page(collection, ranked, page, per_page, "browse", not ranked)


def facets(
    collection: Collection, filters: Filters | None = None,
    fields: Sequence[str] = ("object_type", "creator", "century", "source"), limit: int = 30,
) -> dict[str, list[tuple[str, int]]]:
    """For each field, its values among records passing `filters`, with counts, most frequent first."""
    return {name: collection.catalog.facet(name, filters, limit) for name in fields}


# -- rankings -------------------------------------------------------------------------------


def _visual_ranking(
    collection: Collection, queries: NDArray[np.float32], filters: Filters | None,
    max_results: int, exclude: int | None = None,
) -> list[Ranked]:
    """Records by their best image's similarity to any of `queries`."""
    k = (max_results + (1 if exclude is not None else 0)) * _IMAGES_PER_RECORD
    if filters is not None and not filters.is_empty():
        found = filtered_search(collection.catalog, collection.index, queries, k, filters)
    else:
        found = collection.index.search(queries, k)
    best = _best_per_image(*found)
    images = collection.catalog.images_by_id(best)  # drops vectors with no catalogue image
    per_record: dict[int, Ranked] = {}
    for image_id, score in sorted(best.items(), key=lambda kv: -kv[1]):
        image = images.get(image_id)
        if image is None or image.record_id == exclude or image.record_id in per_record:
            continue
        per_record[image.record_id] = Ranked(image.record_id, unit_score(score), image_id, ("image",))
        if len(per_record) >= max_results:
            break
    return list(per_record.values())


def _best_per_image(scores: NDArray[np.float32], ids: NDArray[np.int64]) -> dict[int, float]:
    """The best score of each id over every query row, padding (-1) dropped."""
    best: dict[int, float] = {}
    for row_scores, row_ids in zip(scores, ids, strict=True):
        for score, image_id in zip(row_scores.tolist(), row_ids.tolist(), strict=True):
            if image_id >= 0 and score > best.get(image_id, -np.inf):
                best[image_id] = score
    return best


def _fulltext_ranking(
    collection: Collection, text: str, filters: Filters | None, max_results: int,
) -> list[Ranked]:
    rows = collection.catalog.full_text(text, max_results, filters)
    if not rows:
        return []
    # bm25() in SQLite is negative, lower is better; flip it and scale by the best match.
    top = max(-rows[0][1], 1e-9)
    return [Ranked(rid, unit_score(-rank / top), None, ("fulltext",)) for rid, rank in rows]


def _semantic_ranking(
    collection: Collection, text: str, filters: Filters | None, max_results: int,
) -> list[Ranked]:
    embedder = collection.embedder
    collection.check_embedder(embedder)
    query = embedder.embed_texts([text])
    ranked = _visual_ranking(collection, query, filters, max_results)
    return [Ranked(r.record_id, r.score, r.image_id, ("semantic",)) for r in ranked]


def _fuse(rankings: Sequence[list[Ranked]], max_results: int) -> list[Ranked]:
    """Reciprocal rank fusion, normalised so that first place in every ranking scores 1."""
    fused: dict[int, float] = {}
    image: dict[int, int | None] = {}
    matched: dict[int, tuple[str, ...]] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item.record_id] = fused.get(item.record_id, 0.0) + 1.0 / (RRF_K + rank)
            if image.get(item.record_id) is None:
                image[item.record_id] = item.image_id
            matched[item.record_id] = matched.get(item.record_id, ()) + item.matched_by
    top = len(rankings) / (RRF_K + 1)
    order = sorted(fused, key=lambda rid: -fused[rid])[:max_results]
    return [Ranked(rid, unit_score(fused[rid] / top), image.get(rid), matched[rid]) for rid in order]


# -- helpers (public ones are shared with feedback.py) -----------------------------------------


def allowed_images(collection: Collection, filters: Filters | None) -> NDArray[np.int64] | None:
    """Ids of the images the filters allow; None when nothing is filtered."""
    if filters is None or filters.is_empty():
        return None
    return collection.catalog.filter_image_ids(filters)


def record_vectors(collection: Collection, identifier: str) -> NDArray[np.float32]:
    """The indexed vectors of a record's images; images not (yet) indexed are skipped."""
    ids = [img.id for img in collection.catalog.images_of(identifier)]
    index = collection.index
    try:
        return index.get(np.asarray(ids, np.int64)) if ids else _no_vectors(identifier)
    except IndexError_:
        rows = []
        for image_id in ids:
            try:
                rows.append(index.get(np.asarray([image_id], np.int64))[0])
            except IndexError_:
                continue
        return np.stack(rows) if rows else _no_vectors(identifier)


def _no_vectors(identifier: str) -> NoReturn:
    raise SearchError(
        f"record {identifier!r} has no indexed image to compare with; run 'vitrine index' first")


def _below_cutoff(collection: Collection, ranked: list[Ranked]) -> bool:
    """True when even the best visual match is under the relevance cutoff (or nothing matched)."""
    if not ranked:
        return True
    threshold = match_threshold(collection)
    return threshold is not None and ranked[0].score < threshold


def match_threshold(collection: Collection) -> float | None:
    """The visual relevance cutoff: collection.json's `match_threshold`, else the embedder's."""
    override = collection.config.match_threshold
    if override is not None:
        return float(override)
    value = collection.embedder.calibration.match
    return None if value is None else float(value)


def ranked_page(
    collection: Collection, ranked: list[Ranked], page: int, per_page: int, kind: str,
    no_good_match: bool,
) -> SearchPage:
    """One page of a ranking, with the records' metadata loaded."""
    window = ranked[(page - 1) * per_page: page * per_page]
    records = collection.catalog.get_many(r.record_id for r in window)
    hits = []
    for r in window:
        record = records.get(r.record_id)
        if record is None:  # deleted between the ranking and now
            continue
        hits.append(Hit(
            identifier=record.identifier, score=r.score, title=record.title,
            creators=tuple(record.creators), date_text=record.date_text, image_id=r.image_id,
            matched_by=r.matched_by))
    return SearchPage(hits, page, per_page, len(ranked), no_good_match, kind)


def check_page(page: int, per_page: int, max_results: int) -> None:
    """Refuse page numbers and sizes out of range with a clear error."""
    if page < 1:
        raise SearchError(f"page must be 1 or more, got {page}")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise SearchError(f"results per page must be between 1 and {MAX_PER_PAGE}, got {per_page}")
    if max_results < 1:
        raise SearchError(f"max_results must be 1 or more, got {max_results}")
