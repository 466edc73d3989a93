"""A manifest pointing at internal addresses: refused by default, fetched once an operator allows it.

The loopback server stands in for an internal host (an admin page, a metadata service); the
manifest comes from a file on disk, or from the server under a name the operator allowed.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from PIL import Image

from httpserver import LOOPBACK_ENV
from vitrine import fetch

Run = Callable[..., Result]


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def _manifest(image_url: str) -> dict[str, Any]:
    body = {"id": image_url, "type": "Image", "format": "image/jpeg", "width": 64, "height": 48}
    return {
        "@context": "http://iiif.io/api/presentation/3/context.json", "id": "https://example.org/m",
        "type": "Manifest", "label": {"en": ["Inside"]},
        "items": [{"id": "https://example.org/c/1", "type": "Canvas", "items": [{
            "type": "AnnotationPage", "items": [{"type": "Annotation", "motivation": "painting",
                                                  "body": body}]}]}],
    }


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


@pytest.fixture(autouse=True)
def _no_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch, "sleep", lambda seconds: None)
    monkeypatch.delenv("VITRINE_FETCH__ALLOW_HOSTS", raising=False)
    monkeypatch.delenv("VITRINE_FETCH__ALLOW_NETWORKS", raising=False)


def test_internal_image_urls_are_refused_by_default_and_fetched_once_allowed(
    run: Run, http_server: Any, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = http_server({"/admin": (200, "image/jpeg", _jpeg())})
    manifest = tmp_path / "m.json"
    manifest.write_text(json.dumps(_manifest(server.url("/admin"))))
    run("collection", "create", "c", "--embedder", "fake", "--index", "memory")

    out = run("import", "iiif", "c", str(manifest), expect=3).output  # 3: done, with failures

    assert "1 added" in out and "indexed 0 images, 1 failed" in out
    assert f"failed: {server.url('/admin')}: refused: 127.0.0.1 resolves to 127.0.0.1" in out
    assert "VITRINE_FETCH__ALLOW_NETWORKS" in out
    assert server.requests == []
    assert _files(data_dir / "c" / "cache") == [] and _files(data_dir / "c" / "thumbnails") == []

    monkeypatch.setenv(*LOOPBACK_ENV)
    out = run("index", "c", "--retry-failed").output

    assert "indexed 1 images" in out and "0 failed" in out
    assert server.requests == ["/admin"]
    assert len(_files(data_dir / "c" / "cache")) == 1


def test_a_redirect_from_an_allowed_host_to_an_internal_address_is_refused(
    run: Run, http_server: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # "localhost" is allowed by name; its image redirects to the same server by address, which is not.
    server = http_server({"/admin": (200, "image/jpeg", _jpeg())})
    server.add("/img.jpg", "", status=302, content_type="text/plain",
               headers={"Location": server.url("/admin")})
    allowed = server.url("/").replace("127.0.0.1", "localhost")
    server.add("/m.json", _manifest(allowed + "img.jpg"))
    monkeypatch.setenv("VITRINE_FETCH__ALLOW_HOSTS", '["localhost"]')
    run("collection", "create", "c", "--embedder", "fake", "--index", "memory")

    out = run("import", "iiif", "c", allowed + "m.json", expect=3).output

    assert "1 added" in out and "indexed 0 images, 1 failed" in out
    assert f"failed: {allowed}img.jpg: refused: 127.0.0.1 resolves to 127.0.0.1" in out
    assert server.requests == ["/m.json", "/img.jpg"]
    assert _files(data_dir / "c" / "cache") == []


def test_a_malformed_allowed_network_is_a_settings_error(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VITRINE_FETCH__ALLOW_NETWORKS", '["10.0.0.0/33"]')
    out = run("collection", "list", expect=1).output
    assert "invalid settings" in out
    assert "VITRINE_FETCH__ALLOW_NETWORKS: '10.0.0.0/33' is not an address" in out
    monkeypatch.setenv("VITRINE_FETCH__ALLOW_NETWORKS", "10.0.0.0/8")
    assert "written in JSON" in run("collection", "list", expect=1).output
