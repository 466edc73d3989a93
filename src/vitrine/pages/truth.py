"""Hand-drawn page boxes (the ground truth) and how found blocks score against them.

A truth file holds one JSON object per line: ``{"file": "104821410.3.jpg", "width": 600,
"height": 1039, "boxes": [{"class": "illustration", "box": [x, y, w, h]}], "split": "tune"}``,
boxes in the pixels of an image `width` wide. A malformed line is refused with the file and line.
Scoring matches found blocks to true boxes of the same class greedily by score, at IoU >= 0.5
(PASCAL VOC's rule), and counts precision and recall per class.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from vitrine.errors import PagesError
from vitrine.pages.blocks import CLASSES, PICTURE_CLASSES, XYWH, Block, iou

SPLITS = ("tune", "report")
_SPLIT_NAMES = {"tune": "tune", "tuning": "tune", "report": "report", "reporting": "report"}


@dataclass(frozen=True)
class TrueBox:
    label: str
    box: XYWH


@dataclass(frozen=True)
class PageTruth:
    file: str
    width: int
    height: int
    boxes: tuple[TrueBox, ...]
    split: str

    def scaled(self, width: int) -> list[TrueBox]:
        """The boxes in the pixels of the same page `width` wide."""
        s = width / self.width
        return [TrueBox(b.label, (b.box[0] * s, b.box[1] * s, b.box[2] * s, b.box[3] * s))
                for b in self.boxes]


def read_truth(path: Path) -> list[PageTruth]:
    """Every page of a truth file; raises `PagesError` naming the file and line of the first bad one."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise PagesError(f"cannot read the page boxes {path}: {exc}") from None
    pages = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            pages.append(_page(json.loads(line)))
        except (json.JSONDecodeError, PagesError) as exc:
            raise PagesError(f"{path}, line {number}: {exc}") from None
    return pages


def read_truth_folder(folder: Path) -> list[PageTruth]:
    """The pages of every `*.jsonl` in `folder`, sorted by file name; a page given twice keeps its
    last line."""
    pages: dict[str, PageTruth] = {}
    for path in sorted(folder.glob("*.jsonl")):
        for page in read_truth(path):
            pages[page.file] = page
    return [pages[k] for k in sorted(pages)]


def _page(raw: Any) -> PageTruth:
    if not isinstance(raw, dict):
        raise PagesError("a line is a JSON object")
    for key, kind in (("file", str), ("width", int), ("height", int), ("boxes", list), ("split", str)):
        if not isinstance(raw.get(key), kind) or isinstance(raw.get(key), bool):
            raise PagesError(f"{key!r} must be a {kind.__name__}, not {raw.get(key)!r}")
    if raw["split"] not in _SPLIT_NAMES or raw["width"] <= 0 or raw["height"] <= 0:
        raise PagesError(f"'split' is one of {', '.join(SPLITS)} and the size positive")
    if "/" in raw["file"] or "\\" in raw["file"] or raw["file"].startswith("."):
        raise PagesError(f"'file' is a bare file name, not {raw['file']!r}")
    boxes = tuple(_box(b, i) for i, b in enumerate(raw["boxes"]))
    return PageTruth(raw["file"], raw["width"], raw["height"], boxes, _SPLIT_NAMES[raw["split"]])


def _box(raw: Any, i: int) -> TrueBox:
    if not isinstance(raw, dict) or raw.get("class") not in CLASSES:
        raise PagesError(f"boxes[{i}] needs a 'class' among {', '.join(CLASSES)}")
    box = raw.get("box")
    if (not isinstance(box, list) or len(box) != 4
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in box)
            or box[2] <= 0 or box[3] <= 0):
        raise PagesError(f"boxes[{i}].box is [x, y, w, h] with w, h > 0, not {box!r}")
    return TrueBox(raw["class"], (float(box[0]), float(box[1]), float(box[2]), float(box[3])))


# -- scoring --------------------------------------------------------------------------------------

@dataclass
class ClassCount:
    found: int = 0
    true: int = 0
    matched: int = 0
    hits: list[tuple[float, bool]] = field(default_factory=list)  # (score, matched) of each found block

    @property
    def precision(self) -> float | None:
        return self.matched / self.found if self.found else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.true if self.true else None

    @property
    def average_precision(self) -> float | None:
        """Area under the precision-recall curve over the found blocks' scores (PASCAL VOC, all points)."""
        if not self.true:
            return None
        order = sorted(self.hits, key=lambda h: -h[0])
        tp = np.cumsum([h[1] for h in order]) if order else np.zeros(0)
        recall = np.concatenate([[0.0], tp / self.true])
        precision = np.concatenate([[1.0], tp / np.arange(1, len(order) + 1)]) if order else np.ones(1)
        envelope = np.maximum.accumulate(precision[::-1])[::-1]
        return float(np.sum(np.diff(recall) * envelope[1:]))


@dataclass
class Score:
    """Counts per class over pages, at one IoU threshold."""

    threshold: float = 0.5
    classes: dict[str, ClassCount] = field(default_factory=lambda: {c: ClassCount() for c in CLASSES})
    any_picture: ClassCount = field(default_factory=ClassCount)  # a picture of any class found as one

    def add(self, found: Sequence[Block], truth: Iterable[TrueBox]) -> None:
        truth = list(truth)
        for label, count in self.classes.items():
            mine = sorted((b for b in found if b.label == label), key=lambda b: -b.score)
            true = [t.box for t in truth if t.label == label]
            count.found += len(mine)
            count.true += len(true)
            flags = _matches(mine, true, self.threshold)
            count.matched += sum(flags)
            count.hits.extend((b.score, f) for b, f in zip(mine, flags, strict=True))
        f, t, m = score_any_picture(found, truth, self.threshold)
        self.any_picture.found += f
        self.any_picture.true += t
        self.any_picture.matched += m


def _matches(found: Sequence[Block], true: list[XYWH], threshold: float) -> list[bool]:
    """Whether each found block (best first) takes a true box not taken yet, at IoU >= `threshold`."""
    taken = [False] * len(true)
    hits = []
    for block in found:
        best, best_iou = -1, threshold
        for j, box in enumerate(true):
            overlap = iou(block.box, box)
            if not taken[j] and overlap >= best_iou:
                best, best_iou = j, overlap
        if best >= 0:
            taken[best] = True
        hits.append(best >= 0)
    return hits


def score_any_picture(found: Sequence[Block], truth: Iterable[TrueBox],
                      threshold: float = 0.5) -> tuple[int, int, int]:
    """(found, true, matched) for pictures of any class against true pictures of any class."""
    mine = sorted((b for b in found if b.label in PICTURE_CLASSES), key=lambda b: -b.score)
    true = [t.box for t in truth if t.label in PICTURE_CLASSES]
    return len(mine), len(true), sum(_matches(mine, true, threshold))
