"""The concepts' pages for editors (/review/concepts...), and marking works for a concept where works
are shown (search results, a saved set, the map's selection): forms that work without JavaScript,
each change stored and audited, nothing of it for researchers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from vitrine.jobs import worker
from vitrine.maps import build_map
from web.cataloguing import Worker, served, started_app
from web.staff import staff_client

NAME = "colour study"
PAGE = "/review/concepts/colour%20study"


@pytest.fixture
def cat_app(tmp_path: Path) -> Iterator[FastAPI]:
    with started_app(tmp_path) as app:
        yield app


@pytest.fixture
def editor(cat_app: FastAPI) -> TestClient:
    return staff_client(cat_app, "editor", "ed")


def labels(app: FastAPI) -> dict[str, tuple[bool, str]]:
    catalog = served(app).catalog
    return {lab.identifier: (lab.positive, lab.labelled_by)
            for lab in catalog.concepts.labels(catalog.concepts.get(NAME).id)}


def mark(client: TestClient, identifier: str, kind: str, back: str = PAGE) -> str:
    """A mark posted as the pages' forms post it without JavaScript; where it leads back."""
    answer = client.post("/review/concepts/label", data={"concept": NAME, "mark": f"{kind}:{identifier}",
                                                         "back": back}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


def test_an_editor_names_a_concept_from_the_form(cat_app: FastAPI, editor: TestClient) -> None:
    empty = editor.get("/review/concepts")
    assert empty.status_code == 200 and 'id="no-concepts"' in empty.text and 'id="new-concept"' in empty.text
    assert '<input type="hidden" name="csrf" value="' in empty.text
    made = editor.post("/review/concepts", data={"name": f"  {NAME} ", "description": "studies"},
                       follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"] == f"{PAGE}?done=created"
    again = editor.post("/review/concepts", data={"name": "Colour Study"})
    assert again.status_code == 422 and 'id="concepts-error"' in again.text
    assert 'value="Colour Study"' in again.text  # what was typed is kept
    listed = editor.get("/review/concepts").text
    assert f'data-concept="{NAME}"' in listed and f'href="{PAGE}"' in listed
    [entry] = served(cat_app).catalog.audit.entries(action="concept.")
    assert (entry.actor, entry.action, entry.object) == ("ed", "concept.create", f"concept:{NAME}")


def test_marks_from_forms_are_stored_audited_and_lead_back(cat_app: FastAPI, editor: TestClient) -> None:
    editor.post("/api/concepts", json={"name": NAME})
    assert mark(editor, "w00", "pos", back="/search?q=study&page=1") == "/search?q=study&page=1"
    assert mark(editor, "w01", "neg", back="//evil.example/") == "/review/concepts"  # never off-site
    assert mark(editor, "w01", "pos") == PAGE  # marked again: the label changes
    assert labels(cat_app) == {"w00": (True, "ed"), "w01": (True, "ed")}
    entries = served(cat_app).catalog.audit.entries(action="concept.label")
    assert len(entries) == 3 and entries[0].before == {"w01": False} and entries[0].address
    bad = editor.post("/review/concepts/label", data={"concept": NAME, "mark": "maybe:w02"})
    assert bad.status_code == 422
    unknown = editor.post("/review/concepts/label", data={"concept": NAME, "mark": "pos:nope"})
    assert unknown.status_code == 422 and "nope" in unknown.text
    elsewhere = editor.post("/review/concepts/label", data={"concept": "ship", "mark": "pos:w02"})
    assert elsewhere.status_code == 404
    assert set(labels(cat_app)) == {"w00", "w01"}


def test_the_concept_page_shows_labels_estimate_and_asks(cat_app: FastAPI, editor: TestClient) -> None:
    editor.post("/api/concepts", json={"name": NAME})
    first = editor.get(PAGE).text
    assert 'id="no-labels"' in first and 'id="estimate-problem"' in first and "random choice" in first
    editor.post(f"/api/concepts/{NAME}/labels", json={"identifiers": ["w00", "w01"], "positive": True})
    editor.post(f"/api/concepts/{NAME}/labels",
                json={"identifiers": ["w02", "w03", "w04"], "positive": False})
    page = editor.get(PAGE, params={"n": 2}).text
    assert re.search(r'<dd data-field="precision">\d\.\d\d</dd>', page)
    assert 'data-field="average_precision"' in page and 'id="estimate-caution"' in page
    assert "cross-validation (2 folds)" in page
    asked = re.findall(r'class="concept-card ask-item" tabindex="0" data-identifier="([^"]+)"', page)
    assert len(asked) == 2 and set(asked) <= {"acc/1850/5", "w06", "w07"}
    assert page.count('form="concept-marking"') == 2 * (2 + 5)  # + and − per asked and per labelled work
    assert 'data-identifier="w00" data-concept-mark="pos"' in page
    assert 'data-identifier="w03" data-concept-mark="neg"' in page
    assert re.search(r'<img src="/images/\d+/thumbnail"', page)
    marking = re.search(r'<form id="concept-marking".*?</form>', page, re.S)
    assert marking is not None and '<input type="hidden" name="csrf" value="' in marking.group(0)
    assert '<script src="/static/concepts.js" defer></script>' in page
    # the no-JS form of an asked work comes back to the ask panel
    assert mark(editor, asked[0], "pos", back=f"{PAGE}?done=labelled#ask") == f"{PAGE}?done=labelled#ask"
    assert labels(cat_app)[asked[0]] == (True, "ed")


def test_saving_a_version_and_starting_its_job(cat_app: FastAPI, editor: TestClient,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    editor.post("/api/concepts", json={"name": NAME})
    editor.post(f"/api/concepts/{NAME}/labels", json={"identifiers": ["w00", "w01"], "positive": True})
    editor.post(f"/api/concepts/{NAME}/labels", json={"identifiers": ["w02", "w03"], "positive": False})
    assert 'id="start-concept-job"' not in editor.get(PAGE).text  # nothing saved yet
    saved = editor.post(f"{PAGE}/versions", follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == f"{PAGE}?done=saved#versions"
    same = editor.post(f"{PAGE}/versions", follow_redirects=False)
    assert same.headers["location"] == f"{PAGE}?done=same#versions"
    page = editor.get(f"{PAGE}?done=saved").text
    assert 'data-version="1"' in page and 'data-version="2"' not in page and 'id="concept-notice"' in page
    form = re.search(r'<form action="/review/jobs" method="post" id="start-concept-job">(.*?)</form>',
                     page, re.S)
    assert form is not None
    assert '<input type="hidden" name="agent" value="concept">' in form.group(1)
    options = re.search(r"name=\"options\" value='([^']*)'", form.group(1))
    assert options is not None and options.group(1) == f'concept="{NAME}"'
    spawned = Worker(cat_app)
    monkeypatch.setattr(worker, "spawn", spawned)
    started = editor.post("/review/jobs", follow_redirects=False,
                          data={"agent": "concept", "options": options.group(1), "scope": "all"})
    assert started.status_code == 303
    spawned.finish()
    [(_, job_id)] = spawned.spawned
    job = served(cat_app).catalog.jobs.get(job_id)
    assert job.options == {"concept": NAME} and job.state == "done" and job.made > 0
    actions = [e.action for e in served(cat_app).catalog.audit.entries(action="concept.save")]
    assert actions == ["concept.save"]


def test_works_shown_to_an_editor_carry_concept_marks(cat_app: FastAPI, editor: TestClient) -> None:
    before = editor.get("/search", params={"q": "study"}).text
    assert 'id="no-concept-yet"' in before and 'form="concept-marking"' not in before
    assert "/static/concepts.js" not in before
    editor.post("/api/concepts", json={"name": NAME})
    editor.post("/api/concepts", json={"name": "ship"})
    search = editor.get("/search", params={"q": "study"}).text
    assert '<select id="concept-name" name="concept"><option value="colour study">' in search
    assert 'value="pos:w00"' in search and 'value="neg:w00"' in search
    assert '<script src="/static/concepts.js" defer></script>' in search
    back = re.search(r'name="back" value="([^"]+)"', search)
    assert back is not None and back.group(1) == "/search?q=study"
    made = editor.post("/api/sets", json={"name": "picks", "identifiers": ["w04", "acc/1850/5"]})
    assert made.status_code == 201
    shown = editor.get("/sets/picks").text
    assert 'value="pos:w04"' in shown and 'value="neg:acc/1850/5"' in shown and "/static/concepts.js" in shown
    build_map(served(cat_app), "pca")
    mapped = editor.get("/map").text
    assert 'data-concept-selection="true"' in mapped and 'data-concept-selection="false"' in mapped
    assert mapped.index("/static/map.js") < mapped.index("/static/concepts.js")


def test_researchers_get_no_concept_marking(cat_app: FastAPI, editor: TestClient) -> None:
    editor.post("/api/concepts", json={"name": NAME})
    researcher = staff_client(cat_app, "researcher", "rita")
    search = researcher.get("/search", params={"q": "study"})
    assert search.status_code == 200 and 'class="card"' in search.text
    assert "concept-marking" not in search.text and "concepts.js" not in search.text
    assert researcher.get("/review/concepts").status_code == 403
    assert researcher.get(PAGE).status_code == 403
    refused = researcher.post("/review/concepts/label",
                              data={"concept": NAME, "mark": "pos:w00", "back": "/"})
    assert refused.status_code == 403
    assert researcher.post("/review/concepts", data={"name": "ship"}).status_code == 403
    assert researcher.post(f"{PAGE}/versions").status_code == 403
    assert labels(cat_app) == {} and [c.name for c in served(cat_app).catalog.concepts.all()] == [NAME]
