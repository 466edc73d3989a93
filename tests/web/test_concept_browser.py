"""Teaching a concept in real Chromium, under the pages' own content security policy: an editor
marks works from the search results (also after refining them in place), one from the concept
page's "ask" panel (from the keyboard) and the map's selection, each one fetch without a page
reload, checked in the catalogue."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from browsing import BROWSER, new_page, serve, shot
from vitrine.collection import open_collection
from vitrine.concepts import teach
from vitrine.maps import build_map
from web.cataloguing import new_app, served
from web.test_staff_browser import account, sign_in

pytestmark = BROWSER
NAME = "colour study"


@pytest.fixture(scope="module")
def concept_app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    root = tmp_path_factory.mktemp("conceptbrowser")
    app = new_app(root)
    with open_collection(root / "coll") as collection:
        build_map(collection, "pca")
    return app


@pytest.fixture(scope="module")
def concept_server(concept_app: FastAPI) -> Iterator[str]:
    with serve(concept_app) as url:
        teach.create_concept(served(concept_app).catalog, NAME, actor="tests")
        yield url


@pytest.fixture
def editor_page(browser: Any, concept_server: str, concept_app: FastAPI) -> Iterator[Any]:
    tab = new_page(browser, concept_server, bypass_csp=False)  # the policy applies: no inline script
    tab.problems = []
    tab.on("console", lambda message: tab.problems.append(message.text)
           if "Content Security Policy" in message.text or "Uncaught" in message.text else None)
    tab.on("pageerror", lambda error: tab.problems.append(str(error)))
    sign_in(tab, account(concept_app, "concept-editor", "editor"), "/search?q=study")
    yield tab
    tab.context.close()


def labels(app: FastAPI) -> dict[str, tuple[bool, str]]:
    catalog = served(app).catalog
    return {lab.identifier: (lab.positive, lab.labelled_by)
            for lab in catalog.concepts.labels(catalog.concepts.get(NAME).id)}


def _status(page: Any, text: str) -> str:
    page.wait_for_selector(f"#concept-status:has-text({text!r})")
    said: str = page.inner_text("#concept-status")
    return said


def test_mark_from_search_results_ask_panel_and_map(editor_page: Any, concept_app: FastAPI) -> None:
    page = editor_page
    page.evaluate("window.loadedOnce = 'yes'")
    page.click("button.concept-pos[data-id='w00']")
    assert "Marked w00 as an example of “colour study” (labels: 1, examples: 1)" in _status(page, "w00")
    page.click("button.concept-neg[data-id='w01']")
    _status(page, "w01 as a counter-example")
    assert page.get_attribute("li.card[data-identifier='w01']", "data-concept-mark") == "neg"
    assert page.get_attribute("button.concept-pos[data-id='w00']", "aria-pressed") == "true"
    assert page.evaluate("window.loadedOnce") == "yes"  # no reload
    assert labels(concept_app) == {"w00": (True, "concept-editor"), "w01": (False, "concept-editor")}
    shot(page, "concept-search")
    page.click("button.mark-pos[data-id='w02']")  # relevance feedback replaces the results in place
    page.click("#refine")
    page.wait_for_selector("#results-title:has-text('Refined')")
    page.click("#result-grid button.concept-pos[data-id='w03']")
    _status(page, "Marked w03")
    assert labels(concept_app)["w03"] == (True, "concept-editor")
    assert page.evaluate("window.loadedOnce") == "yes"

    page.goto("/review/concepts/colour%20study?n=3")
    page.evaluate("window.loadedOnce = 'yes'")
    first = page.locator(".ask-item").first
    asked = first.get_attribute("data-identifier")
    assert asked not in ("w00", "w01", "w03") and page.locator(".ask-item").count() == 3
    first.focus()
    page.keyboard.press("y")
    _status(page, f"Marked {asked} as an example")
    assert page.inner_text("#concept-counts [data-field=labels]") == "4"
    assert first.get_attribute("data-concept-mark") == "pos"
    assert page.evaluate("document.activeElement.dataset.identifier") != asked  # on to the next work
    assert page.evaluate("window.loadedOnce") == "yes"
    assert labels(concept_app)[asked] == (True, "concept-editor")
    shot(page, "concept-page")

    page.goto("/map")
    page.evaluate("window.vitrineMap.ready.then(() => true)")
    page.evaluate("window.vitrineMap.select([0, 1])")
    page.wait_for_selector("#map-selection-list li[data-identifier]")
    listed = page.locator("#map-selection-list li").evaluate_all(
        "items => items.map(i => i.dataset.identifier)")
    page.click("#concept-selection-neg")
    _status(page, "counter-example")
    stored = labels(concept_app)
    assert listed and all(stored[i] == (False, "concept-editor") for i in listed)
    assert not page.problems, page.problems  # nothing refused by the policy, no script error
