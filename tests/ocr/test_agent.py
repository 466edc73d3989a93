"""The ocr agent through the suggestions model: stored words, search marked by review, exports."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from ocr.pages import needs_tesseract
from vitrine.errors import NotFound, SearchError
from vitrine.ocr.search import export_page, page_text, search_text
from vitrine.suggestions.review import decide
from vitrine.suggestions.run import run_agent

pytestmark = needs_tesseract


def _ocr(collection: Any) -> Any:
    job = run_agent(collection, "ocr", options={"languages": "eng"})
    assert job.state == "done" and job.failed == 0 and job.made in (0, 1)  # one page of text, its words apart
    return job


def test_each_page_gets_one_text_suggestion_with_its_words_kept_apart(text_collection: Any) -> None:
    job = _ocr(text_collection)
    store = text_collection.catalog.suggestions
    [s] = store.find(store_query(job.id))
    assert s.identifier == "p1" and s.kind == "text" and "words" not in s.value  # the blank p2: nothing
    assert s.value["text"].startswith("The history of Jack") and s.value["language"] == "eng"
    assert s.score == s.value["confidence"] > 0.8
    words = text_collection.catalog.ocr.words(s.id)
    assert [w.text for w in words[:3]] == ["The", "history", "of"] and words[-1].line == 2
    agent = store.agent(s.agent_id)
    assert agent.model == "tesseract" and len(agent.state_sha256) == 64
    assert _ocr(text_collection).made == 0  # a re-run of the same version adds nothing


def store_query(job_id: int) -> Any:
    from vitrine.catalog.suggestions import SuggestionQuery

    return SuggestionQuery(job_id=job_id)


def test_machine_read_text_is_searchable_but_marked_until_accepted(text_collection: Any) -> None:
    _ocr(text_collection)
    [hit] = search_text(text_collection, "giants", proposed=True)
    assert hit.identifier == "p1" and hit.status == "proposed" and "\ue000Giants\ue001" in hit.snippet
    assert search_text(text_collection, "giants", proposed=False) == []  # the public, proposals hidden
    with pytest.raises(NotFound):
        page_text(text_collection, "p1", hit.image_id, "giants", proposed=False)
    page = page_text(text_collection, "p1", hit.image_id, "travelling giant", proposed=True)
    assert page.machine_read and sorted(w.text for w in page.hits) == ["Giants", "travelling"]
    assert text_collection.catalog.full_text("giants", 10) == []  # not curated yet

    decide(text_collection.catalog, hit.suggestion_id, "edit", actor="ann",
           value={"text": "The History of Jack and the Giants, printed for the booksellers. Glasgow 1820"})
    [decided] = search_text(text_collection, "giants", proposed=False)
    assert decided.status == "edited" and search_text(text_collection, "travelling", proposed=True) == []
    record_id = text_collection.catalog.record_id("p1")
    assert [r for r, _ in text_collection.catalog.full_text("booksellers", 10)] == [record_id]


def test_rejected_text_leaves_the_search(text_collection: Any) -> None:
    _ocr(text_collection)
    [hit] = search_text(text_collection, "glasgow", proposed=True)
    decide(text_collection.catalog, hit.suggestion_id, "reject", actor="ann")
    assert search_text(text_collection, "glasgow", proposed=True) == []
    with pytest.raises(SearchError):
        search_text(text_collection, " ,; ", proposed=True)


def test_alto_hocr_and_iiif_exports_carry_the_words(text_collection: Any) -> None:
    _ocr(text_collection)
    image_id = text_collection.catalog.images_of("p1")[0].id
    alto, media = export_page(text_collection, "p1", image_id, "alto", proposed=True)
    ns = {"a": "http://www.loc.gov/standards/alto/ns-v4#"}
    root = ET.fromstring(alto)
    strings = root.findall(".//a:String", ns)
    assert media == "application/xml" and strings[0].get("CONTENT") == "The"
    assert len(root.findall(".//a:TextLine", ns)) == 3 and root.find(".//a:Page", ns).get("WIDTH") == "900"
    hocr, _ = export_page(text_collection, "p1", image_id, "hocr", proposed=True)
    words = [e for e in ET.fromstring(hocr.split("\n", 2)[2]).iter() if e.get("class") == "ocrx_word"]
    assert words[0].text == "The" and "x_wconf" in words[0].get("title", "")
    document, _ = export_page(text_collection, "p1", image_id, "iiif", proposed=True)
    page = json.loads(document)
    assert page["type"] == "AnnotationPage" and len(page["items"]) == 4
    assert {a["motivation"] for a in page["items"]} == {"supplementing"}
    assert "#xywh=" in page["items"][1]["target"] and page["items"][1]["body"][1]["purpose"] == "commenting"
    with pytest.raises(SearchError, match="formats"):
        export_page(text_collection, "p1", image_id, "pdf", proposed=True)


def test_the_entities_agent_reads_the_machine_read_page_text(text_collection: Any) -> None:
    _ocr(text_collection)
    job = run_agent(text_collection, "entities", options={"layers": "rules"})
    assert job.state == "done" and job.failed == 0
    store = text_collection.catalog.suggestions
    found = [s.value for s in store.find(store_query(job.id)) if s.value["field"].startswith("ocr:")]
    assert found, "no entity read from the page text"
    [text] = [s.value["text"] for s in store.find(store_query(_ocr_job_id(text_collection)))]
    for value in found:
        assert text[value["start"]:value["end"]] == value["text"]  # offsets into the page's text
    no_ocr = run_agent(text_collection, "entities", options={"layers": "rules", "ocr": False})
    assert all(not s.value["field"].startswith("ocr:") for s in store.find(store_query(no_ocr.id)))


def _ocr_job_id(collection: Any) -> int:
    return int(next(j.id for j in collection.catalog.jobs.recent(20) if j.agent.startswith("ocr")))
