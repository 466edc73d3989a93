"""/api/concepts: an editor names a concept, labels works, asks, reads the estimate, saves a version."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from web.cataloguing import served, started_app
from web.staff import staff_client


@pytest.fixture
def cat_app(tmp_path: Path) -> Iterator[FastAPI]:
    with started_app(tmp_path) as app:
        yield app


def test_an_editor_teaches_a_concept_through_the_api(cat_app: FastAPI) -> None:
    editor: TestClient = staff_client(cat_app, "editor", "ed")
    made = editor.post("/api/concepts", json={"name": "colour study", "description": "studies"})
    assert made.status_code == 201 and made.json()["labels"] == 0
    assert editor.post("/api/concepts", json={"name": "Colour Study"}).status_code == 409
    unknown = editor.post("/api/concepts/colour study/labels",
                          json={"identifiers": ["nope"], "positive": True})
    assert unknown.status_code == 422 and "'nope'" in unknown.json()["error"]["message"]
    assert editor.get("/api/concepts/ship/ask").status_code == 404
    editor.post("/api/concepts/colour study/labels", json={"identifiers": ["w00", "w01"], "positive": True})
    after = editor.post("/api/concepts/colour study/labels",
                        json={"identifiers": ["w02", "w03", "w04"], "positive": False}).json()
    assert (after["labels"], after["positives"]) == (5, 2)
    asked = editor.get("/api/concepts/colour study/ask", params={"n": 2}).json()
    assert asked["strategy"] == "uncertainty" and len(asked["works"]) == 2
    assert {w["identifier"] for w in asked["works"]} <= {"acc/1850/5", "w06", "w07"}  # w05: acc/1850/5
    estimate = editor.get("/api/concepts/colour study/estimate").json()
    assert estimate["labels"] == 5 and estimate["estimate"]["method"] == "cross-validation (2 folds)"
    saved = editor.post("/api/concepts/colour study/versions")
    assert saved.status_code == 201 and saved.json()["version"]["version"] == 1
    again = editor.post("/api/concepts/colour study/versions")
    assert again.status_code == 200 and again.json()["created"] is False
    listed = editor.get("/api/concepts").json()["concepts"]
    assert listed[0]["name"] == "colour study" and listed[0]["versions"][0]["saved_by"] == "ed"
    actions = [e.action for e in served(cat_app).catalog.audit.entries(action="concept.")]
    assert actions == ["concept.save", "concept.label", "concept.label", "concept.create"]


def test_a_researcher_may_not_teach_concepts(cat_app: FastAPI) -> None:
    researcher = staff_client(cat_app, "researcher", "rita")
    assert researcher.post("/api/concepts", json={"name": "x"}).status_code == 403
    assert researcher.get("/api/concepts").status_code == 403
