"""Near-duplicates across a collection: the same image in several records, rescans, crops, copies.

1. Exact copies: images with the same sha256 (the catalogue stores every image's checksum).
2. Candidates: each indexed image's k nearest neighbours in the collection's vector index
   (batched queries; with the HNSW index this is about n log n, never all n^2 pairs), kept when
   their cosine reaches `threshold`.
3. Second check (`verify`): local features of the two thumbnails must agree on one similarity
   transform (see duplicate_check); it rejects different works that only share a layout, and tells
   a crop from a whole copy. Where the check cannot run (no thumbnail, or too few features in a
   flat, blurred or tiny image) a pair is kept when its cosine reaches `sure`.
   Where the collection has a local-feature index (`vitrine regions index`), each image also
   queries its inverted file, and the images sharing most visual words with it that its stored
   features verify become candidates too, whatever their cosine (`duplicates.words`): they bring
   the crops and the bordered reproductions that the global vector does not put near.
4. Groups: union-find over the kept pairs; a group is exact when every link is an exact copy,
   crop when any link is a crop, near otherwise.

The thresholds are per embedder (cosines of different embedders are not comparable), held in its
`calibration` and measured with `vitrine bench duplicates` on public-art with planted copies
(docs/duplicates.md).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from vitrine.collection import Collection
from vitrine.duplicates.check import ThumbnailChecker
from vitrine.duplicates.report import (
    DuplicateReport,
    Group,
    Kind,
    Member,
    Pair,
    current_stamp,
    load_report,
    save_report,
    stale_reason,
)
from vitrine.duplicates.words import DEFAULT_PER_IMAGE, local_index_of, word_pairs
from vitrine.errors import DuplicatesError, IndexError_
from vitrine.index.base import VectorIndex
from vitrine.jobs.progress import ProgressCallback, Reporter
from vitrine.locking import writes
from vitrine.records import Record, StoredImage
from vitrine.unionfind import UnionFind

__all__ = [
    "DuplicateMatch", "DuplicateReport", "DuplicatesError", "Group", "Member", "Pair",
    "duplicates_of", "find_duplicates", "knn_pairs", "load_report", "stale_reason",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Thresholds:
    """Cosine cutoffs of one embedder: candidates from `threshold`; `sure` where the check cannot run."""

    threshold: float
    sure: float


DEFAULT_K = 10
#: graph walk breadth of the k-NN pass: near-duplicates are each other's closest neighbours, so a
#: narrow walk finds them (100k synthetic vectors, quiet machine: 24 kept recall 1.000 of the
#: all-pairs set at 3.9x its speed; the index default of 96 was 1.3x)
KNN_EF_SEARCH = 24


@dataclass(frozen=True)
class DuplicateMatch:
    """A record whose image duplicates one of the queried record's images."""

    identifier: str
    title: str | None
    image_id: int
    of_image_id: int
    score: float
    kind: Kind
    inliers: int | None = None
    by_words: bool = False
    """Found through the local-feature index only (its global vector was not among the k nearest)."""


def thresholds_for(collection: Collection) -> Thresholds:
    """The calibrated cutoffs of the collection's embedder (strict ones where nobody measured)."""
    calibration = collection.embedder.calibration
    return Thresholds(threshold=calibration.duplicate, sure=calibration.duplicate_sure)


# -- use-cases ------------------------------------------------------------------------------


@writes("duplicates search")
def find_duplicates(
    collection: Collection, *, threshold: float | None = None, k: int = DEFAULT_K,
    verify: bool = True, sure: float | None = None, same_record: bool = False, save: bool = True,
    local: bool = True, per_image: int = DEFAULT_PER_IMAGE, progress: ProgressCallback | None = None,
) -> DuplicateReport:
    """Every group of duplicate images in the collection; saved with it unless `save` is False.

    `local`: also take candidates from the local-feature index where the collection has one
    (`per_image` images sharing most visual words with each image); False, or no local index,
    gives the k-NN candidates alone (the report's `local_candidates` is then None).
    """
    started = time.perf_counter()
    cut = _cutoffs(collection, threshold, sure)
    _check_k(k)
    stamp = current_stamp(collection)
    images = collection.catalog.images_by_id(collection.catalog.all_image_ids().tolist())
    ids = collection.catalog.embedded_image_ids(stamp.embedder) if stamp.embedder else np.zeros(0, np.int64)
    if images and not ids.size:
        raise DuplicatesError(
            f"collection {collection.name!r} has no indexed image to compare; "
            f"run 'vitrine index {collection.name}' first")
    exact = exact_pairs(images.values())
    pairs, scores = knn_pairs(collection.index, ids, k=k, threshold=cut.threshold, progress=progress)
    pairs, scores, added = _with_local(collection, ids, pairs, scores, local, per_image, progress)
    candidates = candidate_pairs(exact, pairs, scores, images, same_record)
    checker = thumbnail_checker(collection, images) if verify else None
    kept = _judge_all(candidates, checker, cut.sure, progress)
    report = DuplicateReport(
        collection=collection.name, embedder=stamp.embedder, images=stamp.images,
        ids_digest=stamp.ids_digest, threshold=cut.threshold, verified=verify, k=k,
        candidates=len(candidates), rejected=len(candidates) - len(kept),
        groups=group_pairs(collection, kept, images), local_candidates=added)
    report.seconds = round(time.perf_counter() - started, 3)
    if save:
        save_report(collection, report)
    log.info("%d duplicate groups among %d images in %.1fs", len(report.groups), report.images,
             report.seconds)
    return report


