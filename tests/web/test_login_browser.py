"""Signing in and out in real Chromium: a researcher is refused the audit trail, an admin reads it."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from browsing import BROWSER, shot
from vitrine import accounts
from web.staff import PASSWORD

pytestmark = BROWSER


def sign_in(page: Any, name: str, next_path: str = "/") -> None:
    page.goto(f"/login?next={next_path}")
    page.fill("#login-name", name)
    page.fill("#login-password", PASSWORD)
    page.click("#login-submit")


def account(app: FastAPI, name: str, role: str) -> str:
    catalog = app.state.collection.catalog
    if catalog.accounts.user(name) is None:
        accounts.add_user(catalog, name, role, PASSWORD, actor="tests")
    return name


def test_sign_in_be_refused_a_role_you_lack_and_sign_out(page: Any, app: FastAPI) -> None:
    sign_in(page, account(app, "browser-researcher", "researcher"), "/sets")
    page.wait_for_url("**/sets")
    assert "browser-researcher (researcher)" in page.inner_text("#account-name")
    refused = page.goto("/admin/audit")
    assert refused is not None and refused.status == 403
    assert "may not do this" in page.inner_text(".error-message")
    shot(page, "audit-refused")
    page.click("#sign-out")
    page.wait_for_selector("#sign-in")
    again = page.goto("/sets")
    assert again is not None and again.status == 401 and page.locator("#error-sign-in").count() == 1


def test_an_admin_reads_the_audit_trail_after_signing_in(page: Any, app: FastAPI) -> None:
    page.goto("/login")
    page.fill("#login-name", "browser-nobody")
    page.fill("#login-password", "not the password")
    page.click("#login-submit")
    assert "password is wrong" in page.inner_text("#login-error")
    sign_in(page, account(app, "browser-admin", "admin"), "/admin/audit?action=login")
    page.wait_for_selector("#audit-table")
    table = page.inner_text("#audit-table")
    assert "login.failed" in table and "browser-nobody" in table
    shot(page, "audit")
    page.click("#sign-out")
    page.wait_for_selector("#sign-in")
    assert page.goto("/admin/audit").status == 401  # type: ignore[union-attr]
