"""The staff flow in real Chromium, every step through the pages: a visitor's photo waits; a moderator
signs in, approves it from the keyboard, is refused the accounts page and signs out; an admin adds
an account."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI

from browsing import BROWSER, new_page, shot
from vitrine import accounts
from web.staff import PASSWORD

pytestmark = BROWSER
NEWCOMER_PASSWORD = "the newcomer's own password"


def account(app: FastAPI, name: str, role: str) -> str:
    catalog = app.state.collection.catalog
    if catalog.accounts.user(name) is None:
        accounts.add_user(catalog, name, role, PASSWORD, actor="tests")
    return name


def sign_in(page: Any, name: str, landing: str) -> None:
    """Through the header's Sign in link and the /login form, as a person would."""
    page.goto("/")
    page.click("#sign-in")
    page.fill("#login-name", name)
    page.fill("#login-password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#account-name")
    page.goto(landing)


def share_and_consent(page: Any, photo: bytes) -> str:
    """A visitor's photo given to the gallery; its private removal link."""
    page.goto("/")
    page.set_input_files("#photo", files=[{"name": "view.jpg", "mimeType": "image/jpeg", "buffer": photo}])
    page.click("#share-submit")
    page.check("#consent")
    page.click("#add-to-gallery")
    link: str = page.get_attribute("#removal-link", "href")
    return link


def approve_with_the_keyboard(page: Any, entry_id: str) -> None:
    items = page.locator(".moderation-item")
    index = [items.nth(i).get_attribute("data-entry") for i in range(items.count())].index(entry_id)
    for _ in range(index):
        page.keyboard.press("j")
    assert page.get_attribute(".moderation-item.current", "data-entry") == entry_id
    with page.expect_navigation():
        page.keyboard.press("a")
    assert page.locator(f"#entry-{entry_id}").count() == 0


def test_moderate_then_sign_out_then_an_admin_adds_an_account(
    page: Any, browser: Any, server: str, app: FastAPI, photo: bytes, collection_path: Path,
) -> None:
    removal = share_and_consent(page, photo)
    entry_id = removal.split("/")[2]
    assert page.locator("#account-name").count() == 0  # the visitor stays anonymous
    staff = new_page(browser, server)  # a fresh context: none of the visitor's cookies
    try:
        sign_in(staff, account(app, "flow-moderator", "moderator"), "/moderate")
        assert "flow-moderator (moderator)" in staff.inner_text("#account-name")
        assert staff.locator("#accounts-link").count() == 0
        assert staff.locator(f"#entry-{entry_id}").count() == 1
        shot(staff, "staff-moderate")
        approve_with_the_keyboard(staff, entry_id)
        staff.goto("/gallery")
        assert staff.locator(f"img[src='/gallery/{entry_id}/photo.jpg']").count() == 1
        refused = staff.goto("/admin/users")
        assert refused is not None and refused.status == 403
        assert "may not do this" in staff.inner_text(".error-message")
        shot(staff, "staff-accounts-refused")
        staff.click("#sign-out")
        staff.wait_for_selector("#sign-in")
        again = staff.goto("/moderate")
        assert again is not None and again.status == 401

        sign_in(staff, account(app, "flow-admin", "admin"), "/")
        staff.click("#accounts-link")
        staff.wait_for_selector("#accounts")
        staff.fill("#add-name", "flow-newcomer")
        staff.select_option("#add-role", "editor")
        staff.fill("#add-password", NEWCOMER_PASSWORD)
        staff.fill("#add-password2", NEWCOMER_PASSWORD)
        staff.click("#add-submit")
        staff.wait_for_selector("#admin-notice")
        assert "flow-newcomer" in staff.inner_text("h1") and "editor" in staff.inner_text("h1")
        shot(staff, "staff-account-added")
    finally:
        staff.context.close()
    user = accounts.authenticate(app.state.collection.catalog, "flow-newcomer", NEWCOMER_PASSWORD)
    assert user is not None and user.role == "editor"
    row = app.state.collection.catalog.audit.entries(action="user.add", limit=1)[0]
    assert (row.actor, row.object) == ("flow-admin", "flow-newcomer")
    page.goto("/gallery")  # and the visitor sees the approved photo too
    assert page.locator(f"img[src='/gallery/{entry_id}/photo.jpg']").count() == 1
    assert (collection_path / "gallery" / f"{entry_id}.jpg").exists()
    page.goto(removal)  # the visitor takes it back: the shared gallery is as it was for other tests
    page.click("#confirm-remove")
    assert not (collection_path / "gallery" / f"{entry_id}.jpg").exists()
