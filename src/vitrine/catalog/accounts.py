"""Staff accounts, browser sessions and API tokens (`catalog.accounts`): storage only.

What a role may do, how passwords are hashed and when a session expires is `vitrine.accounts`;
this module keeps rows. Session ids and token secrets are never stored, only their SHA-256.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass

from vitrine.catalog.base import Connected


@dataclass(frozen=True)
class User:
    """A staff account; `role` is one of `vitrine.accounts.roles.Role`'s values."""

    id: int
    name: str
    role: str
    password_hash: str
    disabled: bool
    created_at: float


@dataclass(frozen=True)
class SessionRow:
    """A browser session: whose, its CSRF token, when it began and when it was last used."""

    user_id: int
    csrf: str
    created_at: float
    seen_at: float


@dataclass(frozen=True)
class TokenRow:
    """An API token of a user (the secret itself is not kept)."""

    id: int
    user_id: int
    label: str
    scope: str
    created_at: float
    last_used_at: float | None
    revoked_at: float | None


_USER = "id, name, role, password_hash, disabled, created_at"
_TOKEN = "id, user_id, label, scope, created_at, last_used_at, revoked_at"


class AccountStore(Connected):
    """Rows of users, sessions and tokens; group calls in `transaction()` with their audit row."""

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock) -> None:
        self._db = db
        self._lock = lock
        self.failures = LoginFailures(db, lock)

    # -- users ----------------------------------------------------------------------------------

    def add_user(self, name: str, role: str, password_hash: str) -> User:
        now = time.time()
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO users (name, role, password_hash, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (name, role, password_hash, now, now))
        return User(int(cur.lastrowid or 0), name, role, password_hash, False, now)

    def user(self, name: str) -> User | None:
        with self._lock:
            row = self._db.execute(f"SELECT {_USER} FROM users WHERE name = ?", (name,)).fetchone()
        return None if row is None else _user(row)

    def user_by_id(self, user_id: int) -> User | None:
        with self._lock:
            row = self._db.execute(f"SELECT {_USER} FROM users WHERE id = ?", (user_id,)).fetchone()
        return None if row is None else _user(row)

    def users(self) -> list[User]:
        with self._lock:
            rows = self._db.execute(f"SELECT {_USER} FROM users ORDER BY name").fetchall()
        return [_user(r) for r in rows]

    def update_user(self, user_id: int, **changes: object) -> None:
        """Change some of role, password_hash, disabled."""
        allowed = {"role", "password_hash", "disabled"}
        if not changes or set(changes) - allowed:
            raise ValueError(f"only {sorted(allowed)} can change, not {sorted(set(changes) - allowed)}")
        sets = ", ".join(f"{k} = ?" for k in changes)
        with self._lock:
            self._db.execute(f"UPDATE users SET {sets}, updated_at = ? WHERE id = ?",
                             (*changes.values(), time.time(), user_id))

    def count_admins(self) -> int:
        with self._lock:
            row = self._db.execute(
                "SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0").fetchone()
        return int(row[0])

    # -- sessions -------------------------------------------------------------------------------

    def add_session(self, id_sha256: str, user_id: int, csrf: str) -> None:
        now = time.time()
        with self._lock:
            self._db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                             (id_sha256, user_id, csrf, now, now))

    def session(self, id_sha256: str) -> SessionRow | None:
        with self._lock:
            row = self._db.execute(
                "SELECT user_id, csrf, created_at, seen_at FROM sessions WHERE id_sha256 = ?",
                (id_sha256,)).fetchone()
        return None if row is None else SessionRow(int(row[0]), str(row[1]), float(row[2]), float(row[3]))

    def touch_session(self, id_sha256: str) -> None:
        with self._lock:
            self._db.execute("UPDATE sessions SET seen_at = ? WHERE id_sha256 = ?", (time.time(), id_sha256))

    def drop_session(self, id_sha256: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM sessions WHERE id_sha256 = ?", (id_sha256,))

    def drop_sessions_of(self, user_id: int) -> int:
        with self._lock:
            return self._db.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,)).rowcount

    # -- API tokens -----------------------------------------------------------------------------

    def add_token(self, user_id: int, label: str, scope: str, secret_sha256: str) -> TokenRow:
        now = time.time()
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO api_tokens (user_id, label, scope, secret_sha256, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (user_id, label, scope, secret_sha256, now))
        return TokenRow(int(cur.lastrowid or 0), user_id, label, scope, now, None, None)

    def token(self, secret_sha256: str) -> TokenRow | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {_TOKEN} FROM api_tokens WHERE secret_sha256 = ?", (secret_sha256,)).fetchone()
        return None if row is None else _token(row)

    def tokens_of(self, user_id: int) -> list[TokenRow]:
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_TOKEN} FROM api_tokens WHERE user_id = ? ORDER BY id", (user_id,)).fetchall()
        return [_token(r) for r in rows]

    def use_token(self, token_id: int) -> None:
        with self._lock:
            self._db.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", (time.time(), token_id))

    def revoke_token(self, token_id: int) -> bool:
        with self._lock:
            return self._db.execute(
                "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                (time.time(), token_id)).rowcount > 0

    def revoke_tokens_of(self, user_id: int) -> int:
        with self._lock:
            return self._db.execute(
                "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                (time.time(), user_id)).rowcount


def _user(row: sqlite3.Row) -> User:
    return User(int(row["id"]), str(row["name"]), str(row["role"]), str(row["password_hash"]),
                bool(row["disabled"]), float(row["created_at"]))


def _token(row: sqlite3.Row) -> TokenRow:
    return TokenRow(int(row["id"]), int(row["user_id"]), str(row["label"]), str(row["scope"]),
                    float(row["created_at"]), row["last_used_at"], row["revoked_at"])


class LoginFailures(Connected):
    """Failed logins by key (`catalog.accounts.failures`): one count for every worker."""

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock) -> None:
        self._db = db
        self._lock = lock

    def count(self, key: str, since: float) -> int:
        with self._lock:
            row = self._db.execute(
                "SELECT count(*) FROM login_failures WHERE key = ? AND at >= ?", (key, since)).fetchone()
        return int(row[0])

    def add(self, keys: tuple[str, ...], at: float, forget_before: float) -> None:
        """Note a failure under each key, and forget failures older than any window."""
        with self._lock, self.transaction():
            self._db.executemany("INSERT INTO login_failures VALUES (?, ?)", [(k, at) for k in keys])
            self._db.execute("DELETE FROM login_failures WHERE at < ?", (forget_before,))

    def clear(self, key: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM login_failures WHERE key = ?", (key,))
