"""Password hashing with argon2id (argon2-cffi, the reference implementation's binding).

The parameters are argon2-cffi's defaults (RFC 9106's second recommended set: 64 MiB, 3 passes),
so a stored hash carries its own parameters and `needs_rehash` upgrades it at the next login.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
MAX_LENGTH = 1024  # argon2 takes any length; refusing megabytes keeps a login from being a DoS


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def check_strength(password: str) -> None:
    """Refuse a password too short to resist guessing (ASVS 2.1.1: at least 12 characters)."""
    if len(password) < MIN_LENGTH:
        raise ValueError(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise ValueError(f"a password may have at most {MAX_LENGTH} characters")


def hash_password(password: str) -> str:
    check_strength(password)
    return _hasher().hash(password)


def verify_password(stored: str, password: str) -> bool:
    """Whether `password` matches the stored hash (False for a malformed hash, never an error)."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher().verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher().check_needs_rehash(stored)


#: a real hash of a random password: verifying against it costs what a real check costs, so a
#: login for an unknown account takes as long as one with a wrong password (no enumeration by time)
@cache
def decoy_hash() -> str:
    import secrets

    return _hasher().hash(secrets.token_urlsafe(24))
