"""Values from machine suggestions on the record page, the record API and the search page: accepted
ones with their provenance for everyone; proposed ones to staff who review them, or publicly only
where the collection says so, marked as machine-made; accepted tags, classes, entities and links as
facets and filters."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from vitrine.web.provenance import day
from web.cataloguing import accept, served, started_app, suggest, suggest_boxes
from web.staff import staff_client


@pytest.fixture
def cat_app(tmp_path: Path) -> Iterator[FastAPI]:
    with started_app(tmp_path) as app:
        yield app


@pytest.fixture
def anonymous(cat_app: FastAPI) -> TestClient:
    return TestClient(cat_app, raise_server_exceptions=False)


def _text(page: str) -> str:
    """The page's words, tags dropped and spaces folded, as a reader sees them."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_the_record_page_shows_accepted_values_with_their_provenance(cat_app: FastAPI,
                                                                     anonymous: TestClient) -> None:
    suggest(cat_app, "w01")
    accepted = accept(cat_app, "w01", "study")
    accept(cat_app, "w01", "colour", actor="bob", edit="Colour field")
    page = anonymous.get("/records/w01")
    assert page.status_code == 200
    # what a record shows depends on who asks: no shared cache may keep it for another
    assert page.headers["cache-control"] == "private, no-cache"
    assert {"Accept", "Cookie", "Authorization"} <= {v.strip() for v in page.headers["vary"].split(",")}
    words = _text(page.text)
    when = day(accepted.decided_at or 0)
    # the public reads "a cataloguer": staff account names are for staff (as in the IIIF manifests)
    assert f"study — suggested by the fake agent (title words 1), accepted by a cataloguer on {when}" in words
    assert ("Colour field edited — suggested by the fake agent (title words 1), edited and accepted by a"
            " cataloguer" in words)
    assert " by ann " not in words and " by bob " not in words
    assert 'class="badge badge-edited"' in page.text
    assert "Machine suggestions" not in words  # nothing is left unreviewed on w01
    record = anonymous.get("/api/records/w01").json()
    assert [(a["label"], a["edited"], a["accepted_by"]) for a in record["accepted"]] == [
        ("study", False, "a cataloguer"), ("Colour field", True, "a cataloguer")]
    first = record["accepted"][0]
    assert first["agent"]["name"] == "fake" and first["agent"]["model"] == "title words"
    assert first["provenance"].startswith(
        "suggested by the fake agent (title words 1), accepted by a cataloguer")
    assert record["proposed"] == []
    staff = staff_client(cat_app, "editor").get("/api/records/w01").json()
    assert [a["accepted_by"] for a in staff["accepted"]] == ["ann", "bob"]
    assert f"accepted by ann on {when}" in _text(staff_client(cat_app, "editor").get("/records/w01").text)


def test_proposed_values_are_for_reviewing_staff_unless_the_collection_shows_them(
        cat_app: FastAPI, anonymous: TestClient) -> None:
    suggest(cat_app, "w02")
    researcher = staff_client(cat_app, "researcher")
    editor = staff_client(cat_app, "editor")
    for who in (anonymous, researcher):
        assert "proposed-title" not in who.get("/records/w02").text
        assert who.get("/api/records/w02").json()["proposed"] == []
    page = editor.get("/records/w02").text
    assert 'id="proposed-title"' in page and 'href="/review?record=w02"' in page
    assert "machine-made, not reviewed" in page
    shown = editor.get("/api/records/w02").json()["proposed"]
    assert sorted(p["label"] for p in shown) == ["colour", "study"] and not any(p["reviewed"] for p in shown)

    served(cat_app).set_proposed_public(True)
    public = anonymous.get("/records/w02").text
    assert 'id="proposed-warning"' in public and "machine-made, not reviewed" in public
    assert "/review?record" not in public  # no link to a page the public may not open
    assert len(anonymous.get("/api/records/w02").json()["proposed"]) == 2
    served(cat_app).set_proposed_public(False)
    assert anonymous.get("/api/records/w02").json()["proposed"] == []


