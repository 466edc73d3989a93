"""Region search: draw a box on a record's image (or upload an image), see where else it appears.

Pages: GET /regions (upload form, or ?record=ID to draw a box; with box=x0,y0,x1,y1 the results),
POST /regions (an uploaded image). API: POST /api/regions/search, a JSON body (record + box) or
a multipart upload (photo, optional box). Every hit carries the matched region and the query box
mapped into the hit's image (a quadrilateral, source pixels), drawn as an SVG overlay.
"""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from vitrine.accounts import Permission
from vitrine.collection import Collection
from vitrine.errors import IndexError_, RegionSearchError
from vitrine.images import original_size
from vitrine.local.features import Box
from vitrine.records import Filters, StoredImage
from vitrine.regions import search as use_cases
from vitrine.regions.search import RegionHit, RegionResults
from vitrine.web import filtering
from vitrine.web.auth import Allowed
from vitrine.web.deps import (
    CollectionDep,
    FiltersDep,
    RateLimited,
    SettingsDep,
    TemplatesDep,
    UploadsDep,
)
from vitrine.web.present import alt_text, image_url, record_url, thumbnail_url
from vitrine.web.schemas.errors import error_responses
from vitrine.web.schemas.regions import RegionHitPublic, RegionQuery, RegionSearchPublic
from vitrine.web.security import WebError, clean_jpeg, read_form
from vitrine.web.uploads import REGION_SIDE, UploadGate

router = APIRouter(dependencies=[Allowed(Permission.READ)], tags=["regions"])
_K = 24
_ERRORS = error_responses(
    (404, "unknown record"), (413, "upload too large"), (415, "not an image"),
    (422, "invalid box or image"), (429, "rate limited"), (503, "no region index yet"))


_UPLOAD: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": RegionQuery.model_json_schema()},
    "multipart/form-data": {"schema": {"type": "object", "required": ["photo"], "properties": {
        "photo": {"type": "string", "format": "binary"},
        "box": {"type": "string", "description": "optional x0,y0,x1,y1 on the photo"},
        "k": {"type": "integer", "default": 20}}}},
}}}


@router.post("/api/regions/search", response_model=RegionSearchPublic, openapi_extra=_UPLOAD,
             responses=_ERRORS, dependencies=[RateLimited], tags=["api"])
async def api_region_search(
    request: Request, collection: CollectionDep, settings: SettingsDep, filters: FiltersDep,
    uploads: UploadsDep,
) -> RegionSearchPublic:
    """Where a detail appears: a box on a record's image (JSON) or an uploaded image (multipart)."""
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            query = RegionQuery.model_validate_json(await request.body())
        except ValueError as exc:
            raise WebError(422, "invalid_request", f"the query could not be read: {exc}") from None
        result = await run_in_threadpool(
            use_cases.search_regions_by_box, collection, query.record, query.box,
            image_index=query.image_index, filters=filters, k=query.k, include_self=query.include_self)
        return results_public(result)
    form = await read_form(request, settings.web.max_upload_bytes)
    box = parse_box(form.get("box")) if form.get("box") else None
    k = _int(form.get("k"), 20)
    async with uploads.slot():
        return results_public(await _search_upload(collection, uploads, form.file, box, filters, k))


@router.get("/regions", response_class=HTMLResponse, dependencies=[RateLimited], include_in_schema=False)
def regions_page(
    request: Request, templates: TemplatesDep, collection: CollectionDep, filters: FiltersDep,
    record: str = "", image: Annotated[int, Query(ge=0, le=10_000)] = 0, box: str = "", x0: str = "",
    y0: str = "", x1: str = "", y1: str = "",
) -> Response:
    """Draw a box on a record's image (?record=ID), see its results (&box=x0,y0,x1,y1, or the
    four corners as x0, y0, x1, y1 fields: the form works without JavaScript)."""
    context = _base_context(collection)
    if not box and any((x0, y0, x1, y1)):
        box = ",".join((x0, y0, x1, y1))
    if record and context["indexed"]:
        stored = _record_image(collection, record, image)
        context.update(record=collection.catalog.get(record), image=stored, image_index=image,
                       size=_size(collection, stored))
        if box:
            context["box"] = parse_box(box)
            context["results"] = _run_box(collection, record, context["box"], image, filters)
    return templates.TemplateResponse(request, "regions.html", context)


