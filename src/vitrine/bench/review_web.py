"""The review queue's web page timed like the store's queries: `vitrine bench review --web`.

Each queue gets a web app of its own (`vitrine.web.create_app`) and a signed-in editor's
TestClient; a page query becomes a GET of `/review` with the same filters, so the figure is the
whole page: routing, the session check, the queue's queries, the record summaries and the
template. A record's page asks by identifier, looked up inside the timed call (one indexed read).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient

from vitrine import accounts
from vitrine.catalog.suggestions import SuggestionQuery
from vitrine.collection import Collection
from vitrine.settings import Settings, WebSettings
from vitrine.web import create_app
from vitrine.web.auth import CSRF_HEADER, SESSION_COOKIE, cookie_value

EDITOR = "bench-editor"
MAX_PAGE = 10_000  # the page parameter's bound on /review


@contextmanager
def web_fetches(collections: Sequence[Collection], per_page: int) -> Iterator[list[Callable[[Any], object]]]:
    """One fetch per collection: GET /review with a query's filters, as a signed-in editor."""
    clients = []
    try:
        for collection in collections:
            settings = Settings(data_dir=collection.root.parent, web=WebSettings(rate_limit_per_minute=0))
            app = create_app(settings, collection.root)
            client = TestClient(app, raise_server_exceptions=True)
            client.__enter__()
            clients.append(client)
            cookies, csrf = _signed_in(collection, settings)
            client.cookies.update(cookies)
            client.headers[CSRF_HEADER] = csrf
        yield [_fetch(client, collection, per_page)
               for client, collection in zip(clients, collections, strict=True)]
    finally:
        for client in clients:
            client.__exit__(None, None, None)


def _signed_in(collection: Collection, settings: Settings) -> tuple[dict[str, str], str]:
    catalog = collection.catalog
    user = catalog.accounts.user(EDITOR) or accounts.add_user(
        catalog, EDITOR, "editor", "a benchmark's long password", actor="bench")
    session = accounts.start_session(catalog, user.id)
    return {SESSION_COOKIE: cookie_value(settings, session.id)}, session.csrf


def _fetch(client: TestClient, collection: Collection, per_page: int) -> Callable[[Any], object]:
    def fetch(query: SuggestionQuery) -> object:
        answer = client.get("/review", params=params(collection, query, per_page))
        if answer.status_code != 200:
            raise RuntimeError(f"/review answered {answer.status_code}: {answer.text[:300]}")
        return answer
    return fetch


def params(collection: Collection, query: SuggestionQuery, per_page: int) -> dict[str, Any]:
    """The /review query parameters of a store query."""
    out: dict[str, Any] = {"order": query.order, "per_page": min(query.limit, 100),
                           "page": min(MAX_PAGE, query.offset // per_page + 1)}
    if query.kinds:
        out["kind"] = list(query.kinds)
    if query.agent_ids:
        out["agent"] = [str(i) for i in query.agent_ids]
    if query.score_min is not None:
        out["score_min"] = query.score_min
    if query.score_max is not None:
        out["score_max"] = query.score_max
    if query.stale is not None:
        out["stale"] = "yes" if query.stale else "no"
    if query.record_ids:
        [record_id] = query.record_ids
        out["record"] = collection.catalog.get_many([record_id])[record_id].identifier
    return out
