"""A page's record page lists the illustrations taken from it, and each illustration's links back."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient

from pagedraw import page_collection
from vitrine.catalog.suggestions import SuggestionQuery
from vitrine.pages.parts import parts_of, promote
from vitrine.suggestions.review import decide
from vitrine.suggestions.run import run_agent
from vitrine.web.app import create_app
from web.conftest import make_settings

__all__ = ["page_collection"]  # the fixture


def test_page_and_illustration_link_to_each_other(page_collection: Any) -> None:
    run_agent(page_collection, "illustrations")
    found = page_collection.catalog.suggestions.find(SuggestionQuery(kinds=("class",), limit=100))
    woodcut = next(s for s in found if s.identifier == "p1" and s.label == "illustration")
    decide(page_collection.catalog, woodcut.id, "accept", actor="ed")
    promote(page_collection)
    (part,) = parts_of(page_collection.catalog, "p1")
    root = page_collection.root
    app = create_app(make_settings(root.parent), root)
    with TestClient(app) as client:
        page = client.get("/records/p1")
        assert page.status_code == 200 and "Illustrations on this page" in page.text
        assert f'href="/records/{quote(part.identifier, safe="")}"' in page.text
        shown = client.get(f"/records/{quote(part.identifier, safe='')}")
        assert shown.status_code == 200 and 'Cut from the page <a href="/records/p1">p1</a>' in shown.text
        assert "Illustrations on this page" not in client.get("/records/p0").text
