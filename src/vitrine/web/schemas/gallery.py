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


class ModerationEntryPublic(GalleryEntryPublic):
    """A gallery entry as moderators see it: its state and what screening found."""

    state: str
    flagged: bool
    screened: bool
    #: NudeNet's labels and their best scores; empty when nothing was found or not screened
    labels: dict[str, float]


class ModerationQueuePublic(BaseModel):
    total: int
    #: why photos are not being screened (empty when screening works)
    screening_note: str
    entries: list[ModerationEntryPublic]


class DecisionPublic(BaseModel):
    id: str
    state: str
