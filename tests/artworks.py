"""Made-up paintings rich in corners and blobs (what local features need), and collections of them.

`textured(seed)` draws one; `recognition_collection(root, n, local=True)` builds an indexed
collection of works r0..r{n-1} (classic embedder, memory index, and the local-feature index
when `local`). Import from any test: ``from artworks import textured``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


def textured(seed: int, size: tuple[int, int] = (300, 240)) -> Image.Image:
    """A seeded picture of many small shapes and strokes over a tinted ramp; unlike any other seed."""
    rng = np.random.default_rng(seed)
    w, h = size
    base = rng.integers(0, 256, 3)
    ramp = np.linspace(0.4, 1.0, w, dtype=np.float32)[None, :, None]
    image = Image.fromarray((np.broadcast_to(base * ramp, (h, w, 3))).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x0, x1 = sorted(int(v) for v in rng.integers(0, w, 2))
        y0, y1 = sorted(int(v) for v in rng.integers(0, h, 2))
        x1, y1 = min(x1, x0 + w // 4), min(y1, y0 + h // 4)
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        kind = rng.integers(3)
        if kind == 0:
            draw.ellipse([x0, y0, x1 + 3, y1 + 3], fill=colour)
        elif kind == 1:
            draw.rectangle([x0, y0, x1 + 3, y1 + 3], fill=colour)
        else:
            draw.line([x0, y0, x1, y1], fill=colour, width=int(rng.integers(1, 5)))
    return image.filter(ImageFilter.GaussianBlur(0.6))


def under_glare(image: Image.Image, centre: tuple[float, float], radii: tuple[float, float],
                strength: float) -> tuple[Image.Image, np.ndarray]:
    """`image` under a white glare spot (`photo * (1 - a) + 255 * a`): a Gaussian `a`, `strength` at
    `centre`, falling to 1/e at `radii` from it (pixels); and `a`."""
    pixels = np.asarray(image, np.float32)
    h, w = pixels.shape[:2]
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    veil = strength * np.exp(-((x - centre[0]) ** 2 / radii[0] ** 2 + (y - centre[1]) ** 2 / radii[1] ** 2))
    spread = veil[..., None] if pixels.ndim == 3 else veil
    return Image.fromarray(np.clip(pixels * (1 - spread) + 255 * spread, 0, 255).astype(np.uint8)), veil


def recognition_collection(root: Path, n: int = 10, *, local: bool = True) -> Any:
    """An open, indexed collection of `n` textured works r0.. titled "Work i" by A. Painter."""
    from vitrine.collection import create_collection
    from vitrine.indexing import index_collection
    from vitrine.records import ImageRef, Record
    from vitrine.regions.search import index_regions

    root.mkdir(parents=True, exist_ok=True)
    collection = create_collection(root / "coll", embedder="classic", index="memory", title="Test Gallery")
    for i in range(n):
        path = root / f"work{i}.png"
        textured(i).save(path)
        collection.catalog.upsert(Record(identifier=f"r{i}", title=f"Work {i}", creators=["A. Painter"],
                                         date_text=str(1800 + i), images=[ImageRef(location=str(path))]))
    index_collection(collection, workers=1)
    if local:
        index_regions(collection, workers=1)
    return collection
