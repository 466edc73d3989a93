"""`vitrine user ...`: accounts and API tokens from the shell, each change with its audit row."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from vitrine import accounts
from vitrine.catalog import Catalog
from vitrine.settings import Settings, WebSettings
from vitrine.web import create_app
from vitrine.web.auth import PrincipalDep

from .conftest import PASSWORD, Run, audit_rows


def add(run: Run, account: str, role: str, expect: int = 0, password: str = PASSWORD) -> str:
    result = run("user", "add", "art", account, "--role", role, "--password-stdin", input=password + "\n",
                 expect=expect)
    return result.stdout + result.stderr


def test_add_and_list_accounts_with_their_audit_rows(run: Run, catalog: Catalog) -> None:
    assert "added admin 'ada'" in add(run, "ada", "admin")
    assert "added researcher 'rosa'" in add(run, "rosa", "Researcher")
    table = run("user", "list", "art").stdout
    assert table.splitlines()[0].split() == ["account", "role", "disabled", "created"]
    assert table.splitlines()[1].split()[:3] == ["ada", "admin", "no"]
    listed = json.loads(run("user", "list", "art", "--json").stdout)
    assert [(u["name"], u["role"], u["disabled"]) for u in listed] == [
        ("ada", "admin", False), ("rosa", "researcher", False)]
    assert all(u["created"][:2] == "20" for u in listed)
    assert audit_rows(catalog) == [
        ("cli:curator", "user.add", "ada", None, {"role": "admin"}),
        ("cli:curator", "user.add", "rosa", None, {"role": "researcher"})]
    user = catalog.accounts.user("rosa")
    assert user is not None and accounts.authenticate(catalog, "rosa", PASSWORD) == user


def test_an_empty_collection_says_how_to_add_an_admin(run: Run, art: str) -> None:
    assert "vitrine user add art NAME --role admin" in run("user", "list", "art").stdout
    assert json.loads(run("user", "list", "art", "--json").stdout) == []


def test_set_role_disable_enable_and_set_password_are_audited(run: Run, catalog: Catalog) -> None:
    add(run, "ada", "admin")
    add(run, "eve", "editor")
    user = catalog.accounts.user("eve")
    assert user is not None
    session = accounts.start_session(catalog, user.id)
    run("user", "set-role", "art", "eve", "moderator")
    run("user", "disable", "art", "eve")
    assert accounts.find_session(catalog, session.id, idle_s=60, absolute_s=60) is None
    assert accounts.authenticate(catalog, "eve", PASSWORD) is None  # disabled
    run("user", "enable", "art", "eve")
    new_password = "another long password"
    run("user", "set-password", "art", "eve", "--password-stdin", input=new_password + "\n")
    assert accounts.authenticate(catalog, "eve", new_password) is not None
    assert accounts.authenticate(catalog, "eve", PASSWORD) is None
    assert json.loads(run("user", "list", "art", "--json").stdout)[1]["role"] == "moderator"
    assert audit_rows(catalog)[2:] == [
        ("eve", "login", "eve", None, None),
        ("cli:curator", "user.set_role", "eve", {"role": "editor"}, {"role": "moderator"}),
        ("cli:curator", "user.disable", "eve", {"disabled": False}, {"disabled": True}),
        ("cli:curator", "user.enable", "eve", {"disabled": True}, {"disabled": False}),
        ("cli:curator", "user.set_password", "eve", None, None)]


@pytest.mark.parametrize(("account", "role", "password", "message"), [
    ("bob", "admin", "too short", "a password needs at least 12 characters"),
    ("bob", "curator", PASSWORD, "unknown role 'curator': use admin, editor, moderator, researcher"),
    ("ada", "editor", PASSWORD, "an account named 'ada' exists already"),
    ("../bob", "editor", PASSWORD, "may hold letters, digits"),
])
def test_a_refused_account_is_one_clear_line_and_stores_nothing(
        run: Run, catalog: Catalog, account: str, role: str, password: str, message: str) -> None:
    add(run, "ada", "admin")
    before = audit_rows(catalog)
    result = run("user", "add", "art", account, "--role", role, "--password-stdin", input=password + "\n",
                 expect=1)
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert message in result.stderr
    assert [u.name for u in catalog.accounts.users()] == ["ada"]
    assert audit_rows(catalog) == before


def test_the_last_admin_keeps_their_role_and_stays_enabled(run: Run, catalog: Catalog) -> None:
    add(run, "ada", "admin")
    before = audit_rows(catalog)
    for args in (("set-role", "art", "ada", "editor"), ("disable", "art", "ada")):
        result = run("user", *args, expect=1)
        assert result.stderr == "Error: 'ada' is the last enabled admin; make another admin first\n"
    user = catalog.accounts.user("ada")
    assert user is not None and user.role == "admin" and not user.disabled
    assert audit_rows(catalog) == before
    add(run, "alan", "admin")
    run("user", "set-role", "art", "ada", "editor")  # allowed once another admin exists


def test_unknown_accounts_and_tokens_are_one_line_errors(run: Run, art: str) -> None:
    for args in (("set-role", "art", "nobody", "editor"), ("disable", "art", "nobody"),
                 ("token", "create", "art", "nobody", "--scope", "read"), ("token", "list", "art", "nobody"),
                 ("token", "revoke", "art", "99")):
        result = run("user", *args, expect=1)
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: no ")
    missing = run("user", "list", "nowhere", expect=1).stderr
    assert missing.count("\n") == 1 and "nowhere" in missing


def test_the_password_is_never_an_argument_nor_shown_nor_stored(run: Run, catalog: Catalog,
                                                               data_dir: Path) -> None:
    refused = run("user", "add", "art", "bob", "--role", "admin", "--password", PASSWORD, expect=2)
    assert "No such option '--password'" in refused.stderr
    no_terminal = run("user", "add", "art", "bob", "--role", "admin", expect=2)
    assert "--password-stdin" in no_terminal.stderr and catalog.accounts.users() == []
    shown = add(run, "bob", "admin") + add(run, "eve", "editor", expect=0)
    shown += run("user", "set-password", "art", "eve", "--password-stdin", input=PASSWORD + "!\n").output
    shown += run("user", "list", "art", "--json").output + run("audit", "export", "art").output
    shown += run("audit", "list", "art", "--json").output
    assert PASSWORD not in shown
    for path in (data_dir / "art").glob("catalog.sqlite*"):
        assert PASSWORD.encode() not in path.read_bytes(), path


def test_a_multi_line_password_on_stdin_is_refused(run: Run, catalog: Catalog) -> None:
    result = run("user", "add", "art", "bob", "--role", "admin", "--password-stdin",
                 input=f"{PASSWORD}\nsecond line\n", expect=2)
    assert "reads one line" in result.stderr and catalog.accounts.users() == []


def test_at_a_terminal_the_password_is_asked_twice(run: Run, catalog: Catalog,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    module = importlib.import_module("vitrine.cli.users")  # the package's `users` is the click group
    monkeypatch.setattr(module, "stdin_is_tty", lambda: True)
    result = run("user", "add", "art", "ada", "--role", "admin", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert "Password" in result.stderr and PASSWORD not in result.output
    assert accounts.authenticate(catalog, "ada", PASSWORD) is not None
    run("user", "add", "art", "bob", "--role", "editor", input=f"{PASSWORD}\nsomething else!!\n", expect=1)
    assert catalog.accounts.user("bob") is None  # the confirmation differed, then input ran out


def create_token(run: Run, account: str, scope: str, *label: str) -> str:
    result = run("user", "token", "create", "art", account, "--scope", scope, *label)
    assert result.stdout.count("\n") == 1, "the secret alone on stdout, so scripts can capture it"
    assert "shown once" in result.stderr and result.stdout.strip() not in result.stderr
    return result.stdout.strip()


def test_tokens_are_created_listed_and_revoked_with_audit_rows(run: Run, catalog: Catalog) -> None:
    add(run, "ada", "admin")
    add(run, "eve", "editor")
    secret = create_token(run, "eve", "edit", "--label", "nightly import")
    assert secret.startswith("vt_") and len(secret) > 40
    create_token(run, "eve", "read")
    listed = json.loads(run("user", "token", "list", "art", "eve", "--json").stdout)
    assert [(t["id"], t["label"], t["scope"], t["last_used"], t["revoked"]) for t in listed] == [
        (1, "nightly import", "edit", "", ""), (2, "read", "read", "", "")]
    table = run("user", "token", "list", "art", "eve").stdout
    assert "nightly import" in table and "never" in table and secret not in table
    principal = accounts.principal_of_token(catalog, secret)
    assert principal is not None and principal.name == "eve" and principal.role == accounts.Role.EDITOR
    assert json.loads(run("user", "token", "list", "art", "eve", "--json").stdout)[0]["last_used"] != ""
    assert "revoked token 1" in run("user", "token", "revoke", "art", "1").stdout
    assert accounts.principal_of_token(catalog, secret) is None
    assert json.loads(run("user", "token", "list", "art", "eve", "--json").stdout)[0]["revoked"] != ""
    assert run("user", "token", "revoke", "art", "1", expect=1).stderr == \
        "Error: no live API token with id 1\n"
    assert audit_rows(catalog)[2:] == [
        ("cli:curator", "token.create", "eve", None,
         {"token": 1, "scope": "edit", "label": "nightly import"}),
        ("cli:curator", "token.create", "eve", None, {"token": 2, "scope": "read", "label": "read"}),
        ("cli:curator", "token.revoke", "1", None, None)]
    assert "no API tokens" in run("user", "token", "list", "art", "ada").stdout


def test_token_scopes_are_checked_and_a_disabled_account_gets_none(run: Run, catalog: Catalog) -> None:
    add(run, "ada", "admin")
    add(run, "rosa", "researcher")
    wrong = run("user", "token", "create", "art", "rosa", "--scope", "everything", expect=2)
    assert "'everything' is not one of 'read', 'edit', 'admin'" in wrong.stderr
    secret = create_token(run, "rosa", "admin")
    principal = accounts.principal_of_token(catalog, secret)
    assert principal is not None and not principal.may(accounts.Permission.ADMINISTER)  # never above the role
    run("user", "disable", "art", "rosa")
    assert accounts.principal_of_token(catalog, secret) is None
    assert json.loads(run("user", "token", "list", "art", "rosa", "--json").stdout)[0]["revoked"] != ""
    refused = run("user", "token", "create", "art", "rosa", "--scope", "read", expect=1)
    assert refused.stderr == "Error: account 'rosa' is disabled\n"


def test_a_token_made_on_the_cli_signs_scripts_in_to_the_web_app(run: Run, art: str, data_dir: Path) -> None:
    add(run, "ada", "admin")
    add(run, "mo", "moderator")
    secret = create_token(run, "mo", "read")
    app = create_app(Settings(data_dir=data_dir, web=WebSettings(rate_limit_per_minute=0)), data_dir / "art")

    @app.get("/api/test-whoami")  # the app's own principal dependency, as every route will use it
    def whoami(principal: PrincipalDep) -> dict[str, object]:
        return {"name": principal.name, "role": principal.role,
                "permissions": sorted(p.value for p in principal.permissions)}

    with TestClient(app) as client:
        signed = client.get("/api/test-whoami", headers={"Authorization": f"Bearer {secret}"})
        assert signed.json() == {"name": "mo", "role": "moderator", "permissions": ["read", "visit"]}
        assert client.get("/api/test-whoami").json()["name"] == "anonymous"
        run("user", "token", "revoke", "art", "1")
        revoked = client.get("/api/test-whoami", headers={"Authorization": f"Bearer {secret}"})
        assert revoked.status_code == 401
