"""Linked Art by content negotiation on the record's page, and the VisualItem it points to."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from linkedart import Validate, linked_art_schemas, validate_any
from vitrine.catalog.suggestions import SuggestionQuery
from vitrine.collection import Collection
from vitrine.suggestions import review
from vitrine.suggestions.run import Scope, run_agent
from vitrine.web import create_app
from vitrine.web.negotiation import wants_linked_art

PROFILE = 'application/ld+json;profile="https://linked.art/ns/v1/linked-art.json"'


@pytest.fixture
def tagged(fake_collection: Collection) -> Collection:
    """The 12 sample records, r08's title words suggested by the fake agent and accepted by ed."""
    run_agent(fake_collection, "fake", scope=Scope(identifiers=("r08",)))
    for s in fake_collection.catalog.suggestions.find(SuggestionQuery(limit=10)):
        review.decide(fake_collection.catalog, s.id, "accept", actor="ed")
    return fake_collection


def _client(collection: Collection, web_settings: Any, **web: object) -> Iterator[TestClient]:
    app = create_app(web_settings(collection.root.parent, **web), collection.root)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def client(tagged: Collection, web_settings: Any) -> Iterator[TestClient]:
    yield from _client(tagged, web_settings)


@pytest.fixture
def schemas(shared_dir: Path) -> dict[str, Validate]:
    return linked_art_schemas(shared_dir)


def test_the_record_page_is_html_by_default_and_linked_art_on_accept(
        client: TestClient, schemas: dict[str, Validate]) -> None:
    page = client.get("/records/r08")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["vary"] == "Accept, Cookie, Authorization"
    browser = client.get("/records/r08", headers={
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert browser.headers["content-type"].startswith("text/html")
    for accept in ("application/ld+json", PROFILE, "application/ld+json, text/html;q=0.9"):
        answer = client.get("/records/r08", headers={"Accept": accept})
        assert answer.status_code == 200, accept
        assert answer.headers["content-type"] == PROFILE
        assert answer.headers["vary"] == "Accept, Cookie, Authorization"
        doc = answer.json()
        assert doc["id"] == "http://testserver/records/r08" and doc["type"] == "HumanMadeObject"
        validate_any(schemas, doc)
    visual = client.get(doc["shows"][0]["id"].removeprefix("http://testserver"))
    assert visual.status_code == 200 and visual.headers["content-type"] == PROFILE
    tags = visual.json()["represents_instance_of_type"]
    assert sorted(t["_label"] for t in tags) == ["landscape", "skaters", "winter"]
    assert {a["carried_out_by"][0]["_label"] for a in visual.json()["attributed_by"]} == {"ed"}
    validate_any(schemas, visual.json())


def test_unknown_records_and_records_without_visual_values_are_404(client: TestClient) -> None:
    missing = client.get("/records/nope", headers={"Accept": "application/ld+json"})
    assert missing.status_code == 404 and missing.headers["vary"] == "Accept, Cookie, Authorization"
    assert missing.json()["error"]["code"] == "not_found"  # a JSON-LD client is told in JSON
    assert client.get("/records/nope").headers["content-type"].startswith("text/html")
    assert client.get("/linked-art/visual/r01").status_code == 404
    assert client.get("/linked-art/visual/nope").status_code == 404


def test_an_identifier_with_slashes_and_spaces_has_its_own_url(tagged: Collection,
                                                               client: TestClient) -> None:
    from vitrine.records import Record

    tagged.catalog.upsert(Record(identifier="acc/1850/5 b", title="Slashed"))
    doc = client.get("/records/acc%2F1850%2F5%20b", headers={"Accept": "application/ld+json"}).json()
    assert doc["id"] == "http://testserver/records/acc%2F1850%2F5%20b" and doc["_label"] == "Slashed"


def test_linked_art_needs_what_the_page_needs(tagged: Collection, web_settings: Any) -> None:
    for client in _client(tagged, web_settings, anonymous="none"):
        for accept in ("text/html", "application/ld+json"):
            assert client.get("/records/r08", headers={"Accept": accept}).status_code == 401, accept
        assert client.get("/linked-art/visual/r08").status_code == 401


@pytest.mark.parametrize(("accept", "linked"), [
    ("", False), ("*/*", False), ("text/html", False), ("application/json", False),
    ("application/ld+json", True), (PROFILE, True), ('application/ld+json; profile="other"', False),
    ('application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"', False),
    ("text/html, application/ld+json", False), ("application/ld+json, text/html", True),
    ("text/html;q=0.5, application/ld+json", True), ("application/ld+json;q=0, */*", False),
    ("application/ld+json;q=0.9, */*;q=0.8", True), ("*/*, application/ld+json;q=0.5", False),
    ("application/ld+json;q=oops", False),
])
def test_what_an_accept_header_asks_for(accept: str, linked: bool) -> None:
    assert wants_linked_art(accept) is linked
