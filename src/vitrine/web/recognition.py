"""A recognition as the API returns it, and as the page draws it."""

from __future__ import annotations

from vitrine.collection import Collection
from vitrine.visitor.recognize import Recognition
from vitrine.web.present import record_public, record_url
from vitrine.web.schemas.recognition import RecognitionPublic, TimingsPublic, WorkFoundPublic


def recognition_public(collection: Collection, result: Recognition) -> RecognitionPublic:
    record = record_public(collection, result.record) if result.record is not None else None
    return RecognitionPublic(
        matched=result.matched, record=record, image_id=result.image_id, method=result.method,
        inliers=result.inliers, similarity=round(result.similarity, 4), threshold=result.threshold,
        quad=[[x, y] for x, y in result.quad] if result.quad else None,
        photo_width=result.photo_size[0], photo_height=result.photo_size[1],
        timings_ms=TimingsPublic(global_ms=round(result.timings.global_ms, 1),
                                 local_ms=round(result.timings.local_ms, 1)),
        note=result.note, works=[WorkFoundPublic(
            record=record_public(collection, f.record), image_id=f.image_id, inliers=f.inliers,
            quad=[[x, y] for x, y in f.quad], aim=f.aim, coverage=f.coverage,
            agreement=f.agreement) for f in result.works])


def quad_points(result: Recognition) -> str | None:
    """The quad as an SVG `points` attribute, in photo pixels."""
    if not result.matched or not result.quad:
        return None
    return points(result.quad)


def points(quad: tuple[tuple[float, float], ...]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in quad)


def outlines(collection: Collection, result: Recognition) -> list[dict[str, str | int]]:
    """Each recognised work for the page: its number, outline, title, maker and link."""
    return [{"n": n, "points": points(f.quad), "title": f.record.title or "an untitled work",
             "creators": ", ".join(f.record.creators), "url": record_url(f.record.identifier),
             "inliers": f.inliers} for n, f in enumerate(result.works, 1)]
