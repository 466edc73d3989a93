"""The visitor gallery: photos visitors chose to share, each paired with the work it matched.

Entries live in the collection folder (`gallery/<id>.json` and `gallery/<id>.jpg`). Only photos
given with explicit consent come here, already re-encoded without metadata by the caller. Each
entry has a private removal token; only its SHA-256 is stored, so the folder alone cannot be used
to remove someone else's entry.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from vitrine.errors import AlreadyInGallery
from vitrine.fsutil import write_atomic

_ENTRY_ID = re.compile(r"^[a-f0-9]{16}$")


@dataclass(frozen=True)
class GalleryEntry:
    """One shared pair: the visitor's photo (by entry id) and the matched work."""

    id: str
    identifier: str
    image_id: int | None
    title: str | None
    created_at: float


class Gallery:
    """The gallery folder of one collection."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()

    def add(
        self, photo_jpeg: bytes, identifier: str, image_id: int | None, title: str | None,
    ) -> tuple[GalleryEntry, str]:
        """Store a consented photo; returns the entry and its private removal token.

        The same photo with the same work is refused (AlreadyInGallery): a second click or a
        reload must not put a visitor in the gallery twice.
        """
        photo_sha256 = hashlib.sha256(photo_jpeg).hexdigest()
        with self._lock:
            if any(raw.get("photo_sha256") == photo_sha256 and raw.get("identifier") == identifier
                   for raw in self._all_raw()):
                raise AlreadyInGallery("this photo is in the gallery with this work already")
            self.folder.mkdir(parents=True, exist_ok=True)
            entry = GalleryEntry(secrets.token_hex(8), identifier, image_id, title, time.time())
            token = secrets.token_urlsafe(24)
            write_atomic(self._photo(entry.id), photo_jpeg)
            payload = {**asdict(entry), "token_sha256": _digest(token), "photo_sha256": photo_sha256}
            write_atomic(self._meta(entry.id), json.dumps(payload))
        return entry, token

    def entries(self, limit: int = 60, offset: int = 0) -> list[GalleryEntry]:
        """Entries, newest first."""
        if not self.folder.is_dir():
            return []
        loaded = [e for e in (self.get(p.stem) for p in self.folder.glob("*.json")) if e is not None]
        loaded.sort(key=lambda e: e.created_at, reverse=True)
        return loaded[offset:offset + limit]

    def count(self) -> int:
        return len(list(self.folder.glob("*.json"))) if self.folder.is_dir() else 0

    def get(self, entry_id: str) -> GalleryEntry | None:
        raw = self._raw(entry_id)
        if raw is None:
            return None
        return GalleryEntry(
            id=raw["id"], identifier=raw["identifier"], image_id=raw.get("image_id"),
            title=raw.get("title"), created_at=float(raw["created_at"]))

    def photo_path(self, entry_id: str) -> Path | None:
        """The stored photo of an entry; None for an unknown or malformed id."""
        if self.get(entry_id) is None:
            return None
        path = self._photo(entry_id)
        return path if path.is_file() else None

    def remove(self, entry_id: str, token: str) -> bool:
        """Delete an entry when `token` is its removal token; False otherwise."""
        raw = self._raw(entry_id)
        if raw is None or not hmac.compare_digest(raw.get("token_sha256", ""), _digest(token)):
            return False
        self._meta(entry_id).unlink(missing_ok=True)
        self._photo(entry_id).unlink(missing_ok=True)
        return True

    def _all_raw(self) -> Iterator[dict[str, Any]]:
        if self.folder.is_dir():
            for path in self.folder.glob("*.json"):
                raw = self._raw(path.stem)
                if raw is not None:
                    yield raw

    def _raw(self, entry_id: str) -> dict[str, Any] | None:
        if not _ENTRY_ID.match(entry_id):
            return None
        try:
            data = json.loads(self._meta(entry_id).read_text())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def _meta(self, entry_id: str) -> Path:
        return self.folder / f"{entry_id}.json"

    def _photo(self, entry_id: str) -> Path:
        return self.folder / f"{entry_id}.jpg"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
