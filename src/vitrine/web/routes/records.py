"""A work's own page (zoomable image, every field, the museum's link, similar works) and its JSON.

Both show the values people accepted from machine suggestions, each with its provenance, and the
unreviewed suggestions to those who may see them (`vitrine.web.provenance`).
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from vitrine.accounts import Permission
from vitrine.errors import SearchError
from vitrine.faces.sitters import has_faces
from vitrine.living.store import allowed, portrait_of
from vitrine.pages.parts import page_of, parts_of
from vitrine.search.core import search_by_record
from vitrine.web.auth import Allowed, PrincipalDep
from vitrine.web.deps import CollectionDep, RateLimited, TemplatesDep
from vitrine.web.negotiation import negotiated
from vitrine.web.present import alt_text, page_public, record_public, record_url
from vitrine.web.provenance import KIND_NAMES, agent_words, region_figures, with_values
from vitrine.web.schemas.errors import API_ERRORS
from vitrine.web.schemas.records import RecordPublic
from vitrine.web.schemas.search import SearchPagePublic

router = APIRouter(dependencies=[Allowed(Permission.READ)])
pages = APIRouter(tags=["records"], include_in_schema=False)
api = APIRouter(prefix="/api", tags=["api"], responses=API_ERRORS, dependencies=[RateLimited])
log = logging.getLogger(__name__)
SIMILAR = 12
_SHOWN_FIELDS = (
    ("creators", "Creator"), ("date_text", "Date"), ("object_type", "Object type"), ("medium", "Medium"),
    ("dimensions", "Dimensions"), ("credit_line", "Credit line"), ("rights", "Rights"),
    ("source", "Museum / source"), ("identifier", "Identifier"),
)


@pages.get("/records/{identifier:path}", response_class=HTMLResponse)
def record_page(
    request: Request, identifier: str, templates: TemplatesDep, collection: CollectionDep, who: PrincipalDep,
) -> Response:
    linked_art = negotiated(request, collection, identifier)  # Accept: application/ld+json
    if linked_art is not None:
        return linked_art
    stored = collection.catalog.get(identifier)
    record = with_values(collection, who, record_public(collection, stored))
    similar: SearchPagePublic | None
    try:
        similar = page_public(collection, search_by_record(collection, identifier, per_page=SIMILAR))
    except SearchError as exc:  # not indexed yet: the page still shows the record
        log.info("no similar works for %s: %s", identifier, exc)
        similar = None
    return templates.TemplateResponse(request, "record.html", {
        "collection": collection, "record": record, "similar": similar, "fields": _SHOWN_FIELDS,
        "alt_text": alt_text, "regions": region_figures(record.images, record.accepted, record.proposed),
        "agent_words": agent_words, "kind_names": KIND_NAMES,
        "public_proposals": collection.config.proposed_public, "page_of": page_of(stored),
        "parts": [(record_url(p.identifier), p.title or p.identifier)
                  for p in parts_of(collection.catalog, identifier)],
        "record_url": record_url,
        "living": portrait_of(collection, identifier, public=not who.may(Permission.CATALOGUE)),
        "living_allowed": allowed(collection, identifier),
        "sitters": who.may(Permission.KEEP_SETS) and has_faces(collection, identifier)})


@api.get("/records/{identifier:path}", response_model=RecordPublic)
def api_record(identifier: str, collection: CollectionDep, who: PrincipalDep) -> RecordPublic:
    """One record with every field and its images, the values people accepted from machine suggestions
    (with provenance) and, for staff who review them or where the collection shows them publicly,
    the unreviewed suggestions."""
    return with_values(collection, who, record_public(collection, collection.catalog.get(identifier)))


router.include_router(api)
router.include_router(pages)
