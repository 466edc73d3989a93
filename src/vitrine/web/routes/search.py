"""The research search page: text, image or "more like this", with facets and pagination."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from vitrine.collection import Collection
from vitrine.images import decode
from vitrine.records import Filters
from vitrine.search import SearchPage, browse, facets, search_by_image, search_by_record, search_by_text
from vitrine.web import filtering
from vitrine.web.deps import (
    ActiveFiltersDep,
    CollectionDep,
    FiltersDep,
    PageDep,
    PhotosDep,
    RateLimited,
    SettingsDep,
    TemplatesDep,
)
from vitrine.web.photos import PhotoCache
from vitrine.web.present import alt_text, page_public
from vitrine.web.security import WebError, clean_jpeg, decode_upload, read_form

router = APIRouter(tags=["search"], include_in_schema=False)
PER_PAGE = 20


@router.get("/search", response_class=HTMLResponse, dependencies=[RateLimited])
def search_page(
    request: Request, templates: TemplatesDep, collection: CollectionDep, settings: SettingsDep,
    photos: PhotosDep, active: ActiveFiltersDep, filters: FiltersDep, page: PageDep = 1,
    q: str = "", like: str = "", photo: str = "",
) -> Response:
    """Search by text (q), by a held photo (photo) or by a record (like); browse otherwise."""
    results = run_search(collection, photos, filters, page, q=q, like=like, photo=photo)
    fields = (*filtering.BASE_FACETS, *settings.web.facet_fields)
    counts = facets(collection, filters, fields=fields)
    base = {"q": q, "like": like, "photo": photo}
    return templates.TemplateResponse(request, "search.html", {
        "collection": collection, "results": page_public(collection, results), "facets": counts,
        "active": active, "query": base, "filtering": filtering, "alt_text": alt_text,
        "like_record": collection.catalog.get(like) if like else None,
    })


@router.post("/search", dependencies=[RateLimited])
async def search_upload(request: Request, settings: SettingsDep, photos: PhotosDep) -> Response:
    """Take an uploaded image (held in memory only) and show its results page."""
    form = await read_form(request, settings.web.max_upload_bytes)
    image = decode_upload(form.file, max_pixels=settings.web.max_upload_pixels, reduce_to=1024)
    token = photos.put(await run_in_threadpool(clean_jpeg, image))
    active = filtering.active_filters(form.fields, settings.web.facet_fields)
    return RedirectResponse("/search?" + filtering.query_string(active, photo=token), status_code=303)


def run_search(
    collection: Collection, photos: PhotoCache, filters: Filters, page: int, *, q: str = "",
    like: str = "", photo: str = "", per_page: int = PER_PAGE,
) -> SearchPage:
    """One of the library's searches, chosen by which query is given."""
    if photo:
        held = photos.get(photo)
        if held is None:
            raise WebError(410, "photo_gone", "the searched image is no longer held; upload it again")
        image = decode(held.jpeg, "the searched image")
        return search_by_image(collection, image, filters=filters, page=page, per_page=per_page)
    if like:
        return search_by_record(collection, like, filters=filters, page=page, per_page=per_page)
    if q.strip():
        return search_by_text(collection, q, filters=filters, page=page, per_page=per_page)
    return browse(collection, filters=filters, page=page, per_page=per_page)
