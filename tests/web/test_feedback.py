"""Relevance feedback and saved sets through the JSON API and the pages (no JavaScript)."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlsplit

from fastapi import FastAPI
from fastapi.testclient import TestClient

from web.staff import staff_client


def _ids(body: dict) -> list[str]:
    return [h["identifier"] for h in body["hits"]]


def test_refine_api_leaves_marked_works_out(client: TestClient) -> None:
    body = client.post("/api/search/refine", json={
        "positives": ["w01", "w07"], "negatives": ["w02"], "query_record": "w03", "per_page": 30}).json()
    assert body["kind"] == "refine" and body["total"] == 24 - 4
    assert not {"w01", "w07", "w02", "w03"} & set(_ids(body))
    shown = client.post("/api/search/refine", json={
        "positives": ["w01"], "include_positives": True, "per_page": 30}).json()
    assert "w01" in _ids(shown) and shown["hits"][_ids(shown).index("w01")]["matched_by"] == ["relevant"]


def test_one_relevant_work_with_rocchio_is_more_like_this(client: TestClient) -> None:
    like = client.get("/api/search/record/w07", params={"per_page": 8}).json()
    refined = client.post("/api/search/refine", json={
        "positives": ["w07"], "method": "rocchio", "per_page": 8}).json()
    assert _ids(refined) == _ids(like)


def test_refine_api_filters(client: TestClient) -> None:
    body = client.post("/api/search/refine", json={
        "positives": ["w01"], "filters": {"object_type": "print"}, "per_page": 50}).json()
    assert body["hits"] and all(int(i[1:]) % 2 == 0 for i in _ids(body) if i.startswith("w"))


def test_refine_api_errors_are_clear(client: TestClient) -> None:
    empty = client.post("/api/search/refine", json={})
    assert empty.status_code == 422 and "no feedback" in empty.json()["error"]["message"]
    unknown = client.post("/api/search/refine", json={"positives": ["w01", "ghost"]})
    assert unknown.status_code == 422 and "'ghost'" in unknown.json()["error"]["message"]
    two = client.post("/api/search/refine", json={"positives": ["w01"], "query_record": "w02",
                                                  "query_text": "colour"})
    assert two.status_code == 422 and "at most one" in two.json()["error"]["message"]
    magic = client.post("/api/search/refine", json={"positives": ["w01"], "method": "magic"})
    assert magic.status_code == 422
    gone = client.post("/api/search/refine", json={"positives": ["w01"], "photo": "expired"})
    assert gone.status_code == 410


def test_sets_api_create_show_update_delete(researcher: TestClient) -> None:
    made = researcher.post("/api/sets", json={"name": "api picks", "description": "d",
                                          "identifiers": ["w04", "w02"]})
    assert made.status_code == 201 and made.json()["identifiers"] == ["w04", "w02"]
    assert made.json()["map_url"] == "/map?set=api+picks"
    assert researcher.post("/api/sets", json={"name": "api picks"}).status_code == 409
    assert "api picks" in [s["name"] for s in researcher.get("/api/sets").json()]
    shown = researcher.get("/api/sets/api picks").json()
    assert [w["identifier"] for w in shown["works"]] == ["w04", "w02"] and shown["works"][0]["thumbnail_url"]
    patched = researcher.patch("/api/sets/api picks",
                           json={"name": "api kept", "add": ["w09"], "remove": ["w04"]})
    assert patched.status_code == 200 and patched.json()["identifiers"] == ["w02", "w09"]
    assert researcher.patch("/api/sets/api kept", json={"add": ["ghost"]}).status_code == 422
    table = researcher.get("/sets/api kept/records.csv")
    assert table.headers["content-type"].startswith("text/csv")
    assert [r["identifier"] for r in csv.DictReader(io.StringIO(table.text))] == ["w02", "w09"]
    assert researcher.delete("/api/sets/api kept").status_code == 204
    missing = researcher.get("/api/sets/api kept")
    assert missing.status_code == 404 and "no saved set named" in missing.json()["error"]["message"]
    assert researcher.post("/api/sets", json={"name": "../etc"}).status_code == 422


def test_sets_api_from_marks(researcher: TestClient) -> None:
    made = researcher.post("/api/sets", json={
        "name": "from marks", "positives": ["w01"], "negatives": ["w02"],
        "query": {"kind": "record", "value": "w03"}, "results": 5}).json()
    try:
        assert made["identifiers"][0] == "w01" and len(made["identifiers"]) == 6
        assert "w02" not in made["identifiers"] and made["query"] == {"kind": "record", "value": "w03"}
    finally:
        researcher.delete("/api/sets/from marks")


def test_search_page_marks_without_javascript(client: TestClient) -> None:
    toggled = client.get("/search", params={"like": "w03", "mark": "pos:w08"}, follow_redirects=False)
    assert toggled.status_code == 303
    target = toggled.headers["location"].split("#")[0]
    params = parse_qs(urlsplit(target).query)
    assert params["pos"] == ["w08"] and params["like"] == ["w03"] and "mark" not in params
    page = client.get(target).text
    assert "Marked relevant" in page
    assert 'value="pos:w08" data-id="w08" data-kind="pos" aria-pressed="true"' in page
    grid = page.split('id="result-grid"')[1]
    assert 'data-identifier="w08"' not in grid and 'href="/regions?record=w00"' in grid
    assert 'href="/map?focus=w00"' in grid
    again = client.get(target + "&mark=pos:w08", follow_redirects=False).headers["location"]
    assert "pos=" not in again  # a second click takes the mark back
    refined = client.get(target + "&refined=1&neg=w06").text
    assert "Refined with your marks" in refined and "Marked not relevant (1)" in refined
    assert "pos=w08&amp;neg=w06&amp;refined=1" in refined  # pagination and facets keep the session


def test_save_from_the_search_page_then_the_set_pages(researcher: TestClient) -> None:
    form = {"like": "w03", "pos": ["w08", "w09"], "neg": "w06", "refined": "1", "name": "Page set",
            "description": "saved from the page"}
    saved = researcher.post("/sets", data=form, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/sets/Page%20set"
    body = researcher.get("/api/sets/Page set").json()
    assert body["identifiers"][:2] == ["w08", "w09"] and len(body["identifiers"]) == 2 + 20
    assert "w06" not in body["identifiers"] and "w03" not in body["identifiers"]
    assert body["method"] == "svm" and body["query"] == {"kind": "record", "value": "w03"}
    page = researcher.get("/sets/Page set").text
    assert 'href="/map?set=Page+set"' in page and 'href="/sets/Page%20set/records.csv"' in page
    assert "saved from the page" in page and page.count('class="card"') == 22
    assert "pos=w08&amp;pos=w09&amp;neg=w06&amp;refined=1" in page  # continue refining
    assert researcher.post("/sets", data=form).status_code == 409
    assert "Page set" in researcher.get("/sets").text
    deleted = researcher.post("/sets/Page set/delete", follow_redirects=False)
    assert deleted.status_code == 303 and researcher.get("/sets/Page set").status_code == 404


def test_saved_sets_need_an_account(client: TestClient, researcher: TestClient) -> None:
    made = researcher.post("/api/sets", json={"name": "signed picks", "identifiers": ["w04"]})
    assert made.status_code == 201 and made.json()["owner"] == "test-researcher"
    try:
        for method, path in (("GET", "/api/sets"), ("GET", "/api/sets/signed picks"),
                             ("DELETE", "/api/sets/signed picks"), ("GET", "/sets"),
                             ("GET", "/sets/signed picks/records.csv")):
            assert client.request(method, path).status_code == 401, path
        assert client.post("/api/sets", json={"name": "anon", "identifiers": ["w04"]}).status_code == 401
        assert client.post("/sets", data={"like": "w03", "name": "anon"}).status_code == 401
        assert researcher.get("/api/sets/signed picks").status_code == 200
    finally:
        researcher.delete("/api/sets/signed picks")


def test_the_owner_shares_a_set_from_its_page_and_makes_it_private_again(
    app: FastAPI, researcher: TestClient,
) -> None:
    other = staff_client(app, "researcher", "other-researcher")
    made = researcher.post("/api/sets", json={"name": "shared picks", "identifiers": ["w04"]})
    assert made.status_code == 201
    try:
        page = researcher.get("/sets/shared picks").text
        assert 'id="set-shared">' in page and "private: test-researcher" in page  # not ticked yet
        assert other.get("/sets/shared picks").status_code == 404
        shared = researcher.post("/sets/shared picks/sharing", data={"shared": "1"}, follow_redirects=False)
        assert shared.status_code == 303 and shared.headers["location"] == "/sets/shared%20picks"
        assert 'id="set-shared" checked>' in researcher.get("/sets/shared picks").text
        listed = other.get("/sets").text.split('href="/sets/shared%20picks"')[1].split("</li>")[0]
        assert '<span class="set-visibility">shared</span> · by test-researcher' in listed
        seen = other.get("/sets/shared picks").text
        assert "shared: all staff" in seen and 'id="set-sharing"' not in seen  # seen, not changed
        assert other.post("/sets/shared picks/sharing", data={}).status_code == 403
        row = app.state.collection.catalog.audit.entries(action="set.update", limit=1)[0]
        assert (row.actor, row.object, row.after["shared"]) == ("test-researcher", "shared picks", True)
        assert researcher.post("/sets/shared picks/sharing", data={}).status_code == 200  # unticked
        assert '<span class="set-visibility">private</span>' in researcher.get("/sets").text
        assert other.get("/sets/shared picks").status_code == 404
    finally:
        researcher.delete("/api/sets/shared picks")


def test_refine_and_sets_are_in_the_api_docs(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/search/refine", "/api/sets", "/api/sets/{name}", "/sets/{name}/records.csv"} <= set(paths)
    assert "/sets" not in paths
