"""Searching the text read from pages, and a page with the words a query hits.

Machine-read text is searchable as soon as it is read, but it stays a proposal: a page whose text
is still `proposed` is marked machine-read and not reviewed, and is shown to the public only where
the collection shows proposals (`proposed_public`), like every other suggestion. Accepted text
(as read, or edited by a cataloguer) also joins the record's curated full text. The words of a page
are those Tesseract read; after an edit they are aligned to the edited text (`ocr.align`): a word the
edit removed is gone from the hits, outlines and exports, a corrected one keeps its box.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from vitrine.catalog.ocr import StoredWord, TextHit
from vitrine.collection import Collection
from vitrine.errors import NotFound, SearchError
from vitrine.ocr.align import edited_words

DECIDED = ("accepted", "edited")
VISIBLE = ("accepted", "edited", "proposed")


def statuses(*, proposed: bool) -> tuple[str, ...]:
    """The review states a reader sees: decided text always, machine-read text when `proposed`."""
    return VISIBLE if proposed else DECIDED


def search_text(collection: Collection, query: str, *, proposed: bool, limit: int = 50,
                offset: int = 0) -> list[TextHit]:
    """Pages whose text matches `query`, best first; `proposed` adds machine-read, unreviewed text."""
    if not query_terms(query):
        raise SearchError("give some words to look for in the pages' text")
    return collection.catalog.ocr.search(query, statuses=statuses(proposed=proposed), limit=limit,
                                         offset=offset)


@dataclass(frozen=True)
class PageText:
    """An image's text as a reader may see it, with the words a query hits."""

    identifier: str
    image_id: int
    width: int
    height: int
    suggestion_id: int
    status: str
    text: str
    words: list[StoredWord]
    hits: list[StoredWord]

    @property
    def machine_read(self) -> bool:
        """True while nobody has reviewed the text."""
        return self.status == "proposed"


def page_text(collection: Collection, identifier: str, image_id: int, query: str = "", *,
              proposed: bool) -> PageText:
    """The text of one image of a record (decided text first, else the newest machine-read one when
    `proposed`), with the words matching `query`. Raises NotFound when there is none to show."""
    catalog = collection.catalog
    record_id = catalog.record_id(identifier)
    image = next((i for i in catalog.images_of(identifier) if i.id == image_id), None)
    if image is None:
        raise NotFound(f"record {identifier!r} has no image {image_id}")
    found = catalog.ocr.page_texts(record_id, image_id, statuses(proposed=proposed))
    if not found:
        raise NotFound(f"image {image_id} of {identifier!r} has no text to show")
    suggestion = catalog.suggestions.get(found[0])
    text = str(suggestion.decided_value.get("text", ""))
    words = catalog.ocr.words(suggestion.id)
    if suggestion.status == "edited":  # never show or export a machine word the edit took out
        words = edited_words(words, text)
    return PageText(identifier, image_id, image.width or 0, image.height or 0, suggestion.id,
                    suggestion.status, text, words, hit_words(words, query))


def fold(text: str) -> str:
    """Lower case, without accents or punctuation: how words are compared (as FTS5's unicode61)."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in plain if c.isalnum())


def query_terms(query: str) -> list[str]:
    return [fold(w) for w in re.findall(r"[^\W_]+", query) if fold(w)]


def hit_words(words: Sequence[StoredWord], query: str) -> list[StoredWord]:
    """The words equal to a term of `query` (the last term as a prefix, as the search matches)."""
    terms = query_terms(query)
    if not terms:
        return []
    whole, prefix = set(terms[:-1]), terms[-1]
    out = []
    for word in words:
        parts = [fold(p) for p in re.findall(r"[^\W_]+", word.text)]
        if any(p in whole or p.startswith(prefix) for p in parts if p):
            out.append(word)
    return out


#: export formats: name -> media type
FORMATS = {"alto": "application/xml", "hocr": "application/xhtml+xml", "iiif": "application/ld+json",
           "text": "text/plain"}


def export_page(collection: Collection, identifier: str, image_id: int, fmt: str, *, proposed: bool,
                base_url: str = "http://localhost:8000") -> tuple[str, str]:
    """(document, media type) of an image's text as ALTO, hOCR, a IIIF AnnotationPage or plain text."""
    import json

    from vitrine.exports.iiif import manifest_url, text_page_url
    from vitrine.ocr import exports

    if fmt not in FORMATS:
        raise SearchError(f"unknown text format {fmt!r}; formats: {', '.join(FORMATS)}")
    page = page_text(collection, identifier, image_id, proposed=proposed)
    value = collection.catalog.suggestions.get(page.suggestion_id).value
    languages = str(value.get("language", ""))
    name = f"{identifier}-{image_id}"
    if fmt == "alto":
        return exports.alto_xml(page.words, page.width, page.height, image_name=name, languages=languages), \
            FORMATS[fmt]
    if fmt == "hocr":
        return exports.hocr(page.words, page.width, page.height, image_name=name, languages=languages), \
            FORMATS[fmt]
    if fmt == "text":
        return page.text + "\n", FORMATS[fmt]
    images = [i.id for i in collection.catalog.images_of(identifier)]
    canvas = f"{manifest_url(base_url, identifier)}/canvas/{images.index(image_id) + 1}"
    document = exports.iiif_page(page.words, page_id=text_page_url(base_url, image_id), canvas_id=canvas,
                                 scale=(1.0, 1.0), text=page.text, status=page.status, languages=languages)
    return json.dumps(document, ensure_ascii=False, indent=1), FORMATS[fmt]
