"""The research search page: text, image or "more like this", facets, pagination, relevance feedback."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from vitrine.search.core import facets
from vitrine.search.feedback import METHODS
from vitrine.search.query import run
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
from vitrine.web.marks import Marks, marked_works, session_query
from vitrine.web.present import alt_text, page_public
from vitrine.web.security import clean_jpeg, decode_upload, read_form

router = APIRouter(tags=["search"], include_in_schema=False)
PER_PAGE = 20


@router.get("/search", response_class=HTMLResponse, dependencies=[RateLimited])
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
    query = session_query(photos, marks, filters, q=q, like=like, photo=photo)
    results = run(collection, query, page=page, per_page=PER_PAGE)
    fields = (*filtering.BASE_FACETS, *settings.web.facet_fields)
    counts = facets(collection, filters, fields=fields)
    return templates.TemplateResponse(request, "search.html", {
        "collection": collection, "results": page_public(collection, results), "facets": counts,
        "active": active, "query": base, "filtering": filtering, "alt_text": alt_text,
        "like_record": collection.catalog.get(like) if like else None, "marks": marks,
        "relevant": marked_works(collection, marks.pos), "rejected": marked_works(collection, marks.neg),
        "methods": METHODS,
    })


@router.post("/search", dependencies=[RateLimited])
async def search_upload(request: Request, settings: SettingsDep, photos: PhotosDep) -> Response:
    """Take an uploaded image (held in memory only) and show its results page."""
    form = await read_form(request, settings.web.max_upload_bytes)
    image = decode_upload(form.file, max_pixels=settings.web.max_upload_pixels, reduce_to=1024)
    token = photos.put(await run_in_threadpool(clean_jpeg, image))
    active = filtering.active_filters(form.fields, settings.web.facet_fields)
    return RedirectResponse("/search?" + filtering.query_string(active, photo=token), status_code=303)
