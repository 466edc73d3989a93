"""Region search in headless Chromium: draw a box with the mouse, see the matched outlines."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from browsing import BROWSER, new_page, serve, shot
from motifs import make_collection, motif_box
from vitrine.web import create_app

from .conftest import make_settings

pytestmark = BROWSER


@pytest.fixture(scope="module")
def regions_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = make_collection(tmp_path_factory.mktemp("regions-browser"))
    with serve(create_app(make_settings(root.parent), root)) as url:
        yield url


@pytest.fixture
def tab(browser: Any, regions_server: str) -> Iterator[Any]:
    page = new_page(browser, regions_server)
    yield page
    page.context.close()


def test_draw_a_box_with_the_mouse_and_see_the_matches(tab: Any) -> None:
    tab.goto("/regions?record=a")
    image = tab.locator("#regions-image")
    image.wait_for()
    tab.wait_for_function("document.getElementById('regions-image').complete")
    bounds = image.bounding_box()
    scale = bounds["width"] / 420  # the scene is 420 px wide
    x0, y0, x1, y1 = motif_box("a")
    tab.mouse.move(bounds["x"] + x0 * scale, bounds["y"] + y0 * scale)
    tab.mouse.down()
    tab.mouse.move(bounds["x"] + (x0 + x1) / 2 * scale, bounds["y"] + (y0 + y1) / 2 * scale, steps=4)
    tab.mouse.move(bounds["x"] + x1 * scale, bounds["y"] + y1 * scale, steps=4)
    tab.mouse.up()
    assert tab.locator("#regions-box").is_visible()
    assert abs(float(tab.locator("#regions-x1").input_value()) - x1) < 3
    shot(tab, "regions-box-drawn")
    tab.locator("#regions-submit").click()
    tab.locator(".regions-hit").first.wait_for()
    names = tab.locator(".regions-hit").evaluate_all("els => els.map(e => e.dataset.identifier)")
    assert sorted(names) == ["b", "c"]
    polygon = tab.locator(".regions-hit[data-identifier='b'] polygon")
    assert polygon.is_visible()
    box = polygon.bounding_box()
    thumb = tab.locator(".regions-hit[data-identifier='b'] .regions-thumb img").bounding_box()
    assert box["width"] > 10 and thumb["x"] <= box["x"] < thumb["x"] + thumb["width"]
    tab.locator("#regions-box").wait_for()  # the box is drawn again from the submitted corners
    shot(tab, "regions-results")


def test_keyboard_draws_a_box(tab: Any) -> None:
    tab.goto("/regions?record=b")
    tab.locator("#regions-canvas").focus()
    tab.keyboard.press("ArrowRight")
    tab.keyboard.press("Shift+ArrowDown")
    assert tab.locator("#regions-box").is_visible()
    assert float(tab.locator("#regions-x0").input_value()) > 140  # moved right from a third of 420
    tab.keyboard.press("Enter")
    tab.wait_for_url("**x0=*")
