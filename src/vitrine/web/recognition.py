"""What the recognition API returns, and the page's view of a recognition."""

from __future__ import annotations

from pydantic import BaseModel, Field

from vitrine.collection import Collection
from vitrine.visitor.recognize import Recognition
from vitrine.web.present import record_public
from vitrine.web.schemas import RecordPublic


class TimingsPublic(BaseModel):
    global_ms: float = Field(description="global stage: embedding the photo and the vector search")
    local_ms: float = Field(
        description="local stage: features, bag-of-words search, verification (0 if skipped)")


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


def recognition_public(collection: Collection, result: Recognition) -> RecognitionPublic:
    record = record_public(collection, result.record) if result.record is not None else None
    return RecognitionPublic(
        matched=result.matched, record=record, image_id=result.image_id, method=result.method,
        inliers=result.inliers, similarity=round(result.similarity, 4), threshold=result.threshold,
        quad=[[x, y] for x, y in result.quad] if result.quad else None,
        photo_width=result.photo_size[0], photo_height=result.photo_size[1],
        timings_ms=TimingsPublic(global_ms=round(result.timings.global_ms, 1),
                                 local_ms=round(result.timings.local_ms, 1)),
        note=result.note)


def quad_points(result: Recognition) -> str | None:
    """The quad as an SVG `points` attribute, in photo pixels."""
    if not result.matched or not result.quad:
        return None
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in result.quad)
