"""What the recognition API (POST /api/recognize) returns."""

from __future__ import annotations

from pydantic import BaseModel, Field

from vitrine.web.schemas.records import RecordPublic


class TimingsPublic(BaseModel):
    global_ms: float = Field(description="global stage: embedding the photo and the vector search")
    local_ms: float = Field(
        description="local stage: features, bag-of-words search, verification (0 if skipped)")


class WorkFoundPublic(BaseModel):
    """One collection work recognised in the photo."""

    record: RecordPublic
    image_id: int = Field(description="which of the record's images matched")
    inliers: int = Field(description="geometrically verified feature matches: the evidence")
    quad: list[list[float]] = Field(
        description="the work's corners in the photo's pixels (x, y), clockwise from the top left")
    aim: float = Field(description="how squarely the visitor aimed at it: its share of the photo, "
                                   "less when off-centre; the works are sorted by it")
    coverage: float = Field(description="share of a 4x4 grid over the photo holding its matches")
    agreement: float | None = Field(None, description=(
        "for a work with few matches: how well the photo, seen through them, correlates with the "
        "work's image (-1 to 1); null when not needed"))


class RecognitionPublic(BaseModel):
    """Which work of the collection is in the photo; `matched` false means "no match"."""

    matched: bool
    record: RecordPublic | None = Field(None, description="the recognised work, null for no match")
    image_id: int | None = Field(None, description="which of the record's images matched")
    method: str = Field(description="'local' (verified with local features) or 'global' (no local index)")
    inliers: int = Field(description="geometrically verified feature matches of the best candidate")
    similarity: float = Field(description="global cosine similarity of the best candidate, 0-1")
    threshold: float = Field(description="inliers (local) or similarity (global) a match needs")
    quad: list[list[float]] | None = Field(
        None, description="the work's corners in the photo's pixels (x, y), clockwise from the top left; "
                          "may reach outside the photo when part of the work was cut off")
    photo_width: int
    photo_height: int
    timings_ms: TimingsPublic
    note: str | None = Field(None, description="why the answer is less reliable than usual, if it is")
    works: list[WorkFoundPublic] = Field(
        default_factory=list,
        description="every collection work recognised in the photo, the one the visitor aimed at "
                    "(largest and most central) first; `record` is the first")
