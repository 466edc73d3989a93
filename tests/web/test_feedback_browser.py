"""Relevance feedback in headless Chromium: mark, refine in place, another round, save as a set."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from browsing import BROWSER, new_page, shot
from web.staff import staff_cookie

pytestmark = BROWSER


def _grid_ids(page: Any) -> list[str]:
    return page.eval_on_selector_all("#result-grid > li", "cards => cards.map(c => c.dataset.identifier)")


def test_mark_refine_twice_and_save_a_set(page: Any, app: FastAPI, server: str) -> None:
    # saving a set needs an account: a researcher's session (its forms carry the CSRF token)
    page.context.add_cookies([{"name": name, "value": value, "url": server}
                              for name, value in staff_cookie(app, "researcher").items()])
    page.goto("/search?like=w03")
    first, second = _grid_ids(page)[:2]
    relevant = page.locator(f"#result-grid button.mark-pos[data-id='{first}']")
    relevant.click()
    assert relevant.get_attribute("aria-pressed") == "true"
    rejected = page.locator(f"#result-grid button.mark-neg[data-id='{second}']")
    rejected.focus()
    page.keyboard.press("Space")  # the toggles are buttons: keyboard users mark the same way
    assert rejected.get_attribute("aria-pressed") == "true"
    assert page.inner_text("#feedback-status") == "1 relevant · 1 not relevant"
    page.evaluate("window.stillHere = true")
    page.click("#refine")
    page.wait_for_function("document.querySelector('#results-title').textContent.includes('Refined')")
    assert page.evaluate("window.stillHere") is True  # updated in place, no page load
    assert "refined=1" in page.url and f"pos={first}" in page.url
    assert page.locator(f"#relevant-title + ul [data-identifier='{first}']").count() == 1
    assert not {first, second, "w03"} & set(_grid_ids(page))
    shot(page, "feedback-refined")

    another = _grid_ids(page)[0]
    page.click(f"#result-grid button.mark-pos[data-id='{another}']")
    page.click("#refine")
    page.wait_for_function("document.querySelectorAll('#relevant-title + ul > li').length === 2")
    assert another not in _grid_ids(page) and page.inner_text("#feedback-status").startswith("2 relevant")

    page.fill("#set-name", "Browser set")
    page.fill("#set-description", "two rounds of feedback")
    page.click("#save-set-submit")
    page.wait_for_url("**/sets/Browser%20set")
    works = page.eval_on_selector_all("#set-works > li a.card-link", "links => links.map(a => a.href)")
    assert works[0].endswith(f"/records/{first}") and works[1].endswith(f"/records/{another}")
    assert len(works) == 2 + 20
    assert page.get_attribute("#set-map", "href") == "/map?set=Browser+set"
    assert page.get_attribute("#set-csv", "href") == "/sets/Browser%20set/records.csv"
    shot(page, "feedback-set")
    page.click("#set-delete")
    page.wait_for_url("**/sets")
    assert "Browser set" not in page.inner_text("main")


def test_marks_work_without_javascript(browser: Any, server: str) -> None:
    tab = new_page(browser, server, java_script_enabled=False)
    try:
        tab.goto("/search?like=w03")
        first = _grid_ids(tab)[0]
        tab.click(f"#result-grid button.mark-pos[data-id='{first}']")
        tab.wait_for_url(f"**pos={first}**")
        assert tab.locator(f"#relevant-title + ul [data-identifier='{first}']").count() == 1
        tab.click("#refine")
        tab.wait_for_url("**refined=1**")
        assert "Refined with your marks" in tab.inner_text("#results-title")
        assert first not in _grid_ids(tab)
        shot(tab, "feedback-no-js")
    finally:
        tab.context.close()
