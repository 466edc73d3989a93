"""The cataloguing pages in real Chromium: a running job's progress follows on the jobs page without
a reload, the pages break no rule of their Content-Security-Policy, and screenshots of each."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from browsing import BROWSER, new_page, serve, shot
from vitrine.jobs import worker
from vitrine.suggestions import review
from web.cataloguing import Worker, accept, new_app, served, suggest, suggest_boxes
from web.staff import staff_cookie

pytestmark = BROWSER


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[FastAPI, str]]:
    app = new_app(tmp_path)
    with serve(app) as url:
        yield app, url


def _signed_in(browser: Any, app: FastAPI, url: str) -> Any:
    page = new_page(browser, url, bypass_csp=False)
    cookies = staff_cookie(app, "editor", "ed")
    page.context.add_cookies([{"name": k, "value": v, "url": url} for k, v in cookies.items()])
    return page


def test_the_jobs_page_follows_a_running_job_without_a_reload(
        browser: Any, site: tuple[FastAPI, str], monkeypatch: pytest.MonkeyPatch) -> None:
    app, url = site
    fake = Worker(app)
    monkeypatch.setattr(worker, "spawn", fake)
    page = _signed_in(browser, app, url)
    try:
        page.goto("/review/jobs")
        page.select_option("#job-agent", "fake")
        page.click("#start-job-submit")
        page.wait_for_url("**/review/jobs?done=started*")
        row = page.locator("tr[data-job]").first
        assert row.get_attribute("data-state") == "queued"
        page.evaluate("window.__same_page = true")  # gone if the page reloads
        fake.finish()
        page.wait_for_selector('tr[data-job][data-state="done"]', timeout=15_000)
        assert page.evaluate("window.__same_page") is True
        assert row.locator('[data-field="done"]').inner_text() == "8"
        assert row.locator("form.cancel-job").count() == 0
        shot(page, "review-jobs")
    finally:
        fake.finish()
        page.context.close()


def test_the_cataloguing_pages_break_no_rule_of_their_policy(browser: Any, site: tuple[FastAPI, str]) -> None:
    app, url = site
    found = suggest(app, min_length=2)
    catalog = served(app).catalog
    for s in found[:30]:
        review.decide(catalog, s.id, "accept" if (s.score or 0) >= 0.5 else "reject", actor="ed")
    suggest_boxes(app, "w01")
    accept(app, "w01", "ship")
    page = _signed_in(browser, app, url)
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text
            else None)
    try:
        for path, name in (("/records/w01", "record-provenance"),
                           ("/search?tag=ship", "search-curated-facet"),
                           (f"/review/agents/{found[0].agent_id}?accept_from=0.8&reject_below=0.2",
                            "review-agent"),
                           ("/review/agents", "review-agents"), ("/review/batches", "review-batches")):
            page.goto(path)
            page.wait_for_load_state("networkidle")
            shot(page, name)
        page.goto("/records/w01")
        box = page.locator(".region-accepted rect").bounding_box()
        assert box is not None and box["width"] > 0  # drawn, over the image
    finally:
        page.context.close()
    assert violations == []
