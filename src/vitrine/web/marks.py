"""A research session's relevance marks as they travel in URLs and forms, and what they refine.

The search page keeps every mark in its query string (`pos`, `neg` repeated, `refined=1` once
the ranking is refined, `method`), so a page works without JavaScript, can be bookmarked, and
reloads the same; no server-side session is needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

import numpy as np
from numpy.typing import NDArray
from starlette.datastructures import ImmutableMultiDict

from vitrine.collection import Collection
from vitrine.errors import RecordNotFound
from vitrine.records import Filters, unique_identifiers
from vitrine.search.feedback import DEFAULT_METHOD, METHODS
from vitrine.search.query import SearchQuery
from vitrine.web.photos import SearchSeal
from vitrine.web.present import record_url, thumbnail_url
from vitrine.web.schemas import HitPublic
from vitrine.web.security import WebError

MAX_MARKS = 500
_MAX_ID = 300


@dataclass(frozen=True)
class Marks:
    """Works marked relevant (pos) and not relevant (neg); `refined`: rank with them."""

    pos: tuple[str, ...] = ()
    neg: tuple[str, ...] = ()
    refined: bool = False
    method: str = DEFAULT_METHOD

    @classmethod
    def from_params(cls, params: ImmutableMultiDict[str, Any]) -> Marks:
        """From a query string or a form (text fields only)."""
        method = str(params.get("method") or DEFAULT_METHOD)
        if method not in METHODS:
            raise WebError(422, "invalid_request", f"unknown feedback method {method!r}: use svm or rocchio")
        return cls(pos=_ids([str(v) for v in params.getlist("pos")]),
                   neg=_ids([str(v) for v in params.getlist("neg")]),
                   refined=params.get("refined") == "1", method=method)

    def __bool__(self) -> bool:
        return bool(self.pos or self.neg)

    def toggled(self, mark: str) -> Marks:
        """The marks after a click on "relevant" (pos:ID) or "not relevant" (neg:ID)."""
        kind, _, identifier = mark.partition(":")
        if kind not in ("pos", "neg") or not identifier:
            raise WebError(422, "invalid_request",
                           f"a mark reads pos:IDENTIFIER or neg:IDENTIFIER, not {mark!r}")
        pos = [i for i in self.pos if i != identifier]
        neg = [i for i in self.neg if i != identifier]
        if identifier not in (self.pos if kind == "pos" else self.neg):
            (pos if kind == "pos" else neg).append(identifier)
        return replace(self, pos=_ids(pos), neg=_ids(neg))

    def params(self, refined: bool | None = None) -> list[tuple[str, str]]:
        out = [("pos", i) for i in self.pos] + [("neg", i) for i in self.neg]
        if self.refined if refined is None else refined:
            out.append(("refined", "1"))
        if self.method != DEFAULT_METHOD:
            out.append(("method", self.method))
        return out

    def suffix(self) -> str:
        """`&pos=...&neg=...` to append to a link that keeps the session."""
        params = self.params()
        return "&" + urlencode(params) if params else ""


def searched_vector(
    photos: SearchSeal, collection: Collection, sealed: str,
) -> NDArray[np.float32] | None:
    """The vector of the searched image a page's address carries (sealed); 410 once it expired or
    when another embedder made it (the collection was re-indexed since)."""
    if not sealed:
        return None
    searched = photos.open(sealed)
    if searched.embedder != collection.embedder.key:
        raise WebError(410, "photo_gone", "the collection was indexed again since this image was "
                       "searched; upload it again")
    return searched.vector


def session_query(
    photos: SearchSeal, collection: Collection, marks: Marks, filters: Filters, *, q: str = "",
    like: str = "", photo: str = "",
) -> SearchQuery:
    """The search a page's address describes: its starting point (a searched image, a record or
    words), its filters, and its marks (refined only once some work is marked)."""
    vector = searched_vector(photos, collection, photo)
    record = "" if vector is not None else like  # an image, then a record, then words: the first given
    return SearchQuery(
        text="" if vector is not None or record else q, record=record, vector=vector,
        positives=marks.pos, negatives=marks.neg, refined=marks.refined and bool(marks),
        method=marks.method, filters=filters)  # type: ignore[arg-type]


def marked_works(collection: Collection, identifiers: Sequence[str]) -> list[HitPublic]:
    """The marked works as result cards (works deleted since are skipped)."""
    out = []
    for identifier in identifiers:
        try:
            record = collection.catalog.get(identifier)
        except RecordNotFound:  # deleted since it was marked: simply not shown
            continue
        images = collection.catalog.images_of(identifier)
        image_id = images[0].id if images else None
        out.append(HitPublic(
            identifier=identifier, score=0.0, strength=None, title=record.title,
            creators=list(record.creators), date=record.date_text, image_id=image_id,
            thumbnail_url=thumbnail_url(image_id) if image_id is not None else None,
            url=record_url(identifier), matched_by=["marked"]))
    return out


def _ids(values: Sequence[str]) -> tuple[str, ...]:
    clean = unique_identifiers(values)
    if len(clean) > MAX_MARKS or any(len(v) > _MAX_ID for v in clean):
        raise WebError(422, "invalid_request", f"at most {MAX_MARKS} marks of each kind, of identifiers "
                       f"up to {_MAX_ID} characters")
    return clean
