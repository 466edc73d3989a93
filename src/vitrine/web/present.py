"""Turning library objects into the public shapes both the pages and the API show."""

from __future__ import annotations

from urllib.parse import quote

from vitrine.collection import Collection
from vitrine.records import Hit, Record
from vitrine.search.core import SearchPage, match_threshold
from vitrine.visitor.gallery import GalleryEntry
from vitrine.web.schemas.gallery import GalleryEntryPublic, ModerationEntryPublic
from vitrine.web.schemas.records import ImagePublic, RecordPublic
from vitrine.web.schemas.search import HitPublic, SearchPagePublic
from vitrine.web.strength import match_words

_VISUAL = ("image", "record")


def record_url(identifier: str) -> str:
    return "/records/" + quote(identifier, safe="")


def thumbnail_url(image_id: int) -> str:
    return f"/images/{image_id}/thumbnail"


def image_url(image_id: int) -> str:
    return f"/images/{image_id}/full"


def record_public(collection: Collection, record: Record) -> RecordPublic:
    images = [
        ImagePublic(
            id=i.id, width=i.width, height=i.height, thumbnail_url=thumbnail_url(i.id), url=image_url(i.id))
        for i in collection.catalog.images_of(record.identifier)
    ]
    data = record.to_dict()
    data.pop("images")
    return RecordPublic(**data, images=images, url=record_url(record.identifier))


def hit_public(collection: Collection, hit: Hit, cutoff: float | None, page: SearchPage) -> HitPublic:
    image_id = hit.image_id if hit.image_id is not None else _first_image(collection, hit.identifier)
    visual = page.kind in _VISUAL
    return HitPublic(
        identifier=hit.identifier, score=round(hit.score, 4),
        strength=match_words(hit.score, cutoff, page.no_good_match) if visual else None,
        title=hit.title, creators=list(hit.creators), date=hit.date_text, image_id=image_id,
        thumbnail_url=thumbnail_url(image_id) if image_id is not None else None,
        url=record_url(hit.identifier), matched_by=list(hit.matched_by))


def page_public(collection: Collection, page: SearchPage) -> SearchPagePublic:
    cutoff = match_threshold(collection) if page.kind in _VISUAL else None
    return SearchPagePublic(
        kind=page.kind, page=page.page, per_page=page.per_page, pages=page.pages, total=page.total,
        no_good_match=page.no_good_match, hits=[hit_public(collection, h, cutoff, page) for h in page.hits])


def gallery_public(entry: GalleryEntry) -> GalleryEntryPublic:
    return GalleryEntryPublic(
        id=entry.id, identifier=entry.identifier, title=entry.title,
        photo_url=f"/gallery/{entry.id}/photo.jpg",
        artwork_thumbnail_url=thumbnail_url(entry.image_id) if entry.image_id is not None else None,
        record_url=record_url(entry.identifier), created_at=entry.created_at)


def moderation_public(entry: GalleryEntry) -> ModerationEntryPublic:
    return ModerationEntryPublic(
        **gallery_public(entry).model_dump(), state=entry.state, flagged=entry.flagged,
        screened=entry.screened, labels=dict(entry.labels or {}))


def alt_text(title: str | None, creators: list[str] | tuple[str, ...], date: str | None) -> str:
    """Alt text from metadata: title, creator, date (whatever is known)."""
    parts = [title or "Untitled work"]
    if creators:
        parts.append("by " + ", ".join(creators))
    if date:
        parts.append(date)
    return ", ".join(parts)


def _first_image(collection: Collection, identifier: str) -> int | None:
    images = collection.catalog.images_of(identifier)
    return images[0].id if images else None
