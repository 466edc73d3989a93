"""The ocr agent: a page image's text read by Tesseract, as one `text` suggestion with its words.

    vitrine suggest run NAME ocr [--option languages=eng+fra] [--option psm=3] [--option flatten=false]

The value holds the page's text, its languages, its confidence (0-1, the words' mean weighted by
length; also the suggestion's score) and its words, [text, x, y, w, h, confidence, line] in the
image's own pixels, which the catalogue keeps in `ocr_words` (migration 8) for highlighting and
exports. A page where nothing legible is read yields no suggestion (and is not read again by the
same agent version). The agent's version names Tesseract's version, the languages and the SHA-256
of their language data files: another Tesseract or other data, another version whose suggestions
stand apart (docs/ocr.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from vitrine.errors import AgentError, SuggestionError
from vitrine.images import read_image
from vitrine.ocr.engine import OcrOptions, check_languages, read_page, tesseract_version
from vitrine.suggestions.agents import Agent, AgentInfo, Item, Proposal


class OcrAgent(Agent):
    """Proposes the text of each page image, read on its text regions (the page minus its pictures)."""

    name = "ocr"
    target = "image"
    kinds = ("text",)

    def __init__(self, languages: str = "eng", psm: int = 3, scale: float = 1.0, flatten: bool = True,
                 min_confidence: float = 0.0, pictures: str = "words",
                 picture_confidence: float = 0.9) -> None:
        self.options = OcrOptions(languages=str(languages), psm=int(psm), scale=float(scale),
                                  flatten=_flag(flatten), min_confidence=float(min_confidence),
                                  pictures=str(pictures), picture_confidence=float(picture_confidence))
        self._info: AgentInfo | None = None

    def info(self) -> AgentInfo:
        if self._info is None:
            files = check_languages(self.options.languages)
            digest = hashlib.sha256()
            for path in files:
                digest.update(path.read_bytes())
            o = self.options
            self._info = AgentInfo(
                name=self.name, software="vitrine.suggestions.ocr", model="tesseract",
                model_version=tesseract_version(), state_sha256=digest.hexdigest(),
                parameters={"languages": o.languages, "psm": o.psm, "scale": o.scale, "flatten": o.flatten,
                            "min_confidence": o.min_confidence, "pictures": o.pictures,
                            "picture_confidence": o.picture_confidence})
        return self._info

    def suggest(self, item: Item) -> Iterator[Proposal]:
        if item.image_path is None:
            raise AgentError(f"image {item.target} has no local file to look at")
        image, _ = read_image(item.image_path)
        page = read_page(image, self.options)
        if page.empty or not page.text.strip():
            return
        value = {"text": page.text, "language": self.options.languages, "confidence": page.confidence,
                 "words": [w.as_list() for w in page.words]}
        yield Proposal("text", value, score=page.confidence)


def _flag(value: object) -> bool:
    """A yes/no option as given on the command line ("true", "off"...) or in a TOML file."""
    if isinstance(value, bool):
        return value
    text = str(value).lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise SuggestionError(f"flatten is true or false, not {value!r}")
