"""In headless Chromium: a visitor's gallery photo is recognised, named, linked and outlined."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest

from artworks import recognition_collection, textured
from browsing import BROWSER, new_page, serve, shot
from vitrine.bench.gallery_photos import family_photo

pytestmark = BROWSER


@pytest.fixture(scope="module")
def gallery_server(tmp_path_factory: pytest.TempPathFactory, web_settings: Any) -> Iterator[str]:
    from vitrine.web import create_app

    root = tmp_path_factory.mktemp("recognise-browser")
    recognition_collection(root, 8).close()
    with serve(create_app(web_settings(root), root / "coll")) as url:
        yield url


def photo_of(seed: int, family: str) -> bytes:
    buf = io.BytesIO()
    family_photo(textured(seed), family, 21).image.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def test_a_recognised_photo_names_the_work_and_outlines_it(browser: Any, gallery_server: str) -> None:
    page = new_page(browser, gallery_server)
    try:
        page.goto("/")
        page.set_input_files("#photo", files=[
            {"name": "view.jpg", "mimeType": "image/jpeg", "buffer": photo_of(5, "perspective")}])
        page.click("#share-submit")
        page.wait_for_selector("#recognised")
        page.wait_for_load_state("load")  # the page's stylesheets too: layout is measured below
        assert page.inner_text("#recognised").startswith("This is Work 5 by A. Painter")
        outline = page.locator("#work-outline")
        photo = page.locator(".photo-overlay img")
        photo.evaluate("img => img.decode()")
        box, frame = outline.bounding_box(), photo.bounding_box()
        assert box is not None and frame is not None
        # The outline is drawn over the photo, exactly covering it (its coordinates are photo pixels).
        assert abs(box["width"] - frame["width"]) < 2 and abs(box["height"] - frame["height"]) < 2
        polygon = page.locator("#work-outline polygon").bounding_box()
        assert polygon is not None and 0.1 * frame["width"] < polygon["width"] < frame["width"] * 1.05
        assert page.locator("#others-title").inner_text() == "Other works that look alike"
        shot(page, "recognised")
        page.click("#full-record")
        page.wait_for_url("**/records/r5")
    finally:
        page.context.close()


def test_an_unknown_work_gets_the_look_alikes(browser: Any, gallery_server: str) -> None:
    page = new_page(browser, gallery_server)
    try:
        page.goto("/")
        page.set_input_files("#photo", files=[
            {"name": "view.jpg", "mimeType": "image/jpeg", "buffer": photo_of(55, "mild")}])
        page.click("#share-submit")
        page.wait_for_selector("#best-match")
        assert page.locator("#recognised").count() == 0 and page.locator("#work-outline").count() == 0
    finally:
        page.context.close()


def test_the_api_answers_the_same_as_the_page(gallery_server: str) -> None:
    import httpx

    files = {"photo": ("v.jpg", photo_of(5, "perspective"), "image/jpeg")}
    body = httpx.post(f"{gallery_server}/api/recognize", files=files, timeout=60).json()
    assert body["record"]["identifier"] == "r5" and len(body["quad"]) == 4


