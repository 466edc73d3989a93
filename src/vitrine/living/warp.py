"""A piecewise-affine warp of a portrait over the Delaunay triangulation of its landmarks.

OpenCV's `getAffineTransform` + `warpAffine` per triangle, on each triangle's bounding rectangle,
only for the triangles whose corners moved: a frame costs a few milliseconds. scikit-image's
`PiecewiseAffineTransform` does the same maths but maps every pixel of the frame through a
point-in-triangle search (about a second a frame here) and would be one more dependency; OpenCV and
SciPy (the triangulation) are vitrine's own already. Fixed anchors (the image's border and a ring
around the face) keep the background still, so only the face moves.
"""

from __future__ import annotations

import cv2
import numpy as np
from scipy.spatial import Delaunay


def anchors(points: np.ndarray, width: int, height: int) -> np.ndarray:
    """The landmarks followed by fixed points: the border of the image, a ring around the face."""
    border = [(x, y) for x in (0, width / 2, width - 1) for y in (0, height / 2, height - 1)
              if (x, y) != (width / 2, height / 2)]
    centre = points.mean(axis=0)
    radius = np.abs(points - centre).max(axis=0) * 1.5
    ring = [centre + radius * [np.cos(a), np.sin(a)] for a in np.linspace(0, 2 * np.pi, 12, endpoint=False)]
    ring_arr = np.clip(np.array(ring), [0, 0], [width - 1, height - 1])
    return np.vstack([points, np.array(border, dtype=np.float64), ring_arr])


def triangulate(points: np.ndarray) -> np.ndarray:
    """Triangles (n x 3 indices into `points`)."""
    return np.asarray(Delaunay(points).simplices, dtype=np.int64)


def warp(base: np.ndarray, src: np.ndarray, dst: np.ndarray, triangles: np.ndarray) -> np.ndarray:
    """`base` (h x w x 3 uint8) with each triangle of `src` points moved to where `dst` puts it."""
    out = base.copy()
    moved = np.abs(dst - src).max(axis=1) > 0.05
    height, width = base.shape[:2]
    for tri in triangles:
        if not moved[tri].any():
            continue
        s, d = src[tri].astype(np.float32), dst[tri].astype(np.float32)
        x0, y0 = np.floor(d.min(axis=0)).astype(int)
        x1, y1 = np.ceil(d.max(axis=0)).astype(int) + 1
        x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, width), min(y1, height)
        if x1 <= x0 or y1 <= y0:
            continue
        matrix = cv2.getAffineTransform(s, d - np.array([x0, y0], dtype=np.float32))
        patch = cv2.warpAffine(base, matrix, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REFLECT_101)
        mask = np.zeros((y1 - y0, x1 - x0), dtype=np.uint8)
        cv2.fillConvexPoly(mask, np.round(d - [x0, y0]).astype(np.int32), 1, lineType=cv2.LINE_8)
        region = out[y0:y1, x0:x1]
        region[mask > 0] = patch[mask > 0]
    return out


def darken_mouth(frame: np.ndarray, inner_lips: np.ndarray, amount: float) -> None:
    """Shade the inside of the mouth (the inner lip outline) as it opens."""
    if amount <= 0.05:
        return
    mask = np.zeros(frame.shape[:2], dtype=np.uint8)
    cv2.fillPoly(mask, [np.round(inner_lips).astype(np.int32)], 1)
    inside = mask > 0
    shade = 0.7 * min(amount, 1.0)
    frame[inside] = (frame[inside] * (1 - shade) + 20 * shade).astype(np.uint8)
