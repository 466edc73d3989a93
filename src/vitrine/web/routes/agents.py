"""Agent versions and decision windows, for cataloguers: every version with its suggestions by status;
one version's precision as people reviewed it (by score band and by week) with the window those
figures support; and a decision window previewed, then applied.

A window is applied only with the counts of its preview (`review.apply_window(..., expected=...)`):
if more suggestions fell into it since, nothing is decided and the page shows the new preview.
Every decision it makes is audited, and so is the window itself.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from vitrine.accounts import Permission
from vitrine.catalog.suggestions import StoredAgent, Suggestion, SuggestionQuery, SuggestionStore
from vitrine.collection import Collection
from vitrine.errors import DecisionConflict, SuggestionError
from vitrine.suggestions import review
from vitrine.suggestions.report import AgentReport, agent_report
from vitrine.suggestions.values import STATUSES
from vitrine.web.auth import Allowed, PrincipalDep, client_address
from vitrine.web.charts import share_chart
from vitrine.web.deps import MAX_ID, CollectionDep, RateLimited, TemplatesDep
from vitrine.web.present import record_url
from vitrine.web.provenance import moment
from vitrine.web.schemas.agents import (
    AgentPublic,
    AgentReportPublic,
    BandPublic,
    SampleSuggestionPublic,
    SuggestedWindowPublic,
    WeekPublic,
    WindowAppliedPublic,
    WindowPreviewPublic,
    WindowRequest,
)
from vitrine.web.schemas.errors import error_responses
from vitrine.web.security import read_form

router = APIRouter(dependencies=[Allowed(Permission.CATALOGUE), RateLimited])
pages = APIRouter(include_in_schema=False)
_ERRORS = error_responses((404, "no such agent"), (409, "the window changed since its preview"),
                          (422, "invalid request"))
api = APIRouter(prefix="/api/suggestions/agents", tags=["suggestions"], responses=_ERRORS)
AgentIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="an agent version's id")]
ScoreQuery = Annotated[str, Query(max_length=40, description="a score (empty: no bound)")]
CountQuery = Annotated[int, Query(ge=0, le=10**9)]
_MAX_FORM_BYTES = 16 * 1024


# -- API ------------------------------------------------------------------------------------------


@api.get("", response_model=list[AgentPublic])
def api_agents(collection: CollectionDep) -> list[AgentPublic]:
    """Every agent version (software, model, trained state, parameters) with its suggestions by status."""
    return agents_public(collection.catalog.suggestions)


@api.get("/{agent_id}", response_model=AgentReportPublic)
def api_agent(agent_id: AgentIdPath, collection: CollectionDep) -> AgentReportPublic:
    """One agent version's precision as reviewed, by score band and by week, and the window it supports."""
    return report_public(collection, agent_report(collection.catalog, agent_id))


@api.get("/{agent_id}/window", response_model=WindowPreviewPublic)
def api_preview_window(agent_id: AgentIdPath, collection: CollectionDep, accept_from: ScoreQuery = "",
                       reject_below: ScoreQuery = "") -> WindowPreviewPublic:
    """How many proposed suggestions a window would accept (score >= accept_from) and reject
    (score < reject_below), with a sample of each. Apply it with POST and these counts."""
    window = _window(collection, agent_id, accept_from, reject_below)
    return preview_public(window, review.preview_window(collection.catalog, window))


@api.post("/{agent_id}/window", response_model=WindowAppliedPublic)
async def api_apply_window(request: Request, agent_id: AgentIdPath, body: WindowRequest,
                           collection: CollectionDep, who: PrincipalDep) -> WindowAppliedPublic:
    """Decide every proposed suggestion in the window; refused (409) when it holds more than `expected`."""
    collection.catalog.suggestions.agent(agent_id)
    window = review.Window(agent_id, body.accept_from, body.reject_below)
    done = await run_in_threadpool(review.apply_window, collection.catalog, window, actor=who.name,
                                   expected=body.expected, address=client_address(request))
    return WindowAppliedPublic(decided=done)


# -- pages ----------------------------------------------------------------------------------------


@pages.get("/review/agents", response_class=HTMLResponse)
def agents_page(request: Request, templates: TemplatesDep, collection: CollectionDep) -> Response:
    return templates.TemplateResponse(request, "review_agents.html", {
        "collection": collection, "agents": agents_public(collection.catalog.suggestions), "when": moment})


@pages.get("/review/agents/{agent_id}", response_class=HTMLResponse)
def agent_page(request: Request, agent_id: AgentIdPath, templates: TemplatesDep, collection: CollectionDep,
               accept_from: ScoreQuery = "", reject_below: ScoreQuery = "", accepted: CountQuery = -1,
               rejected: CountQuery = -1) -> Response:
    """The agent's report; with `accept_from` / `reject_below`, the preview of that window and the form
    that applies it; `accepted` / `rejected` are what an applied window decided."""
    applied = {k: v for k, v in (("accept", accepted), ("reject", rejected)) if v >= 0}
    return _agent_page(request, templates, collection, agent_id, accept_from, reject_below, applied=applied)


