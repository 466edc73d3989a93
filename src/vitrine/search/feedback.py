"""Relevance feedback: re-rank a search from works marked relevant and not relevant.

Two learners over the stored image vectors, chosen by `method`:

- ``svm`` (the default, measured better: docs/feedback.md): a linear SVM trained on the
  relevant works' images (and the query vector) against the not-relevant ones plus a fixed
  random sample of the collection taken as probably not relevant. It scores every vector
  exactly while the collection holds at most `EXACT_LIMIT` of them; above that, a candidate pool
  found by the vector index (for the Rocchio query and for each relevant image). Scores are the
  SVM margin squashed into [0, 1] by a logistic function.
- ``rocchio``: the classic query-point move, q' = a.q + b.mean(relevant) - c.mean(not relevant),
  searched through the vector index; scores are cosines clipped at 0, like any visual search.

Marked works: the not-relevant ones and the query record never come back. The relevant ones are
left out too (the page holds only works still to judge, so paging goes through new works), unless
`include_positives=True`, which ranks them in place among the rest (matched_by "relevant").
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

import numpy as np
from numpy.typing import NDArray

from vitrine.collection import Collection
from vitrine.errors import EmbedderMismatch, FeedbackError, RecordNotFound
from vitrine.records import Filters, Record, unique_identifiers, unit_score
from vitrine.search.core import (
    Ranked,
    SearchPage,
    allowed_images,
    check_page,
    ranked_page,
    record_vectors,
)

log = logging.getLogger(__name__)

Method = Literal["svm", "rocchio"]
METHODS: tuple[Method, ...] = ("svm", "rocchio")
DEFAULT_METHOD: Method = "svm"
Vectors: TypeAlias = NDArray[np.float32]
#: an image's vector (or several, averaged), a record ("more like this"), or a text query
Query: TypeAlias = "Vectors | Record | str | None"

ROCCHIO_WEIGHTS = (1.0, 0.75, 0.25)  # query, relevant, not relevant
EXACT_LIMIT = 50_000  # score every vector exactly up to this many (a 50k x 512 float32 read is 100 MB)
POOL = 2_000  # candidate images per vector-index query above EXACT_LIMIT
BACKGROUND = 200  # random images taken as probably not relevant
BACKGROUND_WEIGHT = 0.5  # how much each of them counts beside a marked negative
SVM_C = 0.1
SCALE_POWER = 0.5  # 0: no scaling, 1: full standardisation
_IMAGES_PER_RECORD = 4


@dataclass(frozen=True)
class Examples:
    """The marked works' vectors, ready for a learner."""

    positives: list[Vectors]  # one (n_images, d) array per relevant record
    negatives: list[Vectors]
    query: Vectors | None  # (d,)
    positive_ids: frozenset[int]  # record ids
    hidden: frozenset[int]  # record ids never shown: not relevant, the query record

    def rocchio_query(self) -> Vectors:
        a, b, c = ROCCHIO_WEIGHTS
        q = np.zeros(self._dim(), np.float32)
        if self.query is not None:
            q += a * self.query
        if self.positives:
            q += b * _mean_of_records(self.positives)
        if self.negatives:
            q -= c * _mean_of_records(self.negatives)
        return _normalised(q)

    def positive_rows(self) -> Vectors:
        rows = [*self.positives, *([self.query[None, :]] if self.query is not None else [])]
        return np.concatenate(rows).astype(np.float32)

    def negative_rows(self) -> Vectors:
        if not self.negatives:
            return np.zeros((0, self._dim()), np.float32)
        return np.concatenate(self.negatives).astype(np.float32)

    def _dim(self) -> int:
        first = (self.positives or self.negatives or [np.zeros((1, 0), np.float32)])[0]
        return int(self.query.shape[0] if self.query is not None else first.shape[1])


# -- use-case -------------------------------------------------------------------------------------


def refine(
    collection: Collection, *, positives: Sequence[str], negatives: Sequence[str] = (),
    query: Query = None, filters: Filters | None = None, page: int = 1, per_page: int = 20,
    max_results: int = 500, method: Method = DEFAULT_METHOD, include_positives: bool = False,
) -> SearchPage:
    """Records ranked by how well they fit the works marked relevant (and not the others).

    Args:
        positives, negatives: identifiers of the records marked relevant / not relevant.
        query: the original query, kept as one more relevant example: an image vector
            (`embed_query_image`), a `Record` ("more like this"), or text (used when the
            embedder has a text tower; an image-only embedder ranks from the marks alone).
        include_positives: rank the relevant works among the results instead of leaving them out.
    """
    check_page(page, per_page, max_results)
    if method not in METHODS:
        raise FeedbackError(f"unknown feedback method {method!r}: use {' or '.join(METHODS)}")
    examples = gather(collection, positives, negatives, query)
    hidden = examples.hidden if include_positives else examples.hidden | examples.positive_ids
    scorer = _score_svm if method == "svm" else _score_rocchio
    want = max_results + len(hidden)
    scores = scorer(collection, examples, allowed_images(collection, filters), want)
    ranked = _per_record(collection, scores, hidden, examples.positive_ids, max_results)
    return ranked_page(collection, ranked, page, per_page, "refine", not ranked)


