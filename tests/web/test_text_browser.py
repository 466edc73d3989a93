"""A page's text in real Chromium: the words a query hits are outlined over the page image, within the
pages' Content-Security-Policy (no inline script, no style attribute)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from browsing import BROWSER, new_page, serve, shot
from ocr.pages import read_words
from vitrine.collection import open_collection
from web.cataloguing import new_app
from web.test_text import WORDS

pytestmark = BROWSER


def test_the_hit_words_are_outlined_on_the_page_image(browser: Any, tmp_path: Path) -> None:
    app = new_app(tmp_path)
    collection = open_collection(tmp_path / "coll")
    try:
        read_words(collection, "w01", "Printed for\nthe Booksellers.", WORDS, confidence=0.8)
        collection.set_proposed_public(True)  # so that a visitor sees machine-read text, marked
        image_id = collection.catalog.images_of("w01")[0].id
    finally:
        collection.close()
    with serve(app) as url:
        page = new_page(browser, url, bypass_csp=False)
        violations: list[str] = []
        page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text
                else None)
        page.goto(f"/text/{image_id}?q=booksellers")
        page.wait_for_load_state("networkidle")
        hit = page.locator("rect.text-hit")
        assert hit.count() == 1 and page.locator("#machine-read").is_visible()
        figure = page.locator(".text-figure svg").bounding_box()
        box = hit.bounding_box()
        assert figure and box and box["width"] > 0 and box["height"] > 0
        assert figure["x"] <= box["x"] and box["x"] + box["width"] <= figure["x"] + figure["width"]
        assert page.locator("#page-text").inner_text().startswith("Printed for")
        shot(page, "text-page-hits")
        page.context.close()
    assert violations == []