def duplicates_of(
    collection: Collection, identifier: str, *, threshold: float | None = None, k: int = 20,
    verify: bool = True, sure: float | None = None, local: bool = True, per_image: int = DEFAULT_PER_IMAGE,
) -> list[DuplicateMatch]:
    """Records holding a duplicate of one of this record's images, best first (no full report).

    Candidates: each image's `k` nearest neighbours by its vector, and, where the collection has a
    local-feature index and `local` is True, the `per_image` images sharing most visual words with
    it that its stored features verify (crops, borders), as `find_duplicates` takes them."""
    cut = _cutoffs(collection, threshold, sure)
    _check_k(k)
    collection.catalog.record_id(identifier)  # raises RecordNotFound
    own = collection.catalog.images_of(identifier)
    mine, vectors = _indexed_vectors(collection, own)
    if not mine:
        raise DuplicatesError(
            f"record {identifier!r} has no indexed image to compare; run 'vitrine index {collection.name}'")
    scores, found = collection.index.search(vectors, k + len(own))
    own_ids = {img.id for img in own}
    hits = {(min(q, int(f)), max(q, int(f))): float(s)
            for q, row_s, row_f in zip(mine, scores, found, strict=True)
            for s, f in zip(row_s, row_f, strict=True)
            if f >= 0 and int(f) not in own_ids and s >= cut.threshold}
    words = _word_hits(collection, mine, own_ids, per_image) if local else {}
    by_words = set(words) - set(hits)
    hits.update((pair, score) for pair, score in words.items() if pair not in hits)
    images = collection.catalog.images_by_id({i for pair in hits for i in pair} | own_ids)
    candidates = _mark_exact([Pair(a, b, round(s, 4), "near") for (a, b), s in hits.items()], images)
    kept = _judge_all(candidates, thumbnail_checker(collection, images) if verify else None, cut.sure, None)
    return _matches(collection, kept, own_ids, images, by_words)


def _word_hits(collection: Collection, mine: list[int], own_ids: set[int], per_image: int,
               ) -> dict[tuple[int, int], float]:
    """Pairs of this record's images with others found by visual words (none without a local index)."""
    index = local_index_of(collection)
    key = collection.vectors_key
    if index is None or key is None:
        return {}
    among = set(collection.catalog.embedded_image_ids(key).tolist()) - own_ids
    pairs, scores = word_pairs(index, collection.index, np.asarray(mine, np.int64), per_image=per_image,
                               among=among)
    return {(int(a), int(b)): float(s) for (a, b), s in zip(pairs.tolist(), scores.tolist(), strict=True)}


# -- stages ---------------------------------------------------------------------------------


def exact_pairs(images: Iterable[StoredImage]) -> list[Pair]:
    """Images sharing a checksum, each linked to the first of its kind (score 1)."""
    first: dict[str, int] = {}
    pairs = []
    for image in sorted(images, key=lambda i: i.id):
        if not image.sha256:
            continue
        if image.sha256 in first:
            pairs.append(Pair(first[image.sha256], image.id, 1.0, "exact"))
        else:
            first[image.sha256] = image.id
    return pairs


