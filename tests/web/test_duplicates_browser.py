"""The duplicates page in a real browser: groups of thumbnails, then one record's duplicates."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from browsing import BROWSER, new_page, serve, shot
from duplicate_images import build_collection
from vitrine.duplicates.find import find_duplicates
from vitrine.settings import Settings
from vitrine.web import create_app

pytestmark = BROWSER


@pytest.fixture(scope="module")
def dup_server(
    tmp_path_factory: pytest.TempPathFactory, web_settings: Callable[..., Settings],
) -> Iterator[str]:
    root = tmp_path_factory.mktemp("browserdups")
    collection = build_collection(root, works=8)
    find_duplicates(collection)
    collection.close()
    with serve(create_app(web_settings(root), root / "coll")) as url:
        yield url


def test_duplicate_groups_and_a_records_duplicates(browser: Any, dup_server: str) -> None:
    page = new_page(browser, dup_server)
    try:
        page.goto("/duplicates")
        groups = page.locator(".dup-group")
        assert groups.count() == 4
        first = groups.first.locator("img")
        page.wait_for_function("() => [...document.querySelectorAll('.dup-member img')]"
                               ".every(i => i.complete && i.naturalWidth > 0)")
        assert first.count() == 2
        assert page.locator(".dup-kind.dup-crop").count() == 1
        shot(page, "duplicates")
        page.locator("#group-1 .dup-more").first.click()
        page.wait_for_url("**/duplicates?record=*")
        assert page.locator("#record-matches .dup-member").count() == 1
        shot(page, "duplicates-record")
        page.locator("#record-matches a").first.click()
        page.wait_for_url("**/records/*")
        page.locator("#record-duplicates").click()
        page.wait_for_url("**/duplicates?record=*")
        assert page.locator("h1").inner_text().startswith("Near-duplicates of")
    finally:
        page.context.close()
