"""The reconciliation service at /reconcile, with the request shapes OpenRefine sends."""

from __future__ import annotations

import json
from urllib.parse import quote

from fastapi.testclient import TestClient

OPENREFINE = {"q0": {"query": "Anna Painter", "type": "person", "type_strict": "should", "limit": 3},
              "q1": {"query": "Study in colour no. 7", "limit": 2},
              "q2": {"query": "Nobody Atall", "type": [{"id": "person", "name": "Person"}]}}


def test_the_manifest_names_the_service_and_its_endpoints(client: TestClient) -> None:
    response = client.get("/reconcile")
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    manifest = response.json()
    assert "0.2" in manifest["versions"] and manifest["batchSize"] == 50
    assert manifest["identifierSpace"].endswith("/reconcile/entity/")
    assert "{{id}}" in manifest["preview"]["url"] and manifest["preview"]["width"] > 0
    assert {t["id"] for t in manifest["defaultTypes"]} >= {"work", "person"}
    assert manifest["suggest"]["entity"]["service_path"] == "/suggest/entity"


def test_a_form_encoded_batch_as_openrefine_posts_it(client: TestClient) -> None:
    response = client.post("/reconcile", data={"queries": json.dumps(OPENREFINE)})
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == "*"
    results = response.json()
    assert set(results) == {"q0", "q1", "q2"}
    anna = results["q0"]["result"]
    assert anna[0]["name"] == "Anna Painter" and anna[0]["type"][0]["id"] == "person"
    assert anna[0]["id"].startswith("person:") and 0 <= anna[0]["score"] <= 100
    features = {f["id"]: f["value"] for f in anna[0]["features"]}
    assert features["name_exact"] is True and features["name_sort"] == 1.0
    assert isinstance(anna[0]["match"], bool)
    work = results["q1"]["result"]
    assert work[0]["id"] == "work:w07" and len(work) <= 2
    assert all(c["type"][0]["id"] == "person" for c in results["q2"]["result"])


def test_a_json_body_and_a_get_give_the_same_batch(client: TestClient) -> None:
    posted = client.post("/reconcile", json={"queries": OPENREFINE}).json()
    bare = client.post("/reconcile", json=OPENREFINE).json()
    got = client.get("/reconcile", params={"queries": json.dumps(OPENREFINE)}).json()
    assert posted == bare == got


#: query shapes that once reached the code as they came (a 500), each with what its refusal names
MALFORMED = [({"properties": 5}, "query 'q0': 'properties' must be a list"),
             ({"properties": {"pid": "year", "v": 1900}}, "'properties' must be a list"),
             ({"properties": [5]}, "'properties' must be a list"),
             ({"properties": [{"pid": "year", "v": {"a": 1}}]}, "property 'year' needs a year"),
             ({"properties": [{"pid": "year", "v": "1e400"}]}, "property 'year' needs a year"),
             ({"properties": [{"pid": ["year"], "v": 1900}]}, "properties take a pid among"),
             ({"type": [["a"]]}, "query 'q0': 'type' is a type's id or a list of them"),
             ({"type": {"id": 5}}, "'type' is a type's id"), ({"type": 7}, "'type' is a type's id"),
             ({"type": [{"id": "ship"}]}, "unknown type 'ship'"),
             ({"limit": "3"}, "'limit' must be a whole number from 1 to 1000"),
             ({"limit": True}, "'limit'"), ({"limit": 10**9}, "'limit'"),
             ({"type_strict": "sometimes"}, "'type_strict' is one of any, all, should"),
             ({"query": ["x"]}, "needs a non-empty 'query' text")]


def test_bad_batches_are_refused_naming_what_is_wrong(client: TestClient) -> None:
    cases = [("not json", "not valid JSON"), (json.dumps([1]), "JSON object"),
             (json.dumps({"q0": {"limit": 3}}), "'q0'"), (json.dumps({"q0": "Anna"}), "'q0'"),
             (json.dumps({"q0": {"query": "Anna", "type": "ship"}}), "unknown type 'ship'"),
             (json.dumps({"q0": {"query": "Anna", "limit": 0}}), "limit"),
             (json.dumps({"q0": {"query": "A", "properties": [{"pid": "height", "v": 3}]}}), "pid"),
             (json.dumps({f"q{i}": {"query": "A"} for i in range(51)}), "at most 50"),
             *((json.dumps({"q0": {"query": "x", **shape}}), says) for shape, says in MALFORMED)]
    for text, says in cases:
        response = client.post("/reconcile", data={"queries": text})
        assert response.status_code == 422, text
        assert says in response.json()["error"]["message"], (text, response.json())
    huge = client.post("/reconcile", content=b"queries=" + b"x" * 1_000_001,
                       headers={"content-type": "application/x-www-form-urlencoded"})
    assert huge.status_code == 413


def test_preview_is_escaped_frameable_html(client: TestClient) -> None:
    results = client.post("/reconcile", data={"queries": json.dumps(OPENREFINE)}).json()
    person = results["q0"]["result"][0]["id"]
    page = client.get(f"/reconcile/preview/{quote(person, safe='')}")
    assert page.status_code == 200 and "Anna Painter" in page.text
    assert "frame-ancestors *" in page.headers["content-security-policy"]
    work = client.get("/reconcile/preview/work:acc/1850/5")
    assert work.status_code == 200 and "/records/acc%2F1850%2F5" in work.text
    assert client.get("/reconcile/preview/person:nobody").status_code == 404


def test_suggest_entities_properties_and_types(client: TestClient) -> None:
    entities = client.get("/reconcile/suggest/entity", params={"prefix": "anna"}).json()["result"]
    assert entities[0]["name"] == "Anna Painter" and entities[0]["notable"][0]["id"] == "person"
    works = client.get("/reconcile/suggest/entity", params={"prefix": "study in colour", "cursor": 1}).json()
    assert works["result"] and all("Study in colour" in r["name"] for r in works["result"])
    types = client.get("/reconcile/suggest/type", params={"prefix": "per"}).json()["result"]
    assert [r["id"] for r in types] == ["person"]
    props = client.get("/reconcile/suggest/property", params={"prefix": "year"}).json()["result"]
    assert props[0]["id"] == "year"
    assert client.get("/reconcile/suggest/ship").status_code == 422


def test_cors_preflight_for_a_json_post(client: TestClient) -> None:
    response = client.options("/reconcile", headers={"Origin": "https://refine.example",
                                                     "Access-Control-Request-Method": "POST"})
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in response.headers
    elsewhere = client.options("/api/search", headers={"Origin": "https://refine.example"})
    assert "access-control-allow-origin" not in elsewhere.headers
