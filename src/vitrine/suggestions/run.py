"""Running an agent over a collection, as a job: resumable, cancellable, one bad item never stops it.

The job pages through the records (or their images) in id order. Each batch's suggestions, the
inputs the agent looked at and the job's counts are written in one transaction: a job killed
mid-batch loses that batch only, and the next run skips every input this agent version has seen,
so nothing is looked at twice nor stored twice. An item on which the agent raises is reported
(`catalog.jobs.errors`) and left unseen, so a later run tries it again.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from vitrine.catalog import Catalog
from vitrine.catalog.jobs import Job
from vitrine.catalog.suggestions import NewSuggestion, StoredAgent
from vitrine.collection import Collection
from vitrine.errors import AgentError, JobError, RecordNotFound, SuggestionError, VitrineError
from vitrine.jobs import ProgressCallback, Reporter
from vitrine.jobs.worker import settle
from vitrine.suggestions.agents import Agent, Item, Proposal, create_agent
from vitrine.suggestions.files import checked_options
from vitrine.suggestions.values import check_kind, check_region, check_value, label_of

log = logging.getLogger(__name__)

JOB_KIND = "suggest"
BATCH = 64
BEAT_S = 15.0


@dataclass(frozen=True)
class Scope:
    """Which records a job covers: the whole collection, some identifiers, or a saved set's works."""

    identifiers: tuple[str, ...] = ()
    set_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"identifiers": list(self.identifiers), "set": self.set_name}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scope:
        return cls(tuple(data.get("identifiers") or ()), data.get("set"))

    def record_ids(self, catalog: Catalog) -> list[int] | None:
        """The ids of the records in scope (None: every record); an unknown identifier is refused."""
        names = list(self.identifiers)
        if self.set_name is not None:
            saved = catalog.sets.get(self.set_name)
            if saved is None:
                raise JobError(f"no saved set named {self.set_name!r}")
            ids = []
            for identifier in saved.identifiers:  # works deleted since the set was saved are skipped
                try:
                    ids.append(catalog.record_id(identifier))
                except RecordNotFound:
                    log.info("set %s names %s, no longer in the catalogue", self.set_name, identifier)
            return sorted(set(ids) | {catalog.record_id(n) for n in names})
        if not names:
            return None
        return sorted({catalog.record_id(n) for n in names})


def create_job(catalog: Catalog, agent: str, *, options: dict[str, Any] | None = None,
               scope: Scope = Scope(), actor: str = "", address: str = "") -> Job:
    """A queued job for `agent`, checked first: an unknown agent, option or record is refused now,
    not in the worker; a file option outside the folders agents may read is refused
    (`vitrine.suggestions.files`). Audited as `job.create`."""
    options = checked_options(catalog.path.parent, agent, options)
    create_agent(agent, options)
    scope.record_ids(catalog)
    with catalog.transaction():
        job = catalog.jobs.create(JOB_KIND, agent, options=dict(options or {}), scope=scope.to_dict(),
                                  started_by=actor)
        catalog.audit.record(actor or "shell", "job.create", f"job:{job.id}",
                             after={"agent": agent, "options": job.options, "scope": job.scope},
                             address=address)
    return job


@dataclass
class _Counts:
    done: int = 0
    failed: int = 0
    made: int = 0


def run_job(collection: Collection, job_id: int, *, progress: ProgressCallback | None = None,
            batch: int = BATCH) -> Job:
    """Run (or resume) job `job_id` in this process; returns the job as it ended."""
    catalog = collection.catalog
    job = catalog.jobs.get(job_id)
    if job.kind != JOB_KIND:
        raise JobError(f"job {job_id} is a {job.kind} job, not a suggestion job")
    agent = create_agent(job.agent, checked_options(collection.root, job.agent, job.options))
    try:
        agent.prepare(collection)
    except VitrineError as exc:  # a missing concept or model: the job cannot start
        catalog.jobs.finish(job_id, "failed", str(exc))
        raise
    info = agent.info()
    stored = catalog.suggestions.agent_row(info.key(), info.to_dict())
    among = Scope.from_dict(job.scope).record_ids(catalog)
    total = _total(catalog, agent, among)
    running = settle(catalog, catalog.jobs.get(job_id))
    if running.state == "running" and running.pid != os.getpid():
        raise JobError(f"job {job_id} is running already (process {running.pid}); cancel it first")
    catalog.jobs.start(job_id, os.getpid(), total)
    reporter = Reporter(progress, f"{job.agent} suggestions", total)
    counts = _Counts()
    try:
        for items in _batches(collection, agent, among, batch):
            if catalog.jobs.cancel_requested(job_id):
                catalog.jobs.finish(job_id, "cancelled", _summary(counts, "cancelled"))
                return catalog.jobs.get(job_id)
            _run_batch(catalog, agent, stored, job_id, items, counts)
            reporter.advance(len(items))
    except KeyboardInterrupt:
        catalog.jobs.finish(job_id, "interrupted", _summary(counts, "interrupted; run it again to resume"))
        raise
    except BaseException as exc:
        catalog.jobs.finish(job_id, "failed", f"{type(exc).__name__}: {exc}")
        raise
    catalog.jobs.finish(job_id, "done", _summary(counts, "done"))
    return catalog.jobs.get(job_id)


