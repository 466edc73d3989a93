"""The map page in headless Chromium: first paint, zoom, lasso selection, export, focus, fallback."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browsing import BROWSER, new_page, serve, shot
from vitrine.collection import open_collection
from vitrine.maps import build_map
from vitrine.web import create_app

from .conftest import make_settings

pytestmark = BROWSER
FIRST_PAINT = "performance.getEntriesByName('vitrine-map-first-paint').length > 0"


@pytest.fixture(scope="module")
def map_server(collection_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("mapweb") / "coll"
    shutil.copytree(collection_path, root)
    with open_collection(root) as coll:
        build_map(coll, "pca")
    with serve(create_app(make_settings(root.parent), root)) as url:
        yield url


@pytest.fixture
def map_page(browser: Any, map_server: str) -> Iterator[Any]:
    tab = new_page(browser, map_server)
    yield tab
    tab.context.close()


def open_map(page: Any, query: str = "") -> None:
    page.goto("/map" + query)
    page.wait_for_function(FIRST_PAINT)


def screen_points(page: Any) -> list[tuple[float, float]]:
    """Each point's position in page coordinates, from the page's own transform."""
    return [tuple(p) for p in page.evaluate("""() => {
        const m = window.vitrineMap, r = document.getElementById('map-stage').getBoundingClientRect();
        const out = [];
        for (let i = 0; i < m.state.n; i++) {
            const [x, y] = m.toScreen(m.state.xy[2 * i], m.state.xy[2 * i + 1]);
            out.push([x + r.left, y + r.top]);
        }
        return out; }""")]


def test_draws_zooms_lassos_and_exports(map_page: Any, tmp_path: Path) -> None:
    page = map_page
    open_map(page)
    assert page.evaluate("window.vitrineMap.state.n") == 24
    assert "24 points" in page.inner_text("#map-renderer")
    page.wait_for_function("[...window.vitrineMap.state.atlas.values()].some(e => e.ready)")
    page.select_option("#map-color", "creator")
    page.wait_for_selector("#map-legend li")
    assert "Anna Painter" in page.inner_text("#map-legend")

    stage = page.locator("#map-stage")
    stage.focus()
    before = page.evaluate("window.vitrineMap.state.scale")
    page.keyboard.press("+")
    box = stage.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, 300)  # zoom back out a little
    page.wait_for_timeout(100)
    after = page.evaluate("window.vitrineMap.state.scale")
    assert after != before and page.evaluate("window.vitrineMap.state.frames") > 1

    points = screen_points(page)
    xs = sorted(x for x, _ in points)
    cut = (xs[9] + xs[10]) / 2  # a lasso around the 10 left-most points
    left, top = box["x"] + 2, box["y"] + 2
    bottom = box["y"] + box["height"] - 2
    expected = sum(1 for x, y in points if left < x < cut and top < y < bottom)
    page.click("#map-lasso")
    page.mouse.move(left, top)
    page.mouse.down()
    for x, y in [(cut, top), (cut, bottom), (left, bottom), (left, top + 1)]:
        page.mouse.move(x, y, steps=6)
    page.mouse.up()
    page.wait_for_function("document.getElementById('map-selection-works').textContent !== '0'")
    assert int(page.inner_text("#map-selection-count")) == expected == 10
    assert page.locator("#map-selection-list li").count() == expected
    assert page.locator("#map-selection-counts li").count() >= 1  # per creator
    shot(page, "map")

    with page.expect_download() as info:
        page.click("#map-export-csv")
    target = tmp_path / "selection.csv"
    info.value.save_as(target)
    with target.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == expected and all(r["identifier"] for r in rows)
    with page.expect_download() as info:
        page.click("#map-export-iiif")
    assert info.value.suggested_filename == "map-selection.json"


def test_focus_centres_and_shows_the_work(map_page: Any) -> None:
    open_map(map_page, "?focus=acc%2F1850%2F5&renderer=webgl")
    webgl = map_page.evaluate("!!document.createElement('canvas').getContext('webgl')")
    assert map_page.evaluate("window.vitrineMap.state.renderer.name") == ("webgl" if webgl else "canvas")
    map_page.wait_for_selector("#map-work-link")
    assert map_page.get_attribute("#map-work-link", "href") == "/records/acc%2F1850%2F5"
    row = map_page.evaluate("window.vitrineMap.state.focus[0]")
    centre = map_page.evaluate(f"window.vitrineMap.toScreen(window.vitrineMap.state.xy[{2 * row}],"
                               f" window.vitrineMap.state.xy[{2 * row + 1}])")
    size = map_page.locator("#map-stage").bounding_box()
    assert abs(centre[0] - size["width"] / 2) < 2 and abs(centre[1] - size["height"] / 2) < 2
    shot(map_page, "map-focus")


def test_canvas_fallback_draws_points(map_page: Any) -> None:
    open_map(map_page, "?renderer=canvas")
    assert "canvas" in map_page.inner_text("#map-renderer")
    lit = map_page.evaluate("""() => {
        const c = document.getElementById('map-points');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }""")
    assert lit > 24
