"""vitrine import: the settings the commands pass to the sources."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import Result

from httpserver import LOOPBACK_ENV
from vitrine import fetch

Run = Callable[..., Result]
MANIFEST = {"@context": "http://iiif.io/api/presentation/3/context.json", "id": "m", "type": "Manifest",
            "label": {"en": ["Slow"]}, "items": []}


def test_import_waits_as_long_as_vitrine_http_timeout_s(
    run: Run, http_server: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    def slow(path: str, query: dict[str, list[str]]) -> tuple[int, str, Any]:
        time.sleep(0.15)
        return 200, "application/json", MANIFEST

    server = http_server({"/m.json": slow})
    monkeypatch.setattr(fetch, "sleep", lambda seconds: None)
    monkeypatch.setenv(*LOOPBACK_ENV)
    run("collection", "create", "c", "--embedder", "fake", "--index", "memory")
    monkeypatch.setenv("VITRINE_HTTP_TIMEOUT_S", "0.05")
    out = run("import", "iiif", "c", server.url("/m.json"), "--no-index", expect=3).output
    assert "0 added" in out and "1 failed" in out and "timed out" in out
    monkeypatch.setenv("VITRINE_HTTP_TIMEOUT_S", "5")
    assert "1 added" in run("import", "iiif", "c", server.url("/m.json"), "--no-index").output
