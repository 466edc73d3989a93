"""The map page and its JSON/binary API on a copy of the web test collection (PCA layout)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from vitrine.collection import open_collection
from vitrine.maps import build_map, load_map
from vitrine.settings import Settings
from vitrine.web import create_app
from vitrine.web.auth import CSRF_HEADER
from web.staff import staff_session

from .conftest import make_settings


@pytest.fixture(scope="module")
def mapped(collection_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the shared web collection with a map built (the shared one stays map-less)."""
    root = tmp_path_factory.mktemp("mapped") / "coll"
    shutil.copytree(collection_path, root)
    with open_collection(root) as coll:
        build_map(coll, "pca")
    return root


@pytest.fixture(scope="module")
def map_client(mapped: Path) -> Iterator[TestClient]:
    settings: Settings = make_settings(mapped.parent)
    with TestClient(create_app(settings, mapped), raise_server_exceptions=False) as client:
        yield client


def test_points_are_binary_and_match_the_stored_map(map_client: TestClient, mapped: Path) -> None:
    info = map_client.get("/api/map").json()
    assert info["count"] == 24 and info["missing"] == 0 and not info["stale"]
    assert {"creator", "object_type", "source", "year", "school"} <= {f["name"] for f in info["fields"]}
    response = map_client.get(info["points_url"])
    assert response.headers["content-type"] == "application/octet-stream"
    assert "immutable" in response.headers["cache-control"]
    n = info["count"]
    body = response.content
    assert len(body) == 16 * n
    coords = np.frombuffer(body[: 8 * n], "<f4").reshape(n, 2)
    ids = np.frombuffer(body[8 * n: 12 * n], "<u4")
    with open_collection(mapped) as coll:
        data = load_map(coll)
    assert np.array_equal(coords, data.coords) and np.array_equal(ids, data.ids)
    again = map_client.get("/api/map/points", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


def test_atlas_sheets(map_client: TestClient) -> None:
    response = map_client.get("/api/map/atlas/64/0.jpg")
    assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(response.content)) as sheet:
        assert sheet.size == (2048, 2048)
    assert map_client.get("/api/map/atlas/48/0.jpg").json()["error"]["code"] == "not_found"
    assert map_client.get("/api/map/atlas/64/7.jpg").status_code == 404


def test_colors_by_category_and_gradient(map_client: TestClient, mapped: Path) -> None:
    body = map_client.get("/api/map/colors", params={"field": "object_type"}).json()
    assert body["kind"] == "category" and {e["value"] for e in body["legend"]} == {"painting", "print"}
    with open_collection(mapped) as coll:
        data = load_map(coll)
        types = [coll.catalog.get(coll.catalog.image(int(i)).identifier).object_type for i in data.ids]
    assert [body["legend"][c]["value"] for c in body["codes"]] == types
    year = map_client.get("/api/map/colors", params={"field": "year"}).json()
    assert year["kind"] == "gradient" and (year["low"], year["high"]) == (1750, 1980)
    assert year["unknown"] == 1 and year["codes"].count(-1) == 1  # work 4 has no date
    school = map_client.get("/api/map/colors", params={"field": "school"}).json()
    assert {e["value"] for e in school["legend"]} == {"Dutch", "French"}


def test_unknown_field_and_bad_ids(map_client: TestClient) -> None:
    bad = map_client.get("/api/map/colors", params={"field": "nonsense"})
    assert bad.status_code == 422 and "nonsense" in bad.json()["error"]["message"]
    missing = map_client.post("/api/map/works", json={"ids": [987654]})
    assert missing.status_code == 422 and "not on the map" in missing.json()["error"]["message"]
    assert map_client.post("/api/map/works", json={"ids": ["x"]}).status_code == 422
    fmt = map_client.post("/api/map/export", json={"ids": [1], "format": "pdf"})
    assert fmt.status_code == 422 and "csv or iiif" in fmt.json()["error"]["message"]


