"""Detections against faces labelled by hand: IoU, one-to-one matching, and the labels file.

A labels file is JSON Lines, one image a line: ``{"file": "images/met-1.jpg", "faces": [[x, y, w, h], ...]}``
with boxes in the image file's own pixels (an empty list: an image checked and holding no face).
A detection counts as found (true positive) when its IoU with a labelled face not yet taken is at
least 0.5 (PASCAL VOC's rule); detections are taken in decreasing score, each face matched once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from vitrine.errors import SuggestionError

Box = tuple[float, float, float, float]


def iou(a: Sequence[float], b: Sequence[float]) -> float:
    """Intersection over union of two [x, y, w, h] boxes."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    w = min(ax + aw, bx + bw) - max(ax, bx)
    h = min(ay + ah, by + bh) - max(ay, by)
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / (aw * ah + bw * bh - inter)


@dataclass
class Tally:
    """Detections matched to labelled faces: true positives, false positives, missed faces."""

    found: int = 0
    wrong: int = 0
    missed: int = 0

    def add(self, other: Tally) -> None:
        self.found += other.found
        self.wrong += other.wrong
        self.missed += other.missed

    @property
    def precision(self) -> float | None:
        made = self.found + self.wrong
        return self.found / made if made else None

    @property
    def recall(self) -> float | None:
        truth = self.found + self.missed
        return self.found / truth if truth else None


def match(detected: Sequence[Sequence[float]], truth: Sequence[Sequence[float]],
          threshold: float = 0.5) -> Tally:
    """Match `detected` boxes (in decreasing score) one-to-one to `truth` boxes at IoU >= `threshold`."""
    free = list(range(len(truth)))
    tally = Tally()
    for box in detected:
        best, best_iou = -1, threshold
        for i in free:
            overlap = iou(box, truth[i])
            if overlap >= best_iou:
                best, best_iou = i, overlap
        if best < 0:
            tally.wrong += 1
        else:
            free.remove(best)
            tally.found += 1
    tally.missed = len(free)
    return tally


def read_labels(path: Path) -> dict[str, list[Box]]:
    """file -> labelled face boxes, from a JSON Lines labels file; a malformed line is refused by number."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise SuggestionError(f"cannot read the face labels {path}: {exc.strerror or exc}") from None
    labels: dict[str, list[Box]] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            boxes = [_box(b) for b in row["faces"]]
            labels[str(row["file"])] = boxes
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise SuggestionError(f"{path}, line {number}: expected "
                                  f"{{\"file\": ..., \"faces\": [[x, y, w, h], ...]}} ({exc})") from None
    return labels


def _box(value: object) -> Box:
    if not isinstance(value, list) or len(value) != 4 or not all(isinstance(v, (int, float)) for v in value):
        raise ValueError(f"a face is [x, y, w, h], not {value!r}")
    x, y, w, h = (float(v) for v in value)
    if w <= 0 or h <= 0:
        raise ValueError(f"a face box needs w, h > 0, not {value!r}")
    return (x, y, w, h)
