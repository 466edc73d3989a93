"""Blocks on a printed page, found without weights: pictures (from region search's picture-block
finder, `vitrine.local.boxes`) and text (letters merged into lines, lines into paragraphs).

`find_blocks` is the weight-free finder: each block gets a class from its shape alone (a large
picture is an illustration, a wide low one an ornament, a small square one an initial; it never
says "map", which only a trained model can tell). `candidates` is the wider, overlapping set of
blocks a trained model chooses from and classifies (`pages.model`). Boxes are (x, y, w, h) in the
image's own pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from vitrine.local.boxes import BoxOptions, picture_boxes

CLASSES: Final = ("illustration", "ornament", "initial", "map", "text")
PICTURE_CLASSES: Final = ("illustration", "ornament", "initial", "map")
WORK_WIDTH: Final = 600

XYWH = tuple[float, float, float, float]

#: the picture finder's settings for candidates: the default one, and looser ones that also find
#: small dense blocks (initials, ornaments, rules)
_PICTURE_PASSES: Final = (
    ("picture", BoxOptions()),
    ("small", BoxOptions(min_side=0.04, min_area=0.003, min_stroke=0.04, max_aspect=12.0, min_fill=0.5)),
    ("sparse", BoxOptions(min_density=0.10, min_side=0.08, min_area=0.01, min_stroke=0.06, max_aspect=8.0,
                          min_fill=0.45)),
    ("band", BoxOptions(window=0.02, min_density=0.2, min_side=0.02, min_area=0.002, min_stroke=0.08,
                        max_aspect=30.0, min_fill=0.4)),
)
#: vertical gaps (fractions of the page width) that merge text lines into one block
_TEXT_GAPS: Final = (0.01, 0.025, 0.05, 0.1, 0.2)
#: candidate sources, in a fixed order (a model's features hold them one-hot)
SOURCES: Final = (*(name for name, _ in _PICTURE_PASSES), *(f"text{i}" for i in range(len(_TEXT_GAPS))))


@dataclass(frozen=True)
class Block:
    """A block on a page: its box (x, y, w, h) in the image's pixels, its class and a score in [0, 1]."""

    box: XYWH
    label: str
    score: float
    source: str = ""


@dataclass(frozen=True)
class Page:
    """A page prepared once for everything that looks at it: grey at `WORK_WIDTH`, its ink, the scale."""

    image: Image.Image
    gray: NDArray[np.uint8]
    ink: NDArray[np.uint8]
    scale: float  # work pixels per image pixel

    @property
    def size(self) -> tuple[int, int]:
        return self.image.width, self.image.height


def prepare(image: Image.Image) -> Page:
    import cv2

    gray_full = np.asarray(image.convert("L"))
    scale = WORK_WIDTH / max(1, gray_full.shape[1])
    size = (WORK_WIDTH, max(1, round(gray_full.shape[0] * scale)))
    gray = np.asarray(cv2.resize(gray_full, size, interpolation=cv2.INTER_AREA), np.uint8)
    paper = cv2.blur(cv2.dilate(gray, np.ones((31, 31), np.uint8)), (31, 31))
    ink = (gray.astype(np.int16) < paper.astype(np.int16) - 40).astype(np.uint8)
    band = max(1, round(0.02 * WORK_WIDTH))
    ink[:band], ink[-band:], ink[:, :band], ink[:, -band:] = 0, 0, 0, 0
    return Page(image, gray, ink, scale)


def candidates(page: Page) -> list[Block]:
    """Every block any pass finds (they overlap); `label` is the shape rule's class, `source` the pass."""
    out: list[Block] = []
    for name, options in _PICTURE_PASSES:
        for x0, y0, x1, y1 in picture_boxes(page.image, options):
            box = (x0, y0, x1 - x0, y1 - y0)
            out.append(Block(box, shape_class(box, page.size), 0.5, name))
    pictures = [b.box for b in out if b.source == "picture"]
    for i, gap in enumerate(_TEXT_GAPS):
        out.extend(Block(box, "text", 0.5, f"text{i}") for box in text_blocks(page, pictures, gap))
    return out


def find_blocks(image: Image.Image) -> list[Block]:
    """The weight-free finder: picture blocks classed by shape, then the text blocks between them."""
    page = prepare(image)
    width = page.size[0]
    # region search's picture finder, its blocks classed by shape (small dense blocks, found by a looser
    # pass, were mostly large title letters on the tune pages: initials are left to a trained model)
    found = [(x0, y0, x1 - x0, y1 - y0) for x0, y0, x1, y1 in picture_boxes(image, _PICTURE_PASSES[0][1])]
    kept = suppress([Block(box, shape_class(box, page.size), 0.5, "picture") for box in found], 0.3)
    pictures = [b.box for b in kept]
    texts = [Block(box, "text", 0.5, "text2") for box in text_blocks(page, pictures, _TEXT_GAPS[2])
             if box[2] >= 0.08 * width]
    return kept + texts


def shape_class(box: XYWH, size: tuple[int, int]) -> str:
    """A picture block's class from its shape: wide and low is an ornament, small an initial."""
    width = size[0]
    _, _, w, h = box
    if w >= 2.5 * h and w >= 0.25 * width:
        return "ornament"
    if max(w, h) <= 0.2 * width and max(w / h, h / w) <= 1.6:
        return "initial"
    return "illustration"


def text_blocks(page: Page, pictures: list[XYWH], gap: float) -> list[XYWH]:
    """Paragraph-like blocks of small ink (letters) outside the picture boxes."""
    import cv2

    ink = page.ink.copy()
    for x, y, w, h in pictures:
        s = page.scale
        ink[int(y * s):int((y + h) * s) + 1, int(x * s):int((x + w) * s) + 1] = 0
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    sizes = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    letters = (sizes >= 2) & (sizes <= 0.1 * WORK_WIDTH) & (stats[:, cv2.CC_STAT_AREA] >= 3)
    letters[0] = False
    mask = letters[labels].astype(np.uint8)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((1, max(3, round(0.04 * WORK_WIDTH))), np.uint8))
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((max(3, round(gap * WORK_WIDTH)), 1), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for x, y, w, h, area in stats[1:count]:
        if w < 0.02 * WORK_WIDTH or h < 0.01 * WORK_WIDTH or area < 0.3 * w * h:
            continue
        s = page.scale
        out.append((float(x) / s, float(y) / s, float(w) / s, float(h) / s))
    return out


def iou(a: XYWH, b: XYWH) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    iw = max(0.0, min(ax + aw, bx + bw) - max(ax, bx))
    ih = max(0.0, min(ay + ah, by + bh) - max(ay, by))
    inter = iw * ih
    union = aw * ah + bw * bh - inter
    return inter / union if union > 0 else 0.0


def suppress(blocks: list[Block], threshold: float) -> list[Block]:
    """Non-maximum suppression: the best-scored (then largest) of boxes overlapping above `threshold`."""
    order = sorted(blocks, key=lambda b: (-b.score, -b.box[2] * b.box[3]))
    kept: list[Block] = []
    for block in order:
        if all(iou(block.box, k.box) < threshold for k in kept):
            kept.append(block)
    return kept