def knn_pairs(
    index: VectorIndex, ids: NDArray[np.int64], *, k: int, threshold: float, batch: int = 512,
    progress: ProgressCallback | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    """Unordered pairs (a < b) of indexed `ids` among each other's k nearest neighbours whose
    cosine reaches `threshold`, with that cosine: (m, 2) ids and (m,) scores, best first."""
    found_pairs, found_scores = [], []
    reporter = Reporter(progress, "neighbours", int(ids.size))
    for start in range(0, int(ids.size), batch):
        chunk = ids[start:start + batch]
        try:
            vectors = index.get(chunk)
        except IndexError_ as exc:
            raise DuplicatesError(
                f"the vector index lacks images the catalogue says are indexed ({exc}); "
                "run 'vitrine check --repair' and try again") from exc
        scores, found = index.search(vectors, k + 1, ef_search=max(2 * (k + 1), KNN_EF_SEARCH))
        keep = (found >= 0) & (found != chunk[:, None]) & (scores >= threshold)
        rows, cols = np.nonzero(keep)
        a, b = chunk[rows], found[rows, cols]
        found_pairs.append(np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1))
        found_scores.append(scores[rows, cols])
        reporter.advance(chunk.size)
    if not found_pairs:
        return np.zeros((0, 2), np.int64), np.zeros(0, np.float32)
    return _unique_pairs(np.concatenate(found_pairs), np.concatenate(found_scores).astype(np.float32))


def _with_local(
    collection: Collection, ids: NDArray[np.int64], pairs: NDArray[np.int64], scores: NDArray[np.float32],
    local: bool, per_image: int, progress: ProgressCallback | None,
) -> tuple[NDArray[np.int64], NDArray[np.float32], int | None]:
    """The k-NN pairs merged with the local-feature index's, and how many pairs that added
    (None when no local index was used)."""
    index = local_index_of(collection) if local else None
    if index is None:
        if local:
            log.info("no local-feature index: k-NN candidates only ('vitrine regions index' builds one)")
        return pairs, scores, None
    more, more_scores = word_pairs(index, collection.index, ids, per_image=per_image, progress=progress)
    if not len(more):
        return pairs, scores, 0
    known = {(int(a), int(b)) for a, b in pairs.tolist()}
    added = sum((int(a), int(b)) not in known for a, b in more.tolist())
    merged = _unique_pairs(np.concatenate([pairs, more]), np.concatenate([scores, more_scores]))
    return merged[0], merged[1], added


def _unique_pairs(
    pairs: NDArray[np.int64], scores: NDArray[np.float32],
) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    """Each pair once, with its best score (a pair is usually found from both ends)."""
    order = np.lexsort((-scores, pairs[:, 1], pairs[:, 0]))
    pairs, scores = pairs[order], scores[order]
    first = np.ones(len(pairs), bool)
    first[1:] = np.any(pairs[1:] != pairs[:-1], axis=1)
    pairs, scores = pairs[first], scores[first]
    best = np.argsort(-scores, kind="stable")
    return pairs[best], scores[best]


def candidate_pairs(
    exact: list[Pair], pairs: NDArray[np.int64], scores: NDArray[np.float32],
    images: Mapping[int, StoredImage], same_record: bool,
) -> list[Pair]:
    """Exact pairs, then near pairs not already linked by a checksum; same-record pairs dropped
    unless asked for (a record's pages or sides are alike by nature, not duplicates)."""
    out = list(exact)
    sha = {i: img.sha256 for i, img in images.items()}
    for (a, b), score in zip(pairs.tolist(), scores.tolist(), strict=True):
        if sha.get(a) is not None and sha.get(a) == sha.get(b):
            continue
        out.append(Pair(a, b, round(float(score), 4), "near"))
    if same_record:
        return out
    return [p for p in out if _record(images, p.a) != _record(images, p.b)]


def _mark_exact(pairs: list[Pair], images: Mapping[int, StoredImage]) -> list[Pair]:
    def same(p: Pair) -> bool:
        a, b = images.get(p.a), images.get(p.b)
        return bool(a and b and a.sha256 and a.sha256 == b.sha256)

    return [Pair(p.a, p.b, 1.0, "exact") if same(p) else p for p in pairs]


def _record(images: Mapping[int, StoredImage], image_id: int) -> int | None:
    image = images.get(image_id)
    return image.record_id if image else None


def _judge_all(
    candidates: list[Pair], checker: ThumbnailChecker | None, sure: float, progress: ProgressCallback | None,
) -> list[Pair]:
    """The candidates that pass the second check, with their kind and inliers filled in."""
    if checker is None:
        return candidates
    kept = []
    reporter = Reporter(progress, "check", len(candidates))
    for n, pair in enumerate(candidates, start=1):
        judged = _judge(pair, checker, sure)
        if judged is not None:
            kept.append(judged)
        if n % 200 == 0 or n == len(candidates):
            reporter.advance(n - reporter.done)
    return kept


