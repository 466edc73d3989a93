"""The text read from page images: search with hits drawn on the page, and the page's exports.

`/text?q=` lists the pages whose text matches; `/text/{image_id}?q=` shows one page image with the
words the query hits outlined (an SVG over the image: no script, CSP-safe) and its text beside it;
`/text/{image_id}/{alto|hocr|iiif|text}` exports it; `/api/text?q=` is the search as JSON.
Machine-read text is marked "machine-read, not reviewed" and shown only to staff who review it,
or to everyone where the collection shows proposals (`proposed_public`), as other suggestions are.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from vitrine.accounts import Permission
from vitrine.catalog.ocr import TextHit
from vitrine.ocr.search import FORMATS, export_page, page_text, search_text
from vitrine.web.auth import Allowed, PrincipalDep
from vitrine.web.deps import CollectionDep, ImageIdPath, RateLimited, TemplatesDep
from vitrine.web.provenance import sees_proposed
from vitrine.web.schemas.errors import API_ERRORS
from vitrine.web.schemas.text import TextHitPublic, TextSearchPublic

router = APIRouter(dependencies=[Allowed(Permission.READ)])
pages = APIRouter(tags=["text"], include_in_schema=False)
api = APIRouter(prefix="/api", tags=["api"], responses=API_ERRORS, dependencies=[RateLimited])
QueryText = Annotated[str, Query(max_length=200)]
PER_PAGE = 20


def _public(hit: TextHit) -> TextHitPublic:
    start, end = "\ue000", "\ue001"
    parts = []  # (text, hit?) pieces of the snippet, for the template to mark without raw HTML
    rest = hit.snippet
    while start in rest:
        before, _, after = rest.partition(start)
        inside, _, rest = after.partition(end)
        parts += [(before, False), (inside, True)]
    parts.append((rest, False))
    return TextHitPublic(identifier=hit.identifier, image_id=hit.image_id, status=hit.status,
                         machine_read=hit.status == "proposed", snippet=[p for p in parts if p[0]])


@pages.get("/text", response_class=HTMLResponse)
def text_search_page(request: Request, templates: TemplatesDep, collection: CollectionDep, who: PrincipalDep,
                     q: QueryText = "", page: Annotated[int, Query(ge=1, le=500)] = 1) -> Response:
    hits = search_text(collection, q, proposed=sees_proposed(who, collection), limit=PER_PAGE + 1,
                       offset=(page - 1) * PER_PAGE) if q.strip() else []
    return templates.TemplateResponse(request, "text_search.html", {
        "collection": collection, "q": q, "hits": [_public(h) for h in hits[:PER_PAGE]], "page": page,
        "more": len(hits) > PER_PAGE})


@pages.get("/text/{image_id}", response_class=HTMLResponse)
def text_page(request: Request, image_id: ImageIdPath, templates: TemplatesDep, collection: CollectionDep,
              who: PrincipalDep, q: QueryText = "") -> Response:
    image = collection.catalog.image(image_id)
    shown = page_text(collection, image.identifier, image_id, q, proposed=sees_proposed(who, collection))
    context: dict[str, Any] = {"collection": collection, "q": q, "page": shown, "formats": list(FORMATS),
                               "record": collection.catalog.get(image.identifier)}
    return templates.TemplateResponse(request, "text_page.html", context)


@pages.get("/text/{image_id}/{fmt}")
def text_export(request: Request, image_id: ImageIdPath, fmt: str, collection: CollectionDep,
                who: PrincipalDep) -> Response:
    image = collection.catalog.image(image_id)
    document, media_type = export_page(collection, image.identifier, image_id, fmt,
                                       proposed=sees_proposed(who, collection),
                                       base_url=str(request.base_url).rstrip("/"))
    return Response(document, media_type=f"{media_type}; charset=utf-8")


@api.get("/text", response_model=TextSearchPublic)
def api_text_search(collection: CollectionDep, who: PrincipalDep, q: QueryText,
                    page: Annotated[int, Query(ge=1, le=500)] = 1) -> TextSearchPublic:
    """Pages whose text matches `q`, best first; each says whether its text is machine-read and not
    reviewed (shown to the public only where the collection shows proposals)."""
    hits = search_text(collection, q, proposed=sees_proposed(who, collection), limit=PER_PAGE + 1,
                       offset=(page - 1) * PER_PAGE)
    return TextSearchPublic(q=q, page=page, more=len(hits) > PER_PAGE,
                            hits=[_public(h) for h in hits[:PER_PAGE]])


router.include_router(api)
router.include_router(pages)
