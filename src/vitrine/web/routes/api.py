"""The JSON API under /api: search, records, facets, gallery. Errors are {"error": {code, message}}."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from vitrine.search.core import facets, search_by_image
from vitrine.search.query import SearchQuery, run
from vitrine.web import filtering
from vitrine.web.deps import (
    CollectionDep,
    FiltersDep,
    GalleryDep,
    PageDep,
    PerPageDep,
    RateLimited,
    SettingsDep,
)
from vitrine.web.present import gallery_public, page_public, record_public
from vitrine.web.schemas import (
    ErrorPublic,
    FacetsPublic,
    FacetValue,
    GalleryPagePublic,
    RecordPublic,
    SearchPagePublic,
)
from vitrine.web.security import WebError, decode_upload, read_form

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorPublic, "description": text} for code, text in (
        (404, "not found"), (413, "upload too large"), (415, "not an image"),
        (422, "invalid request"), (429, "rate limited"), (500, "server error"))
}
router = APIRouter(prefix="/api", tags=["api"], responses=_ERRORS, dependencies=[RateLimited])
_FILTER_DOC = ("Filters (query parameters, also on image search): object_type, creator, century, "
               "source, year_from, year_to, and f.<field> for configured extra fields.")
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


@router.get("/search", response_model=SearchPagePublic, description=_FILTER_DOC)
def api_search(collection: CollectionDep, filters: FiltersDep, q: str = "",
               page: PageDep = 1, per_page: PerPageDep = 20) -> SearchPagePublic:
    """Search by text (hybrid full-text and semantic); with no text, browse the filtered records."""
    result = run(collection, SearchQuery(text=q, filters=filters), page=page, per_page=per_page)
    return page_public(collection, result)


@router.post("/search/image", response_model=SearchPagePublic, openapi_extra=_UPLOAD_BODY)
async def api_search_image(
    request: Request, collection: CollectionDep, settings: SettingsDep,
) -> SearchPagePublic:
    """Search by an uploaded image (multipart field `photo`); filters and paging as form fields."""
    form = await read_form(request, settings.web.max_upload_bytes)
    image = decode_upload(form.file, max_pixels=settings.web.max_upload_pixels, reduce_to=1024)
    active = filtering.active_filters(form.fields, settings.web.facet_fields)
    page = _int_field(form.get("page"), 1, 1, 10_000)
    per_page = _int_field(form.get("per_page"), 20, 1, 100)
    result = await run_in_threadpool(
        search_by_image, collection, image, filters=filtering.to_filters(active), page=page,
        per_page=per_page)
    return page_public(collection, result)


@router.get("/search/record/{identifier:path}", response_model=SearchPagePublic, description=_FILTER_DOC)
def api_more_like_this(identifier: str, collection: CollectionDep, filters: FiltersDep,
                       page: PageDep = 1, per_page: PerPageDep = 20) -> SearchPagePublic:
    """Works that look like this record's images ("more like this")."""
    query = SearchQuery(record=identifier, filters=filters)
    return page_public(collection, run(collection, query, page=page, per_page=per_page))


@router.get("/records/{identifier:path}", response_model=RecordPublic)
def api_record(identifier: str, collection: CollectionDep) -> RecordPublic:
    """One record with every field and its images."""
    return record_public(collection, collection.catalog.get(identifier))


@router.get("/facets", response_model=FacetsPublic, description=_FILTER_DOC)
def api_facets(collection: CollectionDep, settings: SettingsDep, filters: FiltersDep) -> FacetsPublic:
    """Values of each facet among the filtered records, with counts."""
    fields = (*filtering.BASE_FACETS, *settings.web.facet_fields)
    counts = facets(collection, filters, fields=fields)
    return FacetsPublic(facets={
        k: [FacetValue(value=v, count=n) for v, n in vals] for k, vals in counts.items()})


@router.get("/gallery", response_model=GalleryPagePublic)
def api_gallery(gallery: GalleryDep, page: PageDep = 1, per_page: PerPageDep = 48) -> GalleryPagePublic:
    """Visitor photos shared with consent, newest first."""
    entries = gallery.entries(per_page, (page - 1) * per_page)
    return GalleryPagePublic(total=gallery.count(), entries=[gallery_public(e) for e in entries])


def _int_field(value: str, default: int, low: int, high: int) -> int:
    if not value:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise WebError(
            422, "invalid_request", f"expected a whole number from {low} to {high}, got {value!r}")
    return int(value)
