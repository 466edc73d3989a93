"""Hostile requests to the live server: numbers, paths, script, headers, forms, the gallery, rate limits."""

from __future__ import annotations

import http.client
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from hostile.conftest import XSS_TITLE, png, web_settings
from vitrine.web import create_app
from vitrine.web.background import serving

HUGE = "9" * 22


@pytest.mark.parametrize("path", [
    f"/images/{HUGE}/full", f"/images/{HUGE}/thumbnail", "/images/-1/full", f"/api/search?page={HUGE}",
    "/api/search?page=0", "/api/search?page=-3", f"/api/search?per_page={HUGE}", "/api/search?per_page=0",
    f"/search?page={HUGE}", "/search?page=0", "/gallery?page=0", f"/api/gallery?per_page={HUGE}",
    f"/regions?record=r01&image={HUGE}", f"/api/search/record/r01?page={HUGE}", "/api/search?year_from=abc",
])
def test_an_out_of_range_number_is_a_clear_422(http: httpx.Client, path: str) -> None:
    response = http.get(path)
    assert response.status_code == 422, (response.status_code, response.text[:300])
    assert "Traceback" not in response.text
    if path.startswith("/api/"):
        assert response.json()["error"]["code"] in ("invalid_request", "bad_filter")


@pytest.mark.parametrize("path", [
    f"/api/search?year_from={HUGE}", f"/api/search?year_to=-{HUGE}", f"/api/search?century={HUGE}",
    f"/search?century=-{HUGE}", f"/api/facets?year_from={HUGE}", f"/api/search/record/r01?year_to={HUGE}",
])
def test_an_out_of_range_year_filter_is_a_clear_422(server: str, path: str) -> None:
    # a client of its own: uvicorn drops the connection after a 500, which would break the shared one
    with httpx.Client(base_url=server, timeout=30) as client:
        response = client.get(path)
    assert response.status_code == 422, (response.status_code, response.text[:300])


def _raw_get(server: str, path: str) -> tuple[int, bytes]:
    """GET `path` exactly as written: no client normalises its dot segments or escapes away."""
    parts = urlsplit(server)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("path", [
    "/static/../catalog.sqlite", "/static/../../museum/catalog.sqlite", "/static/%2e%2e/catalog.sqlite",
    "/static/%2e%2e%2f%2e%2e%2fmuseum%2fcatalog.sqlite", "/static/..%2f..%2f..%2fetc%2fpasswd",
    "/static//etc/passwd", "/static/%2fetc%2fpasswd", "/images/../../etc/passwd",
    "/images/%2e%2e/%2e%2e/etc/passwd/full", "/images/..%2f..%2fcatalog.sqlite/full",
    "/gallery/..%2f..%2fcatalog.sqlite/photo.jpg", "/gallery/%2e%2e/photo.jpg",
    "/share/..%2f..%2fetc%2fpasswd/photo.jpg", "/search/photo/..%2f..%2fetc%2fpasswd.jpg",
    "/iiif/..%2f..%2f..%2fetc%2fpasswd/manifest",
    "/api/map/atlas/..%2f..%2fcatalog/sheet.jpg", "/../../../../etc/passwd",
])
def test_a_path_trick_never_reaches_a_file(server: str, collection_path: Path, path: str) -> None:
    status, body = _raw_get(server, path)
    assert status in (400, 404, 410, 422), (status, body[:200])
    assert b"root:" not in body and b"SQLite format" not in body
    assert b"Traceback" not in body and str(collection_path).encode() not in body


def test_a_title_of_script_is_escaped_on_its_record_page(http: httpx.Client) -> None:
    page = http.get("/records/xss").text
    assert XSS_TITLE not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page


@pytest.mark.parametrize("q", [XSS_TITLE, '"><script>alert(1)</script>', "'><svg onload=alert(1)>",
                               "javascript:alert(1)"])
def test_script_in_a_query_is_escaped_on_the_search_page(http: httpx.Client, q: str) -> None:
    page = http.get("/search", params={"q": q}).text
    assert "<script>alert" not in page and "<svg onload" not in page and "<img src=x" not in page
    assert 'href="javascript:' not in page


def test_script_in_a_title_is_escaped_in_search_results(http: httpx.Client) -> None:
    page = http.get("/search", params={"like": "t01"}).text
    assert "/records/xss" in page  # the work is listed ...
    assert XSS_TITLE not in page and "<img src=x" not in page  # ... and its title is inert


@pytest.mark.parametrize("path", ["/", "/search?q=storm", "/records/r01", "/gallery", "/api/search?q=storm",
                                  "/api/records/nope", "/nowhere", "/static/style.css", "/images/1/thumbnail",
                                  f"/images/{HUGE}/full", "/iiif/r01/manifest"])
def test_every_answer_carries_the_security_headers(http: httpx.Client, path: str) -> None:
    headers = http.get(path).headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "SAMEORIGIN"
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "object-src 'none'" in csp


