"""Printed pages drawn for the page tests: paragraphs of 'letters' around a woodcut-like block."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from motifs import motif

#: where `printed_page` puts the woodcut for `shift` 0: (x, y, w, h)
WOODCUT = (150, 330, 300, 240)


def printed_page(seed: int = 3, shift: int = 0, picture: bool = True) -> Image.Image:
    """A page 600 px wide: a paragraph above, a woodcut (a frame and hatching) and a paragraph below."""
    rng = np.random.default_rng(seed)
    image = Image.new("L", (600, 900), 232)
    draw = ImageDraw.Draw(image)
    x0, y0, w, h = WOODCUT
    for line in range(40):
        y = 40 + line * 20
        if picture and y0 + shift - 30 < y < y0 + shift + h + 20:
            continue
        for x in range(40, 560, 9):
            if rng.random() < 0.8:
                draw.rectangle([x, y, x + 5, y + 9], fill=40)
    if picture:
        block = motif().convert("L").resize((w, h)).point(lambda v: 0 if v < 150 else 255)
        hatch = ImageDraw.Draw(block)
        for x in range(-h, w, 7):
            hatch.line([x, h, x + h, 0], fill=0, width=2)
        hatch.rectangle([0, 0, w - 1, h - 1], outline=0, width=4)
        image.paste(block, (x0, y0 + shift))
    return image.convert("RGB")


@pytest.fixture
def page_collection(tmp_path: Path) -> Iterator[object]:
    """An indexed collection (fake embedder, memory index) of four pages p0..p3, the woodcut moving down."""
    from vitrine.collection import create_collection
    from vitrine.indexing import index_collection
    from vitrine.records import ImageRef, Record

    folder = tmp_path / "pages"
    folder.mkdir()
    collection = create_collection(tmp_path / "coll", embedder="fake", index="memory")
    for i in range(4):
        path = folder / f"p{i}.png"
        printed_page(seed=i, shift=20 * i).save(path)
        collection.catalog.upsert(Record(identifier=f"p{i}", title=f"Chapbook page {i}", source="test",
                                         images=[ImageRef(location=str(path))]))
    index_collection(collection, workers=1)
    yield collection
    collection.close()
