"""In headless Chromium, under the site's own CSP: a question streams its answer, citations link the cards,
and an answer citing a record that was not retrieved is taken back for the records' own answer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ask.standin import ChatStandIn
from browsing import BROWSER, new_page, serve, shot
from vitrine.settings import AskSettings

pytestmark = BROWSER


@pytest.fixture(scope="module")
def ask_server(collection_path: Any, web_settings: Any) -> Iterator[str]:
    from vitrine.web import create_app

    with ChatStandIn() as standin:
        settings = web_settings(collection_path.parent)
        settings.ask = AskSettings(endpoint=standin.url, model="standin")
        with serve(create_app(settings, collection_path)) as url:
            yield url


def _ask(page: Any, question: str) -> None:
    page.fill("#ask-q", question)
    page.click("#ask-submit")
    page.wait_for_selector("#ask-busy", state="hidden")


def test_an_answer_streams_in_with_cards_and_a_bad_one_is_replaced(browser: Any, ask_server: str) -> None:
    page = new_page(browser, ask_server, bypass_csp=False)
    problems: list[str] = []
    # the browser's own favicon request is the site's business, not this page's
    page.on("console", lambda m: problems.append(m.text) if m.type == "error"
            and "favicon" not in str(m.location.get("url")) else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    try:
        page.goto("/ask")
        _ask(page, "study in colour by Anna Painter")
        page.wait_for_selector(".ask-how")
        assert "Written by a language model" in page.inner_text(".ask-how")
        cites = page.locator("#ask-text .cite")
        assert cites.count() >= 1 and page.locator("#ask-cards .card img").count() >= 2
        target = cites.first.get_attribute("href")
        assert target is not None and page.locator(target).count() == 1
        shot(page, "ask-model")
        _ask(page, "study in colour by Anna Painter??")
        page.wait_for_selector(".ask-note")
        assert "not retrieved" in page.inner_text(".ask-note")
        assert "Composed from the records below" in page.inner_text(".ask-how")
        assert "not-retrieved" not in page.inner_text("#ask-text")
        assert problems == []
    finally:
        page.context.close()
