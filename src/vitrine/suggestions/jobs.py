"""Agent jobs started and watched from elsewhere than a shell (the web app): start one in a worker
process, ask one to stop, read one's state with a dead worker told apart from a running one.

`start_job` checks the request and stores the queued job (with its audit row) in one transaction,
then starts `vitrine.jobs.worker.spawn`: the work never runs in the caller, which returns at once.
Reading goes through `worker.settle`, so a job whose worker was killed reads as interrupted.
"""

from __future__ import annotations

from typing import Any

from vitrine.catalog import Catalog
from vitrine.catalog.jobs import Job
from vitrine.collection import Collection
from vitrine.errors import JobError, PluginError, RecordNotFound
from vitrine.jobs import worker
from vitrine.suggestions.run import Scope, create_job


def start_job(collection: Collection, agent: str, *, options: dict[str, Any] | None = None,
              scope: Scope | None = None, actor: str, address: str = "") -> Job:
    """Queue a job for `agent` over `scope` and start its worker process; returns the queued job.

    A bad request (unknown agent, option, record or set) is a `JobError` naming what was wrong,
    raised before anything is stored."""
    catalog = collection.catalog
    try:  # create_job audits it, in the transaction that stores it
        job = create_job(catalog, agent, options=options, scope=scope or Scope(), actor=actor,
                         address=address)
    except (PluginError, RecordNotFound) as exc:  # the request's fault: said as such
        raise JobError(str(exc)) from None
    try:
        catalog.jobs.set_pid(job.id, worker.spawn(collection.root, job.id))
    except OSError as exc:
        catalog.jobs.finish(job.id, "failed", f"its worker could not be started: {exc}")
        raise JobError(f"job {job.id} was stored but its worker could not be started: {exc}") from None
    return catalog.jobs.get(job.id)


def cancel_job(catalog: Catalog, job_id: int, *, actor: str, address: str = "") -> Job:
    """Ask job `job_id` to stop (its worker stops between batches; a queued job stops at once).
    A job that has finished already is left as it is, and nothing is audited."""
    with catalog.transaction():
        before = read_job(catalog, job_id)
        if before.finished:
            return before
        after = catalog.jobs.request_cancel(job_id)
        catalog.audit.record(actor, "job.cancel", f"job:{job_id}", before={"state": before.state},
                             after={"state": after.state, "cancel_requested": True}, address=address)
    return after


def read_job(catalog: Catalog, job_id: int) -> Job:
    """Job `job_id` as it stands: a running job whose worker is gone reads as interrupted."""
    return worker.settle(catalog, catalog.jobs.get(job_id))


def recent_jobs(catalog: Catalog, limit: int = 50) -> list[Job]:
    """The latest jobs, newest first, each settled as `read_job` does."""
    return [worker.settle(catalog, job) for job in catalog.jobs.recent(limit)]


def job_progress(job: Job) -> float | None:
    """How far a job got, from 0 to 1 (None before its size is known)."""
    if job.state == "done":
        return 1.0
    if not job.total:
        return None
    return min(1.0, job.done / job.total)
