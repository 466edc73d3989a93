"""Synthetic phone photos of a whole gallery wall: several works of different sizes side by side.

    wall_photo([art1, art2, art3], rng)  ->  WallPhoto(image, jpeg, quads, visible)

Each work is framed as in `gallery_photos` (its own moulding, sometimes a mat), drawn at 45-100%
of the full work size so that the works differ in size, and hung left to right at the same
height with gaps; the phone frames the whole group (it fills 80-95% of the photo, at most 20
degrees off the wall's normal) at 1800-2000 px. `bare_wall_photo` is the same wall with no work
on it, only a label card and a visitor's head and shoulders: a photo that must get "no match".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image

from vitrine.bench.gallery_photos import (
    _FRAMES,
    _PHONE,
    _WORK_SIDE,
    Distortions,
    Quad,
    _camera,
    _corners,
    _draw,
    _fit,
    _framed,
    _label,
    _occlude,
    _paste,
    _photo_size,
    _project,
    _render,
    _visible,
    finish,
)

WALL = replace(_PHONE, fill=(0.8, 0.95), yaw=(0.0, 20.0), pitch=(0.0, 8.0), min_visible=0.9)


@dataclass(frozen=True)
class WallPhoto:
    """A photo of several works; quads[i] and visible[i] belong to the i-th artwork given."""

    image: Image.Image
    jpeg: bytes
    quads: list[Quad]
    visible: list[float]


def wall_photo(artworks: Sequence[Image.Image], rng: np.random.Generator, d: Distortions = WALL) -> WallPhoto:
    """The artworks hung side by side on one wall, photographed whole with a phone."""
    pieces = []
    for artwork in artworks:
        work = _fit(artwork.convert("RGB"), round(_WORK_SIDE * rng.uniform(0.45, 1.0)))
        framed, inset = _framed(work, str(rng.choice(_FRAMES)), _draw(rng, d.frame_width), rng)
        pieces.append((framed, inset, work.size))
    gap = round(_WORK_SIDE * rng.uniform(0.15, 0.35))
    width = sum(p[0].width for p in pieces) + gap * (len(pieces) + 1)
    height = round(max(p[0].height for p in pieces) * 1.5)
    layer = Image.new("RGB", (width, height))
    alpha = Image.new("L", (width, height), 0)
    boxes, x = [], gap
    for framed, inset, (w, h) in pieces:
        y = (height - framed.height) // 2 + round(rng.uniform(-0.05, 0.05) * framed.height)
        _paste(layer, alpha, framed, x, y)
        boxes.append((float(x + inset), float(y + inset), float(x + inset + w), float(y + inset + h)))
        x += framed.width + gap
    if rng.random() < d.label:
        x0, y1 = round(boxes[-1][2]) + gap // 6, round(boxes[-1][3]) - 40
        _label(layer, alpha, x0, y1, max(40, _WORK_SIDE // 6), rng)
    corners = np.array(boxes)
    union = (float(corners[:, 0].min()), float(corners[:, 1].min()), float(corners[:, 2].max()),
             float(corners[:, 3].max()))
    size = _photo_size(rng, d)
    size = (max(size), min(size))  # a wall is photographed in landscape
    homography, _, _ = _camera(layer.size, union, size, rng, d)
    opacity = (np.asarray(alpha, np.float32) / 255).astype(np.float32)
    photo = _render(layer, opacity, homography, size, rng)
    quads = [_project(homography, _corners(b)) for b in boxes]
    image, jpeg, _ = finish(photo, _project(homography, _corners(union)), rng, d)
    return WallPhoto(image, jpeg, quads, [_visible(homography, b, size) for b in boxes])


def bare_wall_photo(rng: np.random.Generator, d: Distortions = WALL) -> WallPhoto:
    """A wall with a label card and a visitor in front of it, but no work: no record to find."""
    side = _WORK_SIDE
    layer = Image.new("RGB", (side * 3, side * 2))
    alpha = Image.new("L", layer.size, 0)
    x, y = round(side * rng.uniform(0.8, 1.8)), round(side * rng.uniform(0.6, 1.2))
    _label(layer, alpha, x, y, side // 3, rng)
    box = (side * 0.5, side * 0.4, side * 2.5, side * 1.6)
    size = _photo_size(rng, d)
    homography, _, _ = _camera(layer.size, box, size, rng, replace(d, min_visible=0.0))
    opacity = (np.asarray(alpha, np.float32) / 255).astype(np.float32)
    photo = _render(layer, opacity, homography, size, rng)
    quad = _project(homography, _corners(box))
    photo = _occlude(photo, quad, rng.uniform(0.3, 0.6), rng)
    image, jpeg, _ = finish(photo, quad, rng, d)
    return WallPhoto(image, jpeg, [], [])
