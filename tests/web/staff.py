"""Staff in web tests: make an account of a role and a signed-in session cookie for it."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from vitrine import accounts
from vitrine.web.auth import CSRF_HEADER, SESSION_COOKIE, cookie_value

PASSWORD = "a long enough password"


def staff_cookie(app: FastAPI, role: str, name: str | None = None) -> dict[str, str]:
    """Cookies of a fresh session of account `name` (made with `role` if it does not exist)."""
    return staff_session(app, role, name)[0]


def staff_session(app: FastAPI, role: str, name: str | None = None) -> tuple[dict[str, str], str]:
    """Cookies of a fresh session (as `staff_cookie`) and that session's CSRF token."""
    catalog = app.state.collection.catalog
    name = name or f"test-{role}"
    user = catalog.accounts.user(name)
    if user is None:
        user = accounts.add_user(catalog, name, role, PASSWORD, actor="tests")
    session = accounts.start_session(catalog, user.id)
    return {SESSION_COOKIE: cookie_value(app.state.settings, session.id)}, session.csrf


def staff_client(app: FastAPI, role: str, name: str | None = None) -> TestClient:
    """A client signed in as account `name` of `role`, sending its session's CSRF token on every
    request (as the pages' forms and fetches do). The app must be started already."""
    cookies, csrf = staff_session(app, role, name)
    return TestClient(app, raise_server_exceptions=False, cookies=cookies, headers={CSRF_HEADER: csrf})
