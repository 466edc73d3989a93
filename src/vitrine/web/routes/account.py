"""Signing in and out of a staff account: the login page and the logout form."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from vitrine.accounts import Session, end_session, login_failed, sign_in
from vitrine.catalog import Catalog
from vitrine.web.auth import SESSION_COOKIE, Anyone, client_address, cookie_value, local_target
from vitrine.web.deps import CollectionDep, RateLimited, SettingsDep, TemplatesDep
from vitrine.web.security import FailureLimiter, SharedFailureLimiter, read_form

router = APIRouter(include_in_schema=False, dependencies=[Anyone, RateLimited])
_MAX_FORM_BYTES = 16 * 1024
#: one message for an unknown name, a wrong password and a disabled account (no enumeration)
REFUSED = "the account name or the password is wrong, or the account is disabled"
BLOCKED = "too many failed sign-ins for this account or from your address; wait 15 minutes and try again"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, templates: TemplatesDep, collection: CollectionDep,
               next: str = "/") -> Response:
    return _form(request, templates, collection, local_target(next), "", 200)


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request, templates: TemplatesDep, collection: CollectionDep,
                settings: SettingsDep) -> Response:
    """Start a session for a correct name and password; failures are limited per name and address."""
    form = await read_form(request, _MAX_FORM_BYTES, photo=False)
    name, password = form.get("name").strip(), form.get("password")
    target = local_target(form.get("next", "/"))
    if not name or not password:
        return _form(request, templates, collection, target, "enter your account name and password", 400)
    limiter: SharedFailureLimiter | FailureLimiter = request.app.state.logins
    address = client_address(request)
    keys = ("name:" + name.lower(), "address:" + address)
    if limiter.blocked(*keys):
        await run_in_threadpool(login_failed, collection.catalog, name, address=address,
                                reason="rate limited")
        return _form(request, templates, collection, target, BLOCKED, 429)
    session = await run_in_threadpool(sign_in, collection.catalog, name, password, address=address)
    if session is None:
        limiter.fail(*keys)
        return _form(request, templates, collection, target, REFUSED, 401)
    limiter.clear(keys[0])
    _end_current(request, collection.catalog, address)  # the old session (if any) ends: ids rotate
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, cookie_value(settings, session.id), httponly=True, samesite="lax",
                        path="/", secure=settings.web.production)
    return response


@router.post("/logout")
def logout(request: Request, collection: CollectionDep) -> Response:
    """End this browser's session on the server (a copy of the cookie is worthless after) and drop
    the cookie."""
    _end_current(request, collection.catalog, client_address(request))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _end_current(request: Request, catalog: Catalog, address: str) -> None:
    session: Session | None = getattr(request.state, "session", None)
    if session is not None:
        end_session(catalog, session, address=address)


def _form(request: Request, templates: TemplatesDep, collection: CollectionDep, target: str, error: str,
          status: int) -> Response:
    return templates.TemplateResponse(request, "login.html", {
        "collection": collection, "next": target, "error": error}, status_code=status)
