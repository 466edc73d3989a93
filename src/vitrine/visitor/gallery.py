"""The visitor gallery: photos visitors chose to share, each paired with the work it matched.

Only photos given with explicit consent come here, already re-encoded without metadata by the
caller. A photo is screened (`visitor/screening.py`) before any person sees it, enters as
`pending`, and is shown publicly only once a moderator approves it (`approve`); a rejected photo
is deleted, file and row (`reject`). With `auto_approve` (a supervised kiosk), a screened,
unflagged photo is approved at once. Each decision writes its audit row in the same transaction.

Rows live in the catalogue (`catalog.gallery`), photos as files (`gallery/<id>.jpg`). Each entry
has a private removal token; only its SHA-256 is stored, so neither the folder nor the catalogue
can be used to remove someone else's entry. Galleries written before moderation existed kept
their entries as `gallery/<id>.json`: `open_gallery` moves them into the catalogue, approved,
since they were public already.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vitrine.catalog import Catalog
from vitrine.catalog.gallery import GalleryRow, State
from vitrine.errors import AlreadyInGallery, Conflict, NotFound
from vitrine.fsutil import write_atomic
from vitrine.visitor.screening import Screening

log = logging.getLogger(__name__)
_ENTRY_ID = re.compile(r"^[a-f0-9]{16}$")


@dataclass(frozen=True)
class GalleryEntry:
    """One shared pair: the visitor's photo (by entry id), the matched work, and its moderation."""

    id: str
    identifier: str
    image_id: int | None
    title: str | None
    created_at: float
    state: State = "approved"
    flagged: bool = False
    #: what screening found ({label: score}); None: not screened (screening was off)
    labels: dict[str, float] | None = None

    @property
    def screened(self) -> bool:
        return self.labels is not None


