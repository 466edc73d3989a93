"""Region search over HTTP: the page, the JSON API (box and upload) and their errors."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from motifs import SCENES, make_collection, motif_box, scene
from vitrine.web import create_app


@pytest.fixture(scope="module")
def regions_client(
    tmp_path_factory: pytest.TempPathFactory, web_settings: Callable[..., Any],
) -> Iterator[TestClient]:
    root = make_collection(tmp_path_factory.mktemp("regions-web"))
    with TestClient(create_app(web_settings(root.parent), root), raise_server_exceptions=False) as client:
        yield client


def png(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def test_box_query_returns_regions_and_quads(regions_client: TestClient) -> None:
    box = motif_box("a")
    response = regions_client.post("/api/regions/search", json={"record": "a", "box": box})
    assert response.status_code == 200, response.text
    body = response.json()
    hits = {h["identifier"]: h for h in body["hits"]}
    assert set(hits) == {"b", "c"}
    for name, hit in hits.items():
        assert np.allclose(hit["region"], motif_box(name), atol=6)
        assert len(hit["quad"]) == 4 and hit["url"] == f"/records/{name}"
        assert hit["thumbnail_url"].endswith("/thumbnail") and hit["image_size"] == [420, 320]
    assert body["box"] == list(box) and body["query_features"] > 0


def test_box_query_can_keep_the_query_image_and_filter(regions_client: TestClient) -> None:
    query = {"record": "a", "box": motif_box("a"), "include_self": True}
    response = regions_client.post("/api/regions/search?object_type=drawing", json=query)
    assert [h["identifier"] for h in response.json()["hits"]] == ["c"]
    response = regions_client.post("/api/regions/search", json=query)
    first = response.json()["hits"][0]
    assert first["identifier"] == "a" and first["is_query_image"]


def test_upload_query(regions_client: TestClient) -> None:
    x0, y0, x1, y1 = (round(v) for v in motif_box("c"))
    crop = scene(3, SCENES["c"])[0].crop((x0, y0, x1, y1))
    response = regions_client.post("/api/regions/search", files={"photo": ("x.png", png(crop), "image/png")})
    assert response.status_code == 200, response.text
    assert {h["identifier"] for h in response.json()["hits"]} == {"a", "b", "c"}


def test_a_large_upload_is_searched_reduced_with_its_box_in_its_pixels(regions_client: TestClient) -> None:
    # 2520x1920: decoded within the region side (1024), yet the box and the answer speak of the
    # uploaded image's pixels, not of the reduced copy's
    big = scene(3, SCENES["c"])[0].resize((2520, 1920), Image.Resampling.BICUBIC)
    box = [round(v * 6) for v in motif_box("c")]
    response = regions_client.post(
        "/api/regions/search", files={"photo": ("x.png", png(big), "image/png")},
        data={"box": ",".join(map(str, box))})
    assert response.status_code == 200, response.text
    assert response.json()["box"] == box
    assert {h["identifier"] for h in response.json()["hits"]} >= {"c"}


@pytest.mark.parametrize(("payload", "status", "code"), [
    ({"record": "nobody", "box": [0, 0, 50, 50]}, 404, "not_found"),
    ({"record": "a", "box": [50, 50, 40, 90]}, 422, "invalid_query"),
    ({"record": "a", "box": [900, 900, 1000, 1000]}, 422, "invalid_query"),
    ({"record": "a", "box": [0, 0, 50]}, 422, "invalid_request"),
    ({"record": "a", "box": [0, 0, 50, 50], "image_index": 4}, 422, "invalid_query"),
])
def test_bad_box_queries(regions_client: TestClient, payload: dict[str, Any], status: int, code: str) -> None:
    response = regions_client.post("/api/regions/search", json=payload)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


def test_upload_refusals(regions_client: TestClient) -> None:
    response = regions_client.post("/api/regions/search", files={"photo": ("x.png", b"hello", "image/png")})
    assert response.status_code == 415
    blank = png(Image.new("RGB", (120, 80), "white"))
    response = regions_client.post("/api/regions/search", files={"photo": ("x.png", blank, "image/png")})
    assert response.status_code == 422 and "distinctive" in response.json()["error"]["message"]


def test_page_draws_and_shows_results(regions_client: TestClient) -> None:
    page = regions_client.get("/regions", params={"record": "a"})
    assert page.status_code == 200
    assert 'id="regions-canvas"' in page.text and 'name="x0"' in page.text
    x0, y0, x1, y1 = motif_box("a")
    results = regions_client.get("/regions", params={"record": "a", "x0": x0, "y0": y0, "x1": x1, "y1": y1})
    assert results.status_code == 200
    assert results.text.count("<polygon") == 2 and 'href="/records/b"' in results.text
    empty = regions_client.get("/regions", params={"record": "a", "box": "10,10,10,40"})
    assert empty.status_code == 200 and "empty" in empty.text
    assert regions_client.get("/regions", params={"record": "nobody"}).status_code == 404
    assert regions_client.get("/regions", params={"record": "a", "box": "a,b"}).status_code == 422


def test_upload_page(regions_client: TestClient) -> None:
    x0, y0, x1, y1 = (round(v) for v in motif_box("a"))
    crop = scene(1, SCENES["a"])[0].crop((x0, y0, x1, y1))
    response = regions_client.post("/regions", files={"photo": ("x.png", png(crop), "image/png")})
    assert response.status_code == 200
    assert response.text.count("<polygon") == 3 and "data:image/jpeg;base64," in response.text


def test_collection_without_region_index_says_how_to_build_it(client: TestClient) -> None:
    page = client.get("/regions", params={"record": "w01"})
    assert page.status_code == 200 and "vitrine regions index" in page.text
    response = client.post("/api/regions/search", json={"record": "w01", "box": [0, 0, 100, 100]})
    assert response.status_code == 503 and "vitrine regions index" in response.json()["error"]["message"]


def test_api_is_documented(regions_client: TestClient) -> None:
    paths = regions_client.get("/openapi.json").json()["paths"]
    assert "/api/regions/search" in paths and "/regions" not in paths
