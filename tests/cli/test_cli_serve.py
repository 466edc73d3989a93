"""`vitrine serve`: which forwarded headers uvicorn trusts (behind a reverse proxy, only the proxy's)."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Run


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What `vitrine serve` passes to uvicorn.run, instead of serving."""
    import uvicorn

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: seen.update(options, app=app))
    return seen


def test_forwarded_headers_are_ignored_unless_a_proxy_is_named(run: Run, art: str,
                                                                served: dict[str, Any]) -> None:
    run("serve", art, "--port", "8123")
    assert served["proxy_headers"] is False and served["port"] == 8123


def test_forwarded_headers_are_trusted_from_the_named_proxy_only(run: Run, art: str,
                                                                 served: dict[str, Any]) -> None:
    run("serve", art, "--forwarded-allow-ips", "10.0.0.2")
    assert served["proxy_headers"] is True and served["forwarded_allow_ips"] == "10.0.0.2"
