"""Staff accounts for admins: the list, adding an account, and one account's role, state, password
and API tokens.

Every change is one `vitrine.accounts` use-case, audited with the admin as actor and the client's
address. A refused change (a weak password, the last admin, a taken name) shows its page again with
the message; a done one redirects (303) to the account's page with a fixed notice chosen by code, so
no link can put words of its own on an admin's page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from vitrine import accounts
from vitrine.accounts import SCOPES, Permission, Role
from vitrine.errors import AccountError, Conflict
from vitrine.web.auth import Allowed, PrincipalDep, client_address
from vitrine.web.deps import MAX_ID, CollectionDep, RateLimited, TemplatesDep
from vitrine.web.security import UploadForm, read_form

router = APIRouter(include_in_schema=False, dependencies=[Allowed(Permission.ADMINISTER), RateLimited])
_MAX_FORM_BYTES = 16 * 1024
#: what a redirect after a change says, by the code in its `done=` (never text from the URL itself)
NOTICES = {
    "added": "The account was added.",
    "role": "The role was changed.",
    "disabled": "The account was disabled: its sessions ended and its API tokens were revoked.",
    "enabled": "The account was enabled again (its old API tokens stay revoked).",
    "password": "The password was changed: the account's sessions ended.",
    "revoked": "The API token was revoked.",
}
DIFFERENT = "the two passwords differ: type the same password twice"
DoneQuery = Annotated[str, Query(max_length=20, description="which change was just made")]
NamePath = Annotated[str, Path(max_length=64, description="an account name")]
TokenPath = Annotated[int, Path(ge=1, le=MAX_ID, description="an API token id")]


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, templates: TemplatesDep, collection: CollectionDep) -> Response:
    """Every account with its role, state, creation time and live token count; the form to add one."""
    return _list(request, templates, collection)


@router.post("/admin/users", response_class=HTMLResponse)
async def add_account(request: Request, templates: TemplatesDep, collection: CollectionDep,
                      who: PrincipalDep) -> Response:
    form = await read_form(request, _MAX_FORM_BYTES, photo=False)
    name, role = form.get("name").strip(), form.get("role")
    typed = {"name": name, "role": role}
    if form.get("password") != form.get("password2"):
        return _list(request, templates, collection, error=DIFFERENT, status=422, typed=typed)
    try:
        await run_in_threadpool(accounts.add_user, collection.catalog, name, role, form.get("password"),
                                actor=who.name, address=client_address(request))
    except AccountError as exc:
        return _list(request, templates, collection, error=str(exc), status=_status(exc), typed=typed)
    return _done(name, "added")


@router.get("/admin/users/{name}", response_class=HTMLResponse)
def account_page(request: Request, name: NamePath, templates: TemplatesDep, collection: CollectionDep,
                 done: DoneQuery = "") -> Response:
    """One account: its role, state, password and API tokens, each with its form."""
    return _account(request, templates, collection, name, notice=NOTICES.get(done, ""))


@router.post("/admin/users/{name}/role", response_class=HTMLResponse)
async def change_role(request: Request, name: NamePath, templates: TemplatesDep, collection: CollectionDep,
                      who: PrincipalDep) -> Response:
    def change(form: UploadForm, **by: str) -> None:
        accounts.set_role(collection.catalog, name, form.get("role"), **by)

    return await _change(request, templates, collection, name, who.name, change, "role")


@router.post("/admin/users/{name}/disable", response_class=HTMLResponse)
async def disable(request: Request, name: NamePath, templates: TemplatesDep, collection: CollectionDep,
                  who: PrincipalDep) -> Response:
    def change(form: UploadForm, **by: str) -> None:
        accounts.set_disabled(collection.catalog, name, True, **by)

    return await _change(request, templates, collection, name, who.name, change, "disabled")


@router.post("/admin/users/{name}/enable", response_class=HTMLResponse)
async def enable(request: Request, name: NamePath, templates: TemplatesDep, collection: CollectionDep,
                 who: PrincipalDep) -> Response:
    def change(form: UploadForm, **by: str) -> None:
        accounts.set_disabled(collection.catalog, name, False, **by)

    return await _change(request, templates, collection, name, who.name, change, "enabled")


@router.post("/admin/users/{name}/password", response_class=HTMLResponse)
async def change_password(request: Request, name: NamePath, templates: TemplatesDep,
                          collection: CollectionDep, who: PrincipalDep) -> Response:
    def change(form: UploadForm, **by: str) -> None:
        if form.get("password") != form.get("password2"):
            raise AccountError(DIFFERENT)
        accounts.set_password(collection.catalog, name, form.get("password"), **by)

    return await _change(request, templates, collection, name, who.name, change, "password")


@router.post("/admin/users/{name}/tokens", response_class=HTMLResponse)
async def create_token(request: Request, name: NamePath, templates: TemplatesDep, collection: CollectionDep,
                       who: PrincipalDep) -> Response:
    """A new API token; its secret is on this answer only (stored hashed, never shown again)."""
    form = await read_form(request, _MAX_FORM_BYTES, photo=False)
    label = form.get("label").strip()[:100]
    try:
        secret = await run_in_threadpool(accounts.create_token, collection.catalog, name, form.get("scope"),
                                         label, actor=who.name, address=client_address(request))
    except AccountError as exc:
        return _account(request, templates, collection, name, error=str(exc), status=_status(exc))
    made = accounts.account(collection.catalog, name).tokens[-1]
    return templates.TemplateResponse(request, "admin_token.html", {
        "collection": collection, "name": name, "token": made, "secret": secret,
        "account_url": account_url(name)}, headers={"Cache-Control": "no-store"})


@router.post("/admin/users/{name}/tokens/{token_id}/revoke", response_class=HTMLResponse)
async def revoke_token(request: Request, name: NamePath, token_id: TokenPath, templates: TemplatesDep,
                       collection: CollectionDep, who: PrincipalDep) -> Response:
    def change(form: UploadForm, **by: str) -> None:
        accounts.revoke_token(collection.catalog, token_id, owner=name, **by)

    return await _change(request, templates, collection, name, who.name, change, "revoked")


def account_url(name: str) -> str:
    return "/admin/users/" + quote(name, safe="")


async def _change(request: Request, templates: TemplatesDep, collection: CollectionDep, name: str, actor: str,
                  change: Callable[..., None], done: str) -> Response:
    """Read the form, make the change as `actor`, and redirect to the account's page with its notice;
    a refused change shows the account's page again with the reason."""
    form = await read_form(request, _MAX_FORM_BYTES, photo=False)
    try:
        await run_in_threadpool(change, form, actor=actor, address=client_address(request))
    except AccountError as exc:
        return _account(request, templates, collection, name, error=str(exc), status=_status(exc))
    return _done(name, done)


