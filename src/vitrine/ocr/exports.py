"""A page's text as ALTO XML (v4), hOCR (1.2) and a IIIF AnnotationPage of `supplementing` lines.

All three are built from the words the catalogue keeps (`catalog.ocr`), with the standard library's
ElementTree, so an export says what is stored and reviewed, without reading the page again;
coordinates are the image's own pixels (ALTO's MeasurementUnit `pixel`), scaled to the canvas for
IIIF. Lines are the words Tesseract read on one line; a line's box is its words' union and its
confidence their mean. For a text edited by a cataloguer the words given are those aligned to the
edited text (`ocr.align.edited_words`): words the edit removed are absent, corrected ones carry the
edited spelling on the machine's box, and words the edit inserted (which have no box) are left out
of ALTO, hOCR and the IIIF line annotations; the IIIF page's first annotation carries the whole
edited text, inserted words included.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from vitrine.catalog.ocr import StoredWord
from vitrine.version import __version__

ALTO_NS = "http://www.loc.gov/standards/alto/ns-v4#"
ALTO_SCHEMA = "http://www.loc.gov/standards/alto/v4/alto-4-4.xsd"


@dataclass(frozen=True)
class Line:
    n: int
    words: list[StoredWord]

    @property
    def box(self) -> tuple[float, float, float, float]:
        x0 = min(w.x for w in self.words)
        y0 = min(w.y for w in self.words)
        x1 = max(w.x + w.w for w in self.words)
        y1 = max(w.y + w.h for w in self.words)
        return x0, y0, x1 - x0, y1 - y0

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def confidence(self) -> float:
        return sum(w.confidence for w in self.words) / len(self.words)


def lines_of(words: Sequence[StoredWord]) -> list[Line]:
    """Words grouped by line, in reading order."""
    lines: dict[int, list[StoredWord]] = {}
    for word in sorted(words, key=lambda w: w.n):
        lines.setdefault(word.line, []).append(word)
    return [Line(n, ws) for n, ws in lines.items()]


def _num(v: float) -> str:
    return str(round(v))


def alto_xml(words: Sequence[StoredWord], width: int, height: int, *, image_name: str,
             languages: str = "") -> str:
    """ALTO v4: one Page, one PrintSpace, one TextBlock, a TextLine per line, a String per word
    (`WC` its confidence, 0-1), `SP` between words."""
    ET.register_namespace("", ALTO_NS)
    q = f"{{{ALTO_NS}}}"
    root = ET.Element(q + "alto", {"{http://www.w3.org/2001/XMLSchema-instance}schemaLocation":
                                   f"{ALTO_NS} {ALTO_SCHEMA}"})
    description = ET.SubElement(root, q + "Description")
    ET.SubElement(description, q + "MeasurementUnit").text = "pixel"
    source = ET.SubElement(ET.SubElement(description, q + "sourceImageInformation"), q + "fileName")
    source.text = image_name
    software = ET.SubElement(ET.SubElement(ET.SubElement(description, q + "Processing", {"ID": "OCR_0"}),
                                           q + "processingSoftware"), q + "softwareName")
    software.text = f"vitrine {__version__} (Tesseract)"
    layout = ET.SubElement(root, q + "Layout")
    page = ET.SubElement(layout, q + "Page", {"ID": "page_0", "PHYSICAL_IMG_NR": "1", "WIDTH": str(width),
                                              "HEIGHT": str(height)})
    space = ET.SubElement(page, q + "PrintSpace", {"HPOS": "0", "VPOS": "0", "WIDTH": str(width),
                                                   "HEIGHT": str(height)})
    lines = lines_of(words)
    block_attrs = {"ID": "block_0", **_alto_box(_union([line.box for line in lines]))}
    if languages:
        block_attrs["LANG"] = languages.split("+")[0]
    block = ET.SubElement(space, q + "TextBlock", block_attrs)
    for line in lines:
        element = ET.SubElement(block, q + "TextLine", {"ID": f"line_{line.n}", **_alto_box(line.box)})
        for i, word in enumerate(line.words):
            if i:
                ET.SubElement(element, q + "SP")
            ET.SubElement(element, q + "String", {
                "ID": f"string_{word.n}", **_alto_box((word.x, word.y, word.w, word.h)),
                "WC": f"{word.confidence:.3f}", "CONTENT": word.text})
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _alto_box(box: tuple[float, float, float, float]) -> dict[str, str]:
    x, y, w, h = box
    return {"HPOS": _num(x), "VPOS": _num(y), "WIDTH": _num(w), "HEIGHT": _num(h)}


def _box(word: StoredWord) -> tuple[float, float, float, float]:
    return word.x, word.y, word.w, word.h


def _union(boxes: Sequence[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    if not boxes:
        return 0.0, 0.0, 0.0, 0.0
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    return x0, y0, max(b[0] + b[2] for b in boxes) - x0, max(b[1] + b[3] for b in boxes) - y0


def _bbox(box: tuple[float, float, float, float]) -> str:
    x, y, w, h = box
    return f"bbox {_num(x)} {_num(y)} {_num(x + w)} {_num(y + h)}"


def hocr(words: Sequence[StoredWord], width: int, height: int, *, image_name: str,
         languages: str = "") -> str:
    """hOCR 1.2: an `ocr_page` holding an `ocr_carea`, an `ocr_line` per line and an `ocrx_word`
    per word (`x_wconf` its confidence, 0-100), as Tesseract writes it."""
    lang = languages.split("+")[0] or "en"
    html = ET.Element("html", {"xmlns": "http://www.w3.org/1999/xhtml", "lang": lang})
    head = ET.SubElement(html, "head")
    ET.SubElement(head, "title").text = image_name
    ET.SubElement(head, "meta", {"http-equiv": "Content-Type", "content": "text/html;charset=utf-8"})
    ET.SubElement(head, "meta", {"name": "ocr-system", "content": f"vitrine {__version__} (Tesseract)"})
    ET.SubElement(head, "meta", {"name": "ocr-capabilities",
                                 "content": "ocr_page ocr_carea ocr_line ocrx_word"})
    body = ET.SubElement(html, "body")
    image = image_name.replace('"', "")
    page = ET.SubElement(body, "div", {"class": "ocr_page", "id": "page_1",
                                       "title": f'image "{image}"; bbox 0 0 {width} {height}; ppageno 0'})
    lines = lines_of(words)
    area = ET.SubElement(page, "div", {"class": "ocr_carea", "id": "block_1_1",
                                       "title": _bbox(_union([ln.box for ln in lines]))})
    for line in lines:
        element = ET.SubElement(area, "span", {"class": "ocr_line", "id": f"line_1_{line.n + 1}",
                                               "title": _bbox(line.box)})
        for i, word in enumerate(line.words):
            span = ET.SubElement(element, "span", {
                "class": "ocrx_word", "id": f"word_1_{word.n + 1}",
                "title": f"{_bbox(_box(word))}; x_wconf {round(word.confidence * 100)}"})
            span.text = word.text
            span.tail = " " if i < len(line.words) - 1 else None
    ET.indent(html)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
            + ET.tostring(html, encoding="unicode", method="xml") + "\n")


def iiif_page(words: Sequence[StoredWord], *, page_id: str, canvas_id: str, scale: tuple[float, float],
              text: str, status: str, languages: str = "") -> dict[str, Any]:
    """A IIIF Presentation 3 AnnotationPage: the whole text on the canvas, then one `supplementing`
    annotation per line on its box (scaled by `scale` = canvas / image pixels). A text not reviewed
    says so in a `commenting` body, as the record's other annotations do."""
    from vitrine.exports.annotations import NOT_REVIEWED

    language = languages.split("+")[0] if languages else "none"
    sx, sy = scale

    def annotation(key: str, value: str, target: str) -> dict[str, Any]:
        body: list[dict[str, Any]] = [{"type": "TextualBody", "value": value, "format": "text/plain",
                                       "language": language}]
        if status == "proposed":
            body.append({"type": "TextualBody", "value": NOT_REVIEWED, "purpose": "commenting",
                         "format": "text/plain"})
        return {"id": f"{page_id}/{key}", "type": "Annotation", "motivation": "supplementing",
                "body": body if len(body) > 1 else body[0], "target": target}

    items = [annotation("text", text, canvas_id)]
    for line in lines_of(words):
        x, y, w, h = line.box
        fragment = f"xywh={round(x * sx)},{round(y * sy)},{max(1, round(w * sx))},{max(1, round(h * sy))}"
        items.append(annotation(f"line{line.n}", line.text, f"{canvas_id}#{fragment}"))
    return {"@context": "http://iiif.io/api/presentation/3/context.json", "id": page_id,
            "type": "AnnotationPage", "items": items}
