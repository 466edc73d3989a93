"""Who a request acts as, and what it may do: one dependency per permission.

Every route declares what it needs with `Allowed(Permission.X)` (in its decorator's
`dependencies=` or as a parameter); the app's route table is checked for it
(tests/web/test_permissions.py), so a route without a declaration fails CI. A request acts as:
- the owner of an API token sent as `Authorization: Bearer vt_...`, limited to the token's scope;
- the account of a browser session (the session cookie);
- otherwise an anonymous visitor, with what `Settings.web.anonymous` grants.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import Depends, Request

from vitrine.accounts import (
    ANONYMOUS,
    Permission,
    Principal,
    Session,
    find_session,
    principal_of_token,
)
from vitrine.collection import Collection
from vitrine.errors import Forbidden, NotSignedIn
from vitrine.search.sets import SetUser
from vitrine.settings import Settings
from vitrine.web.security import WebError, read_form, too_large

SESSION_COOKIE = "vitrine_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf"
_SIGNING_SALT = "vitrine.session"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_FORM_OVERHEAD = 256 * 1024


def cookie_value(settings: Settings, session_id: str) -> str:
    """The session cookie's value: the session id, signed with the app's secret key (itsdangerous),
    so a forged or altered cookie is refused before the catalogue is asked."""
    from itsdangerous import URLSafeSerializer

    return URLSafeSerializer(settings.web.secret_key, salt=_SIGNING_SALT).dumps(session_id)


def session_id_of(settings: Settings, value: str) -> str | None:
    """The session id a cookie carries, or None when its signature does not hold."""
    from itsdangerous import BadSignature, URLSafeSerializer

    try:
        session_id = URLSafeSerializer(settings.web.secret_key, salt=_SIGNING_SALT).loads(value)
    except BadSignature:
        return None
    return session_id if isinstance(session_id, str) else None


def current_principal(request: Request) -> Principal:
    """The principal of this request, worked out once and kept on `request.state`."""
    known: Principal | None = getattr(request.state, "principal", None)
    if known is not None:
        return known
    collection: Collection = request.app.state.collection
    settings: Settings = request.app.state.settings
    principal = _from_token(collection, request) or _from_session(collection, settings, request)
    if principal is None:
        principal = Principal("anonymous", None, ANONYMOUS[settings.web.anonymous])
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def Allowed(permission: Permission) -> Any:
    """A dependency refusing requests whose principal lacks `permission` (401 when anonymous)."""
    def check(principal: PrincipalDep) -> Principal:
        if not principal.may(permission):
            if principal.role is None:
                raise NotSignedIn(f"sign in to do this (it needs the {permission.value} permission)")
            raise Forbidden(f"your role ({principal.role.value}) may not do this "
                            f"(it needs the {permission.value} permission)")
        return principal

    check.permission = permission  # type: ignore[attr-defined]  # read by the route-table test
    return Depends(check)


def _anyone(principal: PrincipalDep) -> Principal:
    return principal


_anyone.public = True  # type: ignore[attr-defined]
#: the declaration of a route anyone may reach whatever `Settings.web.anonymous` says (the login page)
Anyone: Any = Depends(_anyone)


def declared_permission(dependency: Callable[..., Any]) -> Permission | None:
    """The permission an `Allowed` dependency checks (None for any other dependency)."""
    return getattr(dependency, "permission", None)


def is_declaration(dependency: Callable[..., Any]) -> bool:
    """Whether `dependency` declares who may use a route (`Allowed(...)` or `Anyone`)."""
    return declared_permission(dependency) is not None or getattr(dependency, "public", False)


def local_target(value: str) -> str:
    """`value` when it is a path on this site, else "/": a login's `next=` never leads off-site."""
    from urllib.parse import urlsplit

    if not value.startswith("/") or value.startswith("//") or "\\" in value or len(value) > 2000:
        return "/"
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in value):  # browsers drop tabs: "/\t/evil" is "//evil"
        return "/"
    parts = urlsplit(value)
    return "/" if parts.scheme or parts.netloc else value


def set_user(principal: Principal) -> SetUser:
    """Whose saved sets a principal works with: its own and shared ones; every set for an admin."""
    return SetUser(principal.name, principal.name, sees_all=principal.may(Permission.ADMINISTER))


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def csrf_token(request: Request) -> str:
    """The CSRF token of this request's browser session ("" without one): what forms and fetches echo."""
    session: Session | None = getattr(request.state, "session", None)
    return session.csrf if session is not None else ""


async def check_csrf(request: Request, principal: PrincipalDep) -> None:
    """Refuse a state-changing request of a browser session that does not carry the session's token.

    Installed once for the whole app: the token comes in the `X-CSRF-Token` header (fetches) or a
    `csrf` form field (forms). Bearer tokens are never sent by a browser on its own, and anonymous
    requests have no session to ride on, so neither needs one.
    """
    session: Session | None = getattr(request.state, "session", None)
    if request.method in _SAFE_METHODS or session is None:
        return
    sent = request.headers.get(CSRF_HEADER) or await _form_token(request)
    if not sent or not hmac.compare_digest(sent.encode(), session.csrf.encode()):
        raise WebError(403, "csrf", "this form has expired or did not come from this site: reload the "
                       "page and try again")


CsrfChecked: Any = Depends(check_csrf)


async def _form_token(request: Request) -> str:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return ""
    settings: Settings = request.app.state.settings
    body = await _bounded_body(request, settings.web.max_upload_bytes)
    if content_type.startswith("multipart/form-data"):
        # the route parses the same bytes again: Request.stream() replays a body already read
        return (await read_form(request, settings.web.max_upload_bytes, photo=False)).get(CSRF_FIELD)
    return parse_qs(body.decode("latin-1")).get(CSRF_FIELD, [""])[0]


async def _bounded_body(request: Request, max_upload: int) -> bytes:
    """The request body, read once and kept on the request (as `Request.body()` does), refusing
    a body past the upload limit (and the form around it) while it streams in.

    The refusal is the route's own, limit quoted: a signed-in page's form is read here first, and
    its photo deserves the message an anonymous visitor's gets."""
    limit = max_upload + _FORM_OVERHEAD
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(max_upload)
    chunks, seen = [], 0
    async for chunk in request.stream():
        seen += len(chunk)
        if seen > limit:
            raise too_large(max_upload)
        chunks.append(chunk)
    body = b"".join(chunks)
    request._body = body  # what Request.body() caches: the route's own parsing reads it again
    return body


def _from_token(collection: Collection, request: Request) -> Principal | None:
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret:
        return None
    principal = principal_of_token(collection.catalog, secret.strip())
    if principal is None:
        raise NotSignedIn("this API token is unknown, revoked, or its account is disabled")
    return principal


def _from_session(collection: Collection, settings: Settings, request: Request) -> Principal | None:
    value = request.cookies.get(SESSION_COOKIE, "")
    session_id = session_id_of(settings, value) if value and len(value) < 400 else None
    if not session_id:
        return None
    session = find_session(collection.catalog, session_id, idle_s=settings.web.session_idle_s,
                           absolute_s=settings.web.session_absolute_s)
    if session is None:
        return None
    request.state.session = session
    return session.principal
