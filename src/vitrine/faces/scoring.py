"""Detections against faces labelled by hand: IoU, one-to-one matching, and the labels file.

A labels file is JSON Lines, one image a line: ``{"file": "images/met-1.jpg", "faces": [[x, y, w, h], ...]}``
with boxes in the image file's own pixels (an empty list: an image checked and holding no face),
and optionally ``"uncertain": [[x, y, w, h], ...]``: faces too small, dark or turned away to be sure
of, or a crowd's region (the rules of data/labels/faces/README.md). Detections and labelled faces
are paired one to one, greedily by IoU (the highest pair first), at IoU >= 0.5: a pair is a true
positive, a face left alone a miss. A detection left alone is a false positive, unless it lies on
an uncertain box (IoU >= 0.5, or its centre inside one): then it counts for nothing, and an
uncertain box is never a miss. The same rule as `scripts/eval_faces.py`, which made the first figure.

`centre=True` pairs a detection with a face when the detection's centre lies inside the face
(pairs still taken by IoU): the labels' boxes are a person's reading of a grid, wider than the
detectors' (forehead included), and on faces under 20 pixels half the detections that sit on a
labelled face miss IoU 0.5 (data/labels/faces/README.md); the centre rule asks "was it found".
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
    ignored: int = 0

    def add(self, other: Tally) -> None:
        self.found += other.found
        self.wrong += other.wrong
        self.missed += other.missed
        self.ignored += other.ignored

    @property
    def precision(self) -> float | None:
        made = self.found + self.wrong
        return self.found / made if made else None

    @property
    def recall(self) -> float | None:
        truth = self.found + self.missed
        return self.found / truth if truth else None


def match(detected: Sequence[Sequence[float]], truth: Sequence[Sequence[float]],
          uncertain: Sequence[Sequence[float]] = (), threshold: float = 0.5, centre: bool = False) -> Tally:
    """Pair `detected` boxes one to one with `truth` boxes, greedily by IoU, at IoU >= `threshold`
    (`centre`: any pair whose detection's centre is inside the face)."""
    pairs = sorted(((iou(d, t), i, j) for i, d in enumerate(detected) for j, t in enumerate(truth)),
                   reverse=True)
    used_d: set[int] = set()
    used_t: set[int] = set()
    for overlap, i, j in pairs:
        if overlap <= 0 or (not centre and overlap < threshold):
            break
        if centre and not _centred(detected[i], truth[j]):
            continue
        if i not in used_d and j not in used_t:
            used_d.add(i)
            used_t.add(j)
    alone = [d for i, d in enumerate(detected) if i not in used_d]
    ignored = sum(1 for d in alone if _on_uncertain(d, uncertain, threshold))
    return Tally(len(used_d), len(alone) - ignored, len(truth) - len(used_t), ignored)


def _centred(box: Sequence[float], around: Sequence[float]) -> bool:
    cx, cy = box[0] + box[2] / 2, box[1] + box[3] / 2
    return around[0] <= cx <= around[0] + around[2] and around[1] <= cy <= around[1] + around[3]


def _on_uncertain(box: Sequence[float], uncertain: Sequence[Sequence[float]], threshold: float) -> bool:
    return any(iou(box, u) >= threshold or _centred(box, u) for u in uncertain)


@dataclass(frozen=True)
class Labelled:
    """The faces labelled in one image, and the boxes the labeller was not sure of."""

    faces: list[Box]
    uncertain: list[Box]


def read_labels(path: Path) -> dict[str, Labelled]:
    """file -> its labelled faces, from a JSON Lines labels file; a malformed line is refused by number."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise SuggestionError(f"cannot read the face labels {path}: {exc.strerror or exc}") from None
    labels: dict[str, Labelled] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            labels[str(row["file"])] = Labelled([_box(b) for b in row["faces"]],
                                                [_box(b) for b in row.get("uncertain") or []])
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
