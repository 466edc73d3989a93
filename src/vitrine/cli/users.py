"""`vitrine user add|list|set-role|disable|enable|set-password|token`: staff accounts of a collection.

Accounts live in the catalogue of the collection they serve (one per served collection), so each
command takes the collection NAME (or path) first, like the other commands. Passwords are read from
standard input (`--password-stdin`) or an interactive prompt, never from the command line, where
other users of the machine could read them in the process list and shell history. Every change is
audited with the actor "cli:<login>".
"""

from __future__ import annotations

import getpass
import sys
from datetime import datetime

import click

from vitrine import accounts
from vitrine.accounts import Role
from vitrine.cli._common import App, collection_argument, echo_json, pass_app, shorten

ROLES = [role.value for role in Role]
SCOPES = list(accounts.SCOPES)

_password_stdin = click.option(
    "--password-stdin", is_flag=True,
    help="Read the password from standard input (one line), e.g. from a secrets manager.")


def actor() -> str:
    """Who acts, in the audit trail: the operator's login at this machine."""
    return "cli:" + getpass.getuser()


@click.group("user")
def users() -> None:
    """Staff accounts (admin, editor, moderator, researcher) and their API tokens."""


@users.command("add")
@collection_argument()
@click.argument("account", metavar="ACCOUNT")
@click.option("--role", required=True, help=f"One of: {', '.join(ROLES)}.")
@_password_stdin
@pass_app
def add(app: App, /, name: str, account: str, role: str, password_stdin: bool) -> None:
    """Create the account ACCOUNT in collection NAME (the password: at least 12 characters)."""
    password = read_password(password_stdin, confirm=True)
    with app.open(name) as coll:
        user = accounts.add_user(coll.catalog, account, role, password, actor=actor())
    click.echo(f"added {user.role} {user.name!r}")


@users.command("list")
@collection_argument()
@click.option("--json", "as_json", is_flag=True, help="Print the accounts as JSON.")
@pass_app
def list_(app: App, /, name: str, as_json: bool) -> None:
    """The accounts of collection NAME: name, role, disabled, created."""
    with app.open(name) as coll:
        found = coll.catalog.accounts.users()
    if as_json:
        echo_json([{"name": u.name, "role": u.role, "disabled": u.disabled, "created": when(u.created_at)}
                   for u in found])
        return
    if not found:
        click.echo(f"No accounts. Add an admin with 'vitrine user add {name} NAME --role admin'.")
        return
    click.echo(f"{'account':<32}  {'role':<10}  {'disabled':<8}  created")
    for user in found:
        click.echo(f"{shorten(user.name, 32):<32}  {user.role:<10}  {'yes' if user.disabled else 'no':<8}  "
                   f"{when(user.created_at)}")


@users.command("set-role")
@collection_argument()
@click.argument("account", metavar="ACCOUNT")
@click.argument("role", metavar="ROLE")
@pass_app
def set_role(app: App, /, name: str, account: str, role: str) -> None:
    """Give ACCOUNT the role ROLE (the last enabled admin keeps theirs)."""
    with app.open(name) as coll:
        accounts.set_role(coll.catalog, account, role, actor=actor())
    click.echo(f"{account!r} is now {role.strip().lower()}")


@users.command("disable")
@collection_argument()
@click.argument("account", metavar="ACCOUNT")
@pass_app
def disable(app: App, /, name: str, account: str) -> None:
    """Disable ACCOUNT: its sessions end and its API tokens are revoked at once."""
    with app.open(name) as coll:
        accounts.set_disabled(coll.catalog, account, True, actor=actor())
    click.echo(f"disabled {account!r}; its sessions ended and its API tokens were revoked")


@users.command("enable")
@collection_argument()
@click.argument("account", metavar="ACCOUNT")
@pass_app
def enable(app: App, /, name: str, account: str) -> None:
    """Enable ACCOUNT again (its revoked tokens stay revoked)."""
    with app.open(name) as coll:
        accounts.set_disabled(coll.catalog, account, False, actor=actor())
    click.echo(f"enabled {account!r}")


