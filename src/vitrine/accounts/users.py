"""Staff accounts and API tokens: the use-cases the CLI and the admin pages share.

Every change writes its audit row in the same transaction (`catalog.audit`). `actor` names who
acts: an account name, or "cli:<login>" for an operator at the server's shell.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from vitrine.accounts.passwords import decoy_hash, hash_password, needs_rehash, verify_password
from vitrine.accounts.roles import GRANTS, SCOPES, Permission, Role, parse_role
from vitrine.catalog import Catalog
from vitrine.catalog.accounts import TokenRow, User
from vitrine.errors import AccountError, AccountExists, NotFound

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
TOKEN_PREFIX = "vt_"


@dataclass(frozen=True)
class Principal:
    """Who a request acts as: an account (with its role) and what it may do here."""

    name: str
    role: Role | None
    permissions: frozenset[Permission]
    user_id: int | None = None

    def may(self, permission: Permission) -> bool:
        return permission in self.permissions


def add_user(catalog: Catalog, name: str, role: str, password: str, *, actor: str, address: str = "") -> User:
    """Create an account; refuses a taken name, a bad name, an unknown role or a weak password."""
    if not _NAME.match(name):
        raise AccountError(f"account name {name!r} may hold letters, digits, '_', '.', '@' and '-' only")
    parsed = _role(role)
    digest = _hash(password)
    with catalog.transaction():
        if catalog.accounts.user(name) is not None:
            raise AccountExists(f"an account named {name!r} exists already")
        user = catalog.accounts.add_user(name, parsed.value, digest)
        catalog.audit.record(actor, "user.add", name, after={"role": parsed.value}, address=address)
    return user


def set_role(catalog: Catalog, name: str, role: str, *, actor: str, address: str = "") -> None:
    parsed = _role(role)
    with catalog.transaction():
        user = _user(catalog, name)
        if user.role == Role.ADMIN.value and parsed != Role.ADMIN:
            _keep_an_admin(catalog, user)
        catalog.accounts.update_user(user.id, role=parsed.value)
        catalog.audit.record(actor, "user.set_role", name, before={"role": user.role},
                             after={"role": parsed.value}, address=address)


def set_disabled(catalog: Catalog, name: str, disabled: bool = True, *, actor: str,
                 address: str = "") -> None:
    """Disable (or enable again) an account; a disabled account loses its sessions and tokens at once."""
    with catalog.transaction():
        user = _user(catalog, name)
        if disabled and user.role == Role.ADMIN.value and not user.disabled:
            _keep_an_admin(catalog, user)
        catalog.accounts.update_user(user.id, disabled=int(disabled))
        if disabled:
            catalog.accounts.drop_sessions_of(user.id)
            catalog.accounts.revoke_tokens_of(user.id)
        catalog.audit.record(actor, "user.disable" if disabled else "user.enable", name,
                             before={"disabled": user.disabled}, after={"disabled": disabled},
                             address=address)


def set_password(catalog: Catalog, name: str, password: str, *, actor: str, address: str = "") -> None:
    """Change a password; the account's other sessions end."""
    digest = _hash(password)
    with catalog.transaction():
        user = _user(catalog, name)
        catalog.accounts.update_user(user.id, password_hash=digest)
        catalog.accounts.drop_sessions_of(user.id)
        catalog.audit.record(actor, "user.set_password", name, address=address)


def authenticate(catalog: Catalog, name: str, password: str) -> User | None:
    """The enabled account with this name and password, else None (as slow for an unknown name)."""
    user = catalog.accounts.user(name) if _NAME.match(name) else None
    if user is None:
        verify_password(decoy_hash(), password)
        return None
    if not verify_password(user.password_hash, password) or user.disabled:
        return None
    if needs_rehash(user.password_hash):
        catalog.accounts.update_user(user.id, password_hash=hash_password(password))
    return user


def principal_of(user: User) -> Principal:
    role = Role(user.role)
    return Principal(user.name, role, GRANTS[role], user.id)


# -- API tokens ----------------------------------------------------------------------------------


def create_token(catalog: Catalog, name: str, scope: str, label: str = "", *, actor: str,
                 address: str = "") -> str:
    """A new API token for account `name`; the secret is returned once and stored only hashed."""
    if scope not in SCOPES:
        raise AccountError(f"unknown token scope {scope!r}: use {', '.join(SCOPES)}")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with catalog.transaction():
        user = _user(catalog, name)
        if user.disabled:
            raise AccountError(f"account {name!r} is disabled")
        row = catalog.accounts.add_token(user.id, label or scope, scope, _sha256(secret))
        catalog.audit.record(actor, "token.create", name, after={"token": row.id, "scope": scope,
                                                                 "label": row.label}, address=address)
    return secret


def revoke_token(catalog: Catalog, token_id: int, *, actor: str, owner: str | None = None,
                 address: str = "") -> None:
    """Revoke a live token; with `owner`, only one of that account's (a page naming the account
    cannot revoke another's token by changing the id)."""
    with catalog.transaction():
        if owner is not None and token_id not in {t.id for t in tokens(catalog, owner)}:
            raise NotFound(f"account {owner!r} has no API token with id {token_id}")
        if not catalog.accounts.revoke_token(token_id):
            raise NotFound(f"no live API token with id {token_id}")
        catalog.audit.record(actor, "token.revoke", str(token_id), address=address)


def tokens(catalog: Catalog, name: str) -> list[TokenRow]:
    return catalog.accounts.tokens_of(_user(catalog, name).id)


@dataclass(frozen=True)
class Account:
    """An account with its API tokens, live and revoked: a row of the admins' list."""

    user: User
    tokens: tuple[TokenRow, ...]

    @property
    def live_tokens(self) -> int:
        return sum(t.revoked_at is None for t in self.tokens)


def list_accounts(catalog: Catalog) -> list[Account]:
    """Every account by name, each with its tokens."""
    return [Account(u, tuple(catalog.accounts.tokens_of(u.id))) for u in catalog.accounts.users()]


def account(catalog: Catalog, name: str) -> Account:
    """One account with its tokens; NotFound if there is none of that name."""
    user = _user(catalog, name)
    return Account(user, tuple(catalog.accounts.tokens_of(user.id)))


def principal_of_token(catalog: Catalog, secret: str) -> Principal | None:
    """Who a bearer token acts as: its owner, limited to the token's scope; None if unknown,
    revoked, or its owner disabled."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    row = catalog.accounts.token(_sha256(secret))
    if row is None or row.revoked_at is not None:
        return None
    user = catalog.accounts.user_by_id(row.user_id)
    if user is None or user.disabled:
        return None
    catalog.accounts.use_token(row.id)
    owner = principal_of(user)
    return Principal(owner.name, owner.role, owner.permissions & SCOPES[row.scope], user.id)


def _role(text: str) -> Role:
    try:
        return parse_role(text)
    except ValueError as exc:
        raise AccountError(str(exc)) from None


def _hash(password: str) -> str:
    try:
        return hash_password(password)
    except ValueError as exc:
        raise AccountError(str(exc)) from None


def _user(catalog: Catalog, name: str) -> User:
    user = catalog.accounts.user(name)
    if user is None:
        raise NotFound(f"no account named {name!r}")
    return user


def _keep_an_admin(catalog: Catalog, user: User) -> None:
    if catalog.accounts.count_admins() <= 1:
        raise AccountError(f"{user.name!r} is the last enabled admin; make another admin first")


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
