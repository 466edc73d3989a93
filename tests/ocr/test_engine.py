"""Tesseract on drawn pages: words and boxes, pictures left out, bad input, missing installs."""

from __future__ import annotations

import pytest
from PIL import Image

from ocr.pages import LINES, needs_tesseract, text_page
from vitrine.errors import OcrError, OcrUnavailable
from vitrine.ocr import OcrOptions, Word, engine, read_page


@needs_tesseract
def test_a_drawn_page_is_read_with_its_words_boxes_and_confidences() -> None:
    page = read_page(text_page())
    assert page.text.splitlines() == LINES
    assert page.confidence > 0.8 and (page.width, page.height) == (900, 400)
    first = page.words[0]
    assert first.text == "The" and first.line == 0 and 0.5 < first.confidence <= 1
    x, y, w, h = first.box  # drawn at (40, 40), 28 px type, in the image's pixels despite scale=2
    assert 36 <= x <= 46 and 38 <= y <= 52 and 30 <= w <= 70 and 12 <= h <= 30
    assert {w.line for w in page.words} == {0, 1, 2}


@needs_tesseract
def test_picture_blocks_can_be_painted_out_and_text_regions_given() -> None:
    image = text_page(picture=True)
    page = read_page(image, OcrOptions(pictures="paint"))
    assert page.text.splitlines() == LINES
    assert all(w.box[1] < 220 for w in page.words)
    only_last = read_page(image, text_regions=[(0, 130, 900, 190)], pictures=[])
    assert only_last.text == "Glasgow 1820"


def test_lines_read_wholly_inside_a_picture_are_dropped_unless_confident() -> None:
    def word(text: str, x: float, confidence: float, line: int) -> tuple[Word, tuple[int, int, int]]:
        return Word(text, (x, 110, 20, 10), confidence, line), (1, 1, line)

    hatching = [word("lll", 120, 0.4, 0), word("Ww", 150, 0.5, 0)]
    overlapped = [word("The", 170, 0.7, 1), word("lord", 1250, 0.95, 1)]  # reaches out of the block
    caption = [word("FINIS.", 2120, 0.95, 2)]
    words = [*hatching, *overlapped, *caption]
    kept = engine._outside_pictures(words, [(100, 100, 300, 200), (2100, 100, 2300, 200)], 0.9)
    assert [w.text for w, _ in kept] == ["The", "lord", "FINIS."]


@needs_tesseract
@pytest.mark.parametrize("image", [Image.new("RGB", (600, 400), "white"), Image.new("L", (3, 3), 0),
                                   Image.new("RGB", (500, 500), (128, 128, 128))])
def test_a_page_without_legible_text_is_empty_with_no_confidence(image: Image.Image) -> None:
    page = read_page(image)
    assert page.empty and page.text == "" and page.confidence == 0.0


def test_options_are_checked() -> None:
    with pytest.raises(OcrError, match="languages"):
        OcrOptions(languages="eng; rm -rf /")
    with pytest.raises(OcrError, match="psm"):
        OcrOptions(psm=99)
    with pytest.raises(OcrError, match="scale"):
        OcrOptions(scale=10)


def test_missing_tesseract_names_the_debian_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    pytesseract = pytest.importorskip("pytesseract")
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    engine._version.cache_clear()
    try:
        with pytest.raises(OcrUnavailable, match="apt-get install tesseract-ocr tesseract-ocr-eng"):
            read_page(text_page())
    finally:
        engine._version.cache_clear()


@needs_tesseract
def test_missing_language_data_names_its_package() -> None:
    with pytest.raises(OcrUnavailable, match="apt-get install tesseract-ocr-xyz"):
        read_page(text_page(), OcrOptions(languages="eng+xyz"))
