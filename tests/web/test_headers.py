"""Security headers on every response, CORS where IIIF viewers need it, and pages that obey the CSP."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

PAGES = ["/", "/search?q=colour", "/records/w07", "/regions?record=w07", "/map", "/sets", "/duplicates",
         "/gallery", "/search?like=w07&pos=w03&refined=1"]


@pytest.mark.parametrize("path", [*PAGES, "/api/search?q=colour", "/images/1/thumbnail", "/nowhere",
                                  "/static/style.css", "/iiif/w07/manifest"])
def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'self'" in csp and "object-src 'none'" in csp


def test_iiif_images_and_manifests_allow_any_origin_the_rest_does_not(client: TestClient,
                                                                      researcher: TestClient) -> None:
    origin = {"Origin": "https://viewer.example"}
    image = client.get("/api/search?q=colour").json()["hits"][0]["image_id"]
    for path in (f"/images/{image}/full", f"/images/{image}/thumbnail", "/iiif/w07/manifest"):
        assert client.get(path, headers=origin).headers["access-control-allow-origin"] == "*", path
    for path in ("/search?q=colour", "/api/search?q=colour", "/api/sets", "/gallery"):
        assert "access-control-allow-origin" not in researcher.get(path, headers=origin).headers, path
    posted = researcher.post("/api/sets", json={"name": "x", "identifiers": ["w07"]}, headers=origin)
    assert posted.status_code == 201 and "access-control-allow-origin" not in posted.headers
    researcher.delete("/api/sets/x")


@pytest.mark.parametrize(("production", "secure"), [(True, True), (False, False)])
def test_cookies_are_secure_outside_development(production: bool, secure: bool) -> None:
    from starlette.responses import Response

    from vitrine.web.headers import SecurityHeaders

    async def app(scope: Any, receive: Any, send: Any) -> None:
        response = Response("x")
        response.set_cookie("session", "abc", httponly=True)
        response.set_cookie("already", "1", secure=True)
        await response(scope, receive, send)

    client = TestClient(SecurityHeaders(app, secure_cookies=production))
    cookies = client.get("/").headers.get_list("set-cookie")
    assert len(cookies) == 2
    session = next(c for c in cookies if c.startswith("session="))
    assert ("secure" in session.lower()) is secure
    assert sum(c.lower().count("secure") for c in cookies) == (2 if secure else 1)  # never twice