@users.command("set-password")
@collection_argument()
@click.argument("account", metavar="ACCOUNT")
@_password_stdin
@pass_app
def set_password(app: App, /, name: str, account: str, password_stdin: bool) -> None:
    """Give ACCOUNT a new password; its browser sessions end."""
    password = read_password(password_stdin, confirm=True)
    with app.open(name) as coll:
        accounts.set_password(coll.catalog, account, password, actor=actor())
    click.echo(f"changed the password of {account!r}; its sessions ended")


def read_password(from_stdin: bool, *, confirm: bool) -> str:
    """The password from one line of standard input, or typed twice at a terminal."""
    if from_stdin:
        text = sys.stdin.read()
        password = text[:-1] if text.endswith("\n") else text
        password = password[:-1] if password.endswith("\r") else password
        if "\n" in password or "\r" in password:
            raise click.UsageError("--password-stdin reads one line; the input had several")
        return password
    if not stdin_is_tty():
        raise click.UsageError("no terminal to ask for the password: pass it on standard input with "
                               "--password-stdin (never as an argument)")
    value: str = click.prompt("Password", hide_input=True, confirmation_prompt=confirm, err=True)
    return value


def stdin_is_tty() -> bool:
    return sys.stdin.isatty()


def when(timestamp: float | None) -> str:
    return "" if timestamp is None else datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M")



@users.group("token")
def tokens() -> None:
    """API tokens for scripts (`Authorization: Bearer ...`), scoped read, edit or admin."""


@tokens.command("create")
@collection_argument()
@click.argument("account", metavar="ACCOUNT")
@click.option("--scope", required=True, type=click.Choice(SCOPES),
              help="What the token may do (never more than its account's role).")
@click.option("--label", default="", help="What the token is for [default: the scope].")
@pass_app
def token_create(app: App, /, name: str, account: str, scope: str, label: str) -> None:
    """A new API token for ACCOUNT: the secret is printed once, alone on standard output."""
    with app.open(name) as coll:
        secret = accounts.create_token(coll.catalog, account, scope, label, actor=actor())
        made = accounts.tokens(coll.catalog, account)[-1]
    click.echo(secret)
    click.echo(f"token {made.id} ({made.scope}, {made.label!r}) for {account!r}: shown once, keep it "
               f"now; revoke it with 'vitrine user token revoke {name} {made.id}'", err=True)


@tokens.command("list")
@collection_argument()
@click.argument("account", metavar="ACCOUNT")
@click.option("--json", "as_json", is_flag=True, help="Print the tokens as JSON.")
@pass_app
def token_list(app: App, /, name: str, account: str, as_json: bool) -> None:
    """The API tokens of ACCOUNT (never their secrets): id, label, scope, created, last used, revoked."""
    with app.open(name) as coll:
        found = accounts.tokens(coll.catalog, account)
    rows = [{"id": t.id, "label": t.label, "scope": t.scope, "created": when(t.created_at),
             "last_used": when(t.last_used_at), "revoked": when(t.revoked_at)} for t in found]
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo(f"{account!r} has no API tokens.")
        return
    click.echo(f"{'id':>5}  {'label':<24}  {'scope':<6}  {'created':<16}  {'last used':<16}  revoked")
    for row in rows:
        click.echo(f"{row['id']:>5}  {shorten(str(row['label']), 24):<24}  {row['scope']:<6}  "
                   f"{row['created']:<16}  {row['last_used'] or 'never':<16}  {row['revoked'] or 'no'}")


@tokens.command("revoke")
@collection_argument()
@click.argument("token_id", metavar="ID", type=int)
@pass_app
def token_revoke(app: App, /, name: str, token_id: int) -> None:
    """Revoke the API token ID (see 'vitrine user token list'); scripts using it are refused at once."""
    with app.open(name) as coll:
        accounts.revoke_token(coll.catalog, token_id, actor=actor())
    click.echo(f"revoked token {token_id}")
