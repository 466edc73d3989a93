"""Agent jobs from the browser and the API: the recent jobs with their progress, starting one, cancelling one.

A job started here runs in a worker process (`vitrine.suggestions.jobs.start_job`), never in the
request: the answer comes at once, and the jobs page follows the worker's progress (a small script
polls `GET /api/jobs/{id}`; without JavaScript the page refreshes itself while a job runs). Reading a
job settles it, so one whose worker died shows as interrupted. Starting and cancelling are audited.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from vitrine.accounts import Permission, Principal
from vitrine.catalog import Catalog
from vitrine.catalog.jobs import Job
from vitrine.collection import Collection
from vitrine.errors import JobError, SetNotFound, SuggestionError
from vitrine.search.sets import get_set, list_sets
from vitrine.suggestions.agents import available_agents, parse_options
from vitrine.suggestions.jobs import cancel_job, job_progress, read_job, recent_jobs, start_job
from vitrine.suggestions.run import Scope
from vitrine.web.auth import Allowed, PrincipalDep, client_address, set_user
from vitrine.web.deps import MAX_ID, CollectionDep, RateLimited, TemplatesDep
from vitrine.web.provenance import moment
from vitrine.web.schemas.errors import error_responses
from vitrine.web.schemas.jobs import JobErrorPublic, JobListPublic, JobPublic, JobRequest
from vitrine.web.security import read_form

router = APIRouter(dependencies=[Allowed(Permission.CATALOGUE), RateLimited])
pages = APIRouter(include_in_schema=False)
_ERRORS = error_responses((404, "no such job"), (422, "invalid request"))
api = APIRouter(prefix="/api/jobs", tags=["jobs"], responses=_ERRORS)
JobIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="a job id")]
DoneQuery = Annotated[str, Query(max_length=20, description="which change was just made")]
RECENT = 30
_MAX_FORM_BYTES = 2 * 1024 * 1024  # a list of identifiers may be long
#: what the page says after a change, by the code in its `done=` (never text from the URL itself)
NOTICES = {
    "started": "The job was started in a worker process; its progress shows below.",
    "cancelled": "The job was asked to stop: it stops after the batch it is working on.",
}


# -- API ------------------------------------------------------------------------------------------


@api.get("", response_model=JobListPublic)
def api_jobs(collection: CollectionDep) -> JobListPublic:
    """The latest jobs, newest first, and the agents a new job may run."""
    catalog = collection.catalog
    return JobListPublic(jobs=[job_public(catalog, j) for j in recent_jobs(catalog, RECENT)],
                         agents=available_agents())


@api.get("/{job_id}", response_model=JobPublic)
def api_job(job_id: JobIdPath, collection: CollectionDep) -> JobPublic:
    """One job: its state, counts, progress, and the items its agent failed on."""
    catalog = collection.catalog
    return job_public(catalog, read_job(catalog, job_id), errors=100)


@api.post("", response_model=JobPublic, status_code=202)
async def api_start_job(request: Request, body: JobRequest, collection: CollectionDep,
                        who: PrincipalDep) -> Response:
    """Start an agent over all records, some identifiers, or a saved set's works, in a worker process.
    Answers at once (202) with the queued job; follow it at its `url`."""
    scope = Scope(tuple(body.identifiers), _visible_set(collection, who, body.saved_set))
    job = await run_in_threadpool(start_job, collection, body.agent, options=body.options, scope=scope,
                                  actor=who.name, address=client_address(request))
    shown = job_public(collection.catalog, job)
    return JSONResponse(shown.model_dump(), status_code=202, headers={"Location": shown.url})


@api.post("/{job_id}/cancel", response_model=JobPublic)
def api_cancel_job(request: Request, job_id: JobIdPath, collection: CollectionDep,
                   who: PrincipalDep) -> JobPublic:
    """Ask a job to stop (after its current batch; a queued job stops at once)."""
    job = cancel_job(collection.catalog, job_id, actor=who.name, address=client_address(request))
    return job_public(collection.catalog, job)


# -- pages ----------------------------------------------------------------------------------------


@pages.get("/review/jobs", response_class=HTMLResponse)
def jobs_page(request: Request, templates: TemplatesDep, collection: CollectionDep, who: PrincipalDep,
              done: DoneQuery = "") -> Response:
    """The recent jobs with their progress, and the form to start one."""
    return _page(request, templates, collection, who, notice=NOTICES.get(done, ""))


@pages.post("/review/jobs", response_class=HTMLResponse)
async def start_from_form(request: Request, templates: TemplatesDep, collection: CollectionDep,
                          who: PrincipalDep) -> Response:
    form = await read_form(request, _MAX_FORM_BYTES, photo=False, field_limit=_MAX_FORM_BYTES)
    typed = {k: form.get(k) for k in ("agent", "options", "scope", "identifiers", "saved_set")}
    try:
        options = parse_options(line for line in typed["options"].splitlines() if line.strip())
        scope = _form_scope(collection, who, typed)
        job = await run_in_threadpool(start_job, collection, typed["agent"], options=options, scope=scope,
                                      actor=who.name, address=client_address(request))
    except (JobError, SuggestionError) as exc:
        return _page(request, templates, collection, who, error=str(exc), typed=typed, status=422)
    return RedirectResponse(f"/review/jobs?done=started#job-{job.id}", status_code=303)


@pages.post("/review/jobs/{job_id}/cancel", response_class=HTMLResponse)
def cancel_from_form(request: Request, job_id: JobIdPath, collection: CollectionDep,
                     who: PrincipalDep) -> Response:
    cancel_job(collection.catalog, job_id, actor=who.name, address=client_address(request))
    return RedirectResponse(f"/review/jobs?done=cancelled#job-{job_id}", status_code=303)


# -- presenting -----------------------------------------------------------------------------------


def job_public(catalog: Catalog, job: Job, errors: int = 0) -> JobPublic:
    """The API's shape of a job, with up to `errors` of the items its agent failed on."""
    failed = catalog.jobs.errors(job.id, errors) if errors and job.failed else []
    return JobPublic(
        **job.to_dict(), finished=job.finished, progress=job_progress(job),
        errors=[JobErrorPublic(item=item, message=message) for item, message in failed],
        url=f"/api/jobs/{job.id}", page_url=f"/review/jobs#job-{job.id}")


