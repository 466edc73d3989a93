"""What a trained model knows of a candidate block: numbers measured on the page around its box.

Geometry (where, how large, how elongated), ink (how much, how dark, how it is spread across rows
and columns: text has blank leading between lines, a woodcut has none), letter-sized pieces of ink
and edges per area, and which finder pass proposed it. All are measured on the page's grey copy
at `blocks.WORK_WIDTH`, so a model trained on one scan resolution applies to another.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import NDArray

from vitrine.pages.blocks import SOURCES, Block, Page

_SHAPES: Final = ("illustration", "ornament", "initial", "text")
NAMES: Final = (
    "x", "y", "w", "h", "log_aspect", "area", "cx", "cy",
    "ink", "ink_ring", "dark", "dark_std", "blank_rows", "blank_cols", "row_std", "col_std",
    "pieces", "piece_height", "edges", "max_iou_picture",
    *(f"source_{s}" for s in SOURCES), *(f"shape_{s}" for s in _SHAPES),
)


def block_features(page: Page, blocks: list[Block]) -> NDArray[np.float32]:
    """One row of `NAMES` per block."""
    import cv2

    edges = (cv2.Canny(page.gray, 60, 160) > 0).astype(np.uint8)
    paper = float(np.percentile(page.gray, 90)) or 1.0
    pictures = [b.box for b in blocks if b.source == "picture"]
    rows = [_row(page, b, edges, paper, pictures) for b in blocks]
    return np.asarray(rows, np.float32).reshape(len(blocks), len(NAMES))


def _row(page: Page, block: Block, edges: NDArray[np.uint8], paper: float,
         pictures: list[tuple[float, float, float, float]]) -> list[float]:
    from vitrine.pages.blocks import iou

    height, width = page.gray.shape
    x0, y0, x1, y1 = _cell(page, block.box)
    w, h = max(1, x1 - x0), max(1, y1 - y0)
    ink = page.ink[y0:y1, x0:x1].astype(np.float32)
    gray = page.gray[y0:y1, x0:x1].astype(np.float32) / paper
    rows, cols = ink.mean(axis=1), ink.mean(axis=0)
    pieces, piece_height = _pieces(page.ink[y0:y1, x0:x1])
    geometry = [x0 / width, y0 / height, w / width, h / width, float(np.log(w / h)), w * h / width**2,
                (x0 + w / 2) / width, (y0 + h / 2) / height]
    measures = [float(ink.mean()), _ring(page, (x0, y0, x1, y1)), float(gray.mean()), float(gray.std()),
                float((rows < 0.02).mean()), float((cols < 0.02).mean()),
                float(rows.std()), float(cols.std()),
                pieces * 1000 / (w * h), piece_height / width, float(edges[y0:y1, x0:x1].mean()),
                max((iou(block.box, p) for p in pictures if p != block.box), default=0.0)]
    onehot = [float(block.source == s) for s in SOURCES] + [float(block.label == s) for s in _SHAPES]
    return geometry + measures + onehot


def _cell(page: Page, box: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    height, width = page.gray.shape
    x, y, w, h = (v * page.scale for v in box)
    x0, y0 = min(width - 1, max(0, int(x))), min(height - 1, max(0, int(y)))
    return x0, y0, max(x0 + 1, min(width, int(x + w + 0.5))), max(y0 + 1, min(height, int(y + h + 0.5)))


def _ring(page: Page, cell: tuple[int, int, int, int]) -> float:
    """Ink density in a band around the box: a block set in running text has ink all around it."""
    x0, y0, x1, y1 = cell
    pad = max(4, (x1 - x0 + y1 - y0) // 10)
    height, width = page.ink.shape
    outer = page.ink[max(0, y0 - pad):min(height, y1 + pad), max(0, x0 - pad):min(width, x1 + pad)]
    inner = float(page.ink[y0:y1, x0:x1].sum())
    area = outer.size - (x1 - x0) * (y1 - y0)
    return (float(outer.sum()) - inner) / area if area > 0 else 0.0


def _pieces(ink: NDArray[np.uint8]) -> tuple[float, float]:
    """How many connected pieces of ink, and their median height (letters are many and alike)."""
    import cv2

    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= 1:
        return 0.0, 0.0
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    return float(count - 1), float(np.median(heights))
