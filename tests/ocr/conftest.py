"""Pages drawn with a known text, and a collection holding them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
LINES = ["The history of Jack and the Giants", "printed for the travelling booksellers", "Glasgow 1820"]

needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None,
    reason="tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-fra)")


def text_page(lines: list[str] = LINES, *, picture: bool = False, size: int = 28) -> Image.Image:
    """A white page with `lines` in a serif font; with `picture`, a hatched block under them."""
    if not FONT.is_file():
        pytest.skip(f"{FONT} is missing (apt-get install fonts-dejavu-core)")
    font = ImageFont.truetype(str(FONT), size)
    page = Image.new("RGB", (900, 700 if picture else 400), "white")
    draw = ImageDraw.Draw(page)
    for i, line in enumerate(lines):
        draw.text((40, 40 + i * (size + 20)), line, fill="black", font=font)
    if picture:
        top = 80 + len(lines) * (size + 20)
        draw.rectangle((150, top, 750, top + 300), fill="black")
        for x in range(150, 750, 9):
            draw.line((x, top, x + 40, top + 300), fill="white", width=3)
    return page


@pytest.fixture
def text_collection(tmp_path: Path) -> Iterator[Any]:
    """A collection of two records: `p1` a page of `LINES`, `p2` a blank page."""
    from vitrine.collection import create_collection
    from vitrine.indexing import index_collection
    from vitrine.records import ImageRef, Record

    folder = tmp_path / "pages"
    folder.mkdir()
    text_page().save(folder / "p1.png")
    Image.new("RGB", (600, 400), "white").save(folder / "p2.png")
    collection = create_collection(tmp_path / "coll", embedder="fake", index="memory")
    for name in ("p1", "p2"):
        collection.catalog.upsert(Record(identifier=name, title=f"Chapbook {name}", source="test",
                                         images=[ImageRef(location=str(folder / f"{name}.png"))]))
    index_collection(collection, workers=1)
    yield collection
    collection.close()
