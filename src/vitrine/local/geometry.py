"""Geometric verification: RANSAC on tentative matches, and the matched region it implies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from vitrine.local.features import Box

Model = Literal["affine", "homography"]
MIN_INLIERS = 10
_MIN_SCALE, _MAX_SCALE, _MAX_ANISOTROPY = 0.05, 20.0, 4.0


@dataclass(frozen=True)
class Verification:
    """A candidate image that survived geometric verification.

    transform: 3x3 float64 mapping query pixels to candidate pixels. quad: the query box (or the
    whole query image) mapped into the candidate, 4 corners (x, y) clockwise from the top left.
    region: the quad's bounding box clipped to the candidate, (x0, y0, x1, y1) in its pixels.
    """

    image_id: int
    inliers: int
    transform: NDArray[np.float64]
    region: tuple[float, float, float, float]
    quad: tuple[tuple[float, float], ...]
    score: float = 0.0  # the bag-of-words score that shortlisted it
    coverage: float = 0.0  # share of a 4x4 grid over the query box holding inliers


def coverage(points: NDArray[np.float32], frame: Box, cells: int = 4) -> float:
    """Share of a cells x cells grid over `frame` holding at least one of `points` (inliers).

    A whole picture matched fills most cells; a line of text or a library stamp that happens to
    match fills one row or one corner, whatever its bounding box.
    """
    x0, y0, x1, y1 = frame
    if len(points) == 0 or x1 <= x0 or y1 <= y0:
        return 0.0
    gx = np.clip(((points[:, 0] - x0) / (x1 - x0) * cells).astype(int), 0, cells - 1)
    gy = np.clip(((points[:, 1] - y0) / (y1 - y0) * cells).astype(int), 0, cells - 1)
    return len(np.unique(gy * cells + gx)) / cells**2


def estimate(
    src: NDArray[np.float32], dst: NDArray[np.float32], *, threshold: float,
    model: Model = "affine",
) -> tuple[NDArray[np.float64], NDArray[np.bool_]] | None:
    """RANSAC fit of src -> dst; the 3x3 transform and the inlier mask, or None when degenerate."""
    import cv2

    if len(src) < (4 if model == "homography" else 3):
        return None
    src = np.ascontiguousarray(src, np.float32).reshape(-1, 1, 2)
    dst = np.ascontiguousarray(dst, np.float32).reshape(-1, 1, 2)
    if model == "homography":
        matrix, mask = cv2.findHomography(
            src, dst, cv2.USAC_MAGSAC, threshold, maxIters=2000, confidence=0.995)
        if matrix is None:
            return None
        transform = np.asarray(matrix, np.float64)
    else:
        affine, mask = cv2.estimateAffine2D(
            src, dst, method=cv2.RANSAC, ransacReprojThreshold=threshold, maxIters=2000,
            confidence=0.995, refineIters=10)
        if affine is None:
            return None
        transform = np.vstack([np.asarray(affine, np.float64), [0.0, 0.0, 1.0]])
    if not plausible(transform):
        return None
    return transform, np.asarray(mask, bool).ravel()


def plausible(transform: NDArray[np.float64]) -> bool:
    """Refuse reflections, collapses and extreme stretches (what RANSAC finds in noise)."""
    if not np.all(np.isfinite(transform)):
        return False
    linear = transform[:2, :2] / (transform[2, 2] if abs(transform[2, 2]) > 1e-12 else 1.0)
    if np.linalg.det(linear) <= 0:
        return False
    s = np.linalg.svd(linear, compute_uv=False)
    return bool(s[1] >= _MIN_SCALE and s[0] <= _MAX_SCALE and s[0] / s[1] <= _MAX_ANISOTROPY)


def map_box(
    transform: NDArray[np.float64], box: Box, size: tuple[int, int],
) -> tuple[tuple[float, float, float, float], tuple[tuple[float, float], ...]]:
    """The box's corners mapped by `transform`, and their bounding box clipped to `size`."""
    x0, y0, x1, y1 = box
    corners = np.array([[x0, y0, 1], [x1, y0, 1], [x1, y1, 1], [x0, y1, 1]], np.float64)
    mapped = corners @ transform.T
    mapped = mapped[:, :2] / np.where(np.abs(mapped[:, 2:]) > 1e-12, mapped[:, 2:], 1e-12)
    w, h = size
    region = (
        float(np.clip(mapped[:, 0].min(), 0, w)), float(np.clip(mapped[:, 1].min(), 0, h)),
        float(np.clip(mapped[:, 0].max(), 0, w)), float(np.clip(mapped[:, 1].max(), 0, h)))
    quad = tuple((round(float(x), 2), round(float(y), 2)) for x, y in mapped)
    return region, quad


def unique_inliers(q: NDArray[np.int64], d: NDArray[np.int64], mask: NDArray[np.bool_]) -> int:
    """Inliers counted once per query feature and once per candidate feature."""
    if not mask.any():
        return 0
    return int(min(len(np.unique(q[mask])), len(np.unique(d[mask]))))
