"""A page text edited by a cataloguer: words the edit removed are gone from every output (hits,
outlines, ALTO, hOCR, IIIF), a corrected word keeps its box with the edited spelling, and an inserted
word is in the text but has no box. A stand-in reader gives known words, so no Tesseract is needed."""

from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from ocr.pages import read_words
from vitrine.catalog.ocr import StoredWord
from vitrine.catalog.suggestions import SuggestionQuery
from vitrine.errors import StaleSuggestion
from vitrine.ocr.align import edited_words
from vitrine.ocr.search import export_page, page_text, search_text
from vitrine.suggestions.review import decide, page_text_changed, undo
from vitrine.suggestions.run import run_agent

LINES = [["The", "history", "of", "Jack"], ["printed", "for", "the", "travelling", "booksellers"],
         ["Glasgow", "1820"]]
WORDS = [[word, 40 + 100 * i, 40 + 50 * line, 90, 30, 0.9, line]
         for line, words in enumerate(LINES) for i, word in enumerate(words)]
EDITED = "The History of Jack\nprinted for the booksellers and chapmen\nGlasgow 1820"


def _read(collection: Any) -> None:
    read_words(collection, "p1", "\n".join(" ".join(line) for line in LINES), WORDS)


def _edited(collection: Any) -> int:
    _read(collection)
    [hit] = search_text(collection, "travelling", proposed=True)
    decide(collection.catalog, hit.suggestion_id, "edit", actor="ann", value={"text": EDITED})
    return hit.image_id


def test_a_word_edited_out_is_gone_from_hits_outlines_and_every_export(text_collection: Any) -> None:
    image_id = _edited(text_collection)
    assert search_text(text_collection, "travelling", proposed=True) == []
    for proposed in (False, True):
        page = page_text(text_collection, "p1", image_id, "travelling", proposed=proposed)
        assert page.status == "edited" and page.hits == []  # nothing outlined, no tooltip
        assert "travelling" not in [w.text for w in page.words]
    for fmt in ("alto", "hocr", "iiif", "text"):
        document, _ = export_page(text_collection, "p1", image_id, fmt, proposed=False)
        assert "travelling" not in document, fmt


def test_a_corrected_spelling_keeps_its_box_and_an_inserted_word_has_none(text_collection: Any) -> None:
    image_id = _edited(text_collection)
    [hit] = page_text(text_collection, "p1", image_id, "history", proposed=False).hits
    assert (hit.text, hit.x, hit.y, hit.w, hit.h) == ("History", 140, 40, 90, 30)  # the machine's box
    alto, _ = export_page(text_collection, "p1", image_id, "alto", proposed=False)
    strings = ET.fromstring(alto).findall(".//{http://www.loc.gov/standards/alto/ns-v4#}String")
    assert [(s.get("CONTENT"), s.get("HPOS")) for s in strings[:2]] == [("The", "40"), ("History", "140")]
    assert "history" not in alto and "chapmen" not in alto  # inserted: no box, left out of ALTO
    hocr, _ = export_page(text_collection, "p1", image_id, "hocr", proposed=False)
    assert ">History<" in hocr and "chapmen" not in hocr
    page = json.loads(export_page(text_collection, "p1", image_id, "iiif", proposed=False)[0])
    texts = [a["body"]["value"] for a in page["items"]]
    assert texts == [EDITED, "The History of Jack", "printed for the booksellers", "Glasgow 1820"]
    assert page_text(text_collection, "p1", image_id, "chapmen", proposed=False).hits == []
    assert export_page(text_collection, "p1", image_id, "text", proposed=False)[0] == EDITED + "\n"


def test_the_alignment_keeps_replaces_and_drops_words() -> None:
    words = [StoredWord(n, 0, text, 10.0 * n, 0.0, 8.0, 5.0, 0.9) for n, text in enumerate(
        ["Glasgw", "printed", "secret", "name", "1820"])]
    aligned = edited_words(words, "Glasgow printed [removed] in 1820")
    assert [(w.n, w.text) for w in aligned] == [(0, "Glasgow"), (1, "printed"), (2, "[removed]"),
                                                (3, "in"), (4, "1820")]
    assert [w.text for w in edited_words(words, "Glasgow printed 1820")] == ["Glasgow", "printed", "1820"]
    assert edited_words(words, "") == []
    assert [(w.n, w.text) for w in edited_words(words, "Glasgow printed by the name 1820")] == [
        (0, "Glasgow"), (1, "printed"), (3, "name"), (4, "1820")]  # "by the": no box; "secret" gone
    assert [(w.n, w.text) for w in edited_words(words, "printed secrets 1820")] == [
        (1, "printed"), (2, "secrets"), (4, "1820")]


def test_an_entity_read_from_a_page_text_is_stale_once_that_text_is_edited(text_collection: Any) -> None:
    _read(text_collection)
    job = run_agent(text_collection, "entities", options={"layers": "rules", "collection_names": False})
    catalog = text_collection.catalog
    [entity] = [s for s in catalog.suggestions.find(SuggestionQuery(job_id=job.id))
                if s.value["field"].startswith("ocr:")]
    assert entity.value["text"] == "1820" and len(entity.value["text_sha256"]) == 64
    assert not page_text_changed(catalog, entity)
    decide(catalog, entity.id, "accept", actor="ann")  # the text it was read from is unchanged: fine
    entity = undo(catalog, entity.id, actor="ann")
    [text] = search_text(text_collection, "travelling", proposed=True)
    decide(catalog, text.suggestion_id, "edit", actor="ann", value={"text": EDITED})  # "1820" moved
    assert page_text_changed(catalog, entity)
    with pytest.raises(StaleSuggestion, match="text of a page"):
        decide(catalog, entity.id, "accept", actor="ann")
    without_digest = dataclasses.replace(entity, value={k: v for k, v in entity.value.items()
                                                        if k != "text_sha256"})
    assert page_text_changed(catalog, without_digest)  # made before digests: its offsets no longer hold
    assert decide(catalog, entity.id, "reject", actor="ann").status == "rejected"