def _page(request: Request, templates: TemplatesDep, collection: Collection, who: Principal, *,
          notice: str = "", error: str = "", typed: dict[str, str] | None = None,
          status: int = 200) -> Response:
    catalog = collection.catalog
    jobs = [job_public(catalog, j, errors=5) for j in recent_jobs(catalog, RECENT)]
    context: dict[str, Any] = {
        "collection": collection, "jobs": jobs, "agents": available_agents(), "notice": notice,
        "sets": [s.name for s in list_sets(collection, set_user(who))], "error": error,
        "typed": typed or {"scope": "all"}, "live": any(not j.finished for j in jobs), "when": moment}
    return templates.TemplateResponse(request, "review_jobs.html", context, status_code=status)


def _form_scope(collection: Collection, who: Principal, typed: dict[str, str]) -> Scope:
    """The records a job started from the form covers: all, the identifiers listed (one a line), or those
    of a saved set."""
    kind = typed["scope"] or "all"
    if kind == "all":
        return Scope()
    if kind == "identifiers":
        identifiers = tuple(dict.fromkeys(line.strip() for line in typed["identifiers"].splitlines()
                                          if line.strip()))
        if not identifiers:
            raise JobError("list the records' identifiers, one a line, or choose another scope")
        return Scope(identifiers=identifiers)
    if kind == "set":
        if not typed["saved_set"]:
            raise JobError("choose the saved set whose works the agent should look at")
        return Scope(set_name=_visible_set(collection, who, typed["saved_set"]))
    raise JobError(f"unknown scope {kind!r}: choose all, identifiers or set")


def _visible_set(collection: Collection, who: Principal, name: str | None) -> str | None:
    """The name of a saved set `who` may see; an unknown one (or another's private set) is refused."""
    if name is None:
        return None
    try:
        return get_set(collection, name, set_user(who)).name
    except SetNotFound as exc:
        raise JobError(str(exc)) from None


router.include_router(api)
router.include_router(pages)
