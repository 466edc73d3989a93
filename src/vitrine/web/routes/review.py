"""The review queue: machine suggestions beside their records, decided by people (page and JSON API).

Every route needs the CATALOGUE permission (editors and admins). A decision is one library call
(`vitrine.suggestions.review`), a compare-and-set on the revision the reviewer saw, audited with the
client's address. The page works from the keyboard through /api/suggestions (static/review.js);
without JavaScript each item's forms post to /review/{id}/{action} and come back to the same
filters. A conflict or a refused value shows the queue again with the library's message.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from vitrine.accounts import Permission, Principal
from vitrine.collection import Collection
from vitrine.errors import Conflict, NotFound, SuggestionError
from vitrine.search.sets import list_sets
from vitrine.suggestions import review
from vitrine.suggestions.queue import queue_item, queue_page
from vitrine.suggestions.values import KINDS, STATUSES
from vitrine.web import reviewing
from vitrine.web.auth import Allowed, PrincipalDep, client_address, set_user
from vitrine.web.deps import MAX_ID, CollectionDep, TemplatesDep
from vitrine.web.schemas.errors import error_responses
from vitrine.web.schemas.suggestions import (
    DecisionRequest,
    QueueParams,
    SuggestionPagePublic,
    SuggestionPublic,
    UndoRequest,
)
from vitrine.web.security import WebError, read_form

Catalogue = Allowed(Permission.CATALOGUE)
router = APIRouter()
_ERRORS = error_responses(
    (404, "no such suggestion, agent or saved set"),
    (409, "decided by someone else since you saw it (decided_already), or stale: its record or image "
          "changed since it was made"),
    (422, "invalid request or value (the message names the key)"))
api = APIRouter(prefix="/api/suggestions", tags=["api"], responses=_ERRORS, dependencies=[Catalogue])
pages = APIRouter(tags=["review"], include_in_schema=False, dependencies=[Catalogue])
Params = Annotated[QueueParams, Query()]
SuggestionId = Annotated[int, Path(ge=1, le=MAX_ID, description="a suggestion id")]
FormAction = Literal["accept", "edit", "reject", "undo"]
_MAX_FORM_BYTES = 256 * 1024
#: what the queue says after a form's decision, by the code in its `done=` (never text from the URL)
DONE = {"accept": "Accepted", "edit": "Accepted", "reject": "Rejected",
        "undo": "Back to proposed:"}
ORDER_NAMES = {"score": "score, highest first", "uncertainty": "uncertainty, least sure first",
               "score_asc": "score, lowest first", "newest": "newest first", "id": "oldest first"}


# -- JSON API -------------------------------------------------------------------------------------


@api.get("", response_model=SuggestionPagePublic)
def api_queue(params: Params, collection: CollectionDep, principal: PrincipalDep) -> SuggestionPagePublic:
    """A page of suggestions matching the filters, each with its agent, record and image."""
    page = queue_page(collection, reviewing.queue_filters(params, principal), by=set_user(principal),
                      page=params.page, per_page=params.per_page)
    return reviewing.page_public(page)


@api.get("/{suggestion_id}", response_model=SuggestionPublic)
def api_suggestion(suggestion_id: SuggestionId, collection: CollectionDep) -> SuggestionPublic:
    """One suggestion, as it is now."""
    return reviewing.suggestion_public(queue_item(collection, suggestion_id))


@api.post("/{suggestion_id}/decision", response_model=SuggestionPublic)
def api_decide(request: Request, suggestion_id: SuggestionId, body: DecisionRequest,
               collection: CollectionDep, principal: PrincipalDep) -> SuggestionPublic:
    """Accept, edit (accept a corrected `value` and/or `region`) or reject a suggestion, at the
    `revision` you saw.

    409 `decided_already` when someone decided it since; 409 `stale` when its record or image
    changed since it was made (it can still be rejected); 422 naming the key of a bad value."""
    review.decide(collection.catalog, suggestion_id, body.action, actor=principal.name,
                  revision=body.revision, value=body.value, note=body.note, address=client_address(request),
                  region=body.region)
    return reviewing.suggestion_public(queue_item(collection, suggestion_id))


@api.post("/{suggestion_id}/undo", response_model=SuggestionPublic)
def api_undo(request: Request, suggestion_id: SuggestionId, body: UndoRequest, collection: CollectionDep,
             principal: PrincipalDep) -> SuggestionPublic:
    """Put a decided suggestion back to proposed; an accepted value leaves the record."""
    review.undo(collection.catalog, suggestion_id, actor=principal.name, revision=body.revision,
                address=client_address(request))
    return reviewing.suggestion_public(queue_item(collection, suggestion_id))


# -- pages --------------------------------------------------------------------------------------


@pages.get("/review", response_class=HTMLResponse)
def review_page(
    request: Request, params: Params, templates: TemplatesDep, collection: CollectionDep,
    principal: PrincipalDep,
    done: Annotated[str, Query(max_length=10, description="the decision just made")] = "",
    decided: Annotated[int, Query(ge=0, le=MAX_ID, description="the suggestion just decided")] = 0,
) -> Response:
    """The queue: filters, then each suggestion beside its record, with its forms."""
    notice = _notice(collection, done, decided)
    return _page(request, templates, collection, principal, params, notice=notice,
                 done=DONE[done] if notice else "")


@pages.post("/review/{suggestion_id}/{action}", response_class=HTMLResponse)
async def decide_form(request: Request, suggestion_id: SuggestionId, action: FormAction,
                      templates: TemplatesDep, collection: CollectionDep,
                      principal: PrincipalDep) -> Response:
    """A decision without JavaScript; back to the queue with the same filters (303)."""
    form = await read_form(request, _MAX_FORM_BYTES, photo=False)
    params = reviewing.params_of(form.get("back"))
    revision = form.get("revision").strip()
    if not revision.isdigit() or len(revision) > 18:
        raise WebError(422, "invalid_request", "the form lacks the suggestion's revision: reload the queue")
    try:
        await run_in_threadpool(_apply, request, collection, principal, suggestion_id, action, int(revision),
                                form.fields)
    except NotFound:
        raise
    except (Conflict, SuggestionError) as exc:
        return _page(request, templates, collection, principal, params, problem=str(exc),
                     status=409 if isinstance(exc, Conflict) else 422)
    target = reviewing.query_string(params, done=action, decided=suggestion_id)
    return RedirectResponse(f"/review?{target}#s{suggestion_id}", status_code=303)


def _apply(request: Request, collection: Collection, principal: Principal, suggestion_id: int, action: str,
           revision: int, fields: dict[str, str]) -> None:
    catalog, address = collection.catalog, client_address(request)
    if action == "undo":
        review.undo(catalog, suggestion_id, actor=principal.name, revision=revision, address=address)
        return
    value, region = None, None
    if action == "edit":
        current = catalog.suggestions.get(suggestion_id)
        value = reviewing.form_value(current.value, fields)
        region = reviewing.form_region(current.region, fields)
    review.decide(catalog, suggestion_id, action, actor=principal.name, revision=revision, value=value,
                  note=fields.get("note", ""), address=address, region=region)


def _notice(collection: Collection, done: str, decided: int) -> SuggestionPublic | None:
    if done not in DONE or not decided:
        return None
    try:
        return reviewing.suggestion_public(queue_item(collection, decided))
    except NotFound:
        return None


def _page(request: Request, templates: TemplatesDep, collection: Collection, principal: Principal,
          params: QueueParams, *, notice: SuggestionPublic | None = None, done: str = "",
          problem: str = "", status: int = 200) -> Response:
    page = reviewing.page_public(queue_page(
        collection, reviewing.queue_filters(params, principal), by=set_user(principal), page=params.page,
        per_page=params.per_page))
    agents = sorted({a.name for a in collection.catalog.suggestions.agents()})
    return templates.TemplateResponse(request, "review.html", {
        "collection": collection, "page": page, "params": params, "problem": problem, "notice": notice,
        "done": done,
        "back": reviewing.query_string(params), "agents": agents, "kinds": KINDS, "statuses": STATUSES,
        "orders": ORDER_NAMES, "sets": [s.name for s in list_sets(collection, set_user(principal))],
        "edit_fields": reviewing.EDIT_FIELDS, "overlay": reviewing.overlay,
        "page_link": lambda n: "/review?" + reviewing.query_string(params.model_copy(update={"page": n})),
    }, status_code=status)


router.include_router(api)
router.include_router(pages)
