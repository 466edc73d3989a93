"""Signing in and out, session expiry and fixation, CSRF, safe `next=`, and the login rate limit."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from vitrine import accounts
from vitrine.web import create_app
from vitrine.web.auth import CSRF_HEADER, SESSION_COOKIE
from vitrine.web.routes.account import BLOCKED, REFUSED
from vitrine.web.security import FailureLimiter
from web.conftest import make_settings
from web.staff import PASSWORD, staff_session

HOST = "testserver.local"  # where TestClient keeps the cookies the app sets


def started(collection_path: Path, **web: object) -> Iterator[TestClient]:
    app = create_app(make_settings(collection_path.parent, **web), collection_path)
    with TestClient(app, raise_server_exceptions=False) as http:
        catalog = app.state.collection.catalog
        for name, role in (("sam", "researcher"), ("ada", "admin")):
            if catalog.accounts.user(name) is None:
                accounts.add_user(catalog, name, role, PASSWORD, actor="tests")
        yield http


@pytest.fixture(scope="module")
def http(collection_path: Path) -> Iterator[TestClient]:
    yield from started(collection_path)


@pytest.fixture(autouse=True)
def fresh(http: TestClient) -> None:
    http.cookies.clear()
    http.app.state.logins = FailureLimiter(5, 900)  # type: ignore[attr-defined]


def login(http: TestClient, name: str = "sam", password: str = PASSWORD, next: str = "/search") -> int:
    return http.post("/login", data={"name": name, "password": password, "next": next},
                     follow_redirects=False).status_code


def test_login_sets_a_fresh_httponly_samesite_cookie_and_logout_ends_the_session(http: TestClient) -> None:
    assert http.get("/api/sets").status_code == 401
    answer = http.post("/login", data={"name": "sam", "password": PASSWORD, "next": "/sets"},
                       follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/sets"
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert http.get("/api/sets").status_code == 200
    page = http.get("/search").text
    assert 'id="account-name">sam (researcher)' in page and 'id="sign-out"' in page
    csrf = page.split('name="csrf-token" content="')[1].split('"')[0]
    old = http.cookies[SESSION_COOKIE]
    assert http.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    assert 'id="sign-in"' in http.get("/search").text
    http.cookies.set(SESSION_COOKIE, old, domain=HOST)  # a copy of the cookie is worthless once logged out
    assert http.get("/api/sets").status_code == 401
    catalog = http.app.state.collection.catalog  # type: ignore[attr-defined]
    actions = [e.action for e in catalog.audit.entries(actor="sam", limit=5)]
    assert actions[:2] == ["logout", "login"]


def test_no_fixation_a_cookie_from_before_login_is_not_the_one_after(http: TestClient) -> None:
    http.cookies.set(SESSION_COOKIE, "planted-by-an-attacker", domain=HOST)
    assert login(http) == 303
    first = http.cookies[SESSION_COOKIE]
    assert first != "planted-by-an-attacker"
    csrf = http.get("/login").text.split('name="csrf-token" content="')[1].split('"')[0]
    http.post("/login", data={"name": "sam", "password": PASSWORD, "csrf": csrf}, follow_redirects=False)
    second = http.cookies[SESSION_COOKIE]
    assert second != first
    http.cookies.set(SESSION_COOKIE, first, domain=HOST)  # signing in again ended the old session
    assert http.get("/api/sets").status_code == 401


@pytest.mark.parametrize("limits", [{"session_idle_s": 1.0}, {"session_absolute_s": 1.0}])
def test_sessions_expire(collection_path: Path, limits: dict[str, float]) -> None:
    for short in started(collection_path, **limits):
        assert login(short) == 303 and short.get("/api/sets").status_code == 200
        time.sleep(1.2)
        assert short.get("/api/sets").status_code == 401


def test_a_disabled_account_loses_its_sessions_and_tokens_at_once(http: TestClient) -> None:
    catalog = http.app.state.collection.catalog  # type: ignore[attr-defined]
    accounts.add_user(catalog, "leaver", "researcher", PASSWORD, actor="tests")
    token = {"Authorization": "Bearer " + accounts.create_token(catalog, "leaver", "read", actor="tests")}
    assert login(http, "leaver") == 303
    assert http.get("/api/sets").status_code == 200
    assert http.get("/api/search", headers=token).status_code == 200
    accounts.set_disabled(catalog, "leaver", actor="tests")
    assert http.get("/api/sets").status_code == 401
    assert http.get("/api/search", headers=token).status_code == 401
    assert login(http, "leaver") == 401


def test_csrf_no_token_or_another_sessions_token_is_refused(http: TestClient) -> None:
    app: FastAPI = http.app  # type: ignore[assignment]
    cookies, csrf = staff_session(app, "researcher", "sam")
    _, other = staff_session(app, "researcher", "sam")
    http.cookies.set(SESSION_COOKIE, cookies[SESSION_COOKIE], domain=HOST)
    body = {"name": "csrf picks", "identifiers": ["w04"]}
    for headers in ({}, {CSRF_HEADER: other}, {CSRF_HEADER: ""}):
        refused = http.post("/api/sets", json=body, headers=headers)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf"
    form = http.post("/sets", data={"like": "w03", "name": "csrf form", "csrf": other})
    assert form.status_code == 403 and 'data-code="csrf"' in form.text
    assert http.post("/api/sets", json=body, headers={CSRF_HEADER: csrf}).status_code == 201
    deleted = http.post("/sets/csrf picks/delete", data={"csrf": csrf}, follow_redirects=False)
    assert deleted.status_code == 303
    # anonymous visitor forms have no session, hence no token, and keep working
    http.cookies.clear()
    anonymous = http.post(f"/gallery/{'0' * 16}/remove", data={"token": "x" * 20})
    assert anonymous.status_code == 404


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example", "/\\evil.example",
                                    "\\\\evil.example", "/\t/evil.example", "javascript:alert(1)", ""])
def test_next_never_leads_off_site(http: TestClient, target: str) -> None:
    answer = http.post("/login", data={"name": "sam", "password": PASSWORD, "next": target},
                       follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    assert 'name="next" value="/"' in http.get("/login", params={"next": target}).text


def test_failed_logins_are_limited_with_one_message_for_known_and_unknown_names(http: TestClient) -> None:
    pages = []
    for name in ("sam", "nobody-here"):
        http.app.state.logins = FailureLimiter(5, 900)  # type: ignore[attr-defined]
        answers = [http.post("/login", data={"name": name, "password": "wrong password!"}) for _ in range(6)]
        assert [a.status_code for a in answers] == [401] * 5 + [429], name
        assert all(REFUSED[1:] in a.text for a in answers[:5]) and BLOCKED[1:] in answers[5].text
        assert login(http, name) == 429  # even the right password waits now
        pages.append((answers[0].text, answers[5].text))
    assert pages[0] == pages[1]  # nothing tells an existing account from an unknown one
    catalog = http.app.state.collection.catalog  # type: ignore[attr-defined]
    assert {e.actor for e in catalog.audit.entries(action="login.failed", limit=20)} >= {"sam", "nobody-here"}


def test_failed_logins_are_limited_per_address_too(http: TestClient) -> None:
    statuses = [login(http, f"guess{i}", "wrong password!") for i in range(6)]
    assert statuses == [401] * 5 + [429]


def test_failed_logins_count_once_for_every_worker(tmp_path: Path) -> None:
    """Two apps on one collection stand for two workers: failures on either count for both."""
    from conftest import sample_records
    from vitrine.collection import create_collection

    root = tmp_path / "coll"
    with create_collection(root, embedder="fake", index="memory") as coll:
        coll.catalog.upsert(sample_records(tmp_path / "pictures", n=1)[0])
        accounts.add_user(coll.catalog, "sam", "researcher", PASSWORD, actor="tests")
    first, second = (create_app(make_settings(tmp_path, login_attempts=3), root) for _ in range(2))
    with TestClient(first, raise_server_exceptions=False) as a, \
            TestClient(second, raise_server_exceptions=False) as b:
        wrong = {"name": "sam", "password": "wrong password!"}
        assert [c.post("/login", data=wrong).status_code for c in (a, b, a)] == [401, 401, 401]
        assert b.post("/login", data=wrong).status_code == 429
        assert a.post("/login", data={"name": "sam", "password": PASSWORD}).status_code == 429
