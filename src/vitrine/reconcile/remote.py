"""A client of W3C reconciliation services (OpenRefine's protocol: Wikidata, GND, Getty, VIAF endpoints).

Queries go in batches, POSTed as the form field `queries` (the request OpenRefine sends), through
vitrine's safe fetcher: public addresses only unless an operator allows more, a size limit, and
retries with backoff on timeouts, refused connections, 429 (honouring Retry-After) and 5xx. The
service is asked no more often than `min_interval` allows. An answer that is not a result batch
for the queries sent ("nonsense": HTML, a wrong shape) is retried the same way, then reported.

Nothing a service returns is trusted: ids must be plain identifiers (no slashes, no dots alone),
names and descriptions lose any markup and control characters and are kept as text, and an
entity's URI is built from the manifest's `identifierSpace` (http or https) and the quoted id.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from vitrine import fetch
from vitrine.errors import FetchError
from vitrine.fetch import DEFAULT_OPTIONS, FetchOptions

SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_:.\-]{0,199}$")
_TAG = re.compile(r"<[^>]*>?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_TEXT = 500


class Nonsense(ValueError):
    """A service's answer is not what the protocol says it should be."""


@dataclass(frozen=True)
class RemoteCandidate:
    id: str
    name: str
    uri: str
    score: float
    match: bool
    description: str = ""
    types: tuple[str, ...] = ()
    features: Mapping[str, float | bool] = field(default_factory=dict)


@dataclass(frozen=True)
class Manifest:
    name: str
    identifier_space: str
    view: str = ""
    batch_size: int | None = None