def gather(
    collection: Collection, positives: Sequence[str], negatives: Sequence[str], query: Query = None,
) -> Examples:
    """Check the feedback and read the vectors of the marked records and of the query."""
    pos, neg = _unique(positives), _unique(negatives)
    if not pos and not neg:
        raise FeedbackError("no feedback: mark at least one work as relevant or not relevant")
    both = sorted(set(pos) & set(neg))
    if both:
        raise FeedbackError(f"marked both relevant and not relevant: {', '.join(map(repr, both))}")
    collection.check_embedder(collection.embedder)
    ids = _record_ids(collection, [*pos, *neg])
    query_vector, query_record = _query_vector(collection, query)
    if query_vector is None and not pos:
        raise FeedbackError(
            "nothing to rank towards: mark at least one work as relevant, or give a query "
            "(an image, a record" + ("" if collection.embedder.has_text else
                                     f"; the {collection.embedder.name!r} embedder cannot embed text") + ")")
    hidden = {ids[i] for i in neg} | ({query_record} if query_record is not None else set())
    return Examples(
        positives=[record_vectors(collection, i) for i in pos],
        negatives=[record_vectors(collection, i) for i in neg],
        query=query_vector, positive_ids=frozenset(ids[i] for i in pos), hidden=frozenset(hidden))


# -- learners ---------------------------------------------------------------------------------------

def _score_rocchio(
    collection: Collection, examples: Examples, allowed: NDArray[np.int64] | None, want: int,
) -> dict[int, float]:
    """Image id -> cosine to the moved query, for the best `want` records' images."""
    if allowed is not None and allowed.size == 0:
        return {}
    k = want * _IMAGES_PER_RECORD if allowed is None else min(want * _IMAGES_PER_RECORD, int(allowed.size))
    scores, ids = collection.index.search(examples.rocchio_query()[None, :], k, allowed=allowed)
    return {int(i): unit_score(float(s)) for s, i in zip(scores[0], ids[0], strict=True) if i >= 0}


def _score_svm(
    collection: Collection, examples: Examples, allowed: NDArray[np.int64] | None, want: int,
) -> dict[int, float]:
    """Image id -> logistic of a linear SVM's margin, over every image or a candidate pool."""
    candidates = _candidates(collection, examples, allowed)
    if candidates.size == 0:
        return {}
    model = train_svm(examples, _background(collection))
    margin = model.margin(collection.index.get(candidates))
    keep = min(margin.size, want * _IMAGES_PER_RECORD)  # only these are worth a catalogue lookup
    best = np.argpartition(-margin, keep - 1)[:keep]
    scores = 1.0 / (1.0 + np.exp(-margin[best]))
    return dict(zip(candidates[best].tolist(), scores.tolist(), strict=True))


@dataclass(frozen=True)
class LinearModel:
    """A linear scorer over rescaled vectors: w . unit((x - mean) / scale) + b."""

    mean: Vectors
    scale: Vectors
    w: Vectors
    b: float

    def margin(self, vectors: Vectors) -> Vectors:
        return np.asarray(self.standardise(vectors) @ self.w + self.b, np.float32)

    def standardise(self, vectors: Vectors) -> Vectors:
        z = (vectors - self.mean) / self.scale
        return np.asarray(z / np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-9), np.float32)