def run_agent(collection: Collection, agent: str, *, options: dict[str, Any] | None = None,
              scope: Scope = Scope(), actor: str = "", progress: ProgressCallback | None = None) -> Job:
    """Create a job for `agent` and run it here (what `vitrine suggest run` does)."""
    job = create_job(collection.catalog, agent, options=options, scope=scope, actor=actor)
    return run_job(collection, job.id, progress=progress)


def _run_batch(catalog: Catalog, agent: Agent, stored: StoredAgent, job_id: int, items: Sequence[Item],
               counts: _Counts) -> None:
    seen = catalog.suggestions.seen(stored.id, [(i.target, i.basis) for i in items])
    looked: list[tuple[str, str]] = []
    proposals: list[NewSuggestion] = []
    failed = 0
    beat = time.monotonic()
    for item in items:
        if (item.target, item.basis) in seen:
            continue
        if time.monotonic() - beat > BEAT_S:  # slow items (a CNN on CPU): say the worker is alive
            catalog.jobs.beat(job_id)
            beat = time.monotonic()
        try:
            proposals.extend(_checked(item, p) for p in agent.suggest(item))
        except AgentError:
            raise  # the agent itself cannot run (a missing model): every item would fail the same way
        except Exception as exc:  # one bad item (or a bad answer about it) must not stop the job
            failed += 1
            catalog.jobs.add_error(job_id, f"{item.record.identifier} ({item.target})", _describe(exc))
            log.warning("agent %s failed on %s: %s", stored.name, item.target, exc)
            continue
        looked.append((item.target, item.basis))
    with catalog.transaction():
        made = catalog.suggestions.add(stored.id, job_id, looked, proposals)
        catalog.jobs.advance(job_id, done=len(items), failed=failed, made=made)
    counts.done += len(items)
    counts.failed += failed
    counts.made += made


def _checked(item: Item, proposal: Proposal) -> NewSuggestion:
    """A proposal as it will be stored, every part checked: agent output is not trusted."""
    kind = check_kind(proposal.kind)
    value = check_value(kind, proposal.value)
    region = check_region(proposal.region)
    if region is not None and item.image is None:
        raise SuggestionError("a region needs an image: this agent looks at records, not images")
    return NewSuggestion(
        record_id=item.record_id, basis=item.basis, kind=kind, value=value, label=label_of(kind, value),
        score=_unit("score", proposal.score), probability=_unit("probability", proposal.probability),
        image_id=item.image.id if item.image else 0, region=region)


def _unit(name: str, value: float | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    if not number == number or abs(number) == float("inf"):  # NaN or infinite
        raise SuggestionError(f"the agent gave a {name} of {value}")
    return number if name == "score" else min(1.0, max(0.0, number))


def _total(catalog: Catalog, agent: Agent, among: list[int] | None) -> int:
    if agent.target == "record":
        return catalog.count() if among is None else len(among)
    return catalog.count_read_images(among)


def _batches(collection: Collection, agent: Agent, among: list[int] | None,
             size: int) -> Iterator[list[Item]]:
    catalog = collection.catalog
    after = 0
    while True:
        if agent.target == "record":
            page = catalog.record_hashes(after, size, among)
            if not page:
                return
            records = catalog.get_many(rid for rid, _ in page)
            yield [Item(rid, records[rid], digest) for rid, digest in page if rid in records]
            after = page[-1][0]
        else:
            images = catalog.images_page(after, size, among)
            if not images:
                return
            records = catalog.get_many({i.record_id for i in images})
            yield [Item(i.record_id, records[i.record_id], i.sha256 or "", i, collection.image_path(i))
                   for i in images if i.record_id in records]
            after = images[-1].id


def _describe(exc: Exception) -> str:
    return str(exc) if isinstance(exc, VitrineError) else f"{type(exc).__name__}: {exc}"


def _summary(counts: _Counts, state: str) -> str:
    return (f"{state}: {counts.done} items, {counts.made} new suggestions"
            + (f", {counts.failed} failed" if counts.failed else ""))