def test_works_and_exports(map_client: TestClient) -> None:
    works = map_client.post("/api/map/works", json={"ids": [1, 2, 3]}).json()
    assert works["total"] == 3 and works["works"][0]["url"].startswith("/records/")
    response = map_client.post("/api/map/export", json={"ids": [1, 2, 6], "format": "csv"})
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["image_id"] for r in rows] == ["1", "2", "6"] and rows[2]["identifier"] == "acc/1850/5"
    doc = map_client.post("/api/map/export", json={"ids": [6], "format": "iiif", "label": "Mine"}).json()
    assert doc["type"] == "Collection" and doc["label"] == {"en": ["Mine"]}
    manifest_id = doc["items"][0]["id"]
    assert manifest_id == "http://testserver/iiif/acc%2F1850%2F5/manifest"
    manifest = map_client.get(manifest_id.removeprefix("http://testserver"))
    assert manifest.status_code == 200
    body = manifest.json()
    assert body["id"] == manifest_id and body["type"] == "Manifest"
    annotation = body["items"][0]["items"][0]["items"][0]
    assert annotation["motivation"] == "painting" and annotation["body"]["id"].endswith("/images/6/full")


def test_page_with_focus_and_notes(map_client: TestClient) -> None:
    page = map_client.get("/map", params={"focus": "acc/1850/5"})
    assert page.status_code == 200 and 'id="map-root"' in page.text and 'data-focus="[6]"' in page.text
    assert "/static/map.js" in page.text and "map-incomplete" not in page.text
    unknown = map_client.get("/map", params={"focus": "nope"})
    assert "no work with identifier" in unknown.text
    assert "openapi" not in map_client.get("/api/map/points").headers["content-type"]
    paths = map_client.get("/openapi.json").json()["paths"]
    assert {"/api/map", "/api/map/points", "/api/map/colors", "/api/map/export"} <= set(paths)


def test_page_highlights_a_saved_set(map_client: TestClient) -> None:
    cookies, csrf = staff_session(map_client.app, "researcher")  # type: ignore[arg-type]
    map_client.cookies.update(cookies)
    try:
        saved = map_client.post("/api/sets", json={"name": "map-pair", "identifiers": ["acc/1850/5", "w06"]},
                                headers={CSRF_HEADER: csrf})
        assert saved.status_code in (200, 201), saved.text
        page = map_client.get("/map", params={"set": "map-pair"})
        assert 'data-set="[6, 7]"' in page.text and '<span id="map-set-count">2</span>' in page.text
        missing = map_client.get("/map", params={"set": "no-such-set"})
        assert "could not be shown" in missing.text and "no saved set named" in missing.text
    finally:
        map_client.cookies.clear()
    anonymous = map_client.get("/map", params={"set": "map-pair"})
    assert "sign in to see saved sets" in anonymous.text and 'data-set="[6, 7]"' not in anonymous.text


def test_page_without_a_map_says_how(collection_path: Path, tmp_path: Path) -> None:
    root = tmp_path / "coll"
    shutil.copytree(collection_path, root, ignore=shutil.ignore_patterns("map"))
    with TestClient(create_app(make_settings(tmp_path), root)) as client:
        page = client.get("/map")
        assert page.status_code == 200 and "vitrine map build coll" in page.text
        assert "map.js" not in page.text
        api = client.get("/api/map")
        assert api.status_code == 404 and api.json()["error"]["code"] == "no_map"
        assert "vitrine map build" in client.get("/api/map/points").json()["error"]["message"]


def test_page_says_when_the_map_is_incomplete(collection_path: Path, tmp_path: Path) -> None:
    root = tmp_path / "coll"
    shutil.copytree(collection_path, root, ignore=shutil.ignore_patterns("map"))
    with open_collection(root) as coll:
        build_map(coll, "pca", with_atlas=False)
        data = load_map(coll)
        vectors = coll.index.get(data.ids[:2])
        coll.index.add(np.array([9001, 9002], np.int64), vectors)  # two vectors the map lacks
    with TestClient(create_app(make_settings(tmp_path), root)) as client:
        assert "2 images indexed since it was built" in client.get("/map").text
        assert client.get("/api/map").json()["missing"] == 2


def test_json_error_shape(map_client: TestClient) -> None:
    body = json.loads(map_client.post("/api/map/export", json={"ids": [-1]}).text)
    assert body["error"]["code"] == "invalid_query"
