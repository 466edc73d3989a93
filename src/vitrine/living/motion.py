"""The motion template: where each of the 68 landmarks goes at time t.

Template `natural`, version TEMPLATE_VERSION (a derivative's name carries it: change the motion,
bump the version, and new derivatives stand beside the old). Distances are in units of the
distance between the eyes' centres, so the motion is the same on any face size:
- blink: twice (at 1.2 s and 3.4 s, 0.24 s each), the upper lids meet the lower ones;
- glance: from 1.8 s to 3.0 s the eyes move sideways (the 68 landmarks carry no iris: the eye's
  outline moves, the brows stay);
- slight turn: the inner face sways sideways and back over the whole clip, the jaw line less;
- smile: over the last third the mouth corners go out and up;
- speech: the lower lip and the chin drop with the openness of each frame (`speech.Speech.openness`).
"""

from __future__ import annotations

import math

import numpy as np

TEMPLATE = "natural"
TEMPLATE_VERSION = 1
BLINKS = (1.2, 3.4)
BLINK_S = 0.24
UPPER_LIDS = (37, 38, 43, 44)
LOWER_LIDS = (41, 40, 47, 46)
EYES = tuple(range(36, 48))
INNER = tuple(range(17, 68))
JAW = tuple(range(0, 17))
CHIN = (5, 6, 7, 8, 9, 10, 11)
LOWER_LIP = (55, 56, 57, 58, 59, 64, 65, 66, 67)
INNER_MOUTH = tuple(range(60, 68))


def bump(t: float, start: float, end: float) -> float:
    """0 outside [start, end], rising smoothly to 1 in the middle."""
    if not start < t < end:
        return 0.0
    return math.sin(math.pi * (t - start) / (end - start)) ** 2


def eye_span(points: np.ndarray) -> float:
    left, right = points[36:42].mean(axis=0), points[42:48].mean(axis=0)
    return max(1.0, float(np.linalg.norm(right - left)))


def blink(points: np.ndarray, out: np.ndarray, t: float) -> None:
    closed = max(bump(t, at, at + BLINK_S) for at in BLINKS)
    for upper, lower in zip(UPPER_LIDS, LOWER_LIDS, strict=True):
        gap = points[lower] - points[upper]
        out[upper] += gap * 0.85 * closed
        out[lower] -= gap * 0.1 * closed


def pose(points: np.ndarray, t: float, seconds: float, mouth: float) -> np.ndarray:
    """The 68 landmarks at `t` seconds of a `seconds` long clip, the mouth `mouth` open (0 to 1)."""
    unit = eye_span(points)
    out = points.astype(np.float64).copy()
    blink(points, out, t)
    out[list(EYES), 0] += 0.06 * unit * bump(t, 1.8, 3.0)
    sway = 0.05 * unit * math.sin(2 * math.pi * t / max(seconds, 1.0))
    out[list(INNER), 0] += sway
    out[list(JAW), 0] += 0.4 * sway
    smile = bump(t, seconds * 2 / 3, seconds * 4 / 3) if t < seconds else 0.0
    out[48] += np.array([-0.08, -0.06]) * unit * smile
    out[54] += np.array([0.08, -0.06]) * unit * smile
    out[list(LOWER_LIP), 1] += 0.22 * unit * mouth
    out[list(CHIN), 1] += 0.1 * unit * mouth
    return out
