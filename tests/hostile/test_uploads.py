"""Hostile uploads to every route that takes a photo: refused with a clear 4xx, never a 500, never stored.

Each attack is sent twice: by an anonymous visitor, and by a signed-in editor (a browser session,
with its CSRF token sent as the pages send it: a form field from a form, which makes the CSRF
check read the hostile body before the route does, and the header from a fetch to the API).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from hostile.conftest import MAX_UPLOAD, ODD_BUT_VALID, UNREADABLE, files_under, png
from imagegen import hostile_files
from vitrine.web.auth import CSRF_FIELD, CSRF_HEADER

# (route, answers JSON): every route that decodes an uploaded image
UPLOAD_ROUTES = [("/share", False), ("/search", False), ("/regions", False),
                 ("/api/search/image", True), ("/api/recognize", True), ("/api/regions/search", True)]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return {name: path.read_bytes() for name, path in hostile_files(tmp_path_factory.mktemp("files")).items()}


@dataclass(frozen=True)
class Caller:
    """Who uploads: a client of the live server, and its session's CSRF token ("" when anonymous)."""

    http: httpx.Client
    csrf: str = ""

    def post(self, route: str, is_json: bool, **request: Any) -> httpx.Response:
        """POST as this caller; a refusal of the CSRF token itself would make any attack look
        defended, so none may come back."""
        if self.csrf and is_json:
            request["headers"] = {**request.get("headers", {}), CSRF_HEADER: self.csrf}
        elif self.csrf:
            request["data"] = {**request.get("data", {}), CSRF_FIELD: self.csrf}
        response = self.http.post(route, **request)
        assert _code(response) != "csrf", response.text[:300]
        return response


def _code(response: httpx.Response) -> str:
    """The error code of an answer, JSON or HTML ("" for a success)."""
    if response.headers.get("content-type", "").startswith("application/json"):
        body = response.json()
        return str(body.get("error", {}).get("code", "")) if isinstance(body, dict) else ""
    return response.text.split('data-code="')[1].split('"')[0] if 'data-code="' in response.text else ""


@pytest.fixture(params=["anonymous", "editor"])
def caller(request: pytest.FixtureRequest, http: httpx.Client) -> Caller:
    if request.param == "anonymous":
        return Caller(http)
    client, csrf = request.getfixturevalue("editor_http")
    return Caller(client, csrf)


def _post(caller: Caller, route: str, is_json: bool, data: bytes, name: str = "photo.jpg") -> httpx.Response:
    return caller.post(route, is_json, files={"photo": (name, data, "image/jpeg")})


@pytest.mark.parametrize(("route", "is_json"), UPLOAD_ROUTES)
def test_the_editors_uploads_are_a_sessions_checked_for_its_csrf_token(
    editor_http: tuple[httpx.Client, str], route: str, is_json: bool,
) -> None:
    client, _ = editor_http  # without the token: refused, so the editor's attacks below are a session's
    refused = client.post(route, files={"photo": ("p.png", png(2), "image/png")})
    assert refused.status_code == 403 and _code(refused) == "csrf"


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
    caller: Caller, hostile: dict[str, bytes], collection_path: Path, route: str, is_json: bool,
    name: str,
) -> None:
    before = files_under(collection_path)
    response = _post(caller, route, is_json, hostile[name], name)
    message = _assert_clear_refusal(response, is_json)
    if name.startswith(("bomb", "huge")):
        assert response.status_code == 413 and "40,000,000" in message  # the configured limit, quoted
    assert files_under(collection_path) == before


@pytest.mark.parametrize("name", ODD_BUT_VALID)
@pytest.mark.parametrize(("route", "is_json"), UPLOAD_ROUTES)
def test_an_odd_but_valid_image_is_handled_never_a_500(
    caller: Caller, hostile: dict[str, bytes], route: str, is_json: bool, name: str,
) -> None:
    response = _post(caller, route, is_json, hostile[name], name)
    assert response.status_code < 500, response.text[:300]
    assert "Traceback" not in response.text
    if response.status_code >= 400:  # e.g. region search on a collection without a region index
        _assert_clear_refusal(response, is_json)


