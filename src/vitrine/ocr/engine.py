"""Tesseract 5 (Debian's `tesseract-ocr`) on a page's text regions, through pytesseract.

pytesseract runs the `tesseract` program that the set-up script installs from Debian, so the
engine and its language data are the distribution's, upgraded with it; it needs no compiler and
no bundled copy of the library (tesserocr, the C-API binding, ships wheels with its own build). One
call per page returns every word with its box and confidence (Tesseract's TSV output).

The text regions are the page minus its picture blocks (`vitrine.local.boxes.picture_boxes`) unless
the caller passes its own (`text_regions=`: the seam for a text-block detector): everything outside
them is painted paper-white before Tesseract reads the page, so a woodcut's hatching is not read
as letters. The page is enlarged `scale` times first (small scans read better); boxes come back in
the image's own pixels.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageOps

from vitrine.errors import OcrError, OcrUnavailable

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in the image's pixels

DEBIAN_PACKAGES = "tesseract-ocr tesseract-ocr-eng tesseract-ocr-fra"
_LANGUAGE = re.compile(r"^[A-Za-z_]{3,20}(\+[A-Za-z_]{3,20})*$")


@dataclass(frozen=True)
class OcrOptions:
    """How a page is read. `languages` is Tesseract's list ("eng", "eng+fra"); `psm` its page
    segmentation mode (3: automatic; 4: one column of text of varying sizes)."""

    languages: str = "eng"
    psm: int = 3
    scale: float = 1.0
    #: divide the page by its paper (a dilated, median-blurred copy) so that stains, show-through
    #: and uneven lighting turn white before Tesseract binarises it
    flatten: bool = True
    min_confidence: float = 0.0  # words below (0-1) are dropped
    #: "words": the page is read whole and a line read wholly inside a picture block is kept only
    #: from a mean confidence of `picture_confidence` up (a found block may overlap lines of text);
    #: "paint": the blocks are painted paper-white before reading
    pictures: str = "words"
    picture_confidence: float = 0.9

    def __post_init__(self) -> None:
        if not _LANGUAGE.match(self.languages):
            raise OcrError(f"languages is Tesseract's list ('eng', 'eng+fra'), not {self.languages!r}")
        if self.psm not in (1, 3, 4, 6, 11, 12):
            raise OcrError(f"psm is one of 1, 3, 4, 6, 11, 12, not {self.psm!r}")
        if not 0.5 <= self.scale <= 4:
            raise OcrError(f"scale is from 0.5 to 4, not {self.scale!r}")
        if not 0 <= self.min_confidence <= 1:
            raise OcrError(f"min_confidence is from 0 to 1, not {self.min_confidence!r}")
        if self.pictures not in ("words", "paint"):
            raise OcrError(f"pictures is 'words' or 'paint', not {self.pictures!r}")
        if not 0 <= self.picture_confidence <= 1:
            raise OcrError(f"picture_confidence is from 0 to 1, not {self.picture_confidence!r}")


@dataclass(frozen=True)
class Word:
    """A word as read: its text, box (x, y, w, h in the image's pixels), confidence (0-1), line (from 0)."""

    text: str
    box: tuple[float, float, float, float]
    confidence: float
    line: int

    def as_list(self) -> list[Any]:
        """The stored form: [text, x, y, w, h, confidence, line] (see catalog migration 8)."""
        return [self.text, *self.box, self.confidence, self.line]


@dataclass(frozen=True)
class OcrPage:
    """A page's text: its lines joined by newlines (blocks by a blank line), its words, and its
    confidence (the mean of the words' weighted by their length; 0 when nothing was read)."""

    text: str
    words: list[Word] = field(default_factory=list)
    confidence: float = 0.0
    width: int = 0
    height: int = 0

    @property
    def empty(self) -> bool:
        return not self.words


def tesseract_version() -> str:
    """The version of the `tesseract` program; raises OcrUnavailable naming the Debian packages."""
    return _version()


@cache
def _version() -> str:
    pytesseract = _pytesseract()
    try:
        return str(pytesseract.get_tesseract_version())
    except pytesseract.TesseractNotFoundError:
        raise OcrUnavailable(
            f"the tesseract program is not installed: on Debian, apt-get install {DEBIAN_PACKAGES}"
            " (scripts/setup.sh does it when run as root)") from None


def _pytesseract() -> Any:
    try:
        import pytesseract
    except ImportError:
        raise OcrUnavailable("pytesseract is not installed: pip install 'vitrine[ocr]'") from None
    return pytesseract


def tessdata_dir() -> Path | None:
    """Where Tesseract reads its language data (from `tesseract --list-langs`), or None."""
    exe = shutil.which("tesseract")
    if exe is None:
        return None
    out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    found = re.search(r'"([^"]+)"', out.stdout + out.stderr)
    return Path(found.group(1)) if found else None


def check_languages(languages: str) -> list[Path]:
    """The language data files of `languages`; raises OcrUnavailable naming the missing package."""
    tesseract_version()
    folder = tessdata_dir()
    files = []
    for language in languages.split("+"):
        path = (folder or Path("/nonexistent")) / f"{language}.traineddata"
        if not path.is_file():
            package = f"tesseract-ocr-{language.lower().replace('_', '-')}"
            raise OcrUnavailable(
                f"Tesseract has no data for language {language!r} (looked in {folder}): on Debian,"
                f" apt-get install {package}")
        files.append(path)
    return files


def masked(image: Image.Image, text_regions: Sequence[Box] | None, pictures: Sequence[Box]) -> Image.Image:
    """A grey copy of the page where only the text is left: outside `text_regions` (when given) and
    inside `pictures` is painted the paper's colour."""
    grey = image.convert("L")
    counts = grey.histogram()
    paper = max(range(128, 256), key=counts.__getitem__)  # the commonest light grey
    out = grey.copy()
    draw = ImageDraw.Draw(out)
    if text_regions is not None:
        out = Image.new("L", grey.size, paper)
        for x0, y0, x1, y1 in text_regions:
            box = (int(x0), int(y0), round(x1), round(y1))
            out.paste(grey.crop(box), box[:2])
        draw = ImageDraw.Draw(out)
    for x0, y0, x1, y1 in pictures:
        draw.rectangle((x0, y0, x1, y1), fill=paper)
    return out


def flattened(grey: Image.Image) -> Image.Image:
    """The page divided by its paper: the background estimated by a dilation (letters vanish) and a
    median blur, both sized from the page's width, then scaled so paper is white."""
    import cv2
    import numpy as np

    pixels = np.asarray(grey.convert("L"))
    width = pixels.shape[1]
    grow = max(3, round(width * 0.012) | 1)
    blur = max(3, round(width * 0.05) | 1)
    paper = cv2.medianBlur(cv2.dilate(pixels, np.ones((grow, grow), np.uint8)), blur)
    out = np.clip(pixels.astype(np.float32) / np.maximum(paper, 1) * 255, 0, 255).astype(np.uint8)
    return Image.fromarray(out)


def read_page(image: Image.Image, options: OcrOptions | None = None, *,
              text_regions: Sequence[Box] | None = None, pictures: Sequence[Box] | None = None) -> OcrPage:
    """The text of a page image with its words. `pictures` default to the picture blocks found on
    the page; pass `text_regions` to read only those. A page with no legible text (blank, noise, all
    picture, too small) gives an empty page with confidence 0, not an error."""
    o = options or OcrOptions()
    width, height = image.size
    if width < 8 or height < 8:
        return OcrPage("", width=width, height=height)
    if pictures is None:
        from vitrine.local.boxes import picture_boxes

        pictures = picture_boxes(image)
    page = masked(ImageOps.exif_transpose(image) or image, text_regions,
                  pictures if o.pictures == "paint" else ())
    if o.flatten:
        page = flattened(page)
    if o.scale != 1:
        page = page.resize((max(1, round(width * o.scale)), max(1, round(height * o.scale))),
                           Image.Resampling.LANCZOS)
    data = _run(page, o)
    words = _words(data, o)
    if o.pictures == "words" and pictures:
        words = _outside_pictures(words, pictures, o.picture_confidence)
    return OcrPage(text=_text(words, data), words=[w for w, _ in words],
                   confidence=_confidence([w for w, _ in words]), width=width, height=height)


def _run(page: Image.Image, o: OcrOptions) -> dict[str, list[Any]]:
    check_languages(o.languages)
    pytesseract = _pytesseract()
    try:
        data: dict[str, list[Any]] = pytesseract.image_to_data(
            page, lang=o.languages, config=f"--psm {o.psm}", output_type=pytesseract.Output.DICT, timeout=120)
    except RuntimeError as exc:  # pytesseract's timeout
        raise OcrError(f"Tesseract took over 120 s on one page: {exc}") from exc
    except pytesseract.TesseractError as exc:
        raise OcrError(f"Tesseract failed: {exc}") from exc
    return data


def _words(data: dict[str, list[Any]], o: OcrOptions) -> list[tuple[Word, tuple[int, int, int]]]:
    """(word, (block, paragraph, line)) for each word read, in reading order, lines numbered from 0."""
    out: list[tuple[Word, tuple[int, int, int]]] = []
    lines: dict[tuple[int, int, int], int] = {}
    for i, text in enumerate(data.get("text", [])):
        text = str(text).strip()
        confidence = float(data["conf"][i]) / 100
        if not text or confidence < 0 or confidence < o.min_confidence:
            continue
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        line = lines.setdefault(key, len(lines))
        box = tuple(round(float(data[k][i]) / o.scale, 1) for k in ("left", "top", "width", "height"))
        out.append((Word(text, (box[0], box[1], max(box[2], 0.1), max(box[3], 0.1)), round(confidence, 3),
                         line), key))
    return out


def _outside_pictures(words: list[tuple[Word, tuple[int, int, int]]], pictures: Sequence[Box],
                      keep_from: float) -> list[tuple[Word, tuple[int, int, int]]]:
    """The words less the lines read wholly inside picture blocks with a mean confidence under
    `keep_from` (hatching read as letters); a line reaching out of a block is text the block overlaps."""
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for word, key in words:
        lines.setdefault(key, []).append(word)
    dropped = {key for key, ws in lines.items()
               if all(_inside(w, pictures) for w in ws)
               and sum(w.confidence for w in ws) / len(ws) < keep_from}
    return [(w, key) for w, key in words if key not in dropped]


def _inside(word: Word, boxes: Sequence[Box]) -> bool:
    x, y, w, h = word.box
    cx, cy = x + w / 2, y + h / 2
    return any(x0 <= cx <= x1 and y0 <= cy <= y1 for x0, y0, x1, y1 in boxes)


def _text(words: list[tuple[Word, tuple[int, int, int]]], data: dict[str, list[Any]]) -> str:
    """Words joined by spaces within a line, lines by newlines, blocks by a blank line."""
    parts: list[str] = []
    previous: tuple[int, int, int] | None = None
    for word, key in words:
        if previous is not None:
            parts.append(" " if key == previous else "\n\n" if key[0] != previous[0] else "\n")
        parts.append(word.text)
        previous = key
    return "".join(parts)


def _confidence(words: Sequence[Word]) -> float:
    chars = sum(len(w.text) for w in words)
    return round(sum(w.confidence * len(w.text) for w in words) / chars, 3) if chars else 0.0