class Gallery:
    """The gallery of one collection: rows in its catalogue, photos in `folder`."""

    def __init__(self, folder: Path, catalog: Catalog) -> None:
        self.folder = folder
        self.catalog = catalog

    def add(self, photo_jpeg: bytes, identifier: str, image_id: int | None, title: str | None, *,
            screening: Screening, auto_approve: bool = False) -> tuple[GalleryEntry, str]:
        """Store a consented, screened photo; returns the entry and its private removal token.

        The same photo with the same work is refused (AlreadyInGallery): a second click or a
        reload must not put a visitor in the gallery twice. Only a photo that was screened and
        not flagged is ever auto-approved.
        """
        photo_sha256 = hashlib.sha256(photo_jpeg).hexdigest()
        token = secrets.token_urlsafe(24)
        approved = auto_approve and screening.screened and not screening.flagged
        now = time.time()
        row = GalleryRow(
            id=secrets.token_hex(8), identifier=identifier, image_id=image_id, title=title, created_at=now,
            state="approved" if approved else "pending", flagged=screening.flagged,
            screen=dict(screening.labels) if screening.screened else None,
            token_sha256=_digest(token), photo_sha256=photo_sha256,
            decided_by="auto-approve" if approved else None, decided_at=now if approved else None)
        path = self._photo(row.id)
        try:
            with self.catalog.transaction():
                if self.catalog.gallery.has_photo(photo_sha256, identifier):
                    raise AlreadyInGallery("this photo is in the gallery with this work already")
                self.folder.mkdir(parents=True, exist_ok=True)
                write_atomic(path, photo_jpeg)
                self.catalog.gallery.add(row)
        except BaseException:
            if self.catalog.gallery.get(row.id) is None:  # no row committed: no orphan photo either
                path.unlink(missing_ok=True)
            raise
        return _entry(row), token

    def entries(self, limit: int = 60, offset: int = 0, state: State = "approved") -> list[GalleryEntry]:
        """Entries in `state`: the approved ones newest first, the pending ones oldest first."""
        rows = self.catalog.gallery.entries(state, limit, offset, oldest_first=state == "pending")
        return [_entry(r) for r in rows]

    def count(self, state: State = "approved") -> int:
        return self.catalog.gallery.count(state)

    def get(self, entry_id: str) -> GalleryEntry | None:
        """The entry with this id, in any state; None for an unknown or malformed id."""
        row = self._row(entry_id)
        return None if row is None else _entry(row)

    def photo_path(self, entry_id: str) -> Path | None:
        """The stored photo of an entry; None for an unknown or malformed id."""
        if self._row(entry_id) is None:
            return None
        path = self._photo(entry_id)
        return path if path.is_file() else None

    def token_matches(self, entry_id: str, token: str) -> bool:
        """Whether `token` is the private removal token of this entry."""
        row = self._row(entry_id)
        return row is not None and bool(token) and hmac.compare_digest(row.token_sha256, _digest(token))

    def remove(self, entry_id: str, token: str) -> bool:
        """Delete an entry, in whatever state, when `token` is its removal token; False otherwise."""
        if not self.token_matches(entry_id, token):
            return False
        with self.catalog.transaction():
            self.catalog.gallery.delete(entry_id)
        self._photo(entry_id).unlink(missing_ok=True)
        return True

    def approve(self, entry_id: str, *, actor: str, address: str = "") -> GalleryEntry:
        """Show a pending photo publicly; audited as gallery.approve in the same transaction."""
        with self.catalog.transaction():
            row = self._decidable(entry_id)
            if row.state == "approved":
                raise Conflict(f"gallery entry {entry_id!r} is approved already")
            self.catalog.gallery.set_state(entry_id, "approved", decided_by=actor, decided_at=time.time())
            self.catalog.audit.record(actor, "gallery.approve", entry_id, before=_audited(row),
                                      after={**_audited(row), "state": "approved"}, address=address)
        return _entry(self.catalog.gallery.get(entry_id) or row)

    def reject(self, entry_id: str, *, actor: str, address: str = "") -> None:
        """Delete a photo (row and file, not hidden); audited as gallery.reject in the same transaction."""
        with self.catalog.transaction():
            row = self._decidable(entry_id)
            self.catalog.gallery.delete(entry_id)
            self.catalog.audit.record(actor, "gallery.reject", entry_id, before=_audited(row),
                                      after={"state": "deleted"}, address=address)
        # After the commit: had the audit row failed, the photo would still be there, whole.
        self._photo(entry_id).unlink(missing_ok=True)

    def import_legacy(self) -> int:
        """Move entries kept as `gallery/<id>.json` (before moderation) into the catalogue, approved."""
        found = [raw for raw in map(_legacy, sorted(self.folder.glob("*.json"))) if raw is not None] \
            if self.folder.is_dir() else []
        imported = 0
        with self.catalog.transaction():
            for raw in found:
                imported += self.catalog.gallery.add(_legacy_row(raw), ignore_existing=True)
        for raw in found:  # only once the rows are committed: a failed import keeps the files
            self._meta(raw["id"]).unlink(missing_ok=True)
        if found:
            log.info("moved %d gallery entries of %s into the catalogue", imported, self.folder)
        return imported

    def _decidable(self, entry_id: str) -> GalleryRow:
        row = self._row(entry_id)
        if row is None:
            raise NotFound(f"no gallery entry {entry_id!r} (it may have been removed or rejected already)")
        return row

    def _row(self, entry_id: str) -> GalleryRow | None:
        return self.catalog.gallery.get(entry_id) if _ENTRY_ID.match(entry_id) else None

    def _meta(self, entry_id: str) -> Path:
        return self.folder / f"{entry_id}.json"

    def _photo(self, entry_id: str) -> Path:
        return self.folder / f"{entry_id}.jpg"


def open_gallery(folder: Path, catalog: Catalog) -> Gallery:
    """The gallery in `folder`, its pre-moderation entries moved into the catalogue."""
    gallery = Gallery(folder, catalog)
    gallery.import_legacy()
    return gallery


def _entry(row: GalleryRow) -> GalleryEntry:
    return GalleryEntry(row.id, row.identifier, row.image_id, row.title, row.created_at, row.state,
                        row.flagged, row.screen)


def _audited(row: GalleryRow) -> dict[str, Any]:
    return {"state": row.state, "identifier": row.identifier, "flagged": row.flagged}


def _legacy(path: Path) -> dict[str, Any] | None:
    if not _ENTRY_ID.match(path.stem):
        return None
    try:
        raw = json.loads(path.read_text())
    except (OSError, ValueError):
        log.warning("skipping unreadable gallery entry %s", path)
        return None
    keys = ("identifier", "created_at", "token_sha256", "photo_sha256")
    if not isinstance(raw, dict) or raw.get("id") != path.stem or not all(k in raw for k in keys):
        log.warning("skipping malformed gallery entry %s", path)
        return None
    return raw


def _legacy_row(raw: dict[str, Any]) -> GalleryRow:
    image_id = raw.get("image_id")
    return GalleryRow(
        id=raw["id"], identifier=str(raw["identifier"]),
        image_id=image_id if isinstance(image_id, int) else None,
        title=raw.get("title"), created_at=float(raw["created_at"]), state="approved", flagged=False,
        screen=None, token_sha256=str(raw["token_sha256"]), photo_sha256=str(raw["photo_sha256"]),
        decided_by="import:pre-moderation", decided_at=time.time())


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
