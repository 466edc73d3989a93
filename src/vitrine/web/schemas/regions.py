"""Region search: the query (a box on a record's image) and its verified hits."""

from __future__ import annotations

from pydantic import BaseModel, Field

from vitrine.regions.search import MAX_K


class RegionHitPublic(BaseModel):
    """A verified match: the record, its image, and where the detail is in that image (pixels)."""

    identifier: str
    title: str | None = None
    url: str
    image_id: int
    image_index: int
    image_url: str
    thumbnail_url: str
    image_size: tuple[int, int] = Field(description="width, height of the image in source pixels")
    inliers: int = Field(description="matching points that agree on one geometric transform")
    score: float = Field(description="bag-of-visual-words score that shortlisted the image")
    region: tuple[float, float, float, float] = Field(description="x0, y0, x1, y1 of the matched region")
    quad: list[tuple[float, float]] = Field(description="the query box mapped into this image, 4 corners")
    is_query_image: bool = False


class RegionSearchPublic(BaseModel):
    hits: list[RegionHitPublic]
    query_features: int
    candidates: int
    seconds: float
    box: tuple[float, float, float, float] | None = None


class RegionQuery(BaseModel):
    """A box drawn on a record's image, in that image's source pixels."""

    record: str
    box: tuple[float, float, float, float] = Field(description="x0, y0, x1, y1")
    image_index: int = 0
    k: int = Field(20, ge=1, le=MAX_K)
    include_self: bool = False
