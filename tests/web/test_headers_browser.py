"""The pages in real Chromium raise no Content-Security-Policy violation."""

from __future__ import annotations

from typing import Any

from browsing import BROWSER, new_page
from web.test_headers import PAGES

pytestmark = BROWSER


def test_the_pages_break_no_rule_of_their_policy(browser: Any, server: str) -> None:
    page = new_page(browser, server, bypass_csp=False)
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text
            else None)
    for path in PAGES:
        page.goto(path)
        page.wait_for_load_state("networkidle")
    page.context.close()
    assert violations == []
