"""The pages in real headless Chromium (Debian's), driven by Playwright; one server and browser a session."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi import FastAPI
from PIL import Image

from browsing import BROWSER, shot
from web.staff import staff_cookie

pytestmark = BROWSER


def upload_photo(page: Any, photo: bytes, name: str = "view.jpg") -> None:
    page.goto("/")
    page.set_input_files("#photo", files=[{"name": name, "mimeType": "image/jpeg", "buffer": photo}])
    page.click("#share-submit")


def test_upload_a_photo_and_see_the_match(page: Any, photo: bytes) -> None:
    page.goto("/")
    shot(page, "visitor")
    upload_photo(page, photo)
    page.wait_for_selector("#best-match")
    assert "Study in colour no. 7" in page.inner_text(".label-title")
    assert page.eval_on_selector("#best-match", "img => img.naturalWidth") > 0
    assert page.get_attribute("#best-match", "alt") == "Study in colour no. 7, by Anna Painter, 1820"
    shot(page, "match")


def test_download_the_composite(page: Any, photo: bytes, draw_artwork: Any, tmp_path: Path) -> None:
    upload_photo(page, photo)
    with page.expect_download() as info:
        page.click("#download-jpg")
    target = tmp_path / "composite.jpg"
    info.value.save_as(target)
    with Image.open(target) as image:
        assert image.format == "JPEG"
        pixels = np.asarray(image.convert("RGB"), np.float32)
    work = np.asarray(draw_artwork(7), np.float32)
    right = pixels[:, pixels.shape[1] // 2:]
    assert (np.abs(right - work[5, 5]).sum(axis=2) < 30).mean() > 0.05


def test_consent_gallery_and_removal(page: Any, photo: bytes, collection_path: Path, app: FastAPI,
                                     server: str) -> None:
    upload_photo(page, photo)
    page.click("#add-to-gallery")  # the box is not ticked: the browser refuses to send
    assert page.locator("#best-match").count() == 1
    page.check("#consent")
    page.click("#add-to-gallery")
    link = page.get_attribute("#removal-link", "href")
    entry_id = link.split("/")[2]
    assert (collection_path / "gallery" / f"{entry_id}.jpg").exists()
    page.goto("/gallery")
    assert page.locator(f"img[src='/gallery/{entry_id}/photo.jpg']").count() == 0  # pending
    moderate_from_the_keyboard(page, app, server, entry_id)
    page.goto("/gallery")
    assert page.locator(f"img[src='/gallery/{entry_id}/photo.jpg']").count() == 1
    shot(page, "gallery")
    page.goto(link)
    page.click("#confirm-remove")
    assert "was removed" in page.inner_text("h1")
    assert not (collection_path / "gallery" / f"{entry_id}.jpg").exists()


def moderate_from_the_keyboard(page: Any, app: FastAPI, server: str, entry_id: str) -> None:
    """Sign the page in as a moderator, approve the entry with the keyboard, and sign out again."""
    cookies = staff_cookie(app, "moderator")
    page.context.add_cookies([{"name": k, "value": v, "url": server} for k, v in cookies.items()])
    page.goto("/moderate")
    items = page.locator(".moderation-item")
    index = [items.nth(i).get_attribute("data-entry") for i in range(items.count())].index(entry_id)
    page.keyboard.press("k")
    for _ in range(index):
        page.keyboard.press("j")
    assert page.get_attribute(".moderation-item.current", "data-entry") == entry_id
    assert page.evaluate("document.activeElement.dataset.entry") == entry_id
    with page.expect_navigation():
        page.keyboard.press("a")
    assert page.locator(f"#entry-{entry_id}").count() == 0
    page.context.clear_cookies()


def test_camera_capture_without_consent_leaves_nothing_on_disk(
    page: Any, collection_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    before = {p for p in collection_path.rglob("*")}
    page.goto("/")
    page.click("#camera-start")  # Chromium's fake camera stands in for the device's
    page.wait_for_function("document.getElementById('camera-video').videoWidth > 0")
    page.click("#camera-shoot")
    page.wait_for_selector("#best-match")
    page.click("#download-png")
    assert {p for p in collection_path.rglob("*")} == before
    assert not list(tmp_path.iterdir())


def test_filtered_search(page: Any) -> None:
    page.goto("/search")
    page.click("a.facet-value[data-facet='object_type'][data-value='print']")
    page.wait_for_url("**object_type=print**")
    titles = page.locator(".results .card").count()
    assert titles == 12
    page.fill("#q", "colour")
    page.press("#q", "Enter")
    page.wait_for_url("**q=colour**")
    assert "object_type=print" in page.url
    shot(page, "search")
    page.click(".results .more-like >> nth=0")
    page.wait_for_url("**like=**")
    assert page.locator(".results .card").count() > 0


def test_a_broken_upload_shows_a_clear_error(page: Any) -> None:
    upload_photo(page, b"definitely not a photo", name="holiday.jpg")
    assert page.inner_text("h1") == "Not an image we can read"
    assert "not a JPEG, PNG" in page.inner_text(".error-message")
    shot(page, "error")


def test_record_page_zoom_and_keyboard(page: Any) -> None:
    page.goto("/records/w03")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.click("[data-zoom='in']")
    assert "scale(1.5)" in page.get_attribute("#zoom-image", "style")
    page.focus("#zoom")
    page.keyboard.press("0")
    assert "scale(1)" in page.get_attribute("#zoom-image", "style")
    assert page.get_attribute("#source-link", "href") == "https://museum.example/objects/3"
    shot(page, "record")


@pytest.mark.parametrize("path", ["/", "/search?q=colour", "/records/w03", "/records/w04", "/gallery"])
def test_phone_viewport(browser: Any, server: str, path: str, photo: bytes) -> None:
    context = browser.new_context(base_url=server, viewport={"width": 375, "height": 812}, is_mobile=True)
    tab = context.new_page()
    try:
        tab.goto(path)
        assert tab.evaluate("document.documentElement.scrollWidth") <= 375
        name = "phone-" + (path.strip("/").replace("/", "-").split("?")[0] or "visitor")
        shot(tab, name)
        if path == "/":
            upload_photo(tab, photo)
            tab.wait_for_selector("#best-match")
            assert tab.evaluate("document.documentElement.scrollWidth") <= 375
            shot(tab, "phone-match")
    finally:
        context.close()

