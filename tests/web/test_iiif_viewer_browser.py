"""A real IIIF viewer shows a record's annotations: Mirador (npm's built bundle, fetched by
scripts/setup.sh into vendor/mirador), on a page served from another origin, opens the live
server's manifest, and its annotations panel lists the accepted values; with the collection's
`proposed_public` on, the machine suggestions too, each marked as not reviewed. The face's box is
drawn where the face is: around the block in the middle of w01's picture (tests/web/conftest.py)."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi import FastAPI
from PIL import Image

from annotated import DATE_TEXT, EDITED_TAG, FACE, POLYGON_TAG, annotated_app
from browsing import BROWSER, new_page, serve, shot
from httpserver import LocalHTTPServer
from vitrine.exports.annotations import NOT_REVIEWED
from web.conftest import artwork

MIRADOR = Path(__file__).resolve().parents[2] / "vendor" / "mirador"
pytestmark = [*BROWSER, pytest.mark.skipif(
    not (MIRADOR / "mirador.min.js").is_file(),
    reason="needs Mirador's bundle in vendor/mirador/mirador.min.js: scripts/setup.sh fetches it with npm")]

# Mirador lists only commenting and tagging annotations unless told to show the other motivations.
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Mirador</title></head>
<body style="margin:0"><div id="viewer" style="position:absolute;inset:0"></div>
<script src="/mirador.min.js"></script>
<script>
Mirador.viewer({
  id: "viewer",
  windows: [{manifestId: MANIFEST, sideBarOpen: true, sideBarPanel: "annotations",
             highlightAllAnnotations: true}],
  annotations: {filteredMotivations: ["commenting", "tagging", "identifying", "classifying",
                                      "describing", "supplementing", "assessing"]},
  osdConfig: {crossOriginPolicy: "Anonymous"},
});
</script></body></html>
"""


@pytest.fixture(scope="module")
def museum(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, str]]:
    """The live app with the annotated record w01, and its base URL."""
    app = annotated_app(tmp_path_factory.mktemp("iiif-viewer"))
    with serve(app) as url:
        yield app, url


@pytest.fixture
def viewer(museum: tuple[FastAPI, str],
           http_server: Callable[..., LocalHTTPServer]) -> LocalHTTPServer:
    """Mirador on a server of its own (another origin than the museum's), opening w01's manifest."""
    manifest = f"{museum[1]}/iiif/w01/manifest"
    page = PAGE.replace("MANIFEST", json.dumps(manifest))
    return http_server(routes={"/": (200, "text/html; charset=utf-8", page)}, directory=MIRADOR)


def _panel(page: Any) -> str:
    panel = page.locator("aside, [role='complementary']").filter(has_text=FACE).first
    panel.wait_for()
    text: str = panel.inner_text()
    return text


def _bounds(mask: Any) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(mask)
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def _drawn_box(page: Any) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The bounds, on screen, of Mirador's annotation stroke (a saturated violet, which neither colour
    of the picture nor a blend of them comes near) and of the picture's middle block."""
    block = np.array((255, 255, 255)) - np.array(artwork(1).getpixel((0, 0)))
    deadline = time.monotonic() + 15
    while True:
        shot_rgb = np.asarray(Image.open(io.BytesIO(page.screenshot())).convert("RGB")).astype(int)
        stroke = (shot_rgb[..., 0] > 150) & (shot_rgb[..., 1] < 60) & (shot_rgb[..., 2] > 200)
        inner = (np.abs(shot_rgb - block).sum(axis=2) <= 6)
        if stroke.sum() > 100 and inner.sum() > 100:
            return _bounds(stroke), _bounds(inner)
        if time.monotonic() > deadline:
            raise AssertionError(f"no annotation drawn on the picture ({stroke.sum()} stroke pixels)")
        time.sleep(0.25)


def test_mirador_lists_the_accepted_annotations_and_draws_the_face_where_it_is(
        browser: Any, museum: tuple[FastAPI, str], viewer: LocalHTTPServer) -> None:
    page = new_page(browser, viewer.url("/"))
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    try:
        page.goto("/")
        text = _panel(page)
        assert FACE in text and EDITED_TAG in text
        assert POLYGON_TAG not in text and NOT_REVIEWED not in text  # proposed: staff only
        stroke, inner = _drawn_box(page)
        # the stroke runs along the block's edge (its width and the picture's scaling: a few pixels)
        assert all(abs(a - b) <= 5 for a, b in zip(stroke, inner, strict=True)), (stroke, inner)
        assert not [m for m in console if "tainted" in m]  # the picture is readable cross-origin (CORS)
        shot(page, "iiif-mirador-accepted")
    finally:
        page.context.close()


def test_mirador_shows_proposed_suggestions_marked_when_the_collection_publishes_them(
        browser: Any, museum: tuple[FastAPI, str], viewer: LocalHTTPServer) -> None:
    app = museum[0]
    app.state.collection.set_proposed_public(True)
    page = new_page(browser, viewer.url("/"))
    try:
        page.goto("/")
        page.get_by_text(POLYGON_TAG).first.wait_for()
        text = _panel(page)
        assert FACE in text and POLYGON_TAG in text and DATE_TEXT in text
        assert text.count(NOT_REVIEWED) == 3
        shot(page, "iiif-mirador-proposed")
    finally:
        page.context.close()
        app.state.collection.set_proposed_public(False)
