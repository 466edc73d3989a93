"""The review queue's JSON API and its forms without JavaScript: filters, decisions, conflicts, undo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from vitrine.catalog.sets import SavedSet
from vitrine.catalog.suggestions import SuggestionQuery
from vitrine.suggestions import review
from vitrine.web import create_app
from vitrine.web.auth import CSRF_FIELD
from web.conftest import make_settings
from web.review_data import REGION_WORKS, review_collection
from web.staff import staff_client, staff_session


@pytest.fixture(scope="module")
def review_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    root = tmp_path_factory.mktemp("review")
    app = create_app(make_settings(root), review_collection(root))
    with TestClient(app):
        yield app


@pytest.fixture(scope="module")
def editor(review_app: FastAPI) -> TestClient:
    return staff_client(review_app, "editor", "ed")


def _items(http: TestClient, **params: Any) -> list[dict[str, Any]]:
    answer = http.get("/api/suggestions", params={"per_page": 100, **params})
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def _of(http: TestClient, identifier: str, kind: str = "tag") -> dict[str, Any]:
    return next(i for i in _items(http, kind=kind) if i["record"]["identifier"] == identifier)


def _decide(http: TestClient, item: dict[str, Any], action: str, **body: Any) -> Any:
    return http.post(f"/api/suggestions/{item['id']}/decision",
                     json={"action": action, "revision": item["revision"], **body})


def test_the_list_filters_by_kind_agent_score_and_sorts(editor: TestClient, review_app: FastAPI) -> None:
    page = editor.get("/api/suggestions", params={"kind": "tag", "per_page": 5}).json()
    tags = review_app.state.collection.catalog.suggestions.count(SuggestionQuery(kinds=("tag",)))
    assert page["total"] == tags > 5 and len(page["items"]) == 5 and page["pages"] == -(-tags // 5)
    scores = [i["score"] for i in page["items"]]
    assert scores == sorted(scores, reverse=True)
    first = page["items"][0]
    assert first["agent"]["name"] == "fake" and first["agent"]["model"] == "title words"
    assert first["record"]["url"] == "/records/" + first["record"]["identifier"]
    assert first["image"]["thumbnail_url"].endswith("/thumbnail")

    regions = _items(editor, agent="regions-test")
    assert {i["kind"] for i in regions} == {"face", "class"} and len(regions) == 2 * len(REGION_WORKS)
    box = next(i for i in regions if i["kind"] == "face")
    assert box["region"] == {"box": [80.0, 60.0, 80.0, 60.0]} and box["fragment"] == "xywh=80,60,80,60"
    assert box["image"]["width"] == 240 and box["record"]["identifier"] in REGION_WORKS

    band = _items(editor, score_min=0.3, score_max=0.6)
    assert band and all(0.3 <= i["score"] < 0.6 for i in band)
    unsure = [abs(i["score"] - 0.5) for i in _items(editor, order="uncertainty", kind="tag")]
    assert unsure == sorted(unsure)


def test_the_list_filters_by_saved_set_and_assignee(editor: TestClient, review_app: FastAPI) -> None:
    catalog = review_app.state.collection.catalog
    catalog.sets.put(SavedSet(name="two works", identifiers=("w06", "w07"), shared=True))
    assert {i["record"]["identifier"] for i in _items(editor, set="two works")} == {"w06", "w07"}
    assert editor.get("/api/suggestions", params={"set": "missing"}).status_code == 404
    # the record page's "review them" link: one record's suggestions, alone or within a set
    assert {i["record"]["identifier"] for i in _items(editor, record="w06")} == {"w06"}
    assert _items(editor, record="w06", set="two works") != []
    assert _items(editor, record="w01", set="two works") == []
    assert editor.get("/api/suggestions", params={"record": "nope"}).status_code == 404
    page = editor.get("/review", params={"record": "w06"}).text
    assert 'id="filter-record" value="w06"' in page

    query = SuggestionQuery(kinds=("tag",), order="id", record_ids=(catalog.record_id("w08"),))
    assert review.assign(catalog, query, "ed", limit=2, actor="tests") == 2
    mine = _items(editor, assignee="mine")
    assert len(mine) == 2 and {i["assignee"] for i in mine} == {"ed"}
    assert len(_items(editor, assignee="unassigned")) == len(_items(editor)) - 2


def test_counting_stops_at_the_cap_and_says_so(editor: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    every = editor.get("/api/suggestions", params={"kind": "tag"}).json()
    assert every["total_exact"] and every["total"] > 20
    monkeypatch.setattr("vitrine.suggestions.queue.COUNT_CAP", 10)
    capped = editor.get("/api/suggestions", params={"kind": "tag", "per_page": 5}).json()
    assert (capped["total"], capped["total_exact"], capped["pages"]) == (10, False, 2)
    deep = editor.get("/api/suggestions", params={"kind": "tag", "per_page": 5, "page": 4}).json()
    assert (deep["total"], deep["total_exact"], len(deep["items"])) == (20, False, 5)
    last = editor.get("/api/suggestions", params={"kind": "tag", "per_page": 20, "page": 3}).json()
    assert (last["total"], last["total_exact"]) == (every["total"], True)
    assert len(last["items"]) == every["total"] - 40
    page = editor.get("/review", params={"kind": "tag", "per_page": 5}).text
    assert 'id="review-total">(10+)' in page and "Page 1 of 2+" in page and 'rel="next"' in page


@pytest.mark.parametrize(("params", "says"), [
    ({"kind": "colour"}, "unknown suggestion kind 'colour'"),
    ({"agent": "nobody"}, "no agent named 'nobody'"),
    ({"score_min": 0.9, "score_max": 0.1}, "score_min (0.9) is above score_max (0.1)"),
    ({"order": "random"}, "order"),
    ({"per_page": 1000}, "per_page"),
])
def test_bad_filters_are_a_422_naming_them(editor: TestClient, params: dict[str, Any], says: str) -> None:
    answer = editor.get("/api/suggestions", params=params)
    assert answer.status_code == 422 and says in answer.json()["error"]["message"]


def test_accept_then_undo_through_the_api_with_the_audit(editor: TestClient, review_app: FastAPI) -> None:
    catalog = review_app.state.collection.catalog
    item = _of(editor, "w09")
    answer = _decide(editor, item, "accept", note="clearly")
    assert answer.status_code == 200, answer.text
    accepted = answer.json()
    assert (accepted["status"], accepted["revision"], accepted["decided_by"], accepted["note"]) == (
        "accepted", item["revision"] + 1, "ed", "clearly")
    assert [a.label for a in catalog.suggestions.assertions(catalog.record_id("w09"))] == [item["label"]]
    entry = catalog.audit.entries(action="suggestion.accept", limit=1)[0]
    assert (entry.actor, entry.object, entry.address) == ("ed", f"suggestion:{item['id']}", "testclient")
    assert editor.get(f"/api/suggestions/{item['id']}").json()["status"] == "accepted"

    undone = editor.post(f"/api/suggestions/{item['id']}/undo", json={"revision": accepted["revision"]})
    assert undone.status_code == 200 and undone.json()["status"] == "proposed"
    assert catalog.suggestions.assertions(catalog.record_id("w09")) == []
    again = editor.post(f"/api/suggestions/{item['id']}/undo", json={"revision": undone.json()["revision"]})
    assert again.status_code == 422 and "nothing to undo" in again.json()["error"]["message"]


def test_a_decision_on_an_old_revision_is_a_409_saying_who_decided(
        editor: TestClient, review_app: FastAPI) -> None:
    other = staff_client(review_app, "admin", "ann")
    item = _of(editor, "w10")
    assert _decide(other, item, "reject").status_code == 200
    late = _decide(editor, item, "accept")
    assert late.status_code == 409
    error = late.json()["error"]
    assert error["code"] == "decided_already" and "rejected by ann" in error["message"]
    catalog = review_app.state.collection.catalog
    assert catalog.suggestions.assertions(catalog.record_id("w10")) == []  # nothing applied


def test_a_stale_suggestion_is_a_409_saying_why_and_can_still_be_rejected(
        editor: TestClient, review_app: FastAPI) -> None:
    catalog = review_app.state.collection.catalog
    item = _of(editor, "w11")
    record = catalog.get("w11")
    record.medium = "tempera"
    catalog.upsert(record)
    now = editor.get(f"/api/suggestions/{item['id']}").json()
    assert now["stale"] and now["stale_reason"] == "its record changed since it was made"
    refused = _decide(editor, item, "accept")
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "stale" and "changed or gone" in error["message"]
    assert _decide(editor, item, "edit", value={"label": "x"}).status_code == 409
    assert _decide(editor, item, "reject").json()["status"] == "rejected"
    stale = _items(editor, stale="yes")  # the record's other tag waits, stale too; the rejected one is gone
    assert {i["record"]["identifier"] for i in stale} == {"w11"}
    assert item["id"] not in {i["id"] for i in stale}


def test_an_edit_with_a_bad_value_is_a_422_naming_the_key(editor: TestClient) -> None:
    item = _of(editor, "w12")
    unknown = _decide(editor, item, "edit", value={"label": "boat", "colour": "red"})
    assert unknown.status_code == 422 and "unknown key 'colour'" in unknown.json()["error"]["message"]
    empty = _decide(editor, item, "edit", value={"label": "  "})
    assert empty.status_code == 422 and "'label' must be non-empty text" in empty.json()["error"]["message"]
    missing = _decide(editor, item, "edit")
    assert missing.status_code == 422 and "needs the corrected value" in missing.json()["error"]["message"]
    edited = _decide(editor, item, "edit", value={"label": "Boat"})
    assert edited.status_code == 200
    assert (edited.json()["status"], edited.json()["final_label"], edited.json()["label"]) == (
        "edited", "Boat", item["label"])


@pytest.mark.parametrize("body", [{"action": "maybe", "revision": 0}, {"action": "accept"},
                                  {"action": "accept", "revision": -1}, {"action": "accept", "revision": 0,
                                                                         "colour": 1}])
def test_a_malformed_decision_is_a_422(editor: TestClient, body: dict[str, Any]) -> None:
    item = _of(editor, "w13")
    answer = editor.post(f"/api/suggestions/{item['id']}/decision", json=body)
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "invalid_request"


def test_an_unknown_suggestion_is_a_404(editor: TestClient) -> None:
    missing = editor.get("/api/suggestions/999999")
    assert missing.status_code == 404 and "no suggestion with id 999999" in missing.json()["error"]["message"]
    answer = editor.post("/api/suggestions/999999/decision", json={"action": "reject", "revision": 0})
    assert answer.status_code == 404


# -- the page and its forms without JavaScript ------------------------------------------------------


def _form(item: dict[str, Any], csrf: str, back: str = "", **fields: str) -> dict[str, str]:
    return {CSRF_FIELD: csrf, "revision": str(item["revision"]), "back": back, **fields}


@pytest.fixture
def plain(review_app: FastAPI) -> tuple[TestClient, str]:
    """A browser without JavaScript: the session cookie, the token only in the forms it posts."""
    cookies, csrf = staff_session(review_app, "editor", "ed")
    return TestClient(review_app, raise_server_exceptions=False, cookies=cookies), csrf


def test_the_page_draws_regions_and_marks_stale_ones(editor: TestClient, review_app: FastAPI) -> None:
    page = editor.get("/review", params={"agent": "regions-test", "order": "id"})
    assert page.status_code == 200
    assert page.text.count('<rect class="region" x="80" y="60" width="80" height="60"/>') == len(REGION_WORKS)
    assert page.text.count('<polygon class="region" points="0,0 120,0 0,90"/>') == len(REGION_WORKS)
    assert page.text.count('viewBox="0 0 240 180"') == 2 * len(REGION_WORKS)
    catalog = review_app.state.collection.catalog
    record = catalog.get("w14")
    record.title = "Study in colour, renamed"
    catalog.upsert(record)
    stale = editor.get("/review", params={"stale": "yes"}).text
    assert 'class="stale-mark"' in stale and "its record changed since it was made" in stale
    assert "Study in colour no. 14" not in stale  # the record as it is now, beside the suggestion


def test_a_suggestion_on_a_deleted_record_shows_it_gone(editor: TestClient, review_app: FastAPI) -> None:
    item = _of(editor, "w18")
    review_app.state.collection.catalog.delete_record("w18")
    now = editor.get(f"/api/suggestions/{item['id']}").json()
    assert now["record"] is None and now["stale"]
    assert now["stale_reason"] == "its record was deleted since it was made"
    page = editor.get("/review", params={"stale": "yes", "kind": "tag"}).text
    assert "A deleted record" in page and "its record was deleted since it was made" in page
    assert _decide(editor, item, "accept").json()["error"]["code"] == "stale"


def test_a_form_decision_redirects_to_the_same_filters_and_says_what_was_done(
        plain: tuple[TestClient, str], editor: TestClient) -> None:
    http, csrf = plain
    item = _of(editor, "w15")
    back = "kind=tag&order=uncertainty&per_page=10&evil=https://x.example"
    answer = http.post(f"/review/{item['id']}/accept", data=_form(item, csrf, back), follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == (
        f"/review?kind=tag&order=uncertainty&per_page=10&done=accept&decided={item['id']}#s{item['id']}")
    shown = http.get(answer.headers["location"])
    assert f"Accepted tag ‘{item['label']}’ (suggestion {item['id']})" in shown.text
    assert 'id="notice-undo"' in shown.text
    assert editor.get(f"/api/suggestions/{item['id']}").json()["status"] == "accepted"
    undo = http.post(f"/review/{item['id']}/undo", data=_form({"revision": item["revision"] + 1}, csrf, back),
                     follow_redirects=False)
    assert undo.status_code == 303
    assert editor.get(f"/api/suggestions/{item['id']}").json()["status"] == "proposed"


def test_a_form_edit_and_its_refusals(plain: tuple[TestClient, str], editor: TestClient) -> None:
    http, csrf = plain
    item = _of(editor, "w16")
    bad = http.post(f"/review/{item['id']}/edit", data=_form(item, csrf, "kind=tag", **{"value.uri": "ftp://x"}))
    assert bad.status_code == 422 and "&#39;uri&#39; must be an http(s) URI" in bad.text
    assert 'id="review-queue"' in bad.text  # the queue again, with the message
    edited = http.post(f"/review/{item['id']}/edit", follow_redirects=False,
                       data=_form(item, csrf, "kind=tag", **{"value.label": "Harbour", "note": "better"}))
    assert edited.status_code == 303
    now = editor.get(f"/api/suggestions/{item['id']}").json()
    assert (now["status"], now["final_value"], now["note"]) == ("edited", {"label": "Harbour"}, "better")
    said = http.get(edited.headers["location"]).text
    assert f"Accepted tag ‘{item['label']}’ as ‘Harbour’ (suggestion {item['id']})" in said
    late = http.post(f"/review/{item['id']}/reject", data=_form(item, csrf, "kind=tag"))
    assert late.status_code == 409 and "edited by ed" in late.text


def test_a_form_without_the_csrf_token_or_the_revision_is_refused(
        plain: tuple[TestClient, str], editor: TestClient) -> None:
    http, csrf = plain
    item = _of(editor, "w17")
    forged = http.post(f"/review/{item['id']}/accept", data={"revision": str(item["revision"])})
    assert forged.status_code == 403
    blind = http.post(f"/review/{item['id']}/accept", data={CSRF_FIELD: csrf})
    assert blind.status_code == 422 and "revision" in blind.text
    assert editor.get(f"/api/suggestions/{item['id']}").json()["status"] == "proposed"


def test_researchers_and_visitors_are_kept_out(review_app: FastAPI, tmp_path: Path) -> None:
    researcher = staff_client(review_app, "researcher", "res")
    assert researcher.get("/review").status_code == 403
    assert researcher.get("/api/suggestions").status_code == 403
    anonymous = TestClient(review_app, raise_server_exceptions=False)
    assert anonymous.get("/api/suggestions").status_code == 401