@pages.post("/review/agents/{agent_id}/window", response_class=HTMLResponse)
async def apply_from_form(request: Request, agent_id: AgentIdPath, templates: TemplatesDep,
                          collection: CollectionDep, who: PrincipalDep) -> Response:
    form = await read_form(request, _MAX_FORM_BYTES, photo=False)
    low, high = form.get("accept_from"), form.get("reject_below")
    try:
        window = _window(collection, agent_id, low, high)
        expected = {a: _count(form.get(f"expected_{a}")) for a in window.queries()}
        done = await run_in_threadpool(review.apply_window, collection.catalog, window, actor=who.name,
                                       expected=expected, address=client_address(request))
    except SuggestionError as exc:  # a bad bound, or a window that grew since its preview: preview again
        status = 409 if isinstance(exc, DecisionConflict) else 422
        return _agent_page(request, templates, collection, agent_id, low, high, error=str(exc), status=status)
    counts = "&".join(f"{'accepted' if a == 'accept' else 'rejected'}={n}" for a, n in done.items())
    return RedirectResponse(f"/review/agents/{agent_id}?{counts}#applied", status_code=303)


def _agent_page(request: Request, templates: TemplatesDep, collection: Collection, agent_id: int,
                accept_from: str, reject_below: str, *, applied: dict[str, int] | None = None,
                error: str = "", status: int = 200) -> Response:
    report = report_public(collection, agent_report(collection.catalog, agent_id))
    preview = None
    if (accept_from or reject_below) and not applied:
        try:
            window = _window(collection, agent_id, accept_from, reject_below)
            preview = preview_public(window, review.preview_window(collection.catalog, window))
        except SuggestionError as exc:
            error, status = error or str(exc), 422 if status == 200 else status
    context: dict[str, Any] = {
        "collection": collection, "report": report, "preview": preview, "applied": applied or {},
        "error": error, "typed": {"accept_from": accept_from, "reject_below": reject_below},
        "band_chart": share_chart([(f"{b.low:g}–{b.high:g}", b.precision) for b in report.bands]),
        "week_chart": share_chart([(w.start[5:], w.precision) for w in report.weeks[-26:]]), "when": moment}
    return templates.TemplateResponse(request, "review_agent.html", context, status_code=status)


# -- presenting -----------------------------------------------------------------------------------


def agents_public(store: SuggestionStore) -> list[AgentPublic]:
    """Every agent version, newest first, with its suggestions counted by status."""
    by_status = {s: store.counts_by("agent_id", SuggestionQuery(statuses=(s,))) for s in STATUSES}
    return [agent_public(a, {s: by_status[s].get(a.id, 0) for s in STATUSES})
            for a in reversed(store.agents())]


def agent_public(agent: StoredAgent, counts: dict[str, int]) -> AgentPublic:
    return AgentPublic(**agent.to_dict(), counts=counts, url=f"/api/suggestions/agents/{agent.id}",
                       page_url=f"/review/agents/{agent.id}")


def report_public(collection: Collection, report: AgentReport) -> AgentReportPublic:
    store = collection.catalog.suggestions
    query = SuggestionQuery(agent_ids=(report.agent.id,), statuses=())
    found = store.counts_by("status", query)
    counts = {s: found.get(s, 0) for s in STATUSES}
    window = report.to_dict()["suggested_window"]
    return AgentReportPublic(
        agent=agent_public(report.agent, counts), bands=[BandPublic(**b.to_dict()) for b in report.bands],
        weeks=[WeekPublic(**w.to_dict()) for w in report.weeks],
        suggested_window=SuggestedWindowPublic(**window))


def preview_public(window: review.Window, preview: review.WindowPreview) -> WindowPreviewPublic:
    return WindowPreviewPublic(
        agent_id=window.agent_id, accept_from=window.accept_from, reject_below=window.reject_below,
        counts=preview.counts, samples={k: [_sample(s) for s in v] for k, v in preview.samples.items()})


def _sample(s: Suggestion) -> SampleSuggestionPublic:
    return SampleSuggestionPublic(id=s.id, identifier=s.identifier, kind=s.kind, label=s.label, score=s.score,
                                  record_url=record_url(s.identifier) if s.identifier else None)


def _window(collection: Collection, agent_id: int, accept_from: str, reject_below: str) -> review.Window:
    """The window these bounds name, for an agent that exists (an unknown one is a 404)."""
    collection.catalog.suggestions.agent(agent_id)
    return review.Window(agent_id, _score(accept_from, "accept from"), _score(reject_below, "reject below"))


def _score(text: str, name: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise SuggestionError(f"the score to {name} must be a number, not {text!r}") from None
    if value != value or abs(value) == float("inf"):
        raise SuggestionError(f"the score to {name} must be a finite number, not {text!r}")
    return value


def _count(text: str) -> int:
    if not text.strip().isdigit():
        raise SuggestionError("this window has not been previewed: preview it first, then apply it")
    return int(text)


router.include_router(api)
router.include_router(pages)
