"""A client for an OpenAI-compatible chat endpoint (llama.cpp's server, Ollama, vLLM, a hosted service).

Requests go through vitrine's guarded HTTP client (`fetch.new_client`, `netguard`): the endpoint's own
host is allowed because the operator configured it (a local server is the common case), every other
non-public address stays refused, redirects included. The reply is streamed (server-sent events, the
`stream: true` form of `/chat/completions`); each piece of text is yielded as it arrives.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

import httpx

from vitrine.errors import ModelError
from vitrine.fetch import FetchOptions, new_client
from vitrine.netguard import AddressRefused, NetworkPolicy

_MAX_REPLY = 200_000  # characters: a reply longer than this is not an answer to a question


@dataclass(frozen=True)
class ChatModel:
    """Where the model is and how it is asked."""

    endpoint: str
    model: str
    api_key: str = ""
    timeout: float = 60.0
    max_tokens: int = 600
    options: FetchOptions = field(default_factory=FetchOptions)

    def __post_init__(self) -> None:
        parts = urlsplit(self.endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ModelError(f"the language model endpoint {self.endpoint!r} is not an http(s) URL "
                             "(VITRINE_ASK__ENDPOINT, e.g. http://127.0.0.1:8080/v1)")
        if not self.model:
            raise ModelError("VITRINE_ASK__MODEL names no model; set the model the endpoint serves")

    def policy(self) -> FetchOptions:
        """The fetch options with the endpoint's host allowed (the operator chose it)."""
        host = urlsplit(self.endpoint).hostname or ""
        network = self.options.network
        allowed = NetworkPolicy(network.allow_hosts | {host.lower()}, network.allow_networks, network.resolve)
        return replace(self.options, network=allowed, timeout=self.timeout)

    def stream(self, messages: list[dict[str, str]]) -> Iterator[str]:
        """The reply's text, piece by piece; ModelError when the endpoint fails or answers nonsense."""
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        body = {"model": self.model, "messages": messages, "stream": True, "temperature": 0,
                "max_tokens": self.max_tokens}
        url = self.endpoint.rstrip("/") + "/chat/completions"
        size = 0
        try:
            with new_client(self.policy(), headers) as client, client.stream("POST", url, json=body) as reply:
                if reply.status_code >= 400:
                    raise ModelError(f"the language model at {url} answered HTTP {reply.status_code}")
                for piece in _events(reply.iter_lines()):
                    size += len(piece)
                    if size > _MAX_REPLY:
                        raise ModelError(f"the language model's reply passed {_MAX_REPLY:,} characters")
                    yield piece
        except AddressRefused as exc:
            raise ModelError(f"the language model at {url} was refused: {exc}") from exc
        except httpx.HTTPError as exc:
            reason = f"{type(exc).__name__}: {exc}"
            raise ModelError(f"the language model at {url} could not be reached: {reason}") from exc


def _events(lines: Iterator[str]) -> Iterator[str]:
    """The text deltas of an OpenAI-style event stream (`data: {...}` lines, `data: [DONE]` last)."""
    for line in lines:
        if not line.startswith("data:"):
            continue
        data = line[5:].strip()
        if data == "[DONE]":
            return
        try:
            event: Any = json.loads(data)
            choice = event["choices"][0]
            piece = (choice.get("delta") or choice.get("message") or {}).get("content") or ""
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
            raise ModelError(f"the language model sent an event that is not OpenAI's shape: {data[:120]!r}") \
                from exc
        if not isinstance(piece, str):
            raise ModelError("the language model sent text that is not a string")
        if piece:
            yield piece
