"""The JSON API and the HTML pages it shares its searches with."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def test_text_search_and_filters(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "study colour"}).json()
    assert body["kind"] == "text" and body["total"] > 0 and not body["no_good_match"]
    prints = client.get("/api/search", params={"object_type": "print", "per_page": 50}).json()
    assert prints["total"] == 12
    types = {client.get(f"/api/records/{h['identifier']}").json()["object_type"] for h in prints["hits"]}
    assert types == {"print"}
    nothing = client.get("/api/search", params={"q": "zebra"}).json()
    assert nothing["no_good_match"]


def test_image_search_applies_filters(client: TestClient, photo: bytes) -> None:
    files = {"photo": ("p.jpg", photo, "image/jpeg")}
    best = client.post("/api/search/image", files=files).json()["hits"][0]
    assert best["identifier"] == "w07" and best["strength"] and best["thumbnail_url"]
    south = client.post("/api/search/image", files=files, data={"source": "South Museum"}).json()
    assert south["total"] > 0 and "w07" not in {h["identifier"] for h in south["hits"]}
    assert all(int(h["identifier"][1:]) >= 12 for h in south["hits"])


def test_more_like_this_and_records(client: TestClient) -> None:
    similar = client.get("/api/search/record/w02").json()
    assert similar["kind"] == "record" and "w02" not in {h["identifier"] for h in similar["hits"]}
    record = client.get("/api/records/acc/1850/5").json()
    assert record["extra"]["school"] and record["images"][0]["url"].startswith("/images/")
    assert record["source_url"] == "https://museum.example/objects/5"


def test_facets_with_counts(client: TestClient) -> None:
    facets = client.get("/api/facets").json()["facets"]
    assert set(facets) >= {"object_type", "creator", "century", "source", "school"}
    assert {f["value"]: f["count"] for f in facets["source"]} == {"North Museum": 12, "South Museum": 12}
    filtered = client.get("/api/facets", params={"century": 18}).json()["facets"]
    assert sum(f["count"] for f in filtered["object_type"]) < 24


def test_gallery_api_and_openapi(client: TestClient) -> None:
    assert "entries" in client.get("/api/gallery").json()
    spec: dict[str, Any] = client.get("/openapi.json").json()
    paths = ("/api/search", "/api/search/image", "/api/records/{identifier}", "/api/facets", "/api/gallery")
    for path in paths:
        assert path in spec["paths"], path
    assert "multipart/form-data" in spec["paths"]["/api/search/image"]["post"]["requestBody"]["content"]
    assert client.get("/api/docs").status_code == 200


def test_pages_render_with_long_titles_missing_fields_and_facets(client: TestClient) -> None:
    long_title = client.get("/records/w03")
    assert long_title.status_code == 200 and "An extraordinarily long title" in long_title.text
    missing = client.get("/records/w04").text
    assert "Untitled" in missing and 'id="zoom"' in missing and "https://museum.example/objects/4" in missing
    assert "School" in missing and "Similar works" in missing
    page = client.get("/search", params={"object_type": "print", "school": "Dutch"}).text
    assert 'aria-current="true"' in page and "Museum / source" in page and "More like this" in page
    alt = client.get("/search", params={"q": "colour 7"}).text
    assert 'alt="Study in colour no. 7, by Anna Painter, 1820"' in alt


def test_pagination_and_visual_search_page(client: TestClient, photo: bytes) -> None:
    page2 = client.get("/search", params={"page": 2}).text
    assert "Page 2 of" in page2
    redirect = client.post("/search", files={"photo": ("p.jpg", photo, "image/jpeg")},
                           data={"object_type": "painting"}, follow_redirects=False)
    assert redirect.status_code == 303 and "photo=" in redirect.headers["location"]
    assert "object_type=painting" in redirect.headers["location"]
    results = client.get(redirect.headers["location"]).text
    assert "Works that look like your image" in results and "Study in colour no. 7" in results
