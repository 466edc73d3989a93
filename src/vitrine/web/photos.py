"""Visitors' photos between requests: sealed in the visitor's own page, or held in one worker's memory.

A visitor's photo is needed again after the results page (to download the composite, or to add
it to the gallery with consent), but it must never be written to disk, or to any shared store,
without consent. `PhotoSeal` encrypts the clean JPEG, with the works it was shown with, into a
short-lived blob the results page carries in its forms: the browser sends it back, so any worker
can answer and no server keeps anything (docs/architecture.md, "Visitors' photos across workers").
`SearchSeal` does the same for the research page's searched image: what its links carry is the
image's vector (what the search needs) and a small thumbnail (what the page shows), sealed.
"""

from __future__ import annotations

import base64
import json
import re
import struct
import time
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from numpy.typing import NDArray

from vitrine.web.security import WebError, sniff

#: Fernet's URL-safe base64; strict, as the decoder would ignore what follows the padding
_SEALED = re.compile(r"[A-Za-z0-9_-]+={0,2}")
#: the longest sealed photo accepted back: a 1280 x 1280 JPEG of pure noise at quality 85 is
#: 1.2 MB, 1.7 MB once sealed (base64); anything longer is no photo this server sealed
MAX_SEALED = 3 * 1024 * 1024
#: a sealed searched image is a few KB; anything much longer is none this server sealed
MAX_SEARCH_SEALED = 64 * 1024
SEARCH_GONE = "the searched image has expired or cannot be read; upload it again"
_INVALID_SEARCH = "this searched image was not given out by this server; upload it again"
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


@dataclass(frozen=True)
class SearchedImage:
    """What a research page searched with: the image's vector, the embedder that made it, and a
    thumbnail to show."""

    vector: NDArray[np.float32]
    embedder: str
    thumbnail: bytes


class SearchSeal:
    """Seals a searched image's vector and thumbnail into the research page's URLs.

    A vector of 512 float16 values and a 96 px thumbnail seal into about 4 KB, short enough for
    every link of a results page (pages, facets, marks), so any worker can answer them. Sealed
    for 12 hours: a research session outlives a visitor's.
    """

    def __init__(self, secret_key: str, ttl_s: float = 12 * 3600.0) -> None:
        key = HKDF(algorithm=SHA256(), length=32, salt=None,
                   info=b"vitrine searched image v1").derive(secret_key.encode())
        self._fernet = Fernet(base64.urlsafe_b64encode(key))
        self.ttl_s = ttl_s

    def seal(self, vector: NDArray[np.float32], embedder: str, thumbnail: bytes) -> str:
        half = np.asarray(vector, np.float16).tobytes()
        header = json.dumps({"embedder": embedder, "dim": int(vector.shape[0])}).encode()
        plain = _HEADER.pack(len(header)) + header + half + thumbnail
        # without base64's padding: a bare token needs no escaping in a URL path or query
        return self._fernet.encrypt_at_time(plain, int(time.time())).decode("ascii").rstrip("=")

    def open(self, sealed: str) -> SearchedImage:
        """The searched image; 410 once expired, 422 when forged or cut."""
        if not sealed:
            raise WebError(410, "photo_gone", SEARCH_GONE)
        if len(sealed) > MAX_SEARCH_SEALED or not _SEALED.fullmatch(sealed):
            raise WebError(422, "photo_invalid", _INVALID_SEARCH)
        try:
            padded = sealed.rstrip("=") + "=" * (-len(sealed.rstrip("=")) % 4)
            plain = self._fernet.decrypt(padded.encode("ascii"), ttl=int(self.ttl_s))
        except InvalidToken:
            raise WebError(410, "photo_gone", SEARCH_GONE) from None
        try:
            (size,) = _HEADER.unpack_from(plain)
            header = json.loads(plain[_HEADER.size:_HEADER.size + size])
            start, dim = _HEADER.size + size, int(header["dim"])
            vector = np.frombuffer(plain[start:start + 2 * dim], np.float16).astype(np.float32)
            embedder, thumbnail = str(header["embedder"]), plain[start + 2 * dim:]
        except (struct.error, ValueError, KeyError, TypeError):
            raise WebError(422, "photo_invalid", _INVALID_SEARCH) from None
        if vector.shape != (dim,) or sniff(thumbnail) != "image/jpeg":
            raise WebError(422, "photo_invalid", _INVALID_SEARCH)
        return SearchedImage(vector, embedder, thumbnail)
