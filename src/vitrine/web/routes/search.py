"""Search: the research page (text, image or "more like this", facets, pagination, relevance
feedback) and the JSON search API under /api (search, image search, more like this, facets)."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from numpy.typing import NDArray
from PIL import Image
from starlette.concurrency import run_in_threadpool

from vitrine.accounts import Permission
from vitrine.catalog.filters import CURATED_PREFIX
from vitrine.collection import Collection
from vitrine.images import thumbnail
from vitrine.indexing import embed_query_image
from vitrine.records import Filters
from vitrine.search.core import facets, search_by_image
from vitrine.search.feedback import METHODS
from vitrine.search.query import SearchQuery, run
from vitrine.settings import Settings
from vitrine.web import filtering
from vitrine.web.auth import Allowed
from vitrine.web.deps import (
    ActiveFiltersDep,
    CollectionDep,
    FiltersDep,
    PageDep,
    PerPageDep,
    PhotosDep,
    RateLimited,
    SettingsDep,
    TemplatesDep,
    UploadsDep,
)
from vitrine.web.marks import Marks, marked_works, session_query
from vitrine.web.present import alt_text, page_public
from vitrine.web.schemas.errors import API_ERRORS
from vitrine.web.schemas.search import FacetsPublic, FacetValue, SearchPagePublic
from vitrine.web.security import WebError, read_form
from vitrine.web.uploads import SEARCH_SIDE

router = APIRouter(dependencies=[Allowed(Permission.READ)])
pages = APIRouter(tags=["search"], include_in_schema=False)
api = APIRouter(prefix="/api", tags=["api"], responses=API_ERRORS, dependencies=[RateLimited])
PER_PAGE = 20
#: the searched image's thumbnail on the research page (sealed into its links, so kept small)
THUMB_SIDE = 96
_FILTER_DOC = ("Filters (query parameters, also on image search): object_type, creator, century, "
               "source, year_from, year_to, f.<field> for configured extra fields, and tag, class, entity "
               "or link for values cataloguers accepted from machine suggestions (e.g. tag=ship).")
_UPLOAD_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["photo"],
    "properties": {
        "photo": {"type": "string", "format": "binary", "description": "JPEG, PNG, GIF, WebP, BMP or TIFF"},
        "page": {"type": "integer", "default": 1}, "per_page": {"type": "integer", "default": 20},
        "object_type": {"type": "string"}, "creator": {"type": "string"}, "century": {"type": "integer"},
        "source": {"type": "string"}},
}
_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": _UPLOAD_SCHEMA}}}}


@pages.get("/search", response_class=HTMLResponse, dependencies=[RateLimited])
def search_page(
    request: Request, templates: TemplatesDep, collection: CollectionDep, settings: SettingsDep,
    photos: PhotosDep, active: ActiveFiltersDep, filters: FiltersDep, page: PageDep = 1,
    q: str = "", like: str = "", photo: str = "", mark: str = "",
) -> Response:
    """Search by text (q), by a held photo (photo) or by a record (like); browse otherwise.

    Works marked relevant (pos) and not relevant (neg) leave the grid for the marked lists;
    with `refined=1` the marks re-rank the results (relevance feedback). A `mark` parameter
    (pos:ID or neg:ID, from the page's buttons without JavaScript) toggles one mark and
    redirects to the page's new address.
    """
    marks = Marks.from_params(request.query_params)
    base = {"q": q, "like": like, "photo": photo}
    if mark:
        toggled = marks.toggled(mark)
        target = filtering.query_string(active, **base) + toggled.suffix()
        return RedirectResponse("/search?" + target.lstrip("&") + "#results", status_code=303)
    query = session_query(photos, collection, marks, filters, q=q, like=like, photo=photo)
    results = run(collection, query, page=page, per_page=PER_PAGE)
    counts = _facets(collection, settings, filters)
    return templates.TemplateResponse(request, "search.html", {
        "collection": collection, "results": page_public(collection, results), "facets": counts,
        "active": active, "query": base, "filtering": filtering, "alt_text": alt_text,
        "like_record": collection.catalog.get(like) if like else None, "marks": marks,
        "relevant": marked_works(collection, marks.pos), "rejected": marked_works(collection, marks.neg),
        "methods": METHODS,
    })


@pages.post("/search", dependencies=[RateLimited])
async def search_upload(
    request: Request, collection: CollectionDep, settings: SettingsDep, photos: PhotosDep,
    uploads: UploadsDep,
) -> Response:
    """Take an uploaded image and show its results page: the page's links carry the image's
    vector and a small thumbnail, sealed, so any worker answers them and no server keeps it."""
    form = await read_form(request, settings.web.max_upload_bytes)
    async with uploads.slot():
        image = await uploads.decode(form.file, SEARCH_SIDE)
        vector, thumb = await run_in_threadpool(_vector_and_thumbnail, collection, image)
    token = photos.seal(vector, collection.embedder.key, thumb)
    active = filtering.active_filters(form.fields, settings.web.facet_fields)
    return RedirectResponse("/search?" + filtering.query_string(active, photo=token), status_code=303)


@pages.get("/search/photo/{token}.jpg")
def searched_photo(token: str, photos: PhotosDep) -> Response:
    """The thumbnail of the image a research page searched with, from the page's own address."""
    return Response(photos.open(token).thumbnail, media_type="image/jpeg",
                    headers={"Cache-Control": "private, max-age=3600"})


def _vector_and_thumbnail(collection: Collection, image: Image.Image) -> tuple[NDArray[np.float32], bytes]:
    buf = io.BytesIO()
    thumbnail(image, THUMB_SIDE).save(buf, "JPEG", quality=70)
    return embed_query_image(collection, image), buf.getvalue()


# -- JSON API -------------------------------------------------------------------------------------


@api.get("/search", response_model=SearchPagePublic, description=_FILTER_DOC)
def api_search(collection: CollectionDep, filters: FiltersDep, q: str = "",
               page: PageDep = 1, per_page: PerPageDep = 20) -> SearchPagePublic:
    """Search by text (hybrid full-text and semantic); with no text, browse the filtered records."""
    result = run(collection, SearchQuery(text=q, filters=filters), page=page, per_page=per_page)
    return page_public(collection, result)


@api.post("/search/image", response_model=SearchPagePublic, openapi_extra=_UPLOAD_BODY)
async def api_search_image(
    request: Request, collection: CollectionDep, settings: SettingsDep, uploads: UploadsDep,
) -> SearchPagePublic:
    """Search by an uploaded image (multipart field `photo`); filters and paging as form fields."""
    form = await read_form(request, settings.web.max_upload_bytes)
    active = filtering.active_filters(form.fields, settings.web.facet_fields)
    page = _int_field(form.get("page"), 1, 1, 10_000)
    per_page = _int_field(form.get("per_page"), 20, 1, 100)
    async with uploads.slot():
        image = await uploads.decode(form.file, SEARCH_SIDE)
        result = await run_in_threadpool(
            search_by_image, collection, image, filters=filtering.to_filters(active), page=page,
            per_page=per_page)
    return page_public(collection, result)


@api.get("/search/record/{identifier:path}", response_model=SearchPagePublic, description=_FILTER_DOC)
def api_more_like_this(identifier: str, collection: CollectionDep, filters: FiltersDep,
                       page: PageDep = 1, per_page: PerPageDep = 20) -> SearchPagePublic:
    """Works that look like this record's images ("more like this")."""
    query = SearchQuery(record=identifier, filters=filters)
    return page_public(collection, run(collection, query, page=page, per_page=per_page))


@api.get("/facets", response_model=FacetsPublic, description=_FILTER_DOC)
def api_facets(collection: CollectionDep, settings: SettingsDep, filters: FiltersDep) -> FacetsPublic:
    """Values of each facet among the filtered records, with counts (tag, class, entity and link: values
    cataloguers accepted from machine suggestions)."""
    counts = _facets(collection, settings, filters)
    return FacetsPublic(facets={
        k: [FacetValue(value=v, count=n) for v, n in vals] for k, vals in counts.items()})


def _facets(collection: Collection, settings: Settings, filters: Filters) -> dict[str, list[tuple[str, int]]]:
    """Each facet's values among the filtered records: the records' fields, then the values cataloguers
    accepted from machine suggestions (tags, classes, entities, links)."""
    counts = facets(collection, filters, fields=(*filtering.BASE_FACETS, *settings.web.facet_fields))
    for kind in filtering.CURATED_FACETS:
        counts[kind] = collection.catalog.facet(CURATED_PREFIX + kind, filters, 30)
    return counts


def _int_field(value: str, default: int, low: int, high: int) -> int:
    if not value:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise WebError(
            422, "invalid_request", f"expected a whole number from {low} to {high}, got {value!r}")
    return int(value)


router.include_router(api)
router.include_router(pages)
