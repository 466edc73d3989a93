"""Relevance feedback and saved sets: JSON API (/api/search/refine, /api/sets) and pages (/sets)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from vitrine.accounts import Permission, Principal
from vitrine.collection import Collection
from vitrine.search import sets as use_cases
from vitrine.search.query import SearchQuery, from_remembered, run
from vitrine.search.sets import SavedSet, SetQuery
from vitrine.web import filtering
from vitrine.web.auth import Allowed, set_user
from vitrine.web.deps import CollectionDep, PhotosDep, RateLimited, SettingsDep, TemplatesDep
from vitrine.web.marks import Marks, marked_works, searched_vector, session_query
from vitrine.web.present import alt_text, page_public
from vitrine.web.schemas.errors import error_responses
from vitrine.web.schemas.search import SearchPagePublic
from vitrine.web.schemas.sets import (
    RefineRequest,
    SetCreate,
    SetPublic,
    SetQueryPublic,
    SetSummaryPublic,
    SetUpdate,
    SetWorkPublic,
)
from vitrine.web.security import WebError, read_form

router = APIRouter()
_ERRORS = error_responses(
    (404, "no such set or record"), (409, "a set of that name exists"), (410, "photo no longer held"),
    (422, "invalid request"), (429, "rate limited"))
api = APIRouter(prefix="/api", tags=["api"], responses=_ERRORS, dependencies=[RateLimited])
pages = APIRouter(include_in_schema=False, dependencies=[RateLimited])
_MAX_FORM_BYTES = 256 * 1024
#: a signed-in account that may keep sets; the sets it sees and changes follow from who it is
Keeper = Annotated[Principal, Allowed(Permission.KEEP_SETS)]


# -- JSON API -------------------------------------------------------------------------------------


@api.post("/search/refine", response_model=SearchPagePublic, dependencies=[Allowed(Permission.READ)])
def api_refine(body: RefineRequest, collection: CollectionDep, photos: PhotosDep,
               settings: SettingsDep) -> SearchPagePublic:
    """Re-rank with works marked relevant and not relevant (relevance feedback).

    The marked works and the query record are left out of the results (unless
    `include_positives`), so each page holds works still to judge. Send the growing lists of
    marks again for each round."""
    if sum(bool(x) for x in (body.query_record, body.query_text, body.photo)) > 1:
        raise WebError(422, "invalid_request", "give at most one of query_record, query_text and photo")
    active = filtering.active_filters(body.filters, settings.web.facet_fields)
    vector = searched_vector(photos, collection, body.photo or "")
    query = SearchQuery(
        text=body.query_text or "", record=body.query_record or "", vector=vector,
        positives=tuple(body.positives), negatives=tuple(body.negatives), refined=True,
        method=body.method, filters=filtering.to_filters(active))
    result = run(collection, query, page=body.page, per_page=body.per_page,
                 include_positives=body.include_positives)
    return page_public(collection, result)


@api.get("/sets", response_model=list[SetSummaryPublic])
def api_sets(collection: CollectionDep, who: Keeper) -> list[SetSummaryPublic]:
    """The saved sets you may see (your own and shared ones), most recently updated first."""
    return [summary_public(s) for s in use_cases.list_sets(collection, set_user(who))]


@api.post("/sets", response_model=SetPublic, status_code=201)
def api_create_set(body: SetCreate, collection: CollectionDep, who: Keeper) -> SetPublic:
    """Save a set: its works as `identifiers`, or marks from which they are computed (the works
    marked relevant, then the first `results` works of the refined ranking)."""
    query = SetQuery(body.query.kind, body.query.value) if body.query else None
    if body.identifiers is None and (body.positives or body.negatives):
        shown = _refined_ids(collection, body, query) if body.results else []
        saved = use_cases.session_set(
            body.name, shown=shown, positives=body.positives, negatives=body.negatives, query=query,
            method=body.method, description=body.description)
        saved = replace(saved, shared=body.shared)
    else:
        saved = SavedSet(name=body.name, description=body.description.strip(), query=query,
                         method=body.method, positives=tuple(body.positives),
                         negatives=tuple(body.negatives), identifiers=tuple(body.identifiers or ()),
                         shared=body.shared)
    stored = use_cases.save_set(collection, saved, replace_existing=body.replace, by=set_user(who))
    return set_public(collection, stored)


@api.get("/sets/{name}", response_model=SetPublic)
def api_set(name: str, collection: CollectionDep, who: Keeper) -> SetPublic:
    """One saved set: its session and its works."""
    return set_public(collection, use_cases.get_set(collection, name, set_user(who)))


@api.patch("/sets/{name}", response_model=SetPublic)
def api_update_set(name: str, body: SetUpdate, collection: CollectionDep, who: Keeper) -> SetPublic:
    """Rename a set, change its description or sharing, add works (at the end) or remove works."""
    updated = use_cases.update_set(collection, name, description=body.description, new_name=body.name,
                                   add=body.add, remove=body.remove, shared=body.shared, by=set_user(who))
    return set_public(collection, updated)


@api.delete("/sets/{name}", status_code=204)
def api_delete_set(name: str, collection: CollectionDep, who: Keeper) -> Response:
    """Delete a set (its works stay in the collection)."""
    use_cases.delete_set(collection, name, set_user(who))
    return Response(status_code=204)


@router.get("/sets/{name}/records.csv", tags=["api"], dependencies=[RateLimited],
            responses={200: {"content": {"text/csv": {}}, "description": "the set's records"}})
def set_csv(name: str, collection: CollectionDep, who: Keeper) -> Response:
    """The set's records as CSV (the columns of `vitrine export`), in the set's order."""
    out = io.StringIO()
    use_cases.export_set(collection, name, out, set_user(who))
    filename = "".join(c if c.isalnum() or c in "-_." else "_" for c in name) or "set"
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'})


# -- pages ----------------------------------------------------------------------------------------


@pages.get("/sets", response_class=HTMLResponse)
def sets_page(request: Request, templates: TemplatesDep, collection: CollectionDep, who: Keeper) -> Response:
    found = use_cases.list_sets(collection, set_user(who))
    return templates.TemplateResponse(request, "sets.html", {
        "collection": collection, "sets": [summary_public(s) for s in found],
        "when": _when})


@pages.post("/sets")
async def save_from_search(request: Request, collection: CollectionDep, photos: PhotosDep,
                           settings: SettingsDep, who: Keeper) -> Response:
    """The search page's "Save as set": the relevant works, then that page's results."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > _MAX_FORM_BYTES:
        raise WebError(413, "too_large", "the form is too large")
    form = await request.form(max_fields=5000)
    marks = Marks.from_params(form)
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    active = filtering.active_filters(fields, settings.web.facet_fields)
    q, like, photo = (fields.get(k, "") for k in ("q", "like", "photo"))
    filters = filtering.to_filters(active)
    query = session_query(photos, collection, marks, filters, q=q, like=like, photo=photo)
    result = await run_in_threadpool(lambda: run(collection, query))
    saved = use_cases.session_set(
        fields.get("name", ""), shown=[h.identifier for h in result.hits], positives=marks.pos,
        negatives=marks.neg, query=query.remembered(), method=marks.method if marks.refined else None,
        description=fields.get("description", ""), only_positives=fields.get("only_relevant") == "1")
    stored = use_cases.save_set(collection, saved, by=set_user(who))
    return RedirectResponse(_page_url(stored.name), status_code=303)


