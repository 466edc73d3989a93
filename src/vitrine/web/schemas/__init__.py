"""What the JSON API returns: the *Public family of response models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    code: str = Field(description="a stable machine-readable code, e.g. not_found, too_large")
    message: str = Field(description="what went wrong and what to do, for people")


class ErrorPublic(BaseModel):
    """Every API error has this shape."""

    error: ErrorBody


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


class HitPublic(BaseModel):
    """One search result."""

    identifier: str
    score: float = Field(ge=0, le=1)
    strength: str | None = Field(None, description="visual matches only: the score in plain words")
    title: str | None = None
    creators: list[str] = []
    date: str | None = None
    image_id: int | None = None
    thumbnail_url: str | None = None
    url: str
    matched_by: list[str] = []


class SearchPagePublic(BaseModel):
    """One page of search results."""

    kind: str
    page: int
    per_page: int
    pages: int
    total: int
    no_good_match: bool
    hits: list[HitPublic]


class FacetValue(BaseModel):
    value: str
    count: int


class FacetsPublic(BaseModel):
    facets: dict[str, list[FacetValue]]


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
