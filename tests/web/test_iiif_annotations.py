"""/iiif/{identifier}/manifest with a record's suggestions: what visitors, researchers and editors get,
that caches keep them apart, that other origins may read them, and the `vitrine:` context."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from annotated import EDITED_TAG, FACE, POLYGON_TAG, annotated_app, annotations_of, texts, validate
from vitrine.exports.annotations import NOT_REVIEWED
from web.staff import staff_client

MANIFEST = "/iiif/w01/manifest"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    built: FastAPI = annotated_app(tmp_path_factory.mktemp("iiif-annotations"))
    return built


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _labels(manifest: dict[str, Any]) -> dict[str, list[str]]:
    """The first body text of each annotation, by the label of its page."""
    out: dict[str, list[str]] = {}
    for page in manifest["items"][0].get("annotations", []):
        out[page["label"]["en"][0]] = [texts(a)[0] for a in page["items"]]
    return out


def test_visitors_get_the_accepted_values_readable_from_any_origin(client: TestClient) -> None:
    response = client.get(MANIFEST, headers={"Origin": "http://viewer.example"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    assert response.headers["access-control-allow-origin"] == "*"
    assert "Cookie" in response.headers["vary"] and "private" not in response.headers.get("cache-control", "")
    manifest = response.json()
    validate(manifest)
    assert _labels(manifest) == {"Accepted by the cataloguers": [FACE, EDITED_TAG]}
    assert not any("vitrine:reviewedBy" in a for items in annotations_of(manifest).values() for a in items)


def test_editors_get_the_proposed_suggestions_too_and_no_cache_keeps_them(
        app: FastAPI, client: TestClient) -> None:
    response = staff_client(app, "editor").get(MANIFEST)
    assert response.status_code == 200 and response.headers["cache-control"] == "private, no-store"
    manifest = response.json()
    validate(manifest)
    labels = _labels(manifest)
    assert labels["Accepted by the cataloguers"] == [FACE, EDITED_TAG]
    assert sorted(labels["Machine suggestions, not reviewed"])[-1] == POLYGON_TAG
    assert len(labels["Machine suggestions, not reviewed"]) == 3
    accepted = manifest["items"][0]["annotations"][0]["items"]
    assert {a["vitrine:reviewedBy"] for a in accepted} == {"editor-ed"}


def test_a_researcher_is_not_staff(app: FastAPI, client: TestClient) -> None:
    manifest = staff_client(app, "researcher").get(MANIFEST).json()
    assert list(_labels(manifest)) == ["Accepted by the cataloguers"]


def test_with_proposed_public_on_visitors_see_suggestions_marked_as_not_reviewed(
        app: FastAPI, client: TestClient) -> None:
    app.state.collection.set_proposed_public(True)
    try:
        manifest = client.get(MANIFEST).json()
    finally:
        app.state.collection.set_proposed_public(False)
    validate(manifest)
    proposed = manifest["items"][0]["annotations"][1]
    assert proposed["label"] == {"en": ["Machine suggestions, not reviewed"]}
    assert all(texts(a)[-1] == NOT_REVIEWED for a in proposed["items"])
    assert list(_labels(client.get(MANIFEST).json())) == ["Accepted by the cataloguers"]


def test_the_extension_context_is_served(client: TestClient) -> None:
    response = client.get("/iiif/context.json")
    assert response.status_code == 200 and response.headers["access-control-allow-origin"] == "*"
    context = response.json()["@context"]
    assert context["vitrine"] == "http://testserver/iiif/context.json#"
    manifest = client.get(MANIFEST).json()
    used = {k for items in annotations_of(manifest).values() for a in items for k in a if ":" in k}
    used |= {k for items in annotations_of(manifest).values() for a in items
             for k in a.get("creator", {}) if ":" in k}
    assert used and used <= set(context)
    assert manifest["@context"][0] == "http://testserver/iiif/context.json"


def test_an_unknown_record_is_a_404(client: TestClient) -> None:
    assert client.get("/iiif/no-such-work/manifest").status_code == 404
