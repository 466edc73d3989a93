"""The photos the recognition benchmark tries: seeded, each with the works truly in it.

A `Shot` is the photo as a phone uploads it (JPEG bytes) and the truth: the image ids of the
collection works in it (empty for a work not in the collection, a bare wall) with their quads,
and `aimed`, the one the visitor aimed at (the largest and most central, by the same rule as the
recogniser's ordering, `visitor.recognize.aim`), None when no collection work is in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from vitrine.bench.gallery_photos import FAMILIES, family_photo
from vitrine.bench.gallery_walls import bare_wall_photo, wall_photo

#: families beyond the single-work presets: a whole wall of 2-4 works, a wall with none
WALL_FAMILIES = ("wall", "bare-wall")
ALL_FAMILIES = (*FAMILIES, *WALL_FAMILIES)
_IN_WALL = 0.75  # chance that each work on a wall is in the collection


@dataclass(frozen=True)
class Shot:
    family: str
    jpeg: bytes
    size: tuple[int, int]
    truth: dict[int, list[list[float]]]  # image id -> quad in the photo, collection works only
    aimed: int | None
    works: list[str]  # identifiers of every work in the photo (in the collection or not)
    partial: tuple[int, ...] = ()  # collection works partly in the photo: neither required nor wrong


def single(data: Path, row: dict[str, str], image_id: int | None, family: str, seed: int, i: int) -> Shot:
    """A photo of one work (image_id None: a work not in the collection)."""
    with Image.open(data / row["file"]) as artwork:
        photo = family_photo(artwork, family, (seed, list(ALL_FAMILIES).index(family), i))
    truth = {} if image_id is None else {image_id: photo.quad.tolist()}
    return Shot(family, photo.jpeg, photo.image.size, truth, image_id, [row["id"]])


def wall(data: Path, inside: Sequence[tuple[dict[str, str], int]], outside: Sequence[dict[str, str]],
         seed: int, i: int) -> Shot:
    """A wall of 2-4 works, each in the collection with probability 3/4."""
    from vitrine.visitor.recognize import aim

    rng = np.random.default_rng((seed, len(FAMILIES), i))
    picks: list[tuple[dict[str, str], int | None]] = []
    for _ in range(int(rng.integers(2, 5))):
        if rng.random() < _IN_WALL:
            row, image_id = inside[int(rng.integers(len(inside)))]
            picks.append((row, image_id))
        else:
            picks.append((outside[int(rng.integers(len(outside)))], None))
    images = [Image.open(data / row["file"]) for row, _ in picks]
    photo = wall_photo(images, rng)
    for image in images:
        image.close()
    truth = {image_id: quad.tolist() for (_, image_id), quad, seen in zip(
        picks, photo.quads, photo.visible, strict=True) if image_id is not None and seen >= 0.9}
    aimed = max(truth, key=lambda k: aim([tuple(p) for p in truth[k]], photo.image.size), default=None)
    partial = tuple(image_id for (_, image_id), seen in zip(picks, photo.visible, strict=True)
                    if image_id is not None and image_id not in truth and seen > 0)
    return Shot("wall", photo.jpeg, photo.image.size, truth, aimed, [row["id"] for row, _ in picks], partial)


def bare(seed: int, i: int) -> Shot:
    photo = bare_wall_photo(np.random.default_rng((seed, len(FAMILIES) + 1, i)))
    return Shot("bare-wall", photo.jpeg, photo.image.size, {}, None, [])


def shots(data: Path, family: str, inside: Sequence[tuple[dict[str, str], int]],
          outside: Sequence[dict[str, str]], seed: int,
          pool: Sequence[tuple[dict[str, str], int]]) -> list[Shot]:
    """Photos of `family`: one per work of `inside` and of `outside` (walls: as many, drawn from `pool`)."""
    if family == "wall":
        return [wall(data, pool, outside or [r for r, _ in pool], seed, i) for i in range(len(inside))]
    if family == "bare-wall":
        return [bare(seed, i) for i in range(len(outside))]

    def make(row: dict[str, str], image_id: int | None, i: int) -> Shot:
        return single(data, row, image_id, family, seed, i)

    return ([make(row, image_id, i) for i, (row, image_id) in enumerate(inside)]
            + [make(row, None, len(inside) + i) for i, row in enumerate(outside)])
