"""Running an agent over a collection, as a job: resumable, cancellable, one bad item never stops it.

The job pages through the records (or their images) in id order. Each batch's suggestions, the
inputs the agent looked at and the job's counts are written in one transaction: a job killed
mid-batch loses that batch only, and the next run skips every input this agent version has seen,
so nothing is looked at twice nor stored twice. An item on which the agent raises is reported
(`catalog.jobs.errors`) and left unseen, so a later run tries it again.

The agent looks at the items here (engine "local", the default) or on Ray workers (engine "ray":
the agent as a stage, `stage.SuggestStage`, through the indexing engine `indexing.onray`); either
way only this process, the driver, writes suggestions, inputs seen and the job's counts, and an
item a retried Ray task delivers twice is stored once.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any

from vitrine.catalog import Catalog
from vitrine.catalog.jobs import Job
from vitrine.catalog.suggestions import NewSuggestion, StoredAgent
from vitrine.collection import Collection
from vitrine.errors import AgentError, JobError, RecordNotFound, SuggestionError, VitrineError
from vitrine.indexing.onray import check_engine, ray_map
from vitrine.indexing.stages import Stage
from vitrine.jobs import ProgressCallback, Reporter
from vitrine.jobs.worker import settle
from vitrine.suggestions.agents import Agent, Item, Proposal, create_agent
from vitrine.suggestions.files import checked_options
from vitrine.suggestions.stage import Chunk, Outcome, SuggestStage, describe, look
from vitrine.suggestions.values import check_kind, check_region, check_value, label_of

if TYPE_CHECKING:
    from vitrine.fetch import FetchOptions
    from vitrine.storage.s3 import S3Options

log = logging.getLogger(__name__)

JOB_KIND = "suggest"
BATCH = 64
BEAT_S = 15.0
RAY_WINDOW = 32  # chunks handed to Ray at a time


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


def _suggestion_job(catalog: Catalog, job_id: int, engine: str, num_gpus: float) -> Job:
    """The job, refused when it is not a suggestion job or the engine cannot run (said on the job)."""
    job = catalog.jobs.get(job_id)
    if job.kind != JOB_KIND:
        raise JobError(f"job {job_id} is a {job.kind} job, not a suggestion job")
    try:
        check_engine(engine, num_gpus)
    except VitrineError as exc:  # Ray missing where the worker runs: say so on the job
        catalog.jobs.finish(job_id, "failed", str(exc))
        raise
    return job


def run_job(collection: Collection, job_id: int, *, progress: ProgressCallback | None = None,
            batch: int = BATCH, engine: str = "local", workers: int | None = None,
            num_gpus: float = 0.0, fetch: FetchOptions | None = None, s3: S3Options | None = None) -> Job:
    """Run (or resume) job `job_id`, here or on Ray (`engine`; `workers`: concurrent Ray tasks;
    `num_gpus`: GPUs each task asks for; `fetch`, `s3`: how a worker reads an image it has no file of);
    the catalogue is written here either way. Returns the job as it ended."""
    catalog = collection.catalog
    job = _suggestion_job(catalog, job_id, engine, num_gpus)
    options, agent, stored = _prepared(collection, job)
    among = Scope.from_dict(job.scope).record_ids(catalog)
    total = _total(catalog, agent, among)
    running = settle(catalog, catalog.jobs.get(job_id))
    if running.state == "running" and running.pid != os.getpid():
        raise JobError(f"job {job_id} is running already (process {running.pid}); cancel it first")
    catalog.jobs.start(job_id, os.getpid(), total)
    reporter = Reporter(progress, f"{job.agent} suggestions", total)
    counts = _Counts()
    chunks = _chunks(collection, agent, stored, among, batch)
    if engine == "ray":
        stage = SuggestStage(job.agent, options, str(collection.root), stored.key, uuid.uuid4().hex,
                             fetch, s3)
        outcomes = _on_ray(chunks, Stage("suggest", stage, num_gpus), workers)
    else:
        outcomes = (look(agent, chunk, _Beat(catalog, job_id)) for chunk in chunks)
    try:
        while not catalog.jobs.cancel_requested(job_id):
            outcome = next(outcomes, None)
            if outcome is None:
                catalog.jobs.finish(job_id, "done", _summary(counts, "done"))
                return catalog.jobs.get(job_id)
            _write(catalog, stored, job_id, outcome, counts)
            reporter.advance(len(outcome))
    except KeyboardInterrupt:
        catalog.jobs.finish(job_id, "interrupted", _summary(counts, "interrupted; run it again to resume"))
        raise
    except BaseException as exc:
        catalog.jobs.finish(job_id, "failed", f"{type(exc).__name__}: {exc}")
        raise
    finally:
        close = getattr(outcomes, "close", None)
        if close is not None:  # a job cancelled mid-way: Ray's tasks in flight are dropped
            close()
    catalog.jobs.finish(job_id, "cancelled", _summary(counts, "cancelled"))
    return catalog.jobs.get(job_id)


def run_agent(collection: Collection, agent: str, *, options: dict[str, Any] | None = None,
              scope: Scope = Scope(), actor: str = "", progress: ProgressCallback | None = None,
              engine: str = "local", workers: int | None = None, num_gpus: float = 0.0,
              fetch: FetchOptions | None = None, s3: S3Options | None = None) -> Job:
    """Create a job for `agent` and run it here or on Ray (what `vitrine suggest run` does)."""
    check_engine(engine, num_gpus)  # before the job is created: no queued job left for want of Ray
    job = create_job(collection.catalog, agent, options=options, scope=scope, actor=actor)
    return run_job(collection, job.id, progress=progress, engine=engine, workers=workers, num_gpus=num_gpus,
                   fetch=fetch, s3=s3)


def _prepared(collection: Collection, job: Job) -> tuple[dict[str, Any], Agent, StoredAgent]:
    """The job's checked options, its agent built and prepared here, and the agent version's row."""
    options = checked_options(collection.root, job.agent, job.options)
    agent = create_agent(job.agent, options)
    try:
        agent.prepare(collection)
    except VitrineError as exc:  # a missing concept or model: the job cannot start
        collection.catalog.jobs.finish(job.id, "failed", str(exc))
        raise
    info = agent.info()
    return options, agent, collection.catalog.suggestions.agent_row(info.key(), info.to_dict())


class _Beat:
    """Says the job is alive, at most every `BEAT_S` (slow items: a CNN on CPU)."""

    def __init__(self, catalog: Catalog, job_id: int) -> None:
        self.catalog, self.job_id, self.last = catalog, job_id, time.monotonic()

    def __call__(self) -> None:
        if time.monotonic() - self.last > BEAT_S:
            self.catalog.jobs.beat(self.job_id)
            self.last = time.monotonic()


def _on_ray(chunks: Iterator[Chunk], stage: Stage, workers: int | None) -> Iterator[Outcome]:
    """The chunks looked at on Ray, a window of them at a time (the driver never holds the whole job)."""
    while window := list(islice(chunks, RAY_WINDOW)):
        yield from (Outcome([], c.skipped) for c in window if not c.items)
        yield from ray_map([stage], [c for c in window if c.items], workers)


def _write(catalog: Catalog, stored: StoredAgent, job_id: int, outcome: Outcome, counts: _Counts) -> None:
    """Store a chunk's suggestions, errors and counts in one transaction. An item this agent version
    has seen already (a chunk delivered twice) is passed over: nothing is stored twice."""
    if outcome.fatal:  # the agent itself cannot run (a missing model): every item would fail the same way
        raise AgentError(outcome.fatal)
    seen = catalog.suggestions.seen(stored.id, [(one.item.target, one.item.basis) for one in outcome.looked])
    looked: list[tuple[str, str]] = []
    proposals: list[NewSuggestion] = []
    errors: list[tuple[str, str]] = []
    for one in outcome.looked:
        key = (one.item.target, one.item.basis)
        if key in seen:
            continue
        error = one.error
        try:  # agent output is not trusted: a bad answer fails its item only
            checked = [] if error else [_checked(one.item, p) for p in one.proposals]
        except Exception as exc:
            error = describe(exc)
        if error:
            errors.append((f"{one.item.record.identifier} ({one.item.target})", error))
            log.warning("agent %s failed on %s: %s", stored.name, one.item.target, error)
            continue
        proposals.extend(checked)
        looked.append(key)
    with catalog.transaction():
        for item, message in errors:
            catalog.jobs.add_error(job_id, item, message)
        made = catalog.suggestions.add(stored.id, job_id, looked, proposals)
        catalog.jobs.advance(job_id, done=len(outcome), failed=len(errors), made=made)
    counts.done += len(outcome)
    counts.failed += len(errors)
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


def _chunks(collection: Collection, agent: Agent, stored: StoredAgent, among: list[int] | None,
            size: int) -> Iterator[Chunk]:
    """Each page of items, less the ones this agent version has seen (counted as skipped)."""
    for items in _batches(collection, agent, among, size):
        seen = collection.catalog.suggestions.seen(stored.id, [(i.target, i.basis) for i in items])
        todo = [i for i in items if (i.target, i.basis) not in seen]
        yield Chunk(todo, len(items) - len(todo))


def _summary(counts: _Counts, state: str) -> str:
    return (f"{state}: {counts.done} items, {counts.made} new suggestions"
            + (f", {counts.failed} failed" if counts.failed else ""))
