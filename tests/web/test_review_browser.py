"""The review queue in real Chromium, from the keyboard: an editor signs in, accepts with `a`, rejects
with `r`, undoes with `u`, edits with `e`; each key is one fetch, checked in the catalogue, and the
page is never reloaded. A region is drawn over its image where the agent put it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from browsing import BROWSER, new_page, serve, shot
from vitrine.suggestions import review
from vitrine.web import create_app
from web.conftest import make_settings
from web.review_data import REGION_WORKS, review_collection
from web.test_staff_browser import account, sign_in

pytestmark = BROWSER


@pytest.fixture(scope="module")
def review_app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    root = tmp_path_factory.mktemp("reviewbrowser")
    return create_app(make_settings(root), review_collection(root))


@pytest.fixture(scope="module")
def review_server(review_app: FastAPI) -> Iterator[str]:
    with serve(review_app) as url:
        yield url


@pytest.fixture
def editor_page(browser: Any, review_server: str, review_app: FastAPI) -> Iterator[Any]:
    tab = new_page(browser, review_server)
    sign_in(tab, account(review_app, "queue-editor", "editor"), "/review?agent=fake&order=id")
    yield tab
    tab.context.close()


def _status(page: Any, text: str) -> str:
    page.wait_for_selector(f"#review-status:has-text({text!r})")
    said: str = page.inner_text("#review-status")
    return said


def _current(page: Any) -> int:
    return int(page.get_attribute(".review-item.current", "data-id"))


def test_decide_from_the_keyboard_without_reloading(editor_page: Any, review_app: FastAPI) -> None:
    page, store = editor_page, review_app.state.collection.catalog.suggestions
    page.evaluate("window.loadedOnce = 'yes'")
    ids = [int(i) for i in page.locator(".review-item").evaluate_all("items => items.map(i => i.dataset.id)")]
    first, second, third = ids[:3]
    assert _current(page) == first

    page.keyboard.press("a")
    assert "u to undo" in _status(page, "accepted")
    assert store.get(first).status == "accepted" and store.get(first).decided_by == "queue-editor"
    assert _current(page) == second

    page.keyboard.press("r")
    _status(page, "rejected")
    assert store.get(second).status == "rejected" and _current(page) == third

    page.keyboard.press("u")
    _status(page, "Undone")
    assert store.get(second).status == "proposed" and store.get(first).status == "accepted"
    assert _current(page) == second and page.get_attribute(f"#s{second}", "data-status") == "proposed"

    page.keyboard.press("e")
    field = page.locator(f"#s{second} input[name='value.label']")
    assert field.evaluate("f => f === document.activeElement")
    field.fill("Boat")
    page.keyboard.press("Enter")
    _status(page, "as ‘Boat’")
    assert store.get(second).status == "edited" and store.get(second).final_value == {"label": "Boat"}
    assert page.inner_text(f"#s{second} .state") == "Edited by queue-editor as ‘Boat’"
    shot(page, "review-queue-decided")

    page.keyboard.press("?")
    assert page.locator("#review-help").is_visible()
    page.keyboard.press("Escape")
    assert page.locator("#review-help").is_hidden()
    assert page.evaluate("window.loadedOnce") == "yes"  # every key was a fetch, not a page load


def test_someone_deciding_first_is_told_and_the_item_refreshed(
        editor_page: Any, review_app: FastAPI) -> None:
    page, catalog = editor_page, review_app.state.collection.catalog
    first = _current(page)
    review.decide(catalog, first, "reject", actor="other-editor")  # in another browser, a moment ago
    page.keyboard.press("a")
    said = _status(page, "changed since you saw it")
    assert "rejected by other-editor" in said
    page.wait_for_selector(f"#s{first}.status-rejected")
    assert catalog.suggestions.get(first).status == "rejected" and catalog.suggestions.assertions(
        catalog.suggestions.get(first).record_id) == []

    page.keyboard.press("s")  # skip to the next one: a stale one refused with the reason
    skipped = _current(page)
    record = catalog.get(catalog.suggestions.get(skipped).identifier)
    record.medium = "changed meanwhile"
    catalog.upsert(record)
    page.keyboard.press("a")
    assert "changed or gone" in _status(page, "can be rejected")
    page.wait_for_selector(f"#s{skipped}.stale")
    assert catalog.suggestions.get(skipped).status == "proposed"


def test_regions_are_drawn_over_their_images(editor_page: Any) -> None:
    page = editor_page
    page.goto("/review?agent=regions-test&order=id&kind=face")
    page.wait_for_function("() => [...document.querySelectorAll('.overlay-frame img')]"
                           ".every(i => i.complete && i.naturalWidth > 0)")
    frames = page.locator(".overlay-frame")
    assert frames.count() == len(REGION_WORKS)
    image = frames.first.locator("img").bounding_box()
    box = frames.first.locator("rect.region").bounding_box()
    # the agent's box is the middle third of the 240 x 180 picture, at whatever size it is shown
    third_w, third_h = image["width"] / 3, image["height"] / 3
    for got, want in ((box["x"], image["x"] + third_w), (box["y"], image["y"] + third_h),
                      (box["width"], third_w), (box["height"], third_h)):
        assert got == pytest.approx(want, abs=3)
    shot(page, "review-queue-regions")


def test_the_queue_breaks_no_rule_of_its_content_security_policy(
        browser: Any, review_server: str, review_app: FastAPI) -> None:
    page = new_page(browser, review_server, bypass_csp=False)
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text
            else None)
    try:
        sign_in(page, account(review_app, "csp-editor", "editor"), "/review?agent=regions-test")
        page.wait_for_load_state("networkidle")
        page.keyboard.press("?")
        assert page.locator("#review-help").is_visible()
        page.keyboard.press("Escape")
        page.keyboard.press("r")
        _status(page, "rejected")
    finally:
        page.context.close()
    assert violations == []
