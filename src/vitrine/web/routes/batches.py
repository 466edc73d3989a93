"""Batches of suggestions for cataloguers: each assignee's batch (assigned, reviewed, remaining, and
how often they agreed with the machine), and a form to give someone N unassigned proposed
suggestions matching a kind and an agent (`review.assign`, audited)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from vitrine.accounts import GRANTS, Permission, Role, list_accounts
from vitrine.catalog import Catalog
from vitrine.catalog.suggestions import SuggestionQuery
from vitrine.collection import Collection
from vitrine.errors import SuggestionError
from vitrine.suggestions import review
from vitrine.suggestions.values import KINDS
from vitrine.web.auth import Allowed, PrincipalDep, client_address
from vitrine.web.deps import CollectionDep, RateLimited, TemplatesDep
from vitrine.web.schemas.agents import AssignedPublic, AssignRequest, BatchesPublic, ReviewerPublic
from vitrine.web.schemas.errors import error_responses
from vitrine.web.security import read_form

router = APIRouter(dependencies=[Allowed(Permission.CATALOGUE), RateLimited])
pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/suggestions/batches", tags=["suggestions"],
                responses=error_responses((422, "invalid request")))
CountQuery = Annotated[int, Query(ge=0, le=10**9)]
_MAX_FORM_BYTES = 16 * 1024
MAX_BATCH = 100_000


@api.get("", response_model=BatchesPublic)
def api_batches(collection: CollectionDep) -> BatchesPublic:
    """Each assignee's batch: assigned, reviewed, remaining, and agreement with the machine."""
    return batches_public(collection.catalog)


@api.post("", response_model=AssignedPublic)
async def api_assign(request: Request, body: AssignRequest, collection: CollectionDep,
                     who: PrincipalDep) -> AssignedPublic:
    """Give up to `limit` unassigned proposed suggestions (of these kinds and agents) to `assignee`."""
    query = _query(body.kinds, body.agent_ids)
    count = await run_in_threadpool(review.assign, collection.catalog, query, body.assignee, limit=body.limit,
                                    actor=who.name, address=client_address(request))
    return AssignedPublic(assignee=body.assignee, assigned=count)


@pages.get("/review/batches", response_class=HTMLResponse)
def batches_page(request: Request, templates: TemplatesDep, collection: CollectionDep,
                 assigned: CountQuery = -1) -> Response:
    """The batches, and the form to assign one; `assigned` is how many the last assignment gave."""
    return _page(request, templates, collection, assigned=assigned)


@pages.post("/review/batches", response_class=HTMLResponse)
async def assign_from_form(request: Request, templates: TemplatesDep, collection: CollectionDep,
                           who: PrincipalDep) -> Response:
    form = await read_form(request, _MAX_FORM_BYTES, photo=False)
    typed = {k: form.get(k) for k in ("assignee", "limit", "kind", "agent")}
    try:
        if not typed["assignee"]:
            raise SuggestionError("choose the account to give the suggestions to")
        limit = _whole(typed["limit"], "the number of suggestions", 1, MAX_BATCH)
        agents = [_whole(typed["agent"], "the agent", 1, 2**63 - 1)] if typed["agent"] else []
        query = _query([typed["kind"]] if typed["kind"] else [], agents)
        count = await run_in_threadpool(review.assign, collection.catalog, query, typed["assignee"],
                                        limit=limit, actor=who.name, address=client_address(request))
    except SuggestionError as exc:
        return _page(request, templates, collection, error=str(exc), typed=typed, status=422)
    return RedirectResponse(f"/review/batches?assigned={count}#batches", status_code=303)


def batches_public(catalog: Catalog) -> BatchesPublic:
    reviewers = [ReviewerPublic(**p.to_dict()) for p in review.progress(catalog)]
    unassigned = catalog.suggestions.count(SuggestionQuery(assignee="", stale=False))
    return BatchesPublic(reviewers=reviewers, unassigned=unassigned)


def _page(request: Request, templates: TemplatesDep, collection: Collection, *, assigned: int = -1,
          error: str = "", typed: dict[str, str] | None = None, status: int = 200) -> Response:
    catalog = collection.catalog
    context: dict[str, Any] = {
        "collection": collection, "batches": batches_public(catalog), "assigned": assigned, "error": error,
        "typed": typed or {"limit": "50"}, "reviewers": _reviewers(catalog), "kinds": KINDS,
        "agents": list(reversed(catalog.suggestions.agents()))}
    return templates.TemplateResponse(request, "review_batches.html", context, status_code=status)


def _reviewers(catalog: Catalog) -> list[str]:
    """Enabled accounts whose role may review suggestions."""
    return [a.user.name for a in list_accounts(catalog)
            if not a.user.disabled and Permission.CATALOGUE in GRANTS[Role(a.user.role)]]


def _query(kinds: list[str], agent_ids: list[int]) -> SuggestionQuery:
    """Unassigned proposed suggestions still valid (not stale), of these kinds and agents, oldest first."""
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise SuggestionError(f"unknown suggestion kind {unknown[0]!r}; kinds: {', '.join(KINDS)}")
    return SuggestionQuery(kinds=tuple(kinds), agent_ids=tuple(agent_ids), assignee="", stale=False,
                           order="id")


def _whole(text: str, name: str, low: int, high: int) -> int:
    if not text.strip().isdigit() or not low <= int(text) <= high:
        raise SuggestionError(f"{name} must be a whole number from {low} to {high}, not {text!r}")
    return int(text)


router.include_router(api)
router.include_router(pages)
