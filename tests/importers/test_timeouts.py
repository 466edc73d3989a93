"""The HTTP timeout the caller gives (`Settings.http_timeout_s`) is the one remote sources wait."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from httpserver import LOOPBACK
from vitrine import fetch
from vitrine.importers.iiif import IIIFSource
from vitrine.importers.museums import ArtInstituteOfChicago

MANIFEST = {"@context": "http://iiif.io/api/presentation/3/context.json", "id": "m", "type": "Manifest",
            "label": {"en": ["Slow"]}, "items": []}
PAGE = {"pagination": {"total": 0}, "data": [], "config": {"iiif_url": "https://x/iiif/2"}}


def slow(body: Any, seconds: float = 0.15) -> Callable[[str, dict[str, list[str]]], tuple[int, str, Any]]:
    """A route that answers after `seconds`."""

    def handle(path: str, query: dict[str, list[str]]) -> tuple[int, str, Any]:
        time.sleep(seconds)
        return 200, "application/json", body

    return handle


@pytest.fixture(autouse=True)
def no_pause_between_attempts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch, "sleep", lambda seconds: None)


def test_iiif_gives_up_after_its_timeout_and_waits_when_given_longer(http_server: Any) -> None:
    server = http_server({"/m.json": slow(MANIFEST)})
    [failed] = IIIFSource(server.url("/m.json"), fetch=replace(LOOPBACK, timeout=0.05)).read()
    assert failed.record is None and failed.error and "timed out" in failed.error
    [item] = IIIFSource(server.url("/m.json"), fetch=replace(LOOPBACK, timeout=5.0)).read()
    assert item.error is None and item.record is not None and item.record.title == "Slow"


def test_museum_api_gives_up_after_its_timeout_and_waits_when_given_longer(http_server: Any) -> None:
    server = http_server({"/api/v1/artworks/search": slow(PAGE)})
    [failed] = ArtInstituteOfChicago(server.url("/api/v1"), fetch=replace(LOOPBACK, timeout=0.05)).read()
    assert failed.error and "timed out" in failed.error
    patient = ArtInstituteOfChicago(server.url("/api/v1"), fetch=replace(LOOPBACK, timeout=5.0))
    assert list(patient.read()) == []
