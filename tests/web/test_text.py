"""Text read from pages on the web: the search, a page with the hit words outlined (no script),
the exports; machine-read text for staff, or publicly only where the collection shows proposals."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from annotated import validate
from ocr.pages import read_words
from vitrine.catalog.suggestions import SuggestionQuery
from vitrine.suggestions import review
from web.cataloguing import served, started_app
from web.staff import staff_client

WORDS = [["Printed", 10, 12, 40, 9, 0.93, 0], ["for", 54, 12, 15, 9, 0.9, 0],
         ["the", 10, 30, 16, 9, 0.95, 1], ["Booksellers.", 30, 30, 60, 9, 0.6, 1]]


@pytest.fixture
def app(tmp_path: Path) -> Iterator[FastAPI]:
    with started_app(tmp_path) as started:
        read_words(served(started), "w01", "Printed for\nthe Booksellers.", WORDS, confidence=0.8)
        yield started


def _image(app: FastAPI) -> int:
    return served(app).catalog.images_of("w01")[0].id


def test_staff_find_machine_read_text_marked_and_the_hit_words_outlined(app: FastAPI) -> None:
    editor = staff_client(app, "editor")
    found = editor.get("/text", params={"q": "booksellers"})
    assert found.status_code == 200 and "machine-read, not reviewed" in found.text
    assert "<mark>Booksellers</mark>" in found.text
    page = editor.get(f"/text/{_image(app)}", params={"q": "booksellers <script>"})
    assert page.status_code == 200 and 'id="machine-read"' in page.text
    rects = re.findall(r'<rect class="text-hit" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"',
                       page.text)
    assert rects == [("30.0", "30.0", "60.0", "9.0")]
    assert "<script" not in page.text.split("<body", 1)[1].replace("&lt;script&gt;", "")  # no inline script
    assert "style=" not in page.text and "script-src 'self'" in page.headers["content-security-policy"]
    assert f'href="/text/{_image(app)}" class="page-text-link"' in editor.get("/records/w01").text
    api = editor.get("/api/text", params={"q": "printed"}).json()
    assert api["hits"][0]["machine_read"] is True and api["hits"][0]["identifier"] == "w01"


def test_the_public_sees_machine_read_text_only_where_proposals_are_public(app: FastAPI) -> None:
    anonymous = TestClient(app, raise_server_exceptions=False)
    assert "no-hits" in anonymous.get("/text", params={"q": "booksellers"}).text
    assert "page-text-link" not in anonymous.get("/records/w01").text
    assert anonymous.get(f"/text/{_image(app)}").status_code == 404
    assert anonymous.get(f"/text/{_image(app)}/alto").status_code == 404
    served(app).set_proposed_public(True)
    try:
        assert "machine-read, not reviewed" in anonymous.get("/text", params={"q": "booksellers"}).text
    finally:
        served(app).set_proposed_public(False)
    catalog = served(app).catalog
    [text] = catalog.suggestions.find(SuggestionQuery(kinds=("text",)))
    review.decide(catalog, text.id, "accept", actor="ann")
    found = anonymous.get("/text", params={"q": "booksellers"})
    assert "<mark>Booksellers</mark>" in found.text and "machine-read" not in found.text
    assert anonymous.get("/api/search", params={"q": "booksellers"}).json()["hits"][0]["identifier"] == "w01"


def test_a_page_exports_as_alto_hocr_iiif_and_text(app: FastAPI) -> None:
    editor = staff_client(app, "editor")
    image = _image(app)
    alto = editor.get(f"/text/{image}/alto")
    assert alto.headers["content-type"].startswith("application/xml")
    assert 'CONTENT="Booksellers."' in alto.text
    assert 'class="ocrx_word"' in editor.get(f"/text/{image}/hocr").text
    annotations = json.loads(editor.get(f"/text/{image}/iiif").text)
    assert annotations["items"][1]["target"].endswith("/iiif/w01/manifest/canvas/1#xywh=10,12,59,9")
    assert editor.get(f"/text/{image}/text").text == "Printed for\nthe Booksellers.\n"
    assert editor.get(f"/text/{image}/pdf").status_code == 422
    manifest = editor.get("/iiif/w01/manifest").text  # the whole text on the canvas, without the words
    assert '"supplementing"' in manifest and "Booksellers" in manifest and "0.93" not in manifest
    [lines] = [p for p in json.loads(manifest)["items"][0]["annotations"] if "items" not in p]
    assert lines["id"] == annotations["id"] and lines["id"].endswith(f"/text/{image}/iiif")
    validate(json.loads(manifest))
    prezi3 = pytest.importorskip("iiif_prezi3")
    prezi3.AnnotationPage(**{k: v for k, v in annotations.items() if k != "@context"})
    public = TestClient(app, raise_server_exceptions=False).get("/iiif/w01/manifest").json()
    assert all("items" in p for p in public["items"][0].get("annotations", []))  # not for the public


def test_text_answers_differ_by_who_asks_so_no_shared_cache_keeps_them(app: FastAPI) -> None:
    editor = staff_client(app, "editor")
    anonymous = TestClient(app, raise_server_exceptions=False)
    image = _image(app)
    for client, url in [(editor, "/text?q=booksellers"), (anonymous, "/text?q=booksellers"),
                        (editor, f"/text/{image}"), (anonymous, f"/text/{image}"),
                        (editor, f"/text/{image}/alto"),
                        (editor, "/api/text?q=printed"), (anonymous, "/api/text?q=printed")]:
        answer = client.get(url)
        assert answer.headers["cache-control"] == "private, no-cache", url
        assert {"Cookie", "Authorization"} <= {v.strip() for v in answer.headers["vary"].split(",")}, url
    for url in ("/texts", "/ask", "/reconcile", "/search?q=x"):  # the same for everyone: left cacheable
        assert "private" not in anonymous.get(url).headers.get("cache-control", ""), url