def test_any_origin_may_read_images_and_iiif_and_nothing_else(http: httpx.Client,
                                                              staff_http: httpx.Client) -> None:
    origin = {"Origin": "https://evil.example"}
    image = http.get("/api/search", params={"q": "storm"}).json()["hits"][0]["image_id"]
    for path in (f"/images/{image}/full", f"/images/{image}/thumbnail", "/iiif/r01/manifest"):
        assert http.get(path, headers=origin).headers["access-control-allow-origin"] == "*", path
    for path in ("/api/sets", "/api/search?q=storm", "/search?q=storm", "/records/r01", "/gallery"):
        assert "access-control-allow-origin" not in staff_http.get(path, headers=origin).headers, path
    preflight = http.options("/api/sets", headers={**origin, "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers
    posted = staff_http.post("/api/sets", json={"name": "cors", "identifiers": ["r01"]}, headers=origin)
    assert posted.status_code == 201 and "access-control-allow-origin" not in posted.headers
    staff_http.delete("/api/sets/cors")


@pytest.mark.parametrize(("content", "content_type"), [
    (b'{"name": "x", "identifiers": ["r01"]}', "text/plain"),
    (b'{"name": "x", "identifiers": ["r01"]}', "application/x-www-form-urlencoded"),
    (b"{not json at all", "application/json"),
    (b"\xff\xfe\x00garbage", "application/json"),
    (b'{"name": "x", "identifiers": "r01"}', "application/json"),
    (b"[]", "application/json"),
    (b"", "application/json"),
])
def test_a_set_posted_in_the_wrong_shape_is_a_clear_422(
    http: httpx.Client, staff_http: httpx.Client, content: bytes, content_type: str,
) -> None:
    response = staff_http.post("/api/sets", content=content, headers={"content-type": content_type})
    assert response.status_code == 422, (response.status_code, response.text[:300])
    assert response.json()["error"]["message"] and "Traceback" not in response.text
    assert staff_http.get("/api/sets/x").status_code == 404
    # without an account it is refused too: 401, or 422 where the body is not JSON at all (read first)
    anonymous = http.post("/api/sets", content=content, headers={"content-type": content_type})
    assert anonymous.status_code in (401, 422) and http.get("/api/sets/x").status_code == 401


def test_a_gallery_removal_without_a_body_says_the_token_is_missing(http: httpx.Client) -> None:
    answer = http.post(f"/gallery/{'0' * 16}/remove", headers={"accept": "application/json"})
    assert answer.status_code == 422
    assert "removal token is missing" in answer.json()["error"]["message"]
    page = http.post(f"/gallery/{'0' * 16}/remove")
    assert page.status_code == 422 and "removal token is missing" in page.text


def _share(http: httpx.Client, data: bytes) -> tuple[str, str]:
    response = http.post("/share", files={"photo": ("view.png", data, "image/png")})
    assert response.status_code == 200, response.text[:300]
    sealed = re.search(r'name="sealed" value="([A-Za-z0-9_=-]+)"', response.text)
    assert sealed is not None
    return response.text, sealed.group(1)


def test_the_gallery_refuses_a_forged_work_and_the_same_photo_twice(
    http: httpx.Client, collection_path: Path,
) -> None:
    photo = png(6, size=200)  # sample work r06, larger, as a visitor's photo of it
    page, sealed = _share(http, photo)
    unshown = next(i for i in ("t01", "xss", *(f"r{i:02d}" for i in range(8))) if f"/records/{i}" not in page)
    for forged in (unshown, "../../catalog", "nope" * 100):
        answer = http.post("/share/gallery", data={"sealed": sealed, "identifier": forged, "consent": "yes"})
        assert answer.status_code == 422 and "matched with" in answer.text, forged
    shown = re.search(r'name="identifier" value="([^"]+)"', page)
    assert shown is not None
    chosen = {"sealed": sealed, "identifier": shown.group(1), "consent": "yes"}
    first = http.post("/share/gallery", data=chosen)
    assert first.status_code == 200
    entries = len(list((collection_path / "gallery").glob("*.jpg")))
    again = http.post("/share/gallery", data=chosen, headers={"accept": "application/json"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_in_gallery"
    _, sealed2 = _share(http, photo)  # the same photo sent again is still the same photo
    twice = http.post("/share/gallery", data={**chosen, "sealed": sealed2})
    assert twice.status_code == 409 and "already" in twice.text
    assert len(list((collection_path / "gallery").glob("*.jpg"))) == entries


@pytest.fixture(scope="module")
def limited(collection_path: Path) -> Iterator[str]:
    """A second server of the same collection with a rate limit of 3 requests a minute."""
    settings = web_settings(collection_path.parent, rate_limit_per_minute=3)
    with serving(create_app(settings, collection_path)) as url:
        yield url


def test_a_flood_of_requests_is_answered_429_with_retry_after(limited: str) -> None:
    with httpx.Client(base_url=limited, timeout=30) as client:
        codes = [client.get("/api/search", params={"q": "storm"}).status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
        refused = client.get("/api/search")
        assert refused.json()["error"]["code"] == "rate_limited" and int(refused.headers["retry-after"]) > 0
        page = client.get("/search")
        assert page.status_code == 429 and page.headers["retry-after"] and "Traceback" not in page.text
        upload = client.post("/api/search/image", files={"photo": ("p.png", png(1), "image/png")})
        assert upload.status_code == 429
