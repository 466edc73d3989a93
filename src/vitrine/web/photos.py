"""Visitors' photos held in memory only, for a short while, under an unguessable token.

A visitor's photo is needed again after the results page (to download the composite, or to add
it to the gallery with consent), but it must never be written to disk without consent. It is
kept here, re-encoded without metadata, bounded in count and age.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, replace

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass(frozen=True)
class HeldPhoto:
    """A visitor's photo: clean JPEG bytes (no EXIF), when it was received, and the works it was
    shown with (the only ones the visitor may pair it with in the gallery)."""

    jpeg: bytes
    received: float
    shown: frozenset[str] = frozenset()


class PhotoCache:
    """A bounded, expiring, in-memory map from random tokens to photos."""

    def __init__(self, max_items: int = 256, ttl_s: float = 1800.0) -> None:
        self.max_items = max_items
        self.ttl_s = ttl_s
        self._items: OrderedDict[str, HeldPhoto] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, jpeg: bytes) -> str:
        """Hold a photo; returns its token."""
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._expire(time.monotonic())
            self._items[token] = HeldPhoto(jpeg, time.monotonic())
            while len(self._items) > self.max_items:
                self._items.popitem(last=False)
        return token

    def get(self, token: str) -> HeldPhoto | None:
        """The photo under `token`, or None when unknown, malformed or expired."""
        if not _TOKEN.match(token):
            return None
        with self._lock:
            self._expire(time.monotonic())
            return self._items.get(token)

    def show(self, token: str, identifiers: Iterable[str]) -> None:
        """Remember that the photo under `token` was shown with these works."""
        with self._lock:
            held = self._items.get(token)
            if held is not None:
                self._items[token] = replace(held, shown=held.shown | frozenset(identifiers))

    def discard(self, token: str) -> None:
        with self._lock:
            self._items.pop(token, None)

    def __len__(self) -> int:
        return len(self._items)

    def _expire(self, now: float) -> None:
        while self._items:
            token, photo = next(iter(self._items.items()))
            if now - photo.received <= self.ttl_s:
                return
            del self._items[token]
