"""What a search returns: hits, a page of them, and facet counts."""

from __future__ import annotations

from pydantic import BaseModel, Field


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
