"""Downloading remote resources (manifests, API pages, images) over http(s), defensively.

Every download is streamed and stopped once it passes `max_bytes`; transient failures (connection
errors, timeouts, 429 and 5xx answers) are retried a few times, honouring `Retry-After`; redirects
are followed. Only http and https URLs are fetched: `file:` and other schemes are refused, so a
manifest cannot make vitrine read local files. Every connection, each redirect hop included, goes
through the `FetchOptions.network` guard (`netguard.py`): loopback, private and other non-public
addresses are refused unless the operator allows them. Every failure raises `FetchError` naming the URL.
"""

from __future__ import annotations

import email.utils
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from vitrine.errors import FetchError
from vitrine.netguard import AddressRefused, NetworkPolicy, guarded_transport

log = logging.getLogger(__name__)

USER_AGENT = "vitrine/0.1 (+https://github.com/vitrine)"
SCHEMES = frozenset({"http", "https"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
DEFAULT_TIMEOUT = 30.0
"""Seconds one request may take, where the caller does not pass `Settings.http_timeout_s`."""
MAX_WAIT = 60.0
"""Longest pause between attempts, whatever a server's Retry-After asks for."""

sleep: Callable[[float], None] = time.sleep
"""The pause between attempts; tests replace it to run fast."""


def is_remote(location: str) -> bool:
    """Whether `location` is an http(s) URL (rather than a local path)."""
    return location.split(":", 1)[0].lower() in SCHEMES and "://" in location


@dataclass(frozen=True)
class FetchOptions:
    """How outbound requests behave: seconds per request, and which addresses they may reach.

    Picklable, so indexing workers get the same options as the process that configured them.
    """

    timeout: float = DEFAULT_TIMEOUT
    network: NetworkPolicy = field(default_factory=NetworkPolicy)


DEFAULT_OPTIONS = FetchOptions()
"""Public addresses only, `DEFAULT_TIMEOUT` seconds per request."""


def new_client(
    options: FetchOptions = DEFAULT_OPTIONS, headers: dict[str, str] | None = None,
) -> httpx.Client:
    """An httpx client with vitrine's defaults, guarded by `options.network`; sources keep one per import.

    With its own transport the client takes no proxy from the environment, which would connect on
    our behalf, past the guard.
    """
    return httpx.Client(
        transport=guarded_transport(options.network), follow_redirects=True, timeout=options.timeout,
        headers={"User-Agent": USER_AGENT, **(headers or {})})


def fetch_bytes(
    url: str, *, options: FetchOptions = DEFAULT_OPTIONS, max_bytes: int = 50_000_000,
    client: httpx.Client | None = None, attempts: int = 3, backoff: float = 0.5,
    form: Mapping[str, str] | None = None,
) -> bytes:
    """The body of `url`, retrying transient failures; raises FetchError naming the URL.

    A `client` must come from `new_client` (its transport holds the network policy); without one,
    a client is built from `options`. With `form`, the request is a POST of those fields
    (`application/x-www-form-urlencoded`, as reconciliation services take their queries).
    """
    _check_scheme(url)
    request = _Request(url, max_bytes, options.timeout, dict(form) if form is not None else None)
    if client is None:
        with new_client(options) as own:
            return _fetch_with_retries(own, request, attempts, backoff)
    return _fetch_with_retries(client, request, attempts, backoff)


def fetch_json(
    url: str, *, options: FetchOptions = DEFAULT_OPTIONS, max_bytes: int = 20_000_000,
    client: httpx.Client | None = None, attempts: int = 3, backoff: float = 0.5,
    form: Mapping[str, str] | None = None,
) -> Any:
    """The parsed JSON body of `url`; raises FetchError when it cannot be fetched or parsed."""
    body = fetch_bytes(url, options=options, max_bytes=max_bytes, client=client, attempts=attempts,
                       backoff=backoff, form=form)
    try:
        return json.loads(body)
    except ValueError as exc:
        raise FetchError(url, f"not valid JSON ({exc})") from exc


@dataclass(frozen=True)
class _Request:
    url: str
    max_bytes: int
    timeout: float
    form: dict[str, str] | None = None


class _Transient(Exception):
    """A failure worth another attempt; `wait` is what the server asked for, if anything."""

    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


def _check_scheme(url: str) -> None:
    try:
        scheme = httpx.URL(url).scheme
    except httpx.InvalidURL as exc:
        raise FetchError(url, f"not a valid URL ({exc})") from exc
    if scheme not in SCHEMES:
        raise FetchError(url, f"only http and https URLs can be fetched, not {scheme or 'a bare path'!r}")


def _fetch_with_retries(client: httpx.Client, request: _Request, attempts: int, backoff: float) -> bytes:
    url = request.url
    for attempt in range(1, max(1, attempts) + 1):
        try:
            return _fetch_once(client, request)
        except _Transient as exc:
            if attempt >= attempts:
                raise FetchError(url, f"{exc.reason} (after {attempt} attempts)") from exc
            wait = min(MAX_WAIT, exc.wait if exc.wait is not None else backoff * 2 ** (attempt - 1))
            log.info("fetching %s failed (%s); attempt %d of %d in %.1fs", url, exc.reason, attempt + 1,
                     attempts, wait)
            sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


def _fetch_once(client: httpx.Client, request: _Request) -> bytes:
    url, max_bytes = request.url, request.max_bytes
    method = "GET" if request.form is None else "POST"
    try:
        with client.stream(method, url, data=request.form, timeout=request.timeout,
                           follow_redirects=True) as response:
            _check_response(url, response, max_bytes)
            return _read_limited(url, response, max_bytes)
    except AddressRefused as exc:  # a policy decision: asking again would get the same answer
        raise FetchError(url, f"refused: {exc}") from exc
    except httpx.TimeoutException as exc:
        raise _Transient(f"timed out ({type(exc).__name__})") from exc
    except (httpx.UnsupportedProtocol, httpx.TooManyRedirects, httpx.InvalidURL) as exc:
        raise FetchError(url, str(exc) or type(exc).__name__) from exc
    except httpx.TransportError as exc:
        raise _Transient(f"{type(exc).__name__}: {exc}") from exc


def _check_response(url: str, response: httpx.Response, max_bytes: int) -> None:
    status = response.status_code
    if status in RETRY_STATUSES:
        raise _Transient(f"HTTP {status} {response.reason_phrase}", _retry_after(response))
    if status >= 400:
        raise FetchError(url, f"HTTP {status} {response.reason_phrase}")
    final = str(response.url)
    if final != url and response.url.scheme not in SCHEMES:  # pragma: no cover - httpx refuses first
        raise FetchError(url, f"redirected to a refused URL {final}")
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise FetchError(url, f"{int(length):,} bytes is more than the {max_bytes:,} allowed")


def _read_limited(url: str, response: httpx.Response, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(url, f"more than the {max_bytes:,} bytes allowed")
        chunks.append(chunk)
    return b"".join(chunks)


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds a server asked us to wait (Retry-After as seconds or as an HTTP date)."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