@dataclass
class RemoteService:
    """One reconciliation endpoint; `reconcile` sends a batch and returns candidates per query key."""

    endpoint: str
    options: FetchOptions = DEFAULT_OPTIONS
    batch_size: int = 10
    min_interval: float = 0.5
    attempts: int = 4
    backoff: float = 1.0
    manifest: Manifest | None = None
    clock: Any = field(default=time.monotonic, repr=False)
    _last: float | None = field(default=None, repr=False)
    _client: Any = field(default=None, repr=False)

    def close(self) -> None:
        """Close the connections kept to the service (a later request opens new ones)."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def describe(self) -> Manifest:
        """The service manifest (fetched once): name, identifier space, view template, batch size."""
        if self.manifest is None:
            self.manifest = parse_manifest(self._ask(None), self.endpoint)
            if self.manifest.batch_size:
                self.batch_size = max(1, min(self.batch_size, self.manifest.batch_size))
        return self.manifest

    def reconcile(self, queries: Mapping[str, Mapping[str, Any]]) -> dict[str, list[RemoteCandidate]]:
        """Candidates for each query (W3C query objects by key), in batches of `batch_size`."""
        manifest = self.describe()
        out: dict[str, list[RemoteCandidate]] = {}
        keys = list(queries)
        for start in range(0, len(keys), self.batch_size):
            batch = {k: dict(queries[k]) for k in keys[start:start + self.batch_size]}
            out.update(self._batch(batch, manifest))
        return out

    def _batch(self, batch: dict[str, dict[str, Any]],
               manifest: Manifest) -> dict[str, list[RemoteCandidate]]:
        form = {"queries": json.dumps(batch, ensure_ascii=False)}
        for attempt in range(1, self.attempts + 1):
            answer = self._ask(form)
            try:
                return parse_results(answer, list(batch), manifest)
            except Nonsense as exc:
                if attempt == self.attempts:
                    raise FetchError(
                        self.endpoint, f"answered nonsense ({exc}) after {attempt} attempts") from None
                fetch.sleep(min(fetch.MAX_WAIT, self.backoff * 2 ** (attempt - 1)))
        raise AssertionError("unreachable")  # pragma: no cover

    def _ask(self, form: dict[str, str] | None) -> Any:
        """One request (retried by the fetcher on transient failures), no sooner than the rate allows."""
        if self._last is not None:
            wait = self.min_interval - (self.clock() - self._last)
            if wait > 0:
                fetch.sleep(wait)
        if self._client is None:  # one client, its connections kept open between batches
            self._client = fetch.new_client(self.options)
        try:
            body = fetch.fetch_bytes(self.endpoint, options=self.options, max_bytes=5_000_000,
                                     client=self._client, attempts=self.attempts, backoff=self.backoff,
                                     form=form)
        finally:
            self._last = self.clock()
        try:
            return json.loads(body)
        except ValueError:
            return _NOT_JSON


_NOT_JSON = object()


def parse_manifest(data: Any, endpoint: str) -> Manifest:
    """The fields vitrine uses of a service manifest; a manifest without them is refused."""
    if not isinstance(data, dict):
        raise FetchError(endpoint, "the service manifest is not a JSON object")
    space = data.get("identifierSpace")
    if not isinstance(space, str) or not space.lower().startswith(("http://", "https://")):
        raise FetchError(endpoint, "the service manifest has no http(s) identifierSpace")
    view = data.get("view", {}).get("url", "") if isinstance(data.get("view"), dict) else ""
    if not isinstance(view, str) or "{{id}}" not in view or not view.lower().startswith(("http://", "https://")):
        view = ""
    size = data.get("batchSize")
    return Manifest(clean_text(data.get("name")) or endpoint, space, view,
                    size if isinstance(size, int) and not isinstance(size, bool) and size > 0 else None)


def parse_results(data: Any, keys: Sequence[str], manifest: Manifest) -> dict[str, list[RemoteCandidate]]:
    """A result batch, checked: one result per query key, each candidate with a safe id and a name."""
    if data is _NOT_JSON or not isinstance(data, dict):
        raise Nonsense("not a JSON object")
    out = {}
    for k in keys:
        entry = data.get(k)
        if not isinstance(entry, dict) or not isinstance(entry.get("result"), list):
            raise Nonsense(f"no result list for query {k!r}")
        out[k] = [c for c in (_candidate(raw, manifest) for raw in entry["result"]) if c is not None]
    return out


def _candidate(raw: Any, manifest: Manifest) -> RemoteCandidate | None:
    """A candidate, or None for one that cannot be used (an unsafe id, no name, no numeric score)."""
    if not isinstance(raw, dict):
        raise Nonsense("a candidate is not an object")
    ident, name, score = raw.get("id"), clean_text(raw.get("name")), raw.get("score")
    if not isinstance(ident, str) or not SAFE_ID.match(ident) or ".." in ident or not name:
        return None
    if isinstance(score, bool) or not isinstance(score, (int, float)) or not math.isfinite(score):
        raise Nonsense(f"candidate {ident!r} has no numeric score")
    given_types: list[Any] = raw["type"] if isinstance(raw.get("type"), list) else []
    types = tuple(clean_text(t.get("name") or t.get("id")) for t in given_types if isinstance(t, dict))
    given: list[Any] = raw["features"] if isinstance(raw.get("features"), list) else []
    features = {str(f["id"])[:64]: f["value"] for f in given
                if isinstance(f, dict) and isinstance(f.get("id"), str)
                and isinstance(f.get("value"), (int, float, bool))}
    return RemoteCandidate(ident, name, entity_uri(manifest, ident), float(score), raw.get("match") is True,
                           clean_text(raw.get("description")), tuple(t for t in types if t), features)


def entity_uri(manifest: Manifest, ident: str) -> str:
    """The entity's URI in the service's identifier space (the id quoted as a URI component)."""
    return manifest.identifier_space + quote(ident, safe="")


def clean_text(value: Any) -> str:
    """Plain text from a service's string: markup and control characters dropped, length bounded."""
    if not isinstance(value, str):
        return ""
    text = _CONTROL.sub(" ", _TAG.sub("", value))
    return " ".join(text.split())[:MAX_TEXT]
