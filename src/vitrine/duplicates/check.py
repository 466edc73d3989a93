"""The second check of a duplicate candidate: local features of the two stored thumbnails must agree
on one similarity transform (RANSAC), which also tells a crop from a whole copy.

Global vectors confuse different works that share a layout and a palette (two dark portraits);
the same picture, rescanned, recompressed or cropped, keeps many local features in place. The
check runs on the thumbnails indexing already wrote (at most 256 px), so it costs a few
milliseconds per image and reads no source file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from vitrine.errors import ImageError
from vitrine.images import read_image

log = logging.getLogger(__name__)

MIN_INLIERS = 10
"""Matches that must agree on one transform (calibrated with `vitrine bench duplicates`)."""
CROP_COVERAGE = 0.85
"""A copy that covers less than this fraction of the other image's area is called a crop."""
_RATIO = 0.8  # Lowe's ratio test
_REPROJECTION_PX = 4.0  # RANSAC tolerance in thumbnail pixels
_MAX_FEATURES = 600
_MAX_SCALE = 4.0  # thumbnails of a work and of its copy differ in scale by less than this
_MIN_OVERLAP = 0.15  # a "copy" sharing less than this of either frame is no duplicate


@dataclass(frozen=True)
class Verdict:
    """What the check saw: agreeing matches, and how much of each image the other covers."""

    inliers: int
    coverage: float  # the smaller of the two coverages, 0-1 (0 when unverified)

    @property
    def verified(self) -> bool:
        return self.inliers >= MIN_INLIERS

    @property
    def crop(self) -> bool:
        return self.verified and self.coverage < CROP_COVERAGE


@dataclass(frozen=True)
class _Features:
    points: NDArray[np.float32]  # (n, 2) x, y in thumbnail pixels
    descriptors: NDArray[np.float32]  # (n, 128) RootSIFT
    size: tuple[int, int]


class ThumbnailChecker:
    """Verifies pairs of images by their thumbnails; features are computed once per image."""

    def __init__(self, thumbnail_of: Callable[[int], Path | None]) -> None:
        self._thumbnail_of = thumbnail_of
        self._cache: dict[int, _Features | None] = {}

    def check(self, a: int, b: int) -> Verdict | None:
        """The verdict on images `a` and `b`, or None when either has no usable thumbnail."""
        fa, fb = self._features(a), self._features(b)
        if fa is None or fb is None:
            return None
        return compare(fa, fb)

    def _features(self, image_id: int) -> _Features | None:
        if image_id not in self._cache:
            self._cache[image_id] = self._load(image_id)
        return self._cache[image_id]

    def _load(self, image_id: int) -> _Features | None:
        path = self._thumbnail_of(image_id)
        if path is None or not path.is_file():
            return None
        try:
            image, _ = read_image(path)
        except ImageError as exc:
            log.warning("cannot check image %d: %s", image_id, exc)
            return None
        return features(image)


def features(image: Image.Image) -> _Features | None:
    """RootSIFT of a small image, or None when it has too few features to be checked."""
    from vitrine.local import extract

    found = extract(image, max_side=256, max_features=_MAX_FEATURES)
    if len(found) < MIN_INLIERS:
        return None
    return _Features(found.keypoints[:, :2].copy(), found.descriptors, image.size)


def compare(fa: _Features, fb: _Features) -> Verdict:
    """One-to-one ratio-test matches, then a RANSAC similarity transform from b to a.

    A transform that shrinks or grows the picture more than `_MAX_SCALE` times, or makes the
    two frames overlap on less than `_MIN_OVERLAP` of either, is refused: degenerate fits that
    pile many matches onto a few points are how unrelated images get "verified".
    """
    import cv2

    pairs = cv2.BFMatcher(cv2.NORM_L2).knnMatch(fb.descriptors, fa.descriptors, k=2)
    best: dict[int, Any] = {}
    for m in pairs:
        if len(m) < 2 or m[0].distance >= _RATIO * m[1].distance:
            continue
        if m[0].trainIdx not in best or m[0].distance < best[m[0].trainIdx].distance:
            best[m[0].trainIdx] = m[0]  # one-to-one: each point of a is used once
    if len(best) < MIN_INLIERS:
        return Verdict(0, 0.0)
    good = list(best.values())
    src = fb.points[[m.queryIdx for m in good]]
    dst = fa.points[[m.trainIdx for m in good]]
    matrix, mask = cv2.estimateAffinePartial2D(
        src, dst, method=cv2.RANSAC, ransacReprojThreshold=_REPROJECTION_PX, maxIters=500)
    if matrix is None or mask is None:
        return Verdict(0, 0.0)
    transform: NDArray[np.float64] = np.asarray(matrix, np.float64)
    scale = float(np.sqrt(abs(np.linalg.det(transform[:, :2]))))
    coverage = _coverage(transform, fb.size, fa.size) if scale > 1e-6 else 0.0
    if not 1 / _MAX_SCALE <= scale <= _MAX_SCALE or coverage < _MIN_OVERLAP:
        return Verdict(0, coverage)
    return Verdict(int(mask.sum()), coverage)


def _coverage(matrix: NDArray[np.float64], size_b: tuple[int, int], size_a: tuple[int, int]) -> float:
    """The smaller of: the share of a that b's frame covers, and the share of b that a's covers."""
    inverse = invert(matrix)
    return min(_share(matrix, size_b, size_a), _share(inverse, size_a, size_b))


def invert(matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    """The inverse of a 2x3 affine matrix."""
    full = np.vstack([matrix, [0.0, 0.0, 1.0]])
    return np.asarray(np.linalg.inv(full)[:2], np.float64)


def _share(matrix: NDArray[np.float64], size_src: tuple[int, int], size_dst: tuple[int, int]) -> float:
    """The fraction of the destination frame covered by the source frame mapped through `matrix`
    (the mapped frame's bounding box, clipped: rotations here are small)."""
    w, h = size_src
    corners = np.array([[0, 0, 1], [w, 0, 1], [0, h, 1], [w, h, 1]], np.float64) @ matrix.T
    dw, dh = size_dst
    x0, x1 = np.clip([corners[:, 0].min(), corners[:, 0].max()], 0, dw)
    y0, y1 = np.clip([corners[:, 1].min(), corners[:, 1].max()], 0, dh)
    return float(max(0.0, x1 - x0) * max(0.0, y1 - y0) / max(1.0, dw * dh))
