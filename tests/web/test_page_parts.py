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
from vitrine.web.auth import CSRF_FIELD, CSRF_HEADER
from web.conftest import make_settings
from web.staff import staff_session

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


def test_editors_correct_a_box_in_the_review_form_and_through_the_api(page_collection: Any) -> None:
    run_agent(page_collection, "illustrations")
    found = page_collection.catalog.suggestions.find(SuggestionQuery(kinds=("class",), limit=100, order="id"))
    woodcuts = [s for s in found if s.label == "illustration"]
    root = page_collection.root
    app = create_app(make_settings(root.parent), root)
    with TestClient(app) as client:
        cookies, csrf = staff_session(app, "editor", "ed")
        client.cookies.update(cookies)
        queue = client.get("/review", params={"kind": "class"}).text
        assert 'name="region_box" value="' in queue
        first = woodcuts[0]
        bad = client.post(f"/review/{first.id}/edit", data={CSRF_FIELD: csrf, "revision": str(first.revision),
                                                          "back": "", "region_box": "1, 2, three"})
        assert bad.status_code == 422 and "four numbers" in bad.text
        posted = client.post(f"/review/{first.id}/edit", follow_redirects=False,
                             data={CSRF_FIELD: csrf, "revision": str(first.revision), "back": "",
                                   "value.label": "illustration", "region_box": "150, 330, 300, 240"})
        assert posted.status_code == 303
        second = woodcuts[1]
        answer = client.post(f"/api/suggestions/{second.id}/decision", headers={CSRF_HEADER: csrf},
                             json={"action": "edit", "revision": second.revision,
                                   "region": {"box": [150, 350, 300, 240]}})
        assert answer.status_code == 200 and answer.json()["status"] == "edited"
    regions = {a.suggestion_id: a.region for s in woodcuts[:2]
               for a in page_collection.catalog.suggestions.assertions(s.record_id)}
    assert regions == {first.id: {"box": [150.0, 330.0, 300.0, 240.0]},
                       second.id: {"box": [150.0, 350.0, 300.0, 240.0]}}
