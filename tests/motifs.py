"""Seeded images for region-search tests: one textured motif pasted into different backgrounds.

`motif()` is a detailed picture (like a woodcut block); `scene(seed, where)` is a background
texture of its own with the motif pasted at `where` = (x, y, scale), or no motif when None.
The box the motif occupies is returned with the image, so tests can check the matched region.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

MOTIF_SIZE = (150, 120)


def texture(seed: int, size: tuple[int, int], shapes: int = 60) -> Image.Image:
    """Random ellipses, polygons and lines in grey levels: plenty of distinctive corners."""
    rng = np.random.default_rng(seed)
    w, h = size
    image = Image.new("L", size, int(rng.integers(170, 250)))
    draw = ImageDraw.Draw(image)
    for _ in range(shapes):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        r = int(rng.integers(3, max(4, min(w, h) // 6)))
        tone = int(rng.integers(0, 256))
        kind = rng.integers(0, 3)
        if kind == 0:
            draw.ellipse([x - r, y - r, x + r, y + int(r * rng.uniform(0.4, 1.6))], fill=tone)
        elif kind == 1:
            points = [(x + int(rng.integers(-r, r)), y + int(rng.integers(-r, r))) for _ in range(4)]
            draw.polygon(points, fill=tone)
        else:
            draw.line([x, y, x + int(rng.integers(-2 * r, 2 * r)), y + int(rng.integers(-2 * r, 2 * r))],
                      fill=tone, width=int(rng.integers(1, 4)))
    return image.filter(ImageFilter.GaussianBlur(0.6)).convert("RGB")


def motif() -> Image.Image:
    return texture(4242, MOTIF_SIZE, shapes=90)


def scene(
    seed: int, where: tuple[int, int, float] | None, size: tuple[int, int] = (420, 320),
) -> tuple[Image.Image, tuple[float, float, float, float] | None]:
    """A background of its own, with the motif pasted at (x, y) scaled by `scale` (or none)."""
    image = texture(seed, size, shapes=45)
    if where is None:
        return image, None
    x, y, scale = where
    w, h = MOTIF_SIZE
    pasted = motif().resize((round(w * scale), round(h * scale)), Image.Resampling.BICUBIC)
    image.paste(pasted, (x, y))
    return image, (float(x), float(y), float(x + pasted.width), float(y + pasted.height))


SCENES: dict[str, tuple[int, int, float] | None] = {
    "a": (30, 40, 1.0), "b": (200, 150, 0.8), "c": (120, 60, 1.3), "d": None, "e": None}


def motif_box(name: str) -> tuple[float, float, float, float]:
    """Where the motif lies in scene `name` of SCENES."""
    box = scene(list(SCENES).index(name) + 1, SCENES[name])[1]
    assert box is not None
    return box


def make_collection(folder: Path, *, index: bool = True) -> Path:
    """A collection of the SCENES (c is a drawing, the rest prints), with its region index built."""
    from vitrine.collection import create_collection
    from vitrine.local.builder import WriterOptions
    from vitrine.records import ImageRef, Record
    from vitrine.regions import search as regions

    coll = create_collection(folder / "coll", embedder="fake", index="memory", title="Motifs")
    for n, (name, where) in enumerate(SCENES.items(), 1):
        path = folder / f"{name}.png"
        scene(n, where)[0].save(path)
        coll.catalog.upsert(Record(identifier=name, title=f"Scene {name}",
                                   object_type="drawing" if name == "c" else "print",
                                   images=[ImageRef(location=str(path))]))
    if index:
        regions.index_regions(coll, workers=1, writer_options=WriterOptions(train_images=4))
    coll.close()
    return folder / "coll"
