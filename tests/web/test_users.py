"""The admins' account pages (/admin/users): every change end to end, audited; refusals shown."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape

from vitrine import accounts
from vitrine.catalog import Catalog
from vitrine.collection import create_collection
from vitrine.web import create_app
from vitrine.web.routes.users import DIFFERENT, NOTICES
from web.conftest import make_settings
from web.staff import PASSWORD, staff_client, staff_session

NEW = "another long password"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    """An app of its own: one admin ("root") only, so the last-admin rule can be met."""
    root = tmp_path_factory.mktemp("users")
    create_collection(root / "coll", embedder="fake", index="memory", title="Accounts Museum").close()
    app = create_app(make_settings(root), root / "coll")
    with TestClient(app):
        accounts.add_user(app.state.collection.catalog, "root", "admin", PASSWORD, actor="tests")
        yield app


@pytest.fixture(scope="module")
def admin(app: FastAPI) -> TestClient:
    return staff_client(app, "admin", "root")


def catalog_of(app: FastAPI) -> Catalog:
    catalog: Catalog = app.state.collection.catalog
    return catalog


def last_audit(app: FastAPI) -> tuple[str, str, str, str]:
    row = catalog_of(app).audit.entries(limit=1)[0]
    return row.actor, row.action, row.object, row.address


def add(admin: TestClient, name: str, role: str = "researcher", password: str = PASSWORD,
        again: str | None = None) -> httpx.Response:
    return admin.post("/admin/users", data={"name": name, "role": role, "password": password,
                                            "password2": password if again is None else again},
                      follow_redirects=False)


def test_an_admin_adds_an_account_and_sees_it_listed(app: FastAPI, admin: TestClient) -> None:
    answer = add(admin, "rosa", "moderator")
    assert answer.status_code == 303 and answer.headers["location"] == "/admin/users/rosa?done=added"
    assert last_audit(app) == ("root", "user.add", "rosa", "testclient")
    assert escape(NOTICES["added"]) in admin.get("/admin/users/rosa?done=added").text
    listing = admin.get("/admin/users").text
    assert 'data-account="rosa"><td><a href="/admin/users/rosa">rosa</a></td><td>moderator</td>' in listing
    user = accounts.authenticate(catalog_of(app), "rosa", PASSWORD)
    assert user is not None and user.role == "moderator"


@pytest.mark.parametrize(("name", "password", "again", "status", "message"), [
    ("weak", "short one", None, 422, "A password needs at least 12 characters"),
    ("typo", PASSWORD, PASSWORD + "!", 422, DIFFERENT[1:]),
    ("root", PASSWORD, None, 409, "An account named &#39;root&#39; exists already"),
    ("bad name", PASSWORD, None, 422, "may hold letters"),
])
def test_a_refused_account_is_explained_on_the_page_and_not_made(
    app: FastAPI, admin: TestClient, name: str, password: str, again: str | None, status: int, message: str,
) -> None:
    before = len(catalog_of(app).audit.entries())
    answer = add(admin, name, password=password, again=again)
    assert answer.status_code == status
    assert message in answer.text and 'id="admin-error"' in answer.text
    assert f'value="{name}"' in answer.text  # what was typed stays, not passwords
    assert PASSWORD not in answer.text
    assert len(catalog_of(app).audit.entries()) == before
    assert name == "root" or catalog_of(app).accounts.user(name) is None


def test_role_disable_enable_and_password_each_go_through_the_use_case_with_an_audit_row(
    app: FastAPI, admin: TestClient,
) -> None:
    add(admin, "eve")
    eve = staff_client(app, "researcher", "eve")
    assert eve.get("/sets").status_code == 200
    steps = [("role", {"role": "editor"}, "user.set_role"), ("disable", {}, "user.disable"),
             ("enable", {}, "user.enable"),
             ("password", {"password": NEW, "password2": NEW}, "user.set_password")]
    for path, data, action in steps:
        answer = admin.post(f"/admin/users/eve/{path}", data=data, follow_redirects=False)
        assert answer.status_code == 303, path
        done = answer.headers["location"].split("done=")[1]
        assert last_audit(app) == ("root", action, "eve", "testclient")
        assert escape(NOTICES[done]) in admin.get(answer.headers["location"]).text
        if path == "disable":
            assert eve.get("/sets").status_code == 401  # its session ended at once
            assert "<dd id=\"account-state\">disabled</dd>" in admin.get("/admin/users/eve").text
    user = accounts.authenticate(catalog_of(app), "eve", NEW)
    assert user is not None and user.role == "editor" and not user.disabled


@pytest.mark.parametrize(("path", "data", "status", "message"), [
    ("role", {"role": "editor"}, 422, "is the last enabled admin"),
    ("disable", {}, 422, "is the last enabled admin"),
    ("password", {"password": "too short", "password2": "too short"}, 422, "at least 12 characters"),
    ("password", {"password": NEW, "password2": NEW + "?"}, 422, DIFFERENT[1:]),
    ("role", {"role": "owner"}, 422, "nknown role &#39;owner&#39;"),
])
def test_refused_changes_show_why_on_the_accounts_page(
    app: FastAPI, admin: TestClient, path: str, data: dict[str, str], status: int, message: str,
) -> None:
    before = len(catalog_of(app).audit.entries())
    answer = admin.post(f"/admin/users/root/{path}", data=data, follow_redirects=False)
    assert answer.status_code == status and message in answer.text and "<h1>root" in answer.text
    assert len(catalog_of(app).audit.entries()) == before
    user = accounts.authenticate(catalog_of(app), "root", PASSWORD)
    assert user is not None and user.role == "admin" and not user.disabled


def test_a_token_secret_is_shown_once_authenticates_and_can_be_revoked(
    app: FastAPI, admin: TestClient,
) -> None:
    add(admin, "bot", "admin")
    made = admin.post("/admin/users/bot/tokens", data={"scope": "admin", "label": "nightly"})
    assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
    secret = made.text.split('<code id="token-secret">')[1].split("</code>")[0]
    assert secret.startswith("vt_") and last_audit(app)[:3] == ("root", "token.create", "bot")
    page = admin.get("/admin/users/bot").text
    assert secret not in page and "nightly" in page
    bearer = TestClient(app, raise_server_exceptions=False, headers={"Authorization": f"Bearer {secret}"})
    assert bearer.get("/admin/users").status_code == 200  # acts as bot, an admin
    token_id = accounts.tokens(catalog_of(app), "bot")[0].id
    add(admin, "mallory")
    elsewhere = admin.post(f"/admin/users/mallory/tokens/{token_id}/revoke", follow_redirects=False)
    assert elsewhere.status_code == 404 and bearer.get("/admin/users").status_code == 200
    revoked = admin.post(f"/admin/users/bot/tokens/{token_id}/revoke", follow_redirects=False)
    assert revoked.status_code == 303
    assert last_audit(app) == ("root", "token.revoke", str(token_id), "testclient")
    assert bearer.get("/admin/users").status_code == 401
    assert f'id="revoke-{token_id}"' not in admin.get("/admin/users/bot").text
    assert 'id="accounts"' in admin.get("/admin/users").text


def test_an_unknown_token_scope_is_explained(admin: TestClient) -> None:
    answer = admin.post("/admin/users/root/tokens", data={"scope": "everything"})
    assert answer.status_code == 422 and "nknown token scope" in answer.text


@pytest.mark.parametrize("role", ["moderator", "researcher", "editor"])
def test_other_roles_are_refused(app: FastAPI, role: str) -> None:
    http = staff_client(app, role)
    assert 'id="accounts-link"' not in http.get("/search").text
    assert http.get("/admin/users").status_code == 403
    assert http.get("/admin/users/root").status_code == 403
    assert add(http, "sneaky").status_code == 403
    assert http.post("/admin/users/root/disable").status_code == 403
    assert catalog_of(app).accounts.user("sneaky") is None


def test_anonymous_is_asked_to_sign_in(app: FastAPI) -> None:
    http = TestClient(app, raise_server_exceptions=False)
    assert http.get("/admin/users").status_code == 401
    assert add(http, "sneaky").status_code == 401
    changed = http.post("/admin/users/root/password", data={"password": NEW, "password2": NEW})
    assert changed.status_code == 401


def test_a_form_without_the_csrf_token_is_refused(app: FastAPI, admin: TestClient) -> None:
    cookies, csrf = staff_session(app, "admin", "root")
    http = TestClient(app, raise_server_exceptions=False, cookies=cookies)
    assert 'id="accounts-link"' in http.get("/search").text
    refused = add(http, "forged")
    assert refused.status_code == 403 and 'data-code="csrf"' in refused.text
    forged = http.post("/admin/users/root/role", data={"role": "researcher", "csrf": "x" * 43})
    assert forged.status_code == 403
    assert catalog_of(app).accounts.user("forged") is None
    added = http.post("/admin/users", data={"name": "forged", "role": "researcher", "password": PASSWORD,
                                            "password2": PASSWORD, "csrf": csrf}, follow_redirects=False)
    assert added.status_code == 303  # the same form with the session's token goes through


def test_an_unknown_account_is_a_404(admin: TestClient) -> None:
    assert admin.get("/admin/users/ghost").status_code == 404
    assert admin.post("/admin/users/ghost/disable").status_code == 404


def test_the_list_shows_accounts_made_at_the_shell_with_their_live_tokens(
    app: FastAPI, admin: TestClient,
) -> None:
    accounts.add_user(catalog_of(app), "from-cli", "editor", PASSWORD, actor="cli:op")
    accounts.create_token(catalog_of(app), "from-cli", "read", actor="cli:op")
    row = admin.get("/admin/users").text.split('data-account="from-cli">')[1].split("</tr>")[0]
    assert "<td>editor</td>" in row and "<td>enabled</td>" in row and row.rstrip().endswith("<td>1</td>")