def train_svm(examples: Examples, background: Vectors) -> LinearModel:
    """A linear SVM: relevant rows +1; not-relevant and background rows -1.

    Each dimension is first centred on the background sample's mean and divided by the square
    root of its spread: embedders such as `classic` mix features of very different ranges, and
    the margin should not be decided by the few widest ones. Dividing by the full spread did a
    little better on public-art but amplified noise dimensions where the signal lies in few
    (the two-cluster tests); the square root keeps most of the gain (docs/feedback.md).
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.svm import LinearSVC

    scale = (background.std(axis=0) + 1e-6) ** SCALE_POWER
    scaler = LinearModel(background.mean(axis=0), scale.astype(np.float32), background[0], 0.0)
    pos, neg = examples.positive_rows(), examples.negative_rows()
    x = scaler.standardise(np.concatenate([pos, neg, background]))
    y = np.concatenate([np.ones(len(pos)), -np.ones(len(neg) + len(background))])
    weights = np.concatenate([
        np.full(len(pos) + len(neg), 1.0), np.full(len(background), BACKGROUND_WEIGHT)])
    # balance the classes: a few marked works against hundreds of background ones
    weights[y > 0] *= weights[y < 0].sum() / max(weights[y > 0].sum(), 1e-9)
    model = LinearSVC(C=SVM_C, max_iter=5_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # an unconverged margin still ranks
        model.fit(x, y, sample_weight=weights)
    return LinearModel(scaler.mean, scaler.scale, model.coef_[0].astype(np.float32),
                       float(model.intercept_[0]))


def _candidates(
    collection: Collection, examples: Examples, allowed: NDArray[np.int64] | None,
) -> NDArray[np.int64]:
    """Every indexed image (among `allowed`) when few; else the index's answers to the examples."""
    index = collection.index
    everything = index.ids() if allowed is None else np.intersect1d(allowed, index.ids())
    if everything.size <= EXACT_LIMIT:
        return everything
    queries = np.concatenate([examples.rocchio_query()[None, :], examples.positive_rows()[:32]])
    _, ids = index.search(queries, POOL, allowed=allowed)
    return np.unique(ids[ids >= 0])


def _background(collection: Collection) -> Vectors:
    """A fixed random sample of the collection's images (seeded, so that pages stay stable)."""
    ids = collection.index.ids()
    rng = np.random.default_rng(0)
    pick = ids if ids.size <= BACKGROUND else rng.choice(ids, BACKGROUND, replace=False)
    return collection.index.get(np.sort(pick))


# -- helpers ----------------------------------------------------------------------------------------


def _per_record(
    collection: Collection, scores: dict[int, float], hidden: frozenset[int],
    positive_ids: frozenset[int], max_results: int,
) -> list[Ranked]:
    """Records by their best image's score, hidden ones left out."""
    order = sorted(scores, key=lambda i: -scores[i])
    out: dict[int, Ranked] = {}
    chunk = max_results + len(hidden)  # most records have one image: one lookup usually does
    for start in range(0, len(order), chunk):
        images = collection.catalog.images_by_id(order[start:start + chunk])
        for image_id in order[start:start + chunk]:
            image = images.get(image_id)
            if image is None or image.record_id in hidden or image.record_id in out:
                continue
            tag = ("relevant",) if image.record_id in positive_ids else ("feedback",)
            out[image.record_id] = Ranked(image.record_id, unit_score(scores[image_id]), image_id, tag)
            if len(out) >= max_results:
                return list(out.values())
    return list(out.values())


def _query_vector(collection: Collection, query: Query) -> tuple[Vectors | None, int | None]:
    """The query as one unit vector (or None), and the query record's id when it is a record."""
    if query is None:
        return None, None
    if isinstance(query, Record):
        record_id = collection.catalog.record_id(query.identifier)
        return _normalised(record_vectors(collection, query.identifier).mean(axis=0)), record_id
    if isinstance(query, str):
        if not query.strip() or not collection.embedder.has_text:
            return None, None
        return _normalised(collection.embedder.embed_texts([query])[0]), None
    vectors = np.atleast_2d(np.asarray(query, np.float32))
    dim = collection.index.dim
    if vectors.ndim != 2 or vectors.shape[1] != dim:
        raise EmbedderMismatch(
            f"the query vector has shape {np.shape(query)}, but the collection's vectors have "
            f"dimension {dim} ({collection.embedder.key}); embed the query with the same embedder")
    return _normalised(vectors.mean(axis=0)), None


def _record_ids(collection: Collection, identifiers: Sequence[str]) -> dict[str, int]:
    known: dict[str, int] = {}
    unknown = []
    for identifier in identifiers:
        try:
            known[identifier] = collection.catalog.record_id(identifier)
        except RecordNotFound:  # gathered, to name them all at once
            unknown.append(identifier)
    if unknown:
        raise FeedbackError(f"no record with identifier {', '.join(map(repr, unknown))}")
    return known


def _unique(identifiers: Sequence[str]) -> list[str]:
    if isinstance(identifiers, str):
        raise FeedbackError("give identifiers as a list, not one string")
    return list(unique_identifiers(identifiers))


def _mean_of_records(records: list[Vectors]) -> Vectors:
    means = np.stack([_normalised(r.mean(axis=0)) for r in records])
    return np.asarray(means.mean(axis=0), np.float32)


def _normalised(vector: NDArray[np.floating]) -> Vectors:
    norm = float(np.linalg.norm(vector))
    return (vector / norm).astype(np.float32) if norm > 0 else vector.astype(np.float32)