@router.post("/regions", response_class=HTMLResponse, dependencies=[RateLimited], include_in_schema=False)
async def regions_upload(
    request: Request, templates: TemplatesDep, collection: CollectionDep, settings: SettingsDep,
    uploads: UploadsDep,
) -> Response:
    """Search the collection for an uploaded image (held in memory only, never stored)."""
    form = await read_form(request, settings.web.max_upload_bytes)
    context = _base_context(collection)
    async with uploads.slot():
        image = await uploads.decode(form.file, REGION_SIDE)
        if context["indexed"]:
            filters = filtering.to_filters(filtering.active_filters(form.fields, settings.web.facet_fields))
            context["results"] = present(await run_in_threadpool(
                use_cases.search_regions_by_image, collection, image, filters=filters, k=_K,
                size=original_size(form.file or b"")))
            preview = await run_in_threadpool(clean_jpeg, image, 640)
            context["upload_preview"] = "data:image/jpeg;base64," + base64.b64encode(preview).decode()
    return templates.TemplateResponse(request, "regions.html", context)


async def _search_upload(
    collection: Collection, uploads: UploadGate, data: bytes | None, box: Box | None, filters: Filters,
    k: int,
) -> RegionResults:
    # Features come from an image of REGION_SIDE (what extraction works at anyway); `size` puts
    # them, the box and the results back in the uploaded image's own pixels.
    image = await uploads.decode(data, REGION_SIDE)
    return await run_in_threadpool(
        use_cases.search_regions_by_image, collection, image, box=box, filters=filters, k=k,
        size=original_size(data or b""))


# -- helpers --------------------------------------------------------------------------------


def parse_box(text: str) -> Box:
    """x0,y0,x1,y1 (numbers) from a query parameter or form field."""
    try:
        x0, y0, x1, y1 = (float(v) for v in text.split(","))
    except ValueError:
        raise WebError(422, "invalid_request", f"box {text!r} should read x0,y0,x1,y1 (numbers)") from None
    return x0, y0, x1, y1


def hit_public(hit: RegionHit) -> RegionHitPublic:
    return RegionHitPublic(
        identifier=hit.identifier, title=hit.title, url=record_url(hit.identifier), image_id=hit.image_id,
        image_index=hit.image_index, image_url=image_url(hit.image_id),
        thumbnail_url=thumbnail_url(hit.image_id), image_size=hit.image_size, inliers=hit.inliers,
        score=round(hit.score, 6), region=tuple(round(v, 1) for v in hit.region),  # type: ignore[arg-type]
        quad=[(round(x, 1), round(y, 1)) for x, y in hit.quad], is_query_image=hit.is_query_image)


def results_public(result: RegionResults) -> RegionSearchPublic:
    return RegionSearchPublic(
        hits=[hit_public(h) for h in result.hits], query_features=result.query_features,
        candidates=result.candidates, seconds=round(result.seconds, 4), box=result.box)


def present(result: RegionResults) -> dict[str, Any]:
    """What the template shows: hits with their SVG polygon points."""
    public = results_public(result)
    hits = [{**h.model_dump(), "points": " ".join(f"{x},{y}" for x, y in h.quad)} for h in public.hits]
    return {"hits": hits, "seconds": public.seconds, "candidates": public.candidates,
            "query_features": public.query_features}


def _base_context(collection: Collection) -> dict[str, Any]:
    return {"collection": collection, "indexed": use_cases.has_local_index(collection),
            "command": f"vitrine regions index {collection.name}", "alt_text": alt_text}


def _record_image(collection: Collection, identifier: str, index: int) -> StoredImage:
    collection.catalog.record_id(identifier)  # RecordNotFound -> 404
    images = collection.catalog.images_of(identifier)
    if not 0 <= index < len(images):
        raise WebError(404, "not_found", f"record {identifier!r} has no image number {index}")
    return images[index]


def _size(collection: Collection, image: StoredImage) -> tuple[int, int] | None:
    try:
        return collection.local_index().image_size(image.id)
    except IndexError_:  # this image has no features yet: the page says so instead of failing
        return (image.width, image.height) if image.width and image.height else None


def _run_box(collection: Collection, record: str, box: Box, image: int, filters: Filters) -> dict[str, Any]:
    try:
        return present(use_cases.search_regions_by_box(
            collection, record, box, image_index=image, filters=filters, k=_K))
    except RegionSearchError as exc:
        return {"error": str(exc), "hits": []}


def _int(value: str, default: int) -> int:
    if not value:
        return default
    if not value.isdigit() or not 1 <= int(value) <= use_cases.MAX_K:
        raise WebError(422, "invalid_request", f"k must be a whole number from 1 to {use_cases.MAX_K}")
    return int(value)
