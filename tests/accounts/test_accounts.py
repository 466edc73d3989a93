"""Accounts, roles, tokens and sessions: the library use-cases, with their audit rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from vitrine import accounts
from vitrine.accounts import Permission, Role
from vitrine.catalog import Catalog
from vitrine.errors import AccountError, AccountExists, NotFound

PASSWORD = "correct horse battery"


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[Catalog]:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    accounts.add_user(catalog, "ada", "admin", PASSWORD, actor="cli:root")
    yield catalog
    catalog.close()


def test_accounts_are_created_checked_and_audited(catalog: Catalog) -> None:
    accounts.add_user(catalog, "rosa", "Researcher", PASSWORD, actor="ada")
    user = accounts.authenticate(catalog, "rosa", PASSWORD)
    assert user is not None and user.role == "researcher"
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    assert accounts.authenticate(catalog, "rosa", "wrong password!") is None
    assert accounts.authenticate(catalog, "nobody", PASSWORD) is None
    assert accounts.authenticate(catalog, "../etc", PASSWORD) is None
    rows = catalog.audit.entries()
    assert [(r.actor, r.action, r.object, r.after) for r in rows[:2]] == [
        ("ada", "user.add", "rosa", {"role": "researcher"}),
        ("cli:root", "user.add", "ada", {"role": "admin"})]


@pytest.mark.parametrize(("name", "role", "password", "message"), [
    ("ada", "editor", PASSWORD, "exists already"), ("bad name", "editor", PASSWORD, "may hold letters"),
    ("eve", "owner", PASSWORD, "unknown role 'owner'"), ("eve", "editor", "short", "at least 12"),
])
def test_bad_accounts_are_refused_and_nothing_is_stored(
    catalog: Catalog, name: str, role: str, password: str, message: str,
) -> None:
    before = len(catalog.audit.entries())
    with pytest.raises(AccountError, match=message):
        accounts.add_user(catalog, name, role, password, actor="ada")
    assert len(catalog.audit.entries()) == before and len(catalog.accounts.users()) == 1


def test_an_account_exists_is_a_conflict(catalog: Catalog) -> None:
    with pytest.raises(AccountExists):
        accounts.add_user(catalog, "ADA", "editor", PASSWORD, actor="ada")  # names ignore case


def test_the_last_admin_stays(catalog: Catalog) -> None:
    with pytest.raises(AccountError, match="last enabled admin"):
        accounts.set_role(catalog, "ada", "editor", actor="ada")
    with pytest.raises(AccountError, match="last enabled admin"):
        accounts.set_disabled(catalog, "ada", actor="ada")
    with pytest.raises(NotFound):
        accounts.set_role(catalog, "ghost", "editor", actor="ada")


def test_tokens_are_hashed_scoped_and_die_with_their_account(catalog: Catalog) -> None:
    accounts.add_user(catalog, "ed", "editor", PASSWORD, actor="ada")
    secret = accounts.create_token(catalog, "ed", "read", "nightly export", actor="ed")
    with sqlite3.connect(catalog.path) as db:
        assert secret not in str(db.execute("SELECT * FROM api_tokens").fetchall())
    principal = accounts.principal_of_token(catalog, secret)
    assert principal is not None and principal.name == "ed"
    assert principal.may(Permission.READ) and not principal.may(Permission.CATALOGUE)
    assert accounts.tokens(catalog, "ed")[0].last_used_at is not None
    edit = accounts.create_token(catalog, "ed", "admin", actor="ed")
    admin_scoped = accounts.principal_of_token(catalog, edit)
    assert admin_scoped is not None and not admin_scoped.may(Permission.ADMINISTER)  # never above the role
    assert accounts.principal_of_token(catalog, "vt_" + "x" * 43) is None
    accounts.set_disabled(catalog, "ed", actor="ada")
    assert accounts.principal_of_token(catalog, secret) is None
    assert accounts.principal_of_token(catalog, edit) is None


def test_sessions_rotate_expire_and_end(catalog: Catalog) -> None:
    user = accounts.authenticate(catalog, "ada", PASSWORD)
    assert user is not None
    first = accounts.start_session(catalog, user.id, address="10.0.0.9")
    second = accounts.start_session(catalog, user.id)
    assert first.id != second.id and first.csrf != second.csrf
    found = accounts.find_session(catalog, first.id, idle_s=60, absolute_s=3600)
    assert found is not None and found.principal.role is Role.ADMIN and found.csrf == first.csrf
    assert accounts.find_session(catalog, first.id, idle_s=-1, absolute_s=3600) is None  # idle: gone
    assert accounts.find_session(catalog, first.id, idle_s=60, absolute_s=3600) is None  # and stays gone
    assert accounts.find_session(catalog, second.id, idle_s=60, absolute_s=-1) is None  # too old
    third = accounts.start_session(catalog, user.id)
    accounts.end_session(catalog, third)
    assert accounts.find_session(catalog, third.id, idle_s=60, absolute_s=3600) is None
    actions = [r.action for r in catalog.audit.entries()]
    assert actions[:4] == ["logout", "login", "login", "login"]


def test_a_password_change_ends_the_other_sessions(catalog: Catalog) -> None:
    user = catalog.accounts.user("ada")
    assert user is not None
    session = accounts.start_session(catalog, user.id)
    accounts.set_password(catalog, "ada", "another long password", actor="ada")
    assert accounts.find_session(catalog, session.id, idle_s=60, absolute_s=3600) is None
    assert accounts.authenticate(catalog, "ada", "another long password") is not None


def test_the_audit_trail_is_append_only_and_shares_the_transaction(catalog: Catalog) -> None:
    with sqlite3.connect(catalog.path) as db, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE audit SET actor = 'someone else'")
    with sqlite3.connect(catalog.path) as db, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM audit")
    with pytest.raises(RuntimeError), catalog.transaction():
        catalog.accounts.add_user("ghost", "editor", "x")
        catalog.audit.record("ada", "user.add", "ghost")
        raise RuntimeError("the action failed after its row was written")
    assert catalog.accounts.user("ghost") is None
    assert all(r.object != "ghost" for r in catalog.audit.entries())


def test_a_token_is_revoked_only_through_its_own_account_and_the_address_is_kept(catalog: Catalog) -> None:
    for name in ("ed", "mo"):
        accounts.add_user(catalog, name, "editor", PASSWORD, actor="ada")
    accounts.create_token(catalog, "ed", "read", actor="ada", address="10.0.0.7")
    theirs = accounts.tokens(catalog, "ed")[0].id
    with pytest.raises(NotFound, match="'mo' has no API token"):
        accounts.revoke_token(catalog, theirs, actor="ada", owner="mo")
    assert accounts.tokens(catalog, "ed")[0].revoked_at is None
    accounts.revoke_token(catalog, theirs, actor="ada", owner="ed", address="10.0.0.7")
    rows = catalog.audit.entries(action="token.", limit=2)
    assert [(r.action, r.address) for r in rows] == [("token.revoke", "10.0.0.7"),
                                                     ("token.create", "10.0.0.7")]
    accounts.create_token(catalog, "mo", "edit", actor="ada")
    listed = {a.user.name: (a.live_tokens, len(a.tokens)) for a in accounts.list_accounts(catalog)}
    assert listed == {"ada": (0, 0), "ed": (0, 1), "mo": (1, 1)}
    assert accounts.account(catalog, "mo").tokens[0].scope == "edit"
    with pytest.raises(NotFound):
        accounts.account(catalog, "ghost")
