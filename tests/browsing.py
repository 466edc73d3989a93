"""Helpers for browser tests: serve an app under uvicorn, launch Debian's chromium, take screenshots.

A browser test module starts with `pytestmark = BROWSER` and uses the `page` fixture (the shared
web test collection) or, for a collection of its own, `serve(app)` with the `browser` fixture.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vitrine.web.background import serving as serve

__all__ = ["ARGS", "BROWSER", "CHROMIUM", "new_page", "serve", "shot"]

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run",
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]

BROWSER = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt install chromium)"),
]


def new_page(browser: Any, base_url: str, **context: Any) -> Any:
    """A tab in a fresh browser context (close it with `page.context.close()`)."""
    # Playwright evaluates its wait_for_function strings with eval, which the pages' CSP forbids;
    # tests/web/test_headers_browser.py checks the policy with bypass_csp=False.
    options = {"viewport": {"width": 1280, "height": 900}, "accept_downloads": True, "bypass_csp": True,
               **context}
    tab_context = browser.new_context(base_url=base_url, **options)
    tab_context.set_default_timeout(15_000)
    return tab_context.new_page()


def shot(page: Any, name: str) -> None:
    """A full-page screenshot in artifacts/screenshots/NAME.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
