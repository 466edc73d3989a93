"""Visitors' photos between requests: sealed in the visitor's own page, or held in one worker's memory.

A visitor's photo is needed again after the results page (to download the composite, or to add
it to the gallery with consent), but it must never be written to disk, or to any shared store,
without consent. `PhotoSeal` encrypts the clean JPEG, with the works it was shown with, into a
short-lived blob the results page carries in its forms: the browser sends it back, so any worker
can answer and no server keeps anything (docs/architecture.md, "Visitors' photos across workers").
`PhotoCache` holds the research page's searched image in this worker's memory under a token.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import struct
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from vitrine.web.security import WebError, sniff

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
#: Fernet's URL-safe base64; strict, as the decoder would ignore what follows the padding
_SEALED = re.compile(r"[A-Za-z0-9_-]+={0,2}")
#: the longest sealed photo accepted back: a 1280 x 1280 JPEG of pure noise at quality 85 is
#: 1.2 MB, 1.7 MB once sealed (base64); anything longer is no photo this server sealed
MAX_SEALED = 3 * 1024 * 1024
GONE = ("your photo is no longer held (a shared photo is kept for 30 minutes only, and only in "
        "your browser); please share it again")
_INVALID = ("this photo was not given out by this server, or was changed on the way; please share "
            "it again")
_HEADER = struct.Struct(">I")


@dataclass(frozen=True)
class HeldPhoto:
    """A visitor's photo: clean JPEG bytes (no EXIF), when it was received, and the works it was
    shown with (the only ones the visitor may pair it with in the gallery)."""

    jpeg: bytes
    received: float
    shown: frozenset[str] = frozenset()


class PhotoSeal:
    """Seals a photo into an encrypted, authenticated, expiring blob, and opens it again.

    The key is derived from `web.secret_key`, so every worker (and a restarted server) with the
    same secret opens what another sealed. Fernet (AES-CBC and HMAC-SHA256) carries the issue
    time under the MAC: an expired blob is told apart from a forged or cut one.
    """

    def __init__(self, secret_key: str, ttl_s: float = 1800.0) -> None:
        key = HKDF(algorithm=SHA256(), length=32, salt=None,
                   info=b"vitrine visitor photo v1").derive(secret_key.encode())
        self._fernet = Fernet(base64.urlsafe_b64encode(key))
        self.ttl_s = ttl_s

    def seal(self, jpeg: bytes, shown: Iterable[str]) -> str:
        """The blob of `jpeg` shown with these works, issued now."""
        header = json.dumps({"shown": sorted(set(shown))}).encode()
        plain = _HEADER.pack(len(header)) + header + jpeg
        return self._fernet.encrypt_at_time(plain, int(time.time())).decode("ascii")

    def open(self, sealed: str) -> HeldPhoto:
        """The photo in a blob; 410 once expired, 422 when forged, cut or sealed with another key."""
        if not sealed:
            raise WebError(410, "photo_gone", GONE)
        if len(sealed) > MAX_SEALED or not _SEALED.fullmatch(sealed):
            raise WebError(422, "photo_invalid", _INVALID)
        token = sealed.encode("ascii")
        try:
            issued = self._fernet.extract_timestamp(token)  # checks the MAC first
        except InvalidToken:
            raise WebError(422, "photo_invalid", _INVALID) from None
        now = time.time()
        if now - issued > self.ttl_s:
            raise WebError(410, "photo_gone", GONE)
        try:
            plain = self._fernet.decrypt(token)  # its age was checked above
        except InvalidToken:
            raise WebError(422, "photo_invalid", _INVALID) from None
        return _unpack(plain, issued)


def _unpack(plain: bytes, issued: float) -> HeldPhoto:
    # The MAC says this server wrote it; the checks guard against a key shared with other software.
    try:
        (size,) = _HEADER.unpack_from(plain)
        header = json.loads(plain[_HEADER.size:_HEADER.size + size])
        shown = frozenset(str(i) for i in header["shown"])
    except (struct.error, ValueError, KeyError, TypeError):
        raise WebError(422, "photo_invalid", _INVALID) from None
    jpeg = plain[_HEADER.size + size:]
    if sniff(jpeg) != "image/jpeg":
        raise WebError(422, "photo_invalid", _INVALID)
    return HeldPhoto(jpeg, float(issued), shown)


class PhotoCache:
    """A bounded, expiring, in-memory map from random tokens to photos (one worker's memory)."""

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

    def __len__(self) -> int:
        return len(self._items)

    def _expire(self, now: float) -> None:
        while self._items:
            token, photo = next(iter(self._items.items()))
            if now - photo.received <= self.ttl_s:
                return
            del self._items[token]
