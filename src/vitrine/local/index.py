"""The in-memory search structure over a store: inverted file, tf-idf + Hamming scoring, verification.

`open_local_index(collection_root)` opens a collection's index; `LocalIndex.search` ranks images
by bag-of-visual-words score (Hamming-embedding weighted tf-idf over an inverted file), then
verifies the best with RANSAC; `LocalIndex.verify` verifies given images only. Both take a
`LocalFeatures` (freshly extracted) or a `Quantised` (stored features, e.g. those inside a box).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from vitrine.errors import IndexError_
from vitrine.local.features import Box, LocalFeatures
from vitrine.local.geometry import (
    MIN_INLIERS,
    Model,
    Verification,
    coverage,
    estimate,
    map_box,
    unique_inliers,
)
from vitrine.local.segments import ImageEntry, Quantised, Segment, build_segment, decode_keypoints, quantise
from vitrine.local.store import FolderStore, SegmentStore
from vitrine.local.vocabulary import Vocabulary

log = logging.getLogger(__name__)

LOCAL_DIR = "local"
HAMMING_THRESHOLD = 24  # of 64 bits (Jegou et al. use 22-24)
_HAMMING_SIGMA2 = 16.0**2
DEFAULT_SHORTLIST = 60


@dataclass(frozen=True)
class SearchResult:
    """Bag-of-words candidates (image id, score), best first, then the verified hits."""

    candidates: list[tuple[int, float]]
    hits: list[Verification]


@dataclass(frozen=True)
class _Pairs:
    """Tentative matches: query feature, database feature position, its image row, Hamming distance."""

    query: NDArray[np.int64]
    feature: NDArray[np.int64]
    row: NDArray[np.int64]
    hamming: NDArray[np.int64]

    def take(self, keep: NDArray[np.bool_] | NDArray[np.int64]) -> _Pairs:
        return _Pairs(self.query[keep], self.feature[keep], self.row[keep], self.hamming[keep])


class LocalIndex:
    """Every live image's quantised features, with an inverted file over visual words."""

    def __init__(
        self, vocabulary: Vocabulary, segments: Sequence[Segment], *, hamming: bool = True,
    ) -> None:
        """hamming=False matches on visual words alone (plain bag of words), for comparison."""
        self.vocabulary = vocabulary
        self.hamming = hamming
        self._gather(segments)
        self._invert()

    # -- lookup -----------------------------------------------------------------------------

    def __len__(self) -> int:
        return int(self.image_ids.shape[0])

    @property
    def feature_count(self) -> int:
        return int(self.words.shape[0])

    def __contains__(self, image_id: int) -> bool:
        return self._row(image_id) is not None

    def entries(self) -> dict[int, ImageEntry]:
        """Every live image's id, checksum and file stamp."""
        return {int(i): ImageEntry(int(i), s, t) for i, s, t in zip(
            self.image_ids, self.sha256, self.stamps, strict=True)}

    def features_of(self, image_id: int) -> Quantised:
        """The stored features of one image (keypoints in its source pixels)."""
        row = self._row(image_id)
        if row is None:
            raise IndexError_(f"image {image_id} has no local features; run 'vitrine regions index'")
        lo, hi = int(self.offsets[row]), int(self.offsets[row + 1])
        size = (int(self.sizes[row, 0]), int(self.sizes[row, 1]))
        keypoints = decode_keypoints(self.xy[lo:hi], self.scale[lo:hi], self.angle[lo:hi], size)
        return Quantised(self.words[lo:hi], self.signatures[lo:hi], keypoints, size)

    def image_size(self, image_id: int) -> tuple[int, int]:
        row = self._row(image_id)
        if row is None:
            raise IndexError_(f"image {image_id} has no local features")
        return int(self.sizes[row, 0]), int(self.sizes[row, 1])

    def as_segment(self) -> Segment:
        """Every live image in one segment (compaction drops superseded and removed entries)."""
        return Segment(
            image_ids=self.image_ids.copy(), sha256=list(self.sha256), stamps=list(self.stamps),
            sizes=self.sizes, offsets=self.offsets, words=self.words, signatures=self.signatures,
            xy=self.xy, scale=self.scale, angle=self.angle)

    # -- search -----------------------------------------------------------------------------

    def search(
        self, query: LocalFeatures | Quantised, *, box: Box | None = None, k: int = 20,
        shortlist: int = DEFAULT_SHORTLIST, allowed: NDArray[np.int64] | None = None,
        exclude: Sequence[int] = (), model: Model = "affine", min_inliers: int = MIN_INLIERS,
    ) -> SearchResult:
        """Rank images by bag-of-words score, verify the best `shortlist`, return up to `k` hits.

        Args:
            box: only the query features inside it are used; its corners are mapped into each hit.
            allowed: restrict results to these image ids (catalogue filters).
            exclude: image ids never returned (the query's own image).
        """
        q, frame = self._prepare(query, box)
        mask = self._row_mask(allowed, exclude)
        pairs = self._pairs(q, mask)
        scores = self._scores(q, pairs)
        top = _top(scores, shortlist)
        candidates = [(int(self.image_ids[r]), float(scores[r])) for r in top]
        hits = self._verify_rows(q, pairs, top, frame, model, min_inliers, scores)
        return SearchResult(candidates, hits[:k])

    def similar(
        self, image_id: int, *, n: int = 10, rarest: int | None = None,
    ) -> list[tuple[int, float]]:
        """The `n` other images sharing most visual words with a stored image, best first.

        The search's query path with the whole image as the region and no verification (the
        near-duplicate finder's candidates). `rarest`: query with only this many of the image's
        features, those whose words the fewest features hold (the highest idf, the shortest
        postings to read), which cuts the cost of a query many times over.
        """
        q = self.features_of(image_id)
        if rarest is not None and len(q) > rarest:
            lengths = self._word_start[q.words + 1] - self._word_start[q.words]
            keep = np.argsort(lengths, kind="stable")[:rarest]
            q = Quantised(q.words[keep], q.signatures[keep], q.keypoints[keep], q.image_size)
        pairs = self._pairs(q, None)
        # sparse: only the images the query's postings touch are scored, never all n
        rows, at = np.unique(pairs.row, return_inverse=True)
        raw = np.bincount(at, weights=self._weights(q, pairs), minlength=len(rows))
        scores = raw / (self.norms[rows] * self._query_norm(q))
        scores[rows == self._row(image_id)] = 0.0  # itself
        return [(int(self.image_ids[rows[i]]), float(scores[i])) for i in _top(scores, n)]

    def verify(
        self, query: LocalFeatures | Quantised, image_ids: Sequence[int], *, box: Box | None = None,
        model: Model = "affine", min_inliers: int = MIN_INLIERS,
    ) -> list[Verification]:
        """Geometrically verify `query` (inside `box`) against these images; best first.

        Images without features or without enough inliers are left out.
        """
        q, frame = self._prepare(query, box)
        rows = np.array([r for r in (self._row(int(i)) for i in image_ids) if r is not None], np.int64)
        mask = np.zeros(len(self), bool)
        mask[rows] = True
        pairs = self._pairs(q, mask)
        return self._verify_rows(q, pairs, rows, frame, model, min_inliers, None)

    def find_works(
        self, query: LocalFeatures | Quantised, *, min_inliers: int, max_works: int = 1,
        shortlist: int = 30, prune: bool = True, vote: bool = True, max_postings: int | None = None,
        margin: float = 0.0, weak: int | None = None,
    ) -> list[Verification]:
        """Every stored image found in `query`, one after another: the image with the most verified
        inliers, then again with the query features inside where it lies in the photo left out.

        `prune` verifies candidates in order of an upper bound on their inliers (the distinct query
        features with a tentative match in them) and stops as soon as no remaining candidate can
        beat the best so far or reach `min_inliers`: the same winner, for far fewer RANSAC fits.
        `vote` keeps only the tentative matches that agree on rotation and scale (`consistent`)
        before RANSAC. `max_postings` bounds the inverted-file entries read: the query features of
        the rarest words are kept until their postings reach it (a large collection makes common
        words' postings long, and they say little). `margin`: only inliers on the image's interior
        count, at least this share of its width and height from its edges (`interior`). `weak`: the
        first image may have as few as this many inliers; below `min_inliers`, it is then the only
        one returned (a weak first look, which the caller may look at again). Each hit's `quad` is
        the image's corners mapped into the query's pixels.
        """
        q, _ = self._prepare(query, None)
        if max_postings is not None:
            q = self._rarest(q, max_postings)
        pairs = self._pairs(q, None)
        alive = np.ones(len(q), bool)
        found: list[Verification] = []
        for _ in range(max_works):
            floor = min(weak, min_inliers) if weak is not None and not found else min_inliers
            taken = np.isin(pairs.row, np.array([self._row(h.image_id) for h in found], np.int64))
            left = pairs.take(alive[pairs.query] & ~taken)
            best = self._best(q, left, floor, shortlist, prune, vote, margin)
            if best is None:
                break
            quad = photo_quad(self.image_size(best.image_id), best.transform)
            if quad is None:
                break
            found.append(Verification(best.image_id, best.inliers, best.transform, best.region, quad,
                                      best.score, best.coverage))
            if best.inliers < min_inliers:  # a weak first work: no other can be stronger
                break
            alive &= ~inside_quad(q.keypoints[:, :2], np.array(quad))
        return found

    def _rarest(self, q: Quantised, max_postings: int) -> Quantised:
        """The query features of the rarest words, as many as `max_postings` postings allow."""
        lengths = self._word_start[q.words + 1] - self._word_start[q.words]
        if int(lengths.sum()) <= max_postings:
            return q
        order = np.argsort(lengths, kind="stable")
        keep = np.sort(order[np.cumsum(lengths[order]) <= max_postings])
        return Quantised(q.words[keep], q.signatures[keep], q.keypoints[keep], q.image_size)

    def _best(self, q: Quantised, pairs: _Pairs, min_inliers: int, shortlist: int, prune: bool,
              vote: bool, margin: float = 0.0) -> Verification | None:
        """The shortlisted image with the most inliers (at least `min_inliers`), or None."""
        if len(pairs.row) == 0:
            return None
        scores = self._scores(q, pairs)
        rows = _top(scores, shortlist)
        if prune:
            distinct = np.unique(pairs.row * max(len(q), 1) + pairs.query) // max(len(q), 1)
            bound = np.bincount(distinct, minlength=len(self))
            rows = np.union1d(rows, _top(bound.astype(np.float64), max(1, shortlist // 3)))
            rows = rows[bound[rows] >= min_inliers]
            rows = rows[np.argsort(-bound[rows], kind="stable")]
        pairs = pairs.take(np.lexsort((pairs.hamming, pairs.row)))
        starts = np.searchsorted(pairs.row, rows)
        ends = np.searchsorted(pairs.row, rows, side="right")
        best: Verification | None = None
        for row, lo, hi in zip(rows.tolist(), starts.tolist(), ends.tolist(), strict=True):
            if prune and best is not None and bound[row] <= best.inliers:
                break
            hit = self._verify_one(q, pairs.take(np.arange(lo, hi)), row, _frame(q), "homography", vote=vote,
                                   margin=margin)
            better = hit is not None and (best is None or hit.inliers > best.inliers)
            if hit is not None and better and hit.inliers >= min_inliers:
                best = Verification(hit.image_id, hit.inliers, hit.transform, hit.region, hit.quad,
                                    float(scores[row]), hit.coverage)
        return best

    def verify_stored(
        self, image_id: int, image_ids: Sequence[int], *, model: Model = "affine",
        min_inliers: int = MIN_INLIERS,
    ) -> list[Verification]:
        """`verify` of a stored image against a few others, matching their features directly
        (not through the inverted file): the cost depends on the images compared, not on n."""
        q = self.features_of(image_id)
        rows = np.array([r for r in (self._row(int(i)) for i in image_ids) if r is not None], np.int64)
        frame = (0.0, 0.0, float(q.image_size[0]), float(q.image_size[1]))
        return self._verify_rows(q, self._pairs_in_rows(q, rows), rows, frame, model, min_inliers, None)

    # -- internals --------------------------------------------------------------------------

    def _pairs_in_rows(self, q: Quantised, rows: NDArray[np.int64]) -> _Pairs:
        """What `_pairs` finds in these images only, from their own features."""
        parts = []
        for row in rows.tolist():
            lo = int(self.offsets[row])
            order = np.argsort(self.words[lo:int(self.offsets[row + 1])], kind="stable")
            words = self.words[lo + order]
            starts = np.searchsorted(words, q.words, "left")
            lengths = np.searchsorted(words, q.words, "right") - starts
            query = np.repeat(np.arange(len(q), dtype=np.int64), lengths)
            first = np.cumsum(lengths) - lengths
            at = np.repeat(starts - first, lengths) + np.arange(int(lengths.sum()), dtype=np.int64)
            feature = lo + order[at].astype(np.int64)
            hamming = np.bitwise_count(self.signatures[feature] ^ q.signatures[query]).astype(np.int64)
            keep = hamming <= (HAMMING_THRESHOLD if self.hamming else 64)
            parts.append(_Pairs(query[keep], feature[keep], np.full(int(keep.sum()), row, np.int64),
                                hamming[keep]))
        if not parts:
            return _Pairs(*(np.zeros(0, np.int64) for _ in range(4)))
        return _Pairs(*(np.concatenate([getattr(p, f) for p in parts]) for f in
                        ("query", "feature", "row", "hamming")))

    def _prepare(self, query: LocalFeatures | Quantised, box: Box | None) -> tuple[Quantised, Box]:
        q = quantise(query, self.vocabulary) if isinstance(query, LocalFeatures) else query
        if box is None:
            return q, (0.0, 0.0, float(q.image_size[0]), float(q.image_size[1]))
        return q.crop(box), box

    def _row(self, image_id: int) -> int | None:
        pos = int(np.searchsorted(self.image_ids, image_id))
        if pos < len(self.image_ids) and int(self.image_ids[pos]) == image_id:
            return pos
        return None

    def _row_mask(
        self, allowed: NDArray[np.int64] | None, exclude: Sequence[int],
    ) -> NDArray[np.bool_] | None:
        if allowed is None and not exclude:
            return None
        mask = np.ones(len(self), bool) if allowed is None else np.isin(self.image_ids, allowed)
        for image_id in exclude:
            row = self._row(int(image_id))
            if row is not None:
                mask[row] = False
        return mask

    def _pairs(self, q: Quantised, mask: NDArray[np.bool_] | None) -> _Pairs:
        """Every (query feature, database feature) in the same word within the Hamming threshold."""
        starts = self._word_start[q.words]
        lengths = self._word_start[q.words + 1] - starts
        total = int(lengths.sum())
        query = np.repeat(np.arange(len(q), dtype=np.int64), lengths)
        first = np.cumsum(lengths) - lengths
        positions = np.repeat(starts - first, lengths) + np.arange(total, dtype=np.int64)
        hamming = np.bitwise_count(self._inv_signatures[positions] ^ q.signatures[query]).astype(np.int64)
        keep = hamming <= (HAMMING_THRESHOLD if self.hamming else 64)
        feature = self._inv_feature[positions[keep]]
        pairs = _Pairs(query[keep], feature, self.feature_row[feature], hamming[keep])
        return pairs if mask is None else pairs.take(mask[pairs.row])

    def _scores(self, q: Quantised, pairs: _Pairs) -> NDArray[np.float64]:
        """Hamming-weighted tf-idf cosine of the query with every image."""
        raw = np.bincount(pairs.row, weights=self._weights(q, pairs), minlength=len(self))
        return np.asarray(raw / (self.norms * self._query_norm(q)), np.float64)

    def _weights(self, q: Quantised, pairs: _Pairs) -> NDArray[np.float64]:
        idf = self.idf[q.words[pairs.query]]
        weights = idf * idf
        if self.hamming:
            weights = weights * np.exp(-(pairs.hamming**2) / _HAMMING_SIGMA2)
        return np.asarray(weights, np.float64)

    def _query_norm(self, q: Quantised) -> float:
        return float(np.sqrt(np.sum(self.idf[q.words] ** 2))) or 1.0

    def _verify_rows(
        self, q: Quantised, pairs: _Pairs, rows: NDArray[np.int64], frame: Box, model: Model,
        min_inliers: int, scores: NDArray[np.float64] | None,
    ) -> list[Verification]:
        if len(rows) == 0 or len(pairs.row) == 0:
            return []
        pairs = pairs.take(np.isin(pairs.row, rows))
        order = np.lexsort((pairs.hamming, pairs.row))
        pairs = pairs.take(order)
        bounds = np.searchsorted(pairs.row, rows), np.searchsorted(pairs.row, rows, side="right")
        hits = []
        for row, lo, hi in zip(rows, *bounds, strict=True):
            hit = self._verify_one(q, pairs.take(np.arange(lo, hi)), int(row), frame, model)
            if hit is not None and hit.inliers >= min_inliers:
                score = float(scores[row]) if scores is not None else 0.0
                hits.append(Verification(
                    hit.image_id, hit.inliers, hit.transform, hit.region, hit.quad, score, hit.coverage))
        hits.sort(key=lambda h: (-h.inliers, -h.score))
        return hits

    def _verify_one(
        self, q: Quantised, pairs: _Pairs, row: int, frame: Box, model: Model, vote: bool = False,
        margin: float = 0.0,
    ) -> Verification | None:
        if len(pairs.query) < 3:
            return None
        # best match per query feature (pairs are sorted by Hamming distance within the row)
        _, first = np.unique(pairs.query, return_index=True)
        pairs = pairs.take(first)
        size = (int(self.sizes[row, 0]), int(self.sizes[row, 1]))
        lo = int(self.offsets[row])
        f = pairs.feature
        dst = decode_keypoints(self.xy[f], self.scale[f], self.angle[f], size)
        if vote:
            keep = consistent(q.keypoints[pairs.query], dst)
            pairs, dst = pairs.take(keep), dst[keep]
        local = pairs.feature - lo
        threshold = max(3.0, 0.008 * max(size))
        fitted = estimate(q.keypoints[pairs.query, :2], dst[:, :2], threshold=threshold, model=model)
        if fitted is None:
            return None
        transform, inlier_mask = fitted
        if margin > 0:  # inliers on the image's border (its frame, in a photographed thumbnail) do not count
            inlier_mask = inlier_mask & interior(dst[:, :2], size, margin)
        inliers = unique_inliers(pairs.query, local, inlier_mask)
        region, quad = map_box(transform, frame, size)
        spread = coverage(q.keypoints[pairs.query[inlier_mask], :2], frame)
        return Verification(int(self.image_ids[row]), inliers, transform, region, quad, 0.0, spread)

    def _gather(self, segments: Sequence[Segment]) -> None:
        """Keep, for each image, its entry from the newest segment that mentions it."""
        latest: dict[int, tuple[int, int]] = {}
        for s, segment in enumerate(segments):
            for image_id in segment.removed.tolist():
                latest.pop(int(image_id), None)
            for r, image_id in enumerate(segment.image_ids.tolist()):
                latest[int(image_id)] = (s, r)
        ids = np.array(sorted(latest), np.int64)
        self.image_ids = ids
        picks = [latest[int(i)] for i in ids]
        self.sha256 = [segments[s].sha256[r] for s, r in picks]
        self.stamps = [segments[s].stamps[r] for s, r in picks]
        self.sizes = np.array([segments[s].sizes[r] for s, r in picks], np.int32).reshape(-1, 2)
        feature_index = [np.arange(segments[s].offsets[r], segments[s].offsets[r + 1]) for s, r in picks]
        counts = np.array([len(f) for f in feature_index], np.int64)
        self.offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self.feature_row = np.repeat(np.arange(len(ids), dtype=np.int64), counts)
        self.words, self.signatures, self.xy, self.scale, self.angle = _take_features(
            segments, picks, feature_index)

    def _invert(self) -> None:
        k = self.vocabulary.size
        order = np.argsort(self.words, kind="stable")
        self._inv_feature = order.astype(np.int64)
        self._inv_signatures = self.signatures[order]
        self._word_start = np.searchsorted(self.words[order], np.arange(k + 1)).astype(np.int64)
        n = max(len(self), 1)
        keys, tf = np.unique(self.feature_row * k + self.words, return_counts=True)
        df = np.bincount(keys % k, minlength=k)
        self.idf = np.where(df > 0, np.log(n / np.maximum(df, 1)), 0.0).astype(np.float64)
        weights = (tf * self.idf[keys % k]) ** 2
        self.norms = np.sqrt(np.bincount(keys // k, weights=weights, minlength=len(self)))
        self.norms[self.norms == 0] = 1.0


def _take_features(
    segments: Sequence[Segment], picks: list[tuple[int, int]], index: list[NDArray[np.int64]],
) -> tuple[NDArray[np.int32], NDArray[np.uint64], NDArray[np.uint16], NDArray[np.float16], NDArray[np.uint8]]:
    """The features at `index` of each picked (segment, row), concatenated in pick order."""
    empty = build_segment([])
    chosen = [(segments[s], positions) for (s, _), positions in zip(picks, index, strict=True)]
    chosen = chosen or [(empty, np.zeros(0, np.int64))]
    return (np.concatenate([g.words[p] for g, p in chosen]),
            np.concatenate([g.signatures[p] for g, p in chosen]),
            np.concatenate([g.xy[p] for g, p in chosen]).reshape(-1, 2),
            np.concatenate([g.scale[p] for g, p in chosen]),
            np.concatenate([g.angle[p] for g, p in chosen]))


_ANGLE_BINS, _OCTAVE_BINS = 12, 8  # 30 degrees, and one octave from 1/16 to 16 times


def consistent(query: NDArray[np.float32], stored: NDArray[np.float32]) -> NDArray[np.bool_]:
    """The tentative matches that agree on the rotation and the change of scale (Lowe's Hough
    vote, coarse enough for a 45 degree perspective): those in the 3x3 bins around the fullest.

    On a photo of a whole wall most tentative matches of a work come from the other works; RANSAC
    alone rarely draws four good ones out of ten, but after the vote it does at once.
    """
    if len(query) < 12:
        return np.ones(len(query), bool)
    turn = np.floor(((stored[:, 3] - query[:, 3]) % 360) / (360 / _ANGLE_BINS)).astype(np.int64) % _ANGLE_BINS
    ratio = np.log2(np.maximum(stored[:, 2], 1e-3) / np.maximum(query[:, 2], 1e-3))
    octave = np.clip(np.floor(ratio + _OCTAVE_BINS / 2), 0, _OCTAVE_BINS - 1).astype(np.int64)
    votes = np.zeros((_ANGLE_BINS, _OCTAVE_BINS + 2), np.int64)
    np.add.at(votes, (turn, octave + 1), 1)
    window = np.zeros((_ANGLE_BINS, _OCTAVE_BINS), np.int64)
    for a in (-1, 0, 1):
        for o in (-1, 0, 1):
            window += np.roll(votes, a, axis=0)[:, 1 + o:_OCTAVE_BINS + 1 + o]
    peak_turn, peak_octave = np.unravel_index(int(np.argmax(window)), window.shape)
    near_turn = np.minimum((turn - peak_turn) % _ANGLE_BINS, (peak_turn - turn) % _ANGLE_BINS) <= 1
    return np.asarray(near_turn & (np.abs(octave - peak_octave) <= 1))


def interior(points: NDArray[np.float32], size: tuple[int, int], margin: float) -> NDArray[np.bool_]:
    """Which points of an image of `size` lie at least `margin` of its width (x) and height (y)
    from its edges: off a frame that the image shows around the work."""
    w, h = size
    x, y = points[:, 0], points[:, 1]
    inside_x = (x >= margin * w) & (x <= (1 - margin) * w)
    return np.asarray(inside_x & (y >= margin * h) & (y <= (1 - margin) * h))


def _frame(q: Quantised) -> Box:
    return (0.0, 0.0, float(q.image_size[0]), float(q.image_size[1]))


def photo_quad(
    size: tuple[int, int], transform: NDArray[np.float64],
) -> tuple[tuple[float, float], ...] | None:
    """A stored image's corners (top-left, top-right, bottom-right, bottom-left) mapped into the
    query through the inverse of `transform` (query -> image); None when degenerate."""
    try:
        inverse = np.linalg.inv(transform)
    except np.linalg.LinAlgError:
        return None
    w, h = size
    corners = np.array([[0, 0, 1], [w, 0, 1], [w, h, 1], [0, h, 1]], np.float64) @ inverse.T
    if corners[:, 2].sum() < 0:
        corners = -corners
    if np.any(corners[:, 2] < 1e-9):  # a corner behind the camera
        return None
    xy = corners[:, :2] / corners[:, 2:]
    return tuple((round(float(x), 1), round(float(y), 1)) for x, y in xy)


def inside_quad(points: NDArray[np.float32], quad: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Which points lie inside a convex quadrilateral (either orientation)."""
    signs = []
    for i in range(4):
        (x0, y0), (x1, y1) = quad[i], quad[(i + 1) % 4]
        signs.append((x1 - x0) * (points[:, 1] - y0) - (y1 - y0) * (points[:, 0] - x0))
    s = np.stack(signs)
    return np.asarray(np.all(s >= 0, axis=0) | np.all(s <= 0, axis=0))


def _top(scores: NDArray[np.float64], n: int) -> NDArray[np.int64]:
    positive = np.flatnonzero(scores > 0)
    if len(positive) > n:
        positive = positive[np.argpartition(-scores[positive], n - 1)[:n]]
    return positive[np.argsort(-scores[positive], kind="stable")].astype(np.int64)


def local_dir(collection_root: Path) -> Path:
    return collection_root / LOCAL_DIR


def open_store(collection_root: Path) -> FolderStore:
    """The folder store of a collection's local features."""
    return FolderStore(local_dir(collection_root))


def open_local_index(collection_root: Path | None = None, *, store: SegmentStore | None = None) -> LocalIndex:
    """Load a collection's local index (or any store's); refuses when nothing was indexed yet."""
    if store is None:
        if collection_root is None:
            raise ValueError("give a collection folder or a store")
        store = open_store(collection_root)
    vocabulary, segments = store.load()
    if vocabulary is None:
        raise IndexError_(
            "this collection has no local-feature index yet; build it with 'vitrine regions index NAME'")
    return LocalIndex(vocabulary, segments)