def _done(name: str, done: str) -> Response:
    return RedirectResponse(f"{account_url(name)}?done={done}", status_code=303)


def _status(exc: AccountError) -> int:
    return 409 if isinstance(exc, Conflict) else 422


def _list(request: Request, templates: TemplatesDep, collection: CollectionDep, *, error: str = "",
          status: int = 200, typed: dict[str, str] | None = None) -> Response:
    return templates.TemplateResponse(request, "admin_users.html", {
        "collection": collection, "accounts": accounts.list_accounts(collection.catalog),
        "roles": [r.value for r in Role], "error": error, "typed": typed or {"role": Role.RESEARCHER.value},
        "account_url": account_url, "when": _when}, status_code=status)


def _account(request: Request, templates: TemplatesDep, collection: CollectionDep, name: str, *,
             notice: str = "", error: str = "", status: int = 200) -> Response:
    context: dict[str, Any] = {
        "collection": collection, "account": accounts.account(collection.catalog, name),
        "roles": [r.value for r in Role], "scopes": list(SCOPES), "notice": notice, "error": error,
        "url": account_url(name), "when": _when}
    return templates.TemplateResponse(request, "admin_user.html", context, status_code=status)


def _when(at: float | None) -> str:
    return "" if at is None else datetime.fromtimestamp(at, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")