@pages.get("/sets/{name}", response_class=HTMLResponse)
def set_page(request: Request, name: str, templates: TemplatesDep, collection: CollectionDep,
             who: Keeper) -> Response:
    saved = use_cases.get_set(collection, name, set_user(who))
    return templates.TemplateResponse(request, "sets_show.html", {
        "collection": collection, "set": set_public(collection, saved),
        "works": marked_works(collection, saved.identifiers), "alt_text": alt_text,
        "continue_url": _continue_url(saved), "when": _when,
        "may_change": set_user(who).may_change(saved)})


@pages.post("/sets/{name}/sharing")
async def share_from_page(request: Request, name: str, collection: CollectionDep, who: Keeper) -> Response:
    """The set page's "shared with other staff" box: ticked shares the set, unticked makes it private."""
    form = await read_form(request, _MAX_FORM_BYTES, photo=False)
    shared = form.get("shared") == "1"  # an unticked box sends nothing at all
    await run_in_threadpool(lambda: use_cases.update_set(collection, name, shared=shared, by=set_user(who)))
    return RedirectResponse(_page_url(name), status_code=303)


@pages.post("/sets/{name}/delete")
def delete_from_page(name: str, collection: CollectionDep, who: Keeper) -> Response:
    use_cases.delete_set(collection, name, set_user(who))
    return RedirectResponse("/sets", status_code=303)


# -- shapes ---------------------------------------------------------------------------------------


def summary_public(saved: SavedSet) -> SetSummaryPublic:
    return SetSummaryPublic(
        name=saved.name, description=saved.description, count=len(saved.identifiers),
        created_at=saved.created_at, updated_at=saved.updated_at, url=_api_url(saved.name),
        page_url=_page_url(saved.name), csv_url=_page_url(saved.name) + "/records.csv", owner=saved.owner,
        shared=saved.shared)


def set_public(collection: Collection, saved: SavedSet) -> SetPublic:
    works = [SetWorkPublic(identifier=w.identifier, title=w.title, creators=w.creators, date=w.date,
                           thumbnail_url=w.thumbnail_url, url=w.url)
             for w in marked_works(collection, saved.identifiers)]
    query = SetQueryPublic(kind=saved.query.kind, value=saved.query.value) if saved.query else None
    return SetPublic(
        **summary_public(saved).model_dump(), query=query, method=saved.method,
        positives=list(saved.positives), negatives=list(saved.negatives),
        identifiers=list(saved.identifiers), works=works,
        map_url="/map?" + filtering.query_string({}, set=saved.name))


def _refined_ids(collection: Collection, body: SetCreate, start: SetQuery | None) -> list[str]:
    query = from_remembered(start, positives=body.positives, negatives=body.negatives, method=body.method)
    return [h.identifier for h in run(collection, query, per_page=body.results).hits]


def _continue_url(saved: SavedSet) -> str | None:
    """The search page refining again from the set's session (not for an uploaded image)."""
    if not saved.positives and not saved.negatives:
        return None
    base: dict[str, str] = {}
    if saved.query and saved.query.kind == "record":
        base["like"] = saved.query.value
    elif saved.query and saved.query.kind == "text":
        base["q"] = saved.query.value
    marks = Marks(pos=saved.positives, neg=saved.negatives, refined=True, method=saved.method or "svm")
    return ("/search?" + filtering.query_string({}, **base) + marks.suffix()).replace("?&", "?")


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")


def _page_url(name: str) -> str:
    from urllib.parse import quote

    return "/sets/" + quote(name, safe="")


def _api_url(name: str) -> str:
    return "/api" + _page_url(name)


router.include_router(api)
router.include_router(pages)
