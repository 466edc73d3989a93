"""Agent versions, their precision as reviewed, decision windows (previewed, then applied with the
previewed counts), and batches for cataloguers: pages and JSON."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from vitrine.catalog.suggestions import Suggestion, SuggestionQuery
from vitrine.suggestions import review
from web.cataloguing import served, started_app, suggest
from web.staff import staff_client


@pytest.fixture
def cat_app(tmp_path: Path) -> Iterator[FastAPI]:
    with started_app(tmp_path) as app:
        yield app


@pytest.fixture
def editor(cat_app: FastAPI) -> TestClient:
    return staff_client(cat_app, "editor", "ed")


def _proposed(app: FastAPI, **query: object) -> list[Suggestion]:
    return served(app).catalog.suggestions.find(SuggestionQuery(limit=1000, order="id", **query))


def test_the_agents_page_lists_each_version_with_its_suggestions_by_status(cat_app: FastAPI,
                                                                           editor: TestClient) -> None:
    first = suggest(cat_app)
    review.decide(served(cat_app).catalog, first[0].id, "reject", actor="ed")
    suggest(cat_app, "w01", version="2")
    agents = editor.get("/api/suggestions/agents").json()
    assert [(a["name"], a["model_version"]) for a in agents] == [("fake", "2"), ("fake", "1")]
    old = agents[1]
    assert old["counts"] == {"proposed": len(first) - 1, "accepted": 0, "edited": 0, "rejected": 1}
    assert old["parameters"] == {"min_length": 5} and old["page_url"] == f"/review/agents/{old['id']}"
    page = editor.get("/review/agents").text
    assert f'href="/review/agents/{old["id"]}"' in page and "title words" in page
    assert '<td class="num" data-status="rejected">1</td>' in page


def test_the_agent_page_shows_reviewed_precision_by_band_and_week_and_the_suggested_window(
        cat_app: FastAPI, editor: TestClient) -> None:
    found = suggest(cat_app, min_length=2)
    catalog = served(cat_app).catalog
    for s in found:  # a reviewer who keeps what scores 0.5 or more
        review.decide(catalog, s.id, "accept" if (s.score or 0) >= 0.5 else "reject", actor="ed")
    agent_id = found[0].agent_id
    report = editor.get(f"/api/suggestions/agents/{agent_id}").json()
    assert len(report["bands"]) == 10 and sum(b["decided"] for b in report["bands"]) == len(found)
    assert all(b["precision"] in (None, 1.0) for b in report["bands"][5:])
    assert sum(w["decided"] for w in report["weeks"]) == len(found)
    page = editor.get(f"/review/agents/{agent_id}").text
    assert 'id="band-chart"' in page and 'id="week-chart"' in page and 'id="bands"' in page
    assert page.count('class="bar"') >= 2  # bands with decisions are drawn as bars
    assert "Precision by score band: 0–0.1" in page
    # below 0.5 every decision was a rejection, backed by more than the 20 decisions a bound needs;
    # above it too few decisions fall in the top bands for an accept bound
    assert report["suggested_window"]["reject_below"] == 0.5
    assert "rejecting below <strong>0.5</strong>" in page
    assert 'name="reject_below" inputmode="decimal" value="0.5"' in page  # the preview form starts there


def _hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, name
    return found.group(1)


def test_a_window_is_previewed_then_applied_with_the_previewed_counts(cat_app: FastAPI,
                                                                     editor: TestClient) -> None:
    found = suggest(cat_app, min_length=2)
    agent_id = found[0].agent_id
    high = [s.id for s in found if (s.score or 0) >= 0.7]
    low = [s.id for s in found if (s.score or 0) < 0.3]
    assert high and low
    page = editor.get(f"/review/agents/{agent_id}", params={"accept_from": "0.7", "reject_below": "0.3"}).text
    assert f'data-count="accept">{len(high)}<' in page and f'data-count="reject">{len(low)}<' in page
    assert _hidden(page, "expected_accept") == str(len(high))
    assert _hidden(page, "expected_reject") == str(len(low))
    assert _hidden(page, "accept_from") == "0.7" and _hidden(page, "reject_below") == "0.3"
    assert _proposed(cat_app) != [] and len(_proposed(cat_app)) == len(found)  # a preview decides nothing
    form = {"accept_from": "0.7", "reject_below": "0.3", "expected_accept": "0", "expected_reject": "0"}
    stale = editor.post(f"/review/agents/{agent_id}/window", data=form)
    assert stale.status_code == 409 and "preview it again" in stale.text
    assert 'id="window-preview"' in stale.text  # the new preview, to look at again
    assert len(_proposed(cat_app)) == len(found)  # nothing was decided
    form.update(expected_accept=str(len(high)), expected_reject=str(len(low)))
    applied = editor.post(f"/review/agents/{agent_id}/window", data=form, follow_redirects=False)
    assert applied.status_code == 303
    location = f"/review/agents/{agent_id}?accepted={len(high)}&rejected={len(low)}#applied"
    assert applied.headers["location"] == location
    assert f"{len(high)} accepted, {len(low)} rejected" in editor.get(applied.headers["location"]).text
    assert sorted(s.id for s in _proposed(cat_app, statuses=("accepted",))) == high
    assert sorted(s.id for s in _proposed(cat_app, statuses=("rejected",))) == low
    catalog = served(cat_app).catalog
    [window] = catalog.audit.entries(action="suggestion.window")
    assert window.actor == "ed" and window.after["decided"] == {"accept": len(high), "reject": len(low)}
    assert len(catalog.audit.entries(action="suggestion.accept")) == len(high)


def test_a_window_without_a_preview_or_with_bad_bounds_is_refused(cat_app: FastAPI,
                                                                  editor: TestClient) -> None:
    agent_id = suggest(cat_app)[0].agent_id
    unpreviewed = editor.post(f"/review/agents/{agent_id}/window", data={"accept_from": "0.5"})
    assert unpreviewed.status_code == 422 and "has not been previewed" in unpreviewed.text
    swapped = editor.get(f"/review/agents/{agent_id}", params={"accept_from": "0.2", "reject_below": "0.8"})
    assert swapped.status_code == 422 and "reject bound" in swapped.text
    words = editor.get(f"/review/agents/{agent_id}", params={"accept_from": "high"})
    assert words.status_code == 422 and "must be a number" in words.text
    assert editor.get("/review/agents/999999").status_code == 404
    assert len(_proposed(cat_app)) > 0


def test_the_window_api_previews_and_applies(cat_app: FastAPI, editor: TestClient) -> None:
    found = suggest(cat_app)
    agent_id = found[0].agent_id
    high = sorted(s.id for s in found if (s.score or 0) >= 0.5)
    preview = editor.get(f"/api/suggestions/agents/{agent_id}/window", params={"accept_from": 0.5}).json()
    assert preview["counts"] == {"accept": len(high)} and preview["accept_from"] == 0.5
    assert all(s["score"] >= 0.5 for s in preview["samples"]["accept"])
    assert preview["samples"]["accept"][0]["record_url"].startswith("/records/")
    refused = editor.post(f"/api/suggestions/agents/{agent_id}/window",
                          json={"accept_from": 0.5, "expected": {"accept": len(high) - 1}})
    assert refused.status_code == 409 and refused.json()["error"]["code"]
    done = editor.post(f"/api/suggestions/agents/{agent_id}/window",
                       json={"accept_from": 0.5, "expected": preview["counts"]})
    assert done.status_code == 200 and done.json() == {"decided": {"accept": len(high)}}
    assert sorted(s.id for s in _proposed(cat_app, statuses=("accepted",))) == high
    assert editor.post(f"/api/suggestions/agents/{agent_id}/window", json={"expected": {}}).status_code == 422


# -- batches --------------------------------------------------------------------------------------


def test_assigning_a_batch_gives_unassigned_suggestions_and_counts_progress(cat_app: FastAPI,
                                                                            editor: TestClient) -> None:
    found = suggest(cat_app)
    staff_client(cat_app, "editor", "cat1")
    page = editor.get("/review/batches").text
    assert '<option value="cat1">' in page and f"{len(found)} proposed suggestions not given" in page
    answer = editor.post("/review/batches", data={"assignee": "cat1", "limit": "3", "kind": "tag",
                                                  "agent": str(found[0].agent_id)}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/review/batches?assigned=3#batches"
    mine = _proposed(cat_app, assignee="cat1")
    assert [s.id for s in mine] == [s.id for s in found[:3]]  # the oldest first
    catalog = served(cat_app).catalog
    review.decide(catalog, mine[0].id, "accept", actor="cat1")
    review.decide(catalog, mine[1].id, "reject", actor="cat1")
    shown = editor.get("/review/batches?assigned=3").text
    assert 'id="batches-notice">3 suggestions assigned.' in shown
    assert '<tr data-assignee="cat1">' in shown and '<td class="num" data-field="remaining">1</td>' in shown
    assert '<td class="num" data-field="agreement">50%</td>' in shown
    # the API gives the next unassigned ones, never another's
    given = editor.post("/api/suggestions/batches", json={"assignee": "cat1", "limit": 2}).json()
    assert given == {"assignee": "cat1", "assigned": 2}
    batches = editor.get("/api/suggestions/batches").json()
    assert batches["reviewers"] == [{"assignee": "cat1", "assigned": 5, "reviewed": 2, "remaining": 3,
                                     "accepted": 1, "edited": 0, "rejected": 1, "agreement": 0.5}]
    assert batches["unassigned"] == len(found) - 5
    [entry, _] = catalog.audit.entries(action="suggestion.assign")
    assert entry.actor == "ed" and entry.object == "account:cat1" and entry.after["count"] == 2


def test_a_bad_assignment_is_refused_with_its_reason(cat_app: FastAPI, editor: TestClient) -> None:
    suggest(cat_app)
    cases = [({"assignee": "ghost", "limit": "3"}, "no account named"),
             ({"assignee": "", "limit": "3"}, "choose the account"),
             ({"assignee": "ed", "limit": "0"}, "from 1 to 100000"),
             ({"assignee": "ed", "limit": "3", "kind": "colour"}, "unknown suggestion kind")]
    for form, reason in cases:
        answer = editor.post("/review/batches", data=form)
        assert answer.status_code == 422 and reason in answer.text.lower(), form
    api = editor.post("/api/suggestions/batches", json={"assignee": "ghost", "limit": 1})
    assert api.status_code == 422 and "ghost" in api.json()["error"]["message"]
    assert _proposed(cat_app, assignee="ed") == []
    assert served(cat_app).catalog.audit.entries(action="suggestion.assign") == []


def test_the_review_pages_link_to_each_other(editor: TestClient) -> None:
    for path in ("/review/jobs", "/review/agents", "/review/batches"):
        page = editor.get(path).text
        assert f'<a href="{path}" aria-current="page">' in page, path
        assert '<a href="/review" >Queue</a>' in page or '<a href="/review" id="review-link"' in page
