"""Pages drawn with a known text, for the OCR tests."""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont

from vitrine.suggestions.agents import AGENTS, Agent, AgentInfo, Item, Proposal
from vitrine.suggestions.run import Scope, run_agent

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


def read_words(collection: Any, identifier: str, text: str, words: list[list[Any]],
               confidence: float = 0.9) -> None:
    """Run a stand-in for the ocr agent (no Tesseract needed) on one record: it proposes `text`, with
    `words` ([text, x, y, w, h, confidence, line]), for each of the record's images."""

    class Reader(Agent):
        name = "reader"
        target = "image"
        kinds = ("text",)

        def info(self) -> AgentInfo:
            return AgentInfo(name=self.name, software="tests", model="reader", model_version="1")

        def suggest(self, item: Item) -> Iterable[Proposal]:
            value = {"text": text, "language": "eng", "confidence": confidence, "words": words}
            yield Proposal("text", value, score=confidence)

    AGENTS.register("reader", Reader)
    try:
        run_agent(collection, "reader", scope=Scope(identifiers=(identifier,)))
    finally:
        AGENTS.unregister("reader")