@pytest.mark.parametrize("name", ["../../etc/passwd.jpg", "..\\..\\catalog.sqlite", "/etc/cron.d/x.png",
                                  "a\x00b.jpg", "%2e%2e%2fx.jpg"])
def test_a_path_trick_filename_is_never_used_as_a_path(
    caller: Caller, collection_path: Path, name: str,
) -> None:
    before = files_under(collection_path.parent.parent)
    body, content_type = _multipart(name.encode(), png(3), caller.csrf)
    response = caller.http.post("/share", content=body, headers={"content-type": content_type})
    assert response.status_code == 200, response.text[:300]
    assert "passwd" not in response.text and "catalog.sqlite" not in response.text
    assert files_under(collection_path.parent.parent) == before


def _multipart(filename: bytes, data: bytes, csrf: str = "") -> tuple[bytes, str]:
    """A multipart body written byte by byte, so the filename travels exactly as given (NUL too);
    with the CSRF field a signed-in page's form carries, when given."""
    boundary = b"hostileboundary42"
    token = (b"--" + boundary + b"\r\nContent-Disposition: form-data; name=\"" + CSRF_FIELD.encode()
             + b"\"\r\n\r\n" + csrf.encode() + b"\r\n") if csrf else b""
    body = (token + b"--" + boundary + b"\r\nContent-Disposition: form-data; name=\"photo\"; filename=\""
            + filename + b"\"\r\nContent-Type: image/png\r\n\r\n" + data + b"\r\n--" + boundary + b"--\r\n")
    return body, "multipart/form-data; boundary=" + boundary.decode()


@pytest.mark.parametrize(("route", "is_json"), UPLOAD_ROUTES)
def test_an_oversized_body_is_413(caller: Caller, route: str, is_json: bool) -> None:
    response = _post(caller, route, is_json, b"\xff\xd8\xff" + bytes(MAX_UPLOAD + 300_000))
    assert response.status_code == 413
    assert "larger than the limit of 1.0 MB" in _assert_clear_refusal(response, is_json)


@pytest.mark.parametrize(("route", "is_json"), [("/api/search/image", True), ("/search", False)])
def test_an_oversized_body_without_a_length_is_cut_off_with_413(caller: Caller, route: str,
                                                                 is_json: bool) -> None:
    boundary = "b0undary"

    def chunks() -> Iterator[bytes]:  # chunked transfer: no Content-Length to refuse up front
        yield f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="x.jpg"\r\n'.encode()
        yield b"\r\n"
        for _ in range(40):
            yield b"\xff" * 64_000
        yield f"\r\n--{boundary}--\r\n".encode()

    def with_token() -> Iterator[bytes]:  # a signed-in page's form sends its CSRF field first
        if caller.csrf and not is_json:
            yield (f'--{boundary}\r\nContent-Disposition: form-data; name="{CSRF_FIELD}"\r\n\r\n'
                   f"{caller.csrf}\r\n").encode()
        yield from chunks()

    headers = {"content-type": f"multipart/form-data; boundary={boundary}"}
    if caller.csrf and is_json:
        headers[CSRF_HEADER] = caller.csrf
    response = caller.http.post(route, content=with_token(), headers=headers)
    assert response.status_code == 413 and _code(response) == "too_large"


def test_a_photo_declared_as_another_type_is_judged_by_its_bytes(caller: Caller) -> None:
    html = b"<html><script>alert(1)</script></html>"
    response = caller.post("/api/search/image", True, files={"photo": ("x.png", html, "image/png")})
    assert response.status_code == 415 and response.json()["error"]["code"] == "not_an_image"
    wrong = caller.post("/api/search/image", True, content=png(1), headers={"content-type": "image/png"})
    assert wrong.status_code == 415 and "multipart/form-data" in wrong.json()["error"]["message"]
