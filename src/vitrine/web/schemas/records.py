"""What the API shows of a catalogue record and its images."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ImagePublic(BaseModel):
    id: int
    width: int | None = None
    height: int | None = None
    thumbnail_url: str
    url: str


class RecordPublic(BaseModel):
    """A catalogue record with every field, its images and a link to the museum's own page."""

    identifier: str
    title: str | None = None
    creators: list[str] = []
    date_text: str | None = None
    year_min: int | None = None
    year_max: int | None = None
    object_type: str | None = None
    medium: str | None = None
    dimensions: str | None = None
    credit_line: str | None = None
    rights: str | None = None
    source_url: str | None = None
    source: str | None = None
    extra: dict[str, Any] = {}
    images: list[ImagePublic] = []
    url: str