def test_a_stale_suggestion_is_not_shown_as_proposed(cat_app: FastAPI) -> None:
    suggest(cat_app, "w02")
    catalog = served(cat_app).catalog
    record = catalog.get("w02")
    record.title = "Renamed since"
    catalog.upsert(record)
    editor = staff_client(cat_app, "editor")
    assert editor.get("/api/records/w02").json()["proposed"] == []


def test_regions_are_drawn_on_the_image_accepted_and_proposed_told_apart(cat_app: FastAPI,
                                                                         anonymous: TestClient) -> None:
    suggest_boxes(cat_app, "w01")
    accept(cat_app, "w01", "ship")
    public = anonymous.get("/records/w01").text
    assert 'class="region region-accepted" data-label="ship"' in public
    assert '<rect x="10.0" y="20.0" width="50.0" height="40.0"/>' in public
    assert "region-proposed" not in public  # the sail waits for review: staff only
    staff = staff_client(cat_app, "editor").get("/records/w01").text
    assert 'class="region region-proposed" data-label="sail"' in staff
    assert '<polygon points="5,5 30,5 5,30"/>' in staff
    [accepted] = anonymous.get("/api/records/w01").json()["accepted"]
    assert accepted["region"] == {"box": [10.0, 20.0, 50.0, 40.0]} and accepted["image_id"]


# -- search ------------------------------------------------------------------------------------------


def test_accepted_tags_are_facets_and_a_filter_narrows_the_results(cat_app: FastAPI,
                                                                   anonymous: TestClient) -> None:
    suggest(cat_app)
    accept(cat_app, "w01", "study")
    accept(cat_app, "w02", "study")
    accept(cat_app, "w07", "colour", edit="Seascape")
    facets = anonymous.get("/api/facets").json()["facets"]
    assert {"value": "study", "count": 2} in facets["tag"]
    assert {"value": "Seascape", "count": 1} in facets["tag"]
    assert facets["class"] == facets["entity"] == facets["link"] == []
    # counted among the filtered records, like every facet: w01 and w07 are paintings, w02 a print
    paintings = anonymous.get("/api/facets", params={"object_type": "painting"}).json()["facets"]["tag"]
    assert {"value": "study", "count": 1} in paintings
    found = anonymous.get("/api/search", params={"tag": "study"}).json()
    assert sorted(h["identifier"] for h in found["hits"]) == ["w01", "w02"] and found["total"] == 2
    assert _hits(anonymous, tag="seascape") == ["w07"]
    assert anonymous.get("/api/search", params={"class": "study"}).json()["total"] == 0
    # the words are in the full text too: searched without the filter, the edited term finds w07
    assert "w07" in _hits(anonymous, q="seascape")


def _hits(client: TestClient, **params: str) -> list[str]:
    return [h["identifier"] for h in client.get("/api/search", params=params).json()["hits"]]


def test_the_research_page_offers_the_tag_facet_and_keeps_the_filter(cat_app: FastAPI,
                                                                     anonymous: TestClient) -> None:
    suggest(cat_app, "w01", "w02")
    accept(cat_app, "w01", "study")
    page = anonymous.get("/search").text
    assert "Tags (catalogued)" in page and 'data-facet="tag" data-value="study"' in page
    assert 'href="/search?tag=study"' in page
    filtered = anonymous.get("/search", params={"tag": "study"}).text
    assert 'data-identifier="w01"' in filtered and 'data-identifier="w02"' not in filtered
    assert '<input type="hidden" name="tag" value="study">' in filtered  # kept by the search forms
    assert 'aria-current="true" data-facet="tag" data-value="study"' in filtered


def test_staff_with_the_catalogue_permission_see_the_review_link(cat_app: FastAPI,
                                                                 anonymous: TestClient) -> None:
    assert 'id="review-link"' in staff_client(cat_app, "editor").get("/search").text
    assert 'id="review-link"' in staff_client(cat_app, "admin").get("/search").text
    assert 'id="review-link"' not in staff_client(cat_app, "researcher").get("/search").text
    assert 'id="review-link"' not in anonymous.get("/search").text
