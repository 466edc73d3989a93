"""What the API shows of the visitor gallery."""

from __future__ import annotations

from pydantic import BaseModel


class GalleryEntryPublic(BaseModel):
    id: str
    identifier: str
    title: str | None = None
    photo_url: str
    artwork_thumbnail_url: str | None = None
    record_url: str
    created_at: float


class GalleryPagePublic(BaseModel):
    total: int
    entries: list[GalleryEntryPublic]
