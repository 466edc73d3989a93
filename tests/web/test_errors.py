"""Every failure has a clear HTML page or a JSON error; limits, sniffing, bombs, rate limits."""

from __future__ import annotations

import base64
import io
import re
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image

from vitrine.errors import UnsafeSettings
from vitrine.settings import DEFAULT_SECRET, Settings, WebSettings
from vitrine.web import create_app


def bomb_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A tiny PNG that claims a huge size."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    idat = chunk(b"IDAT", zlib.compress(b"\0" * 64))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + idat + chunk(b"IEND", b"")


def truncated_jpeg() -> bytes:
    buf = io.BytesIO()
    Image.effect_noise((300, 300), 60).convert("RGB").save(buf, "JPEG")
    return buf.getvalue()[:400]


def upload(client: TestClient, url: str, data: bytes, name: str = "photo.jpg") -> tuple[int, str, dict]:  # type: ignore[type-arg]
    response = client.post(url, files={"photo": (name, data, "image/jpeg")})
    is_json = response.headers["content-type"].startswith("application/json")
    return response.status_code, response.text, response.json() if is_json else {}


@pytest.mark.parametrize(("data", "status", "code"), [
    (b"This is text pretending to be a photo.", 415, "not_an_image"),
    (bomb_png(), 413, "too_many_pixels"),
    (truncated_jpeg(), 422, "bad_image"),
    (b"", 422, "no_photo"),
])
def test_bad_uploads_get_json_errors(client: TestClient, data: bytes, status: int, code: str) -> None:
    got, _, body = upload(client, "/api/search/image", data)
    assert got == status
    assert body["error"]["code"] == code and body["error"]["message"]


def test_a_broken_upload_shows_a_clear_html_page(client: TestClient) -> None:
    status, text, _ = upload(client, "/share", b"GIF89a-not-really", name="cat.gif")
    assert status == 422
    assert "<h1" in text and "could not be read" in text and 'href="/"' in text


def test_a_renamed_text_file_is_refused_by_content(client: TestClient) -> None:
    status, text, _ = upload(client, "/share", b"hello", name="holiday.png")
    assert status == 415 and "not a JPEG, PNG" in text


def test_uploads_over_the_size_limit_are_refused(tmp_path: Path, collection_path: Path, web_settings: Any,
                                                 to_jpeg: Any) -> None:
    app = create_app(web_settings(tmp_path, max_upload_bytes=10_000), collection_path)
    big = to_jpeg(Image.effect_noise((400, 400), 80).convert("RGB"))
    with TestClient(app) as small:
        status, _, body = upload(small, "/api/search/image", big)
        assert status == 413 and body["error"]["code"] == "too_large"
        status, text, _ = upload(small, "/share", big)
        assert status == 413 and "larger than the limit" in text


def test_not_found_and_validation_errors(client: TestClient) -> None:
    assert client.get("/api/records/nope").json()["error"]["code"] == "not_found"
    page = client.get("/records/nope")
    assert page.status_code == 404 and "no record with identifier" in page.text.lower()
    assert client.get("/no/such/page").status_code == 404
    bad = client.get("/api/search", params={"page": 0})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_request"
    assert client.get("/search", params={"century": "old"}).status_code == 422


def test_clients_never_name_a_file(client: TestClient) -> None:
    for url in ("/images/..%2F..%2Fetc%2Fpasswd/full", "/images/-1/full", "/gallery/..%2Fcatalog/photo.jpg",
                "/gallery/0123456789abcdef/photo.jpg", "/share/..%2F..%2Fetc/photo.jpg",
                "/search/photo/..%2F..%2Fetc.jpg", "/search/photo/" + "x" * 32 + ".jpg"):
        assert client.get(url).status_code in (404, 410, 422), url


def test_rate_limit_per_client(tmp_path: Path, collection_path: Path, web_settings: Any) -> None:
    app = create_app(web_settings(tmp_path, rate_limit_per_minute=3), collection_path)
    with TestClient(app) as limited:
        codes = [limited.get("/api/search", params={"q": "study"}).status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and codes[-1] == 429
        response = limited.get("/api/search")
        assert response.json()["error"]["code"] == "rate_limited" and response.headers["retry-after"]
        assert limited.get("/search").status_code == 429


def test_unexpected_errors_are_500_pages(collection_path: Path, tmp_path: Path, web_settings: Any) -> None:
    app: FastAPI = create_app(web_settings(tmp_path), collection_path)

    @app.get("/boom")
    @app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("kaboom")

    with TestClient(app, raise_server_exceptions=False) as c:
        page = c.get("/boom")
        assert page.status_code == 500 and "unexpected error" in page.text and "kaboom" not in page.text
        assert c.get("/api/boom").json()["error"]["code"] == "internal_error"


def test_production_refuses_the_default_secret(tmp_path: Path) -> None:
    with pytest.raises(UnsafeSettings, match="VITRINE_WEB__SECRET_KEY"):
        create_app(Settings(data_dir=tmp_path, web=WebSettings(production=True, secret_key=DEFAULT_SECRET)))
    create_app(Settings(data_dir=tmp_path, web=WebSettings(production=True, secret_key="x" * 32)))


def test_exif_is_gone_from_held_photos(client: TestClient, photo: bytes) -> None:
    assert Image.open(io.BytesIO(photo)).getexif()
    response = client.post("/share", files={"photo": ("p.jpg", photo, "image/jpeg")})
    shown = re.search(r'<img src="data:image/jpeg;base64,([A-Za-z0-9+/=]+)"', response.text)
    assert shown is not None
    held = Image.open(io.BytesIO(base64.b64decode(shown.group(1))))
    assert not held.getexif() and "exif" not in held.info
    searched = client.post("/search", files={"photo": ("p.jpg", photo, "image/jpeg")})
    token = re.search(r'src="/search/photo/([A-Za-z0-9_-]+)\.jpg"', searched.text)
    assert token is not None
    held = Image.open(io.BytesIO(client.get(f"/search/photo/{token.group(1)}.jpg").content))
    assert not held.getexif() and "exif" not in held.info
