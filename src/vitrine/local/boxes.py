"""Find picture blocks (woodcuts, engravings) on printed pages: large regions dense with ink.

Text is ink in thin lines separated by blank leading; a woodcut is a large block where ink covers
much of every neighbourhood. The page is binarised against its local background, ink density is
averaged over a window larger than a text line's x-height plus leading, and the dense regions
that are large and not too elongated are returned as boxes in the image's own pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from vitrine.local.features import Box


@dataclass(frozen=True)
class BoxOptions:
    """Thresholds, as fractions of the page width unless said otherwise."""

    work_width: int = 600
    contrast: int = 50  # grey levels darker than the paper to count as ink
    window: float = 0.05  # density window side
    min_density: float = 0.20  # share of ink pixels (of large strokes) in the window
    min_stroke: float = 0.1  # connected ink spanning less than this is lettering, ignored
    min_side: float = 0.15
    min_area: float = 0.04  # of the page width squared
    max_aspect: float = 4.0
    min_fill: float = 0.6  # share of the box the dense region covers
    margin: float = 0.005  # grown around the found block
    border: float = 0.02  # ink this close to the scan's edge is ignored (shadows, page edges)


def picture_boxes(image: Image.Image, options: BoxOptions | None = None) -> list[Box]:
    """Boxes (x0, y0, x1, y1) around the picture blocks of a page, largest first."""
    import cv2

    o = options or BoxOptions()
    gray = np.asarray(image.convert("L"))
    scale = o.work_width / gray.shape[1]
    size = (o.work_width, max(1, round(gray.shape[0] * scale)))
    small = np.asarray(cv2.resize(gray, size, interpolation=cv2.INTER_AREA), np.uint8)
    window = max(3, int(o.window * o.work_width) | 1)
    dense = _dense_mask(_ink_mask(small, o), window, o.min_density)
    count, _, stats, _ = cv2.connectedComponentsWithStats(dense, connectivity=8)
    boxes = [_padded(b, o, size, scale) for b in stats[1:count] if _is_picture(b, o)]
    boxes.sort(key=lambda b: -(b[2] - b[0]) * (b[3] - b[1]))
    return boxes


def _ink_mask(small: NDArray[np.uint8], o: BoxOptions) -> NDArray[np.float32]:
    """1 where a large stroke of ink is, 0 elsewhere (paper, letters, the scan's edges)."""
    import cv2

    # paper brightness: the brightest pixel nearby (a dark block is still lit by paper around it)
    paper = cv2.blur(cv2.dilate(small, np.ones((61, 61), np.uint8)), (61, 61))
    ink = (small.astype(np.int16) < paper.astype(np.int16) - o.contrast).astype(np.uint8)
    band = max(1, round(o.border * o.work_width))
    ink[:band], ink[-band:], ink[:, :band], ink[:, -band:] = 0, 0, 0, 0
    return _large_strokes(ink, o.min_stroke * o.work_width).astype(np.float32)


def _dense_mask(ink: NDArray[np.float32], window: int, min_density: float) -> NDArray[np.uint8]:
    import cv2

    density = cv2.boxFilter(ink, -1, (window, window))
    dense = (density >= min_density).astype(np.uint8)
    # a column (row) dense over most of the page is a scan shadow or a binding edge
    dense[:, dense.mean(axis=0) > 0.6] = 0
    dense[dense.mean(axis=1) > 0.95, :] = 0
    return np.asarray(cv2.morphologyEx(dense, cv2.MORPH_CLOSE, np.ones((window, window), np.uint8)), np.uint8)


def _is_picture(stat: NDArray[np.int32], o: BoxOptions) -> bool:
    _, _, w, h, area = (int(v) for v in stat)
    page = o.work_width
    if min(w, h) < o.min_side * page or w * h < o.min_area * page**2:
        return False
    # pictures are blocks; L-shaped or ragged regions are not
    return area >= o.min_fill * w * h and max(w / h, h / w) <= o.max_aspect


def _padded(stat: NDArray[np.int32], o: BoxOptions, size: tuple[int, int], scale: float) -> Box:
    x, y, w, h, _ = (float(v) for v in stat)
    pad = o.margin * o.work_width
    return (max(0.0, x - pad) / scale, max(0.0, y - pad) / scale,
            min(size[0], x + w + pad) / scale, min(size[1], y + h + pad) / scale)


def _large_strokes(ink: NDArray[np.uint8], min_span: float) -> NDArray[np.bool_]:
    """Ink of the connected components spanning at least `min_span` px: pictures, not letters."""
    import cv2

    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    w, h = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    # the shadow of the page edge in a scan is a long thin stroke along the border: not a picture
    long_thin = (np.maximum(w, h) > 0.8 * max(ink.shape)) & (np.minimum(w, h) < 0.1 * min(ink.shape))
    keep = (np.maximum(w, h) >= min_span) & ~long_thin
    keep[0] = False
    return np.asarray(keep[labels])
