"""Who a request acts as, and what it may do: one dependency per permission.

Every route declares what it needs with `Allowed(Permission.X)` (in its decorator's
`dependencies=` or as a parameter); the app's route table is checked for it
(tests/web/test_permissions.py), so a route without a declaration fails CI. A request acts as:
- the owner of an API token sent as `Authorization: Bearer vt_...`, limited to the token's scope;
- the account of a browser session (the session cookie);
- otherwise an anonymous visitor, with what `Settings.web.anonymous` grants.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request

from vitrine.accounts import ANONYMOUS, Permission, Principal, find_session, principal_of_token
from vitrine.collection import Collection
from vitrine.errors import Forbidden, NotSignedIn
from vitrine.settings import Settings

SESSION_COOKIE = "vitrine_session"
_SIGNING_SALT = "vitrine.session"


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


def declared_permission(dependency: Callable[..., Any]) -> Permission | None:
    """The permission an `Allowed` dependency checks (None for any other dependency)."""
    return getattr(dependency, "permission", None)


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
