"""Staff in web tests: make an account of a role and a signed-in session cookie for it."""

from __future__ import annotations

from fastapi import FastAPI

from vitrine import accounts
from vitrine.web.auth import SESSION_COOKIE, cookie_value

PASSWORD = "a long enough password"


def staff_cookie(app: FastAPI, role: str, name: str | None = None) -> dict[str, str]:
    """Cookies of a fresh session of account `name` (made with `role` if it does not exist)."""
    catalog = app.state.collection.catalog
    name = name or f"test-{role}"
    user = catalog.accounts.user(name)
    if user is None:
        user = accounts.add_user(catalog, name, role, PASSWORD, actor="tests")
    session = accounts.start_session(catalog, user.id)
    return {SESSION_COOKIE: cookie_value(app.state.settings, session.id)}
