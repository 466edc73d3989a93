"""Hostile uploads to every route that takes a photo: refused with a clear 4xx, never a 500, never stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hostile.conftest import MAX_UPLOAD, ODD_BUT_VALID, UNREADABLE, files_under, png
from imagegen import hostile_files

# (route, answers JSON): every route that decodes an uploaded image
UPLOAD_ROUTES = [("/share", False), ("/search", False), ("/regions", False),
                 ("/api/search/image", True), ("/api/recognize", True), ("/api/regions/search", True)]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return {name: path.read_bytes() for name, path in hostile_files(tmp_path_factory.mktemp("files")).items()}


def _post(http: httpx.Client, route: str, data: bytes, name: str = "photo.jpg") -> httpx.Response:
    return http.post(route, files={"photo": (name, data, "image/jpeg")})


def _assert_clear_refusal(response: httpx.Response, is_json: bool) -> str:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert "Traceback" not in response.text
    if is_json:
        message: str = response.json()["error"]["message"]
    else:
        assert response.headers["content-type"].startswith("text/html") and "<h1" in response.text
        message = response.text
    assert message
    return message


@pytest.mark.parametrize("name", UNREADABLE)
@pytest.mark.parametrize(("route", "is_json"), UPLOAD_ROUTES)
def test_a_hostile_file_is_refused_with_a_clear_4xx(
    http: httpx.Client, hostile: dict[str, bytes], collection_path: Path, route: str, is_json: bool,
    name: str,
) -> None:
    before = files_under(collection_path)
    response = _post(http, route, hostile[name], name)
    message = _assert_clear_refusal(response, is_json)
    if name.startswith(("bomb", "huge")):
        assert response.status_code == 413 and "40,000,000" in message  # the configured limit, quoted
    assert files_under(collection_path) == before


@pytest.mark.parametrize("name", ODD_BUT_VALID)
@pytest.mark.parametrize(("route", "is_json"), UPLOAD_ROUTES)
def test_an_odd_but_valid_image_is_handled_never_a_500(
    http: httpx.Client, hostile: dict[str, bytes], route: str, is_json: bool, name: str,
) -> None:
    response = _post(http, route, hostile[name], name)
    assert response.status_code < 500, response.text[:300]
    assert "Traceback" not in response.text
    if response.status_code >= 400:  # e.g. region search on a collection without a region index
        _assert_clear_refusal(response, is_json)


@pytest.mark.parametrize("name", ["../../etc/passwd.jpg", "..\\..\\catalog.sqlite", "/etc/cron.d/x.png",
                                  "a\x00b.jpg", "%2e%2e%2fx.jpg"])
def test_a_path_trick_filename_is_never_used_as_a_path(
    http: httpx.Client, collection_path: Path, name: str,
) -> None:
    before = files_under(collection_path.parent.parent)
    body, content_type = _multipart(name.encode(), png(3))
    response = http.post("/share", content=body, headers={"content-type": content_type})
    assert response.status_code == 200, response.text[:300]
    assert "passwd" not in response.text and "catalog.sqlite" not in response.text
    assert files_under(collection_path.parent.parent) == before


def _multipart(filename: bytes, data: bytes) -> tuple[bytes, str]:
    """A multipart body written byte by byte, so the filename travels exactly as given (NUL too)."""
    boundary = b"hostileboundary42"
    body = (b"--" + boundary + b"\r\nContent-Disposition: form-data; name=\"photo\"; filename=\""
            + filename + b"\"\r\nContent-Type: image/png\r\n\r\n" + data + b"\r\n--" + boundary + b"--\r\n")
    return body, "multipart/form-data; boundary=" + boundary.decode()


@pytest.mark.parametrize(("route", "is_json"), UPLOAD_ROUTES)
def test_an_oversized_body_is_413(http: httpx.Client, route: str, is_json: bool) -> None:
    response = _post(http, route, b"\xff\xd8\xff" + bytes(MAX_UPLOAD + 300_000))
    assert response.status_code == 413
    assert "larger than the limit of 1.0 MB" in _assert_clear_refusal(response, is_json)


def test_an_oversized_body_without_a_length_is_cut_off_with_413(http: httpx.Client) -> None:
    boundary = "b0undary"

    def chunks() -> Iterator[bytes]:  # chunked transfer: no Content-Length to refuse up front
        yield f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="x.jpg"\r\n'.encode()
        yield b"\r\n"
        for _ in range(40):
            yield b"\xff" * 64_000
        yield f"\r\n--{boundary}--\r\n".encode()

    response = http.post("/api/search/image", content=chunks(),
                         headers={"content-type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"


def test_a_photo_declared_as_another_type_is_judged_by_its_bytes(http: httpx.Client) -> None:
    html = b"<html><script>alert(1)</script></html>"
    response = http.post("/api/search/image", files={"photo": ("x.png", html, "image/png")})
    assert response.status_code == 415 and response.json()["error"]["code"] == "not_an_image"
    wrong = http.post("/api/search/image", content=png(1), headers={"content-type": "image/png"})
    assert wrong.status_code == 415 and "multipart/form-data" in wrong.json()["error"]["message"]
