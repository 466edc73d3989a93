"""Browser sessions of staff accounts: created at login, looked up per request, ended at logout.

A session id is 32 random bytes; only its SHA-256 is stored, so a copy of the catalogue cannot be
used to take over sessions. Each login makes a new id (no fixation). A session ends after
`idle_s` without use or `absolute_s` after login, whichever comes first, and with its account
(disabled, or its password changed).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from vitrine.accounts.users import Principal, authenticate, principal_of
from vitrine.catalog import Catalog

#: a session is touched at most this often (one write per minute, not one per request)
_TOUCH_EVERY_S = 60.0


@dataclass(frozen=True)
class Session:
    """A live session: who, and the token its forms and fetches must echo (CSRF)."""

    id: str
    principal: Principal
    csrf: str


def start_session(catalog: Catalog, user_id: int, *, address: str = "") -> Session:
    """A new session for an account that just proved who it is; audited as a login."""
    session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with catalog.transaction():
        user = catalog.accounts.user_by_id(user_id)
        if user is None or user.disabled:
            raise ValueError("no enabled account with that id")
        catalog.accounts.add_session(_sha256(session_id), user.id, csrf)
        catalog.audit.record(user.name, "login", user.name, address=address)
    return Session(session_id, principal_of(user), csrf)


def find_session(catalog: Catalog, session_id: str, *, idle_s: float, absolute_s: float) -> Session | None:
    """The live session with this id, or None (unknown, expired, or its account disabled)."""
    if not session_id or len(session_id) > 100:
        return None
    key = _sha256(session_id)
    row = catalog.accounts.session(key)
    if row is None:
        return None
    now = time.time()
    user = catalog.accounts.user_by_id(row.user_id)
    if user is None or user.disabled or now - row.seen_at > idle_s or now - row.created_at > absolute_s:
        catalog.accounts.drop_session(key)
        return None
    if now - row.seen_at > _TOUCH_EVERY_S:
        catalog.accounts.touch_session(key)
    return Session(session_id, principal_of(user), row.csrf)


def end_session(catalog: Catalog, session: Session, *, address: str = "") -> None:
    with catalog.transaction():
        catalog.accounts.drop_session(_sha256(session.id))
        catalog.audit.record(session.principal.name, "logout", session.principal.name, address=address)


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def sign_in(catalog: Catalog, name: str, password: str, *, address: str = "") -> Session | None:
    """A new session for the account with this name and password, else None; a failure is audited
    (actor: the name tried) whether or not the account exists."""
    user = authenticate(catalog, name, password)
    if user is None:
        login_failed(catalog, name, address=address)
        return None
    return start_session(catalog, user.id, address=address)


def login_failed(catalog: Catalog, name: str, *, address: str = "", reason: str = "bad credentials") -> None:
    """Audit a refused login (names are cut to 64 characters: anyone may type anything there)."""
    tried = name[:64] or "anonymous"
    with catalog.transaction():
        catalog.audit.record(tried, "login.failed", tried, after={"reason": reason}, address=address)
