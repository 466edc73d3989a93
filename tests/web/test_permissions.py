"""The authorisation matrix, generated from the app's own route table: every route, every kind of
caller (anonymous under each setting, each role, API tokens of each scope), the expected answer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from vitrine import accounts
from vitrine.accounts import ANONYMOUS, GRANTS, SCOPES, Permission, Role
from vitrine.web import create_app
from vitrine.web.auth import CSRF_HEADER, check_csrf, declared_permission, is_declaration
from web.conftest import make_settings
from web.routetable import api_routes, routes_with_inherited
from web.staff import PASSWORD, staff_session

ANYONE = "anyone"
#: harmless values for path parameters: enough to get past routing, never to change anything
_SAMPLES = {"identifier": "w07", "image_id": "1", "entry_id": "0" * 16, "token": "x" * 16, "name": "nope",
            "cell": "0", "sheet": "0", "fmt": "jpg", "token_id": "1", "job_id": "999999",
            "agent_id": "999999", "suggestion_id": "999999", "action": "reject", "entity_id": "work:w07",
            "kind": "entity"}
_VISITOR = re.compile(r"^/$|^/share|^/gallery|^/api/gallery|^/api/recognize|^/images/")


def expected(route: APIRoute) -> Permission | str:
    """What the roles table says a route needs, by what the route is for (docs/security.md)."""
    path = route.path
    if path in ("/login", "/logout"):
        return ANYONE
    if path.startswith("/admin"):
        return Permission.ADMINISTER
    if path.startswith(("/moderate", "/api/moderation")):
        return Permission.MODERATE
    if path.startswith(("/review", "/api/suggestions", "/api/jobs", "/api/concepts", "/living/make",
                        "/living/allow")):
        return Permission.CATALOGUE
    if path.startswith(("/api/sets", "/sets", "/sitters", "/api/sitters")):
        return Permission.KEEP_SETS
    if _VISITOR.search(path):
        return Permission.VISIT
    return Permission.READ


def declarations(route: APIRoute, inherited: list[Any]) -> set[Permission | str]:
    """Every permission the route's dependencies, its own and inherited, declare (`Allowed`, `Anyone`)."""
    found: set[Permission | str] = {declared_permission(c) or ANYONE for c in inherited if is_declaration(c)}
    stack = [route.dependant]
    while stack:
        dep = stack.pop()
        if dep.call is not None and is_declaration(dep.call):
            found.add(declared_permission(dep.call) or ANYONE)
        stack += dep.dependencies
    return found


def undeclared(app: FastAPI) -> list[str]:
    return [f"{sorted(r.methods)} {r.path}" for r, inherited in routes_with_inherited(app)
            if not declarations(r, inherited)]


def test_every_route_declares_the_permission_the_roles_table_gives_it(app: FastAPI) -> None:
    assert not undeclared(app)
    table = routes_with_inherited(app)
    assert len(table) == len(api_routes(app)) > 40
    wrong = {r.path: (declarations(r, i), expected(r))
             for r, i in table if declarations(r, i) != {expected(r)}}
    assert not wrong
    assert all(check_csrf in inherited for _, inherited in table)  # one CSRF check, on every route


def test_a_new_route_without_a_declaration_fails(app: FastAPI) -> None:
    app.router.add_api_route("/dummy-undeclared", lambda: {"ok": True}, methods=["POST"])
    try:
        assert undeclared(app) == ["['POST'] /dummy-undeclared"]
    finally:
        app.router.routes.pop()
    assert not undeclared(app)


# -- the matrix ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def anonymous_clients(collection_path: Path, client: TestClient) -> Iterator[dict[str, TestClient]]:
    """A client of an app under each `anonymous` setting ("read" is the shared app)."""
    clients = {"read": client}
    opened = []
    for level in ("visitor", "none"):
        app = create_app(make_settings(collection_path.parent, anonymous=level), collection_path)
        opened.append(TestClient(app, raise_server_exceptions=False).__enter__())
        clients[level] = opened[-1]
    yield clients
    for each in opened:
        each.__exit__(None, None, None)


@pytest.fixture(scope="module")
def token_headers(app: FastAPI, client: TestClient) -> dict[str, dict[str, str]]:
    """Bearer headers of an admin's tokens, one per scope (what the scope allows is all they get)."""
    catalog = app.state.collection.catalog
    if catalog.accounts.user("matrix-admin") is None:
        accounts.add_user(catalog, "matrix-admin", "admin", PASSWORD, actor="tests")
    return {scope: {"Authorization": "Bearer " + accounts.create_token(catalog, "matrix-admin", scope,
                                                                    actor="tests")}
            for scope in SCOPES}


def concrete(route: APIRoute) -> tuple[str, str]:
    method = sorted(route.methods - {"HEAD"})[0]
    path = re.sub(r"\{(\w+)(:path)?\}", lambda m: _SAMPLES[m.group(1)], route.path)
    return method, path


def check(response_status: int, needed: Permission | str, granted: frozenset[Permission], signed_in: bool,
          where: str) -> None:
    if needed == ANYONE or needed in granted:
        assert response_status not in (401, 403), where
    else:
        assert response_status == (403 if signed_in else 401), where


def routes(app: FastAPI) -> list[APIRoute]:
    return [r for r in api_routes(app) if r.path not in ("/api/docs", "/openapi.json")]


@pytest.mark.parametrize("level", ["read", "visitor", "none"])
def test_anonymous(level: str, anonymous_clients: dict[str, TestClient]) -> None:
    http = anonymous_clients[level]
    for route in routes(http.app):  # type: ignore[arg-type]
        method, path = concrete(route)
        status = http.request(method, path, follow_redirects=False).status_code
        check(status, expected(route), ANONYMOUS[level], False, f"{level}: {method} {path} -> {status}")


@pytest.mark.parametrize("role", list(Role))
def test_roles(role: Role, app: FastAPI, client: TestClient) -> None:
    for route in routes(app):
        method, path = concrete(route)
        cookies, csrf = staff_session(app, role.value)  # a fresh session each: /logout ends one
        http = TestClient(app, raise_server_exceptions=False, cookies=cookies, headers={CSRF_HEADER: csrf})
        status = http.request(method, path, follow_redirects=False).status_code
        check(status, expected(route), GRANTS[role], True, f"{role}: {method} {path} -> {status}")


@pytest.mark.parametrize("scope", list(SCOPES))
def test_tokens(scope: str, app: FastAPI, client: TestClient,
                token_headers: dict[str, dict[str, str]]) -> None:
    for route in routes(app):
        method, path = concrete(route)
        headers = token_headers[scope]
        status = client.request(method, path, headers=headers, follow_redirects=False).status_code
        check(status, expected(route), SCOPES[scope], True, f"token {scope}: {method} {path} -> {status}")


def test_an_unknown_token_is_refused_not_treated_as_anonymous(client: TestClient) -> None:
    answer = client.get("/api/search", params={"q": "colour"}, headers={"Authorization": "Bearer vt_forged"})
    assert answer.status_code == 401
