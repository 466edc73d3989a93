"""Seeded pictures rich enough for local features, their derived copies, and a collection holding both.

Import from any test: ``from duplicate_images import build_collection, picture`` (tests/ is on sys.path).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

#: copy record -> (original seed, edit); originals are records "work00".."workNN"
PLANTED = {"copy-exact": (0, "exact"), "copy-jpeg": (1, "jpeg"), "copy-rescan": (2, "rescan"),
           "copy-crop": (3, "crop")}


def picture(seed: int, size: tuple[int, int] = (200, 160)) -> Image.Image:
    """Many random shapes over a noisy gradient: distinct per seed, textured enough for SIFT."""
    rng = np.random.default_rng(seed)
    w, h = size
    base = rng.integers(40, 216, size=3)
    ramp = np.linspace(0.6, 1.2, w, dtype=np.float32)[None, :, None]
    noise = rng.normal(0, 6, (h, w, 3))
    pixels = np.clip(base * ramp + noise, 0, 255).astype(np.uint8)
    image = Image.fromarray(pixels, "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x0, y0 = int(rng.integers(0, w)), int(rng.integers(0, h))
        dx, dy = int(rng.integers(6, 40)), int(rng.integers(6, 40))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        shape = (draw.ellipse, draw.rectangle)[int(rng.integers(0, 2))]
        shape([x0, y0, x0 + dx, y0 + dy], fill=colour, outline=(0, 0, 0))
    return image


def edit(image: Image.Image, how: str) -> Image.Image:
    """A derived copy: recompressed, rescanned (turned, rescaled, blurred) or cropped."""
    if how == "jpeg":
        buf = io.BytesIO()
        image.save(buf, "JPEG", quality=25)
        return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    if how == "rescan":
        turned = image.rotate(1.5, Image.Resampling.BICUBIC).crop((6, 6, image.width - 6, image.height - 6))
        return turned.resize((int(turned.width * 1.3), int(turned.height * 1.3))).filter(
            ImageFilter.GaussianBlur(0.6))
    if how == "crop":
        w, h = image.size
        x, y = w // 20, h // 10
        return image.crop((x, y, x + w * 9 // 10, y + h * 88 // 100))  # 79% of the area
    raise ValueError(how)


def write_pictures(folder: Path, works: int = 10, planted: bool = True) -> list[Any]:
    """Records work00.. (distinct pictures) and, when `planted`, the PLANTED copies as records."""
    from vitrine.records import ImageRef, Record

    folder.mkdir(parents=True, exist_ok=True)
    records = []
    for i in range(works):
        path = folder / f"work{i:02d}.png"
        picture(i).save(path)
        records.append(Record(identifier=f"work{i:02d}", title=f"Work number {i}",
                              images=[ImageRef(location=str(path))]))
    for identifier, (seed, how) in (PLANTED.items() if planted else ()):
        path = folder / f"{identifier}.png"
        if how == "exact":
            path.write_bytes((folder / f"work{seed:02d}.png").read_bytes())
        else:
            edit(picture(seed), how).save(path)
        records.append(Record(identifier=identifier, title=f"Copy of work {seed} ({how})",
                              images=[ImageRef(location=str(path))]))
    return records


def build_collection(root: Path, *, works: int = 10, planted: bool = True, index: bool = True,
                     embedder: str = "classic") -> Any:
    """A collection (memory index) of `write_pictures`, indexed unless `index` is False."""
    from vitrine.collection import create_collection
    from vitrine.indexing import index_collection

    collection = create_collection(root / "coll", embedder=embedder, index="memory", title="Copies")
    for record in write_pictures(root / "pictures", works, planted):
        collection.catalog.upsert(record)
    if index:
        index_collection(collection, workers=1)
    return collection
