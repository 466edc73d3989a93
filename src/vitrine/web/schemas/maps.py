"""The similarity map: its description, colours, and the works of selected points."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

MAX_LISTED = 200  # works listed for a selection; the total counts them all


class AtlasPublic(BaseModel):
    cells: list[int] = Field(description="cell sizes in pixels, e.g. [32, 64]")
    sheet: int = Field(description="sheet width and height in pixels")
    count: int = Field(description="cells in the atlas (0: no atlas was built)")
    sheets: dict[str, int] = Field(default_factory=dict, description="sheets per cell size")


class FieldPublic(BaseModel):
    name: str
    label: str
    kind: str = Field(description="category or gradient")


class MapInfoPublic(BaseModel):
    """What the map page needs before fetching the points."""

    count: int
    placed: int = Field(description="images placed next to their neighbours after the build")
    missing: int = Field(description="indexed images not yet on the map ('vitrine map update')")
    stale: bool = Field(description="the map was built from another embedder's vectors")
    method: str
    params: dict[str, Any]
    built_at: float
    updated_at: float
    version: str
    points_url: str
    atlas: AtlasPublic
    fields: list[FieldPublic]


class LegendEntry(BaseModel):
    value: str
    count: int


class MapColorsPublic(BaseModel):
    """codes[i] colours point i of /api/map/points: a legend index (or gradient step 0-255), -1 unknown."""

    field: str
    kind: str
    codes: list[int]
    legend: list[LegendEntry]
    low: int | None = None
    high: int | None = None
    unknown: int


class IdsIn(BaseModel):
    ids: list[int] = Field(max_length=1_000_000, description="image ids from /api/map/points")


class ExportIn(IdsIn):
    format: str = Field("csv", description="csv or iiif")
    label: str = Field("Selection from the similarity map", max_length=200)


class WorkPublic(BaseModel):
    image_id: int
    identifier: str
    title: str | None = None
    creators: list[str] = []
    date: str | None = None
    thumbnail_url: str
    url: str
    alt: str


class WorksPublic(BaseModel):
    total: int = Field(description="works among the ids (an image's work counts once)")
    works: list[WorkPublic] = Field(description=f"the first {MAX_LISTED} of them")