def _judge(pair: Pair, checker: ThumbnailChecker, sure: float) -> Pair | None:
    if pair.kind == "exact":
        return pair
    verdict = checker.check(pair.a, pair.b)
    if verdict is None:  # no thumbnail, or too few features to tell: the cosine alone decides
        return pair if pair.score >= sure else None
    if not verdict.verified:
        return None
    kind: Kind = "crop" if verdict.crop else "near"
    return Pair(pair.a, pair.b, pair.score, kind, verdict.inliers)


def thumbnail_checker(collection: Collection, images: Mapping[int, StoredImage]) -> ThumbnailChecker:
    def thumbnail_of(image_id: int) -> Path | None:
        image = images.get(image_id)
        return collection.thumbnail_path(image.sha256) if image and image.sha256 else None

    return ThumbnailChecker(thumbnail_of)


# -- grouping -------------------------------------------------------------------------------


def group_pairs(
    collection: Collection, pairs: list[Pair], images: Mapping[int, StoredImage],
) -> list[Group]:
    """Connected components of the pairs (union-find), biggest and closest first."""
    sets: UnionFind[int] = UnionFind()
    for p in pairs:
        sets.union(p.a, p.b)
    components: dict[int, list[Pair]] = {}
    for p in pairs:
        components.setdefault(sets.find(p.a), []).append(p)
    records = collection.catalog.get_many(
        {images[i].record_id for p in pairs for i in (p.a, p.b) if i in images})
    groups = [_group(comp, images, records) for comp in components.values()]
    groups.sort(key=lambda g: (-len(g.members), -g.score, g.members[0].identifier))
    for number, group in enumerate(groups, start=1):
        group.number = number
    return groups


def _group(pairs: list[Pair], images: Mapping[int, StoredImage], records: Mapping[int, Record]) -> Group:
    ids = sorted({i for p in pairs for i in (p.a, p.b)})
    members = []
    for image_id in ids:
        image = images.get(image_id)
        record = records.get(image.record_id) if image else None
        members.append(Member(image_id, image.identifier if image else f"image {image_id}",
                              record.title if record else None))
    kinds = {p.kind for p in pairs}
    kind: Kind = "exact" if kinds == {"exact"} else "crop" if "crop" in kinds else "near"
    return Group(0, kind, members, sorted(pairs, key=lambda p: -p.score))


def _matches(
    collection: Collection, pairs: list[Pair], own_ids: set[int], images: Mapping[int, StoredImage],
    by_words: set[tuple[int, int]],
) -> list[DuplicateMatch]:
    best: dict[str, DuplicateMatch] = {}
    others = {p.b if p.a in own_ids else p.a for p in pairs}
    records = collection.catalog.get_many({images[i].record_id for i in others if i in images})
    for p in sorted(pairs, key=lambda p: -p.score):
        other, mine = (p.b, p.a) if p.a in own_ids else (p.a, p.b)
        image = images.get(other)
        if image is None or image.identifier in best:
            continue
        record = records.get(image.record_id)
        best[image.identifier] = DuplicateMatch(
            image.identifier, record.title if record else None, other, mine, p.score, p.kind, p.inliers,
            (p.a, p.b) in by_words)
    return list(best.values())


# -- helpers --------------------------------------------------------------------------------


def _cutoffs(collection: Collection, threshold: float | None, sure: float | None) -> Thresholds:
    base = thresholds_for(collection)
    cut = Thresholds(base.threshold if threshold is None else threshold,
                     base.sure if sure is None else sure)
    for name, value in (("threshold", cut.threshold), ("sure", cut.sure)):
        if not -1.0 <= value <= 1.0 or value != value:
            raise DuplicatesError(f"the {name} is a cosine between -1 and 1, got {value}")
    return cut


def _check_k(k: int) -> None:
    if not 1 <= k <= 1000:
        raise DuplicatesError(f"k (neighbours per image) must be between 1 and 1000, got {k}")


def _indexed_vectors(
    collection: Collection, images: list[StoredImage],
) -> tuple[list[int], NDArray[np.float32]]:
    """The ids and vectors of those of `images` the index holds (not yet indexed ones skipped)."""
    if collection.vectors_key is None or not images:
        return [], np.zeros((0, 0), np.float32)
    index = collection.index
    try:
        ids = [img.id for img in images]
        return ids, index.get(np.asarray(ids, np.int64))
    except IndexError_:
        pass
    ids, rows = [], []
    for img in images:
        try:
            rows.append(index.get(np.asarray([img.id], np.int64))[0])
        except IndexError_:
            continue
        ids.append(img.id)
    return ids, (np.stack(rows) if rows else np.zeros((0, 0), np.float32))
