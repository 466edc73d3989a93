"""What a password may be (ASVS 2.1.1-2.1.4, 2.1.9): length only, any characters, never truncated."""

from __future__ import annotations

import pytest

from vitrine.accounts.passwords import MAX_LENGTH, MIN_LENGTH, check_strength, hash_password, verify_password


@pytest.mark.parametrize("password", [
    " " * MIN_LENGTH,  # spaces count, each one: nothing is collapsed or stripped
    "ünïcödé пароль 密码",  # any Unicode, no composition rules
    "🖼️🏛️" * 6,
    "x" * MAX_LENGTH,
])
def test_any_characters_of_an_allowed_length_make_a_password(password: str) -> None:
    check_strength(password)
    assert verify_password(hash_password(password), password)


@pytest.mark.parametrize(("password", "message"), [
    ("x" * (MIN_LENGTH - 1), "at least 12"), ("x" * (MAX_LENGTH + 1), "at most 1024")])
def test_too_short_or_too_long_is_refused(password: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        hash_password(password)


def test_every_character_counts_none_is_cut_off() -> None:
    # bcrypt would stop at 72 bytes; a password differing only at its end must not match
    stored = hash_password("a" * 200 + "1")
    assert not verify_password(stored, "a" * 200 + "2") and not verify_password(stored, "a" * 200)
    assert not verify_password(stored, "a" * 200 + "1 ")  # nor is a trailing space dropped
