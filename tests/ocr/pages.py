"""Pages drawn with a known text, for the OCR tests."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
LINES = ["The history of Jack and the Giants", "printed for the travelling booksellers", "Glasgow 1820"]

needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None or importlib.util.find_spec("pytesseract") is None,
    reason="tesseract or pytesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-eng"
           " tesseract-ocr-fra; pip install 'vitrine[ocr]'; scripts/setup.sh does both)")


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
