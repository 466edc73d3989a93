"""Near-duplicates: the saved report's groups and pairs, and a record's duplicates."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class DuplicateMemberPublic(BaseModel):
    image_id: int
    identifier: str
    title: str | None = None
    url: str
    thumbnail_url: str
    score: float | None = Field(None, description="its best link to another member of the group")
    kind: str | None = Field(None, description="kind of that link: exact, near or crop")


class DuplicatePairPublic(BaseModel):
    a: int = Field(description="image id")
    b: int = Field(description="image id")
    score: float = Field(description="cosine of the two images' vectors (1 for identical files)")
    kind: str
    inliers: int | None = Field(None, description="local features agreeing on one transform")


class DuplicateGroupPublic(BaseModel):
    number: int
    kind: str = Field(description="exact (same file), crop (one shows part of the other) or near")
    score: float
    records: int
    members: list[DuplicateMemberPublic]
    pairs: list[DuplicatePairPublic]


class DuplicateReportPublic(BaseModel):
    """One page of the saved report, and whether it still describes the collection."""

    status: Literal["missing", "fresh", "stale"]
    stale_reason: str | None = None
    command: str = Field(description="the command that (re)computes the report")
    embedder: str | None = None
    images: int = 0
    threshold: float | None = None
    created_at: float | None = None
    local_candidates: int | None = Field(
        default=None, description="pairs the local-feature index added to the k-NN ones; null: none used")
    page: int
    per_page: int
    pages: int
    total: int = Field(description="number of groups")
    groups: list[DuplicateGroupPublic]


class DuplicateMatchPublic(BaseModel):
    identifier: str
    title: str | None = None
    url: str
    image_id: int
    thumbnail_url: str
    of_image_id: int = Field(description="the queried record's image it duplicates")
    score: float
    kind: str
    inliers: int | None = None
    by_words: bool = Field(
        False, description="found through the local-feature index only (a crop, a border...)")


class RecordDuplicatesPublic(BaseModel):
    identifier: str
    matches: list[DuplicateMatchPublic]
