"""`vitrine suggest run|agents|jobs|show-job|cancel`: agents over a collection, as jobs.

An agent proposes; nothing it says enters the catalogue until a person accepts it (`vitrine
review`). Running an agent is a job: `run` creates one and runs it here with a progress bar;
Ctrl-C marks it interrupted, and running the same agent again resumes where it stopped (what an
agent version has looked at is never asked again). The web app starts the same jobs in a worker
process (`vitrine suggest work`, hidden). Jobs are started with the shell user as their author.
"""

from __future__ import annotations

import json
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from vitrine.catalog.jobs import Job
from vitrine.cli._common import (
    App,
    collection_argument,
    echo_json,
    exit_if_failed,
    parse_options,
    pass_app,
    progress_bar,
    shorten,
)
from vitrine.cli.evaluate import evaluate
from vitrine.cli.users import actor, when
from vitrine.collection import Collection
from vitrine.errors import VitrineError
from vitrine.suggestions import follow
from vitrine.suggestions.agents import AGENTS, read_agent_config
from vitrine.suggestions.jobs import cancel_job
from vitrine.suggestions.run import Scope, run_agent, run_job

if TYPE_CHECKING:
    from vitrine.fetch import FetchOptions
    from vitrine.storage.s3 import S3Options

#: errors of a job shown by `run` and `show-job` (the rest are counted)
SHOWN_ERRORS = 100


@click.group("suggest")
def suggest() -> None:
    """Machine suggestions: run an agent over a collection as a job; follow and cancel jobs;
    evaluate an agent against known answers."""


suggest.add_command(evaluate)


@suggest.command("run")
@collection_argument()
@click.argument("agent", metavar="AGENT")
@click.option("--records", multiple=True, metavar="ID",
              help="Only these records (repeatable, or comma-separated identifiers).")
@click.option("--set", "set_name", metavar="SETNAME", help="Only the works of this saved set.")
@click.option("--option", "pairs", multiple=True, metavar="KEY=VALUE",
              help="An option of the agent (repeatable; values read as JSON when they parse).")
@click.option("--config", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The agent's options from a TOML file (--option wins over it).")
@click.option("--json", "as_json", is_flag=True, help="Print the job and its errors as JSON.")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="Where the agent looks at the items: here, or on the Ray cluster RAY_ADDRESS names "
                   "(else a local Ray); needs the ray extra. Suggestions are stored here either way.")
@click.option("--workers", type=int, help="With --engine ray: concurrent Ray tasks (a local Ray: its CPUs).")
@click.option("--gpus", "num_gpus", type=float, default=0.0,
              help="With --engine ray: GPUs each agent task asks for (places it on a GPU node).")
@pass_app
def run(app: App, /, name: str, agent: str, records: tuple[str, ...], set_name: str | None,
        pairs: tuple[str, ...], config: Path | None, as_json: bool, engine: str,
        workers: int | None, num_gpus: float) -> None:
    """Run AGENT over collection NAME (or some of its records) and store what it proposes.

    Exit status 3 when the agent failed on some items (listed on stderr; running again retries
    them), 130 when interrupted (running again resumes)."""
    options = {**(read_agent_config(config, agent) if config else {}), **parse_options(pairs)}
    identifiers = tuple(i.strip() for part in records for i in part.split(",") if i.strip())
    with app.open(name) as coll:
        job = run_with_progress(coll, agent, options, Scope(identifiers=identifiers, set_name=set_name),
                                engine=engine, workers=workers, num_gpus=num_gpus,
                                fetch=app.settings.fetch_options() if engine == "ray" else None,
                                s3=app.settings.s3_options())
        errors = coll.catalog.jobs.errors(job.id, SHOWN_ERRORS)
    show_outcome(job, errors, as_json, name)


def run_with_progress(coll: Collection, agent: str, options: dict[str, Any] | None = None,
                      scope: Scope | None = None, engine: str = "local", workers: int | None = None,
                      num_gpus: float = 0.0, fetch: FetchOptions | None = None,
                      s3: S3Options | None = None) -> Job:
    """Create a job for `agent` and run it with a progress bar (also what `vitrine demo` does)."""
    with progress_bar(f"{agent} on {coll.name}", "item") as progress:
        return run_agent(coll, agent, options=options, scope=scope or Scope(), actor=actor(),
                         progress=progress, engine=engine, workers=workers, num_gpus=num_gpus,
                         fetch=fetch, s3=s3)


def show_outcome(job: Job, errors: list[tuple[str, str]], as_json: bool, name: str) -> None:
    """A finished job's summary (stdout) and errors (stderr); exit 3 when items failed."""
    if as_json:
        echo_json({"job": job.to_dict(), "errors": [{"item": i, "message": m} for i, m in errors]})
    else:
        click.echo(f"job {job.id} {job.state}: {job.done} items, {job.made} new suggestions, "
                   f"{job.failed} failed")
        if job.made:
            click.echo(f"review them with: vitrine review list {name} --agent {job.agent}")
    for item, message in errors:
        click.echo(f"  failed: {item}: {message}", err=True)
    if job.failed > len(errors):
        click.echo(f"  ... and {job.failed - len(errors)} more", err=True)
    if job.state == "cancelled":
        raise click.ClickException(f"job {job.id} was cancelled after {job.done} items; "
                                   "running the agent again resumes")
    exit_if_failed(job.failed, f"job {job.id}")


@suggest.command("work", hidden=True)
@click.argument("collection_path", metavar="COLLECTION")
@click.argument("job_id", type=int, metavar="JOB")
@pass_app
def work(app: App, /, collection_path: str, job_id: int) -> None:
    """Run the queued job JOB of COLLECTION (a name or path) in this process: the web app's worker."""
    with _term_as_interrupt(), app.open(collection_path) as coll:
        settings = app.settings
        job = run_job(coll, job_id, engine=settings.suggest.engine, workers=settings.workers or None,
                      fetch=settings.fetch_options() if settings.suggest.engine == "ray" else None,
                      s3=settings.s3_options())
        errors = coll.catalog.jobs.errors(job_id, SHOWN_ERRORS)
    show_outcome(job, errors, False, collection_path)


@contextmanager
def _term_as_interrupt() -> Iterator[None]:
    """SIGTERM (a stopped server, a killed worker) as Ctrl-C, so the job is marked interrupted."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    before = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


@suggest.command("agents")
@collection_argument(required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the agents as JSON.")
@pass_app
def agents(app: App, /, name: str | None, as_json: bool) -> None:
    """The agents vitrine knows (kinds of suggestion, what they look at); with NAME, also the
    agent versions that made suggestions in that collection, with their ids."""
    registered = [_describe(n) for n in AGENTS.available()]
    versions: list[dict[str, Any]] = []
    if name is not None:
        with app.open(name) as coll:
            counts = coll.catalog.suggestions.counts_by("agent_id")
            versions = [{**a.to_dict(), "suggestions": counts.get(a.id, 0)}
                        for a in coll.catalog.suggestions.agents()]
    if as_json:
        echo_json({"agents": registered, **({"versions": versions} if name is not None else {})})
        return
    click.echo(f"{'agent':<16}  {'target':<7}  kinds")
    for entry in registered:
        kinds = ", ".join(entry["kinds"]) if "error" not in entry else f"(cannot load: {entry['error']})"
        click.echo(f"{entry['name']:<16}  {entry['target']:<7}  {kinds}")
    if name is not None:
        click.echo(f"\nversions in {name}:" if versions else f"\nno agent has run in {name} yet")
        for v in versions:
            model = shorten(f"{v['model']} {v['model_version']}".strip() or v["software"], 32)
            click.echo(f"  id {v['id']:<5} {v['name']:<16}  {model:<32}  {v['suggestions']} suggestions, "
                       f"since {when(v['created_at'])}")


def _describe(agent_name: str) -> dict[str, Any]:
    try:
        factory = AGENTS.load(agent_name)
    except VitrineError as exc:  # a plugin that does not load still shows, with why
        return {"name": agent_name, "target": "?", "kinds": [], "error": str(exc)}
    return {"name": agent_name, "target": getattr(factory, "target", "?"),
            "kinds": list(getattr(factory, "kinds", ()))}


@suggest.command("jobs")
@collection_argument()
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True,
              help="At most this many jobs, newest first.")
@click.option("--json", "as_json", is_flag=True, help="Print the jobs as JSON.")
@pass_app
def jobs(app: App, /, name: str, limit: int, as_json: bool) -> None:
    """The latest jobs of collection NAME: state, items done of all, suggestions made, failures."""
    from vitrine.jobs.worker import settle

    with app.open(name) as coll:
        found = [settle(coll.catalog, job) for job in coll.catalog.jobs.recent(limit)]
    if as_json:
        echo_json([job.to_dict() for job in found])
        return
    if not found:
        click.echo(f"No jobs yet. Start one with 'vitrine suggest run {name} AGENT'.")
        return
    click.echo(f"{'job':>5}  {'state':<11}  {'agent':<16}  {'done':>13}  {'made':>7}  {'failed':>6}  "
               f"{'started by':<20}  created")
    for job in found:
        done = f"{job.done}/{job.total if job.total is not None else '?'}"
        click.echo(f"{job.id:>5}  {job.state:<11}  {shorten(job.agent, 16):<16}  {done:>13}  {job.made:>7}  "
                   f"{job.failed:>6}  {shorten(job.started_by, 20):<20}  {when(job.created_at)}")


@suggest.command("show-job")
@collection_argument()
@click.argument("job_id", type=int, metavar="JOB")
@click.option("--json", "as_json", is_flag=True, help="Print the job and its errors as JSON.")
@pass_app
def show_job(app: App, /, name: str, job_id: int, as_json: bool) -> None:
    """One job of collection NAME: its agent, options, scope, state, counts and the items that failed."""
    from vitrine.jobs.worker import settle

    with app.open(name) as coll:
        job = settle(coll.catalog, coll.catalog.jobs.get(job_id))
        errors = coll.catalog.jobs.errors(job_id, SHOWN_ERRORS)
    if as_json:
        echo_json({"job": job.to_dict(), "errors": [{"item": i, "message": m} for i, m in errors]})
        return
    total = job.total if job.total is not None else "?"
    for label, value in (("job", job.id), ("agent", job.agent), ("options", job.options or ""),
                         ("scope", _scope_text(job.scope)), ("state", job.state),
                         ("progress", f"{job.done} of {total} items, {job.made} new suggestions, "
                                      f"{job.failed} failed"),
                         ("started by", job.started_by), ("created", when(job.created_at)),
                         ("started", when(job.started_at)), ("finished", when(job.finished_at)),
                         ("message", job.message)):
        click.echo(f"{label + ':':<12} {value}")
    if errors:
        click.echo(f"errors{' (first ' + str(len(errors)) + ')' if job.failed > len(errors) else ''}:")
    for item, message in errors:
        click.echo(f"  {item}: {message}")


def _scope_text(scope: dict[str, Any]) -> str:
    parts = []
    if scope.get("set"):
        parts.append(f"set {scope['set']!r}")
    if scope.get("identifiers"):
        parts.append(f"records {', '.join(scope['identifiers'])}")
    return " and ".join(parts) or "every record"


@suggest.command("cancel")
@collection_argument()
@click.argument("job_id", type=int, metavar="JOB")
@pass_app
def cancel(app: App, /, name: str, job_id: int) -> None:
    """Stop job JOB of collection NAME: a queued job at once, a running one after its current batch."""
    with app.open(name) as coll:
        before = coll.catalog.jobs.get(job_id)
        job = cancel_job(coll.catalog, job_id, actor=actor())
    if before.finished:
        click.echo(f"job {job.id} is {job.state} already; nothing to cancel")
    elif job.state == "cancelled":
        click.echo(f"job {job.id} cancelled")
    else:
        click.echo(f"job {job.id}: asked to stop; its worker stops after the batch it is on")


@suggest.command("follow")
@collection_argument()
@click.argument("agent", metavar="AGENT", required=False)
@click.option("--option", "pairs", multiple=True, metavar="KEY=VALUE",
              help="An option of the agent (repeatable).")
@click.option("--stop", is_flag=True, help="Stop running AGENT (with these options, if given) after imports.")
@pass_app
def follow_(app: App, /, name: str, agent: str | None, pairs: tuple[str, ...], stop: bool) -> None:
    """Run AGENT after every import of NAME, so it suggests on new works too (a saved concept, say:
    AGENT concept --option 'concept=still life'). Without AGENT: the agents that follow imports."""
    with app.open(name) as coll:
        if agent is None:
            for entry in follow.followed(coll):
                click.echo(f"{entry['agent']}  {json.dumps(entry['options'], ensure_ascii=False)}")
            if not follow.followed(coll):
                click.echo(f"No agent follows the imports of {name!r}.")
            return
        options = parse_options(pairs) if pairs or not stop else None
        if stop:
            follow.unfollow(coll, agent, options, actor=actor())
            click.echo(f"{agent} no longer runs after imports of {name!r}")
        else:
            follow.follow(coll, agent, options, actor=actor())
            click.echo(f"{agent} runs after every import of {name!r}")


def run_followed(coll: Collection) -> int:
    """The agents that follow imports, run after one with a progress bar each; how many could not run."""
    def run(collection: Collection, job_id: int) -> Job:
        with progress_bar(f"agent job {job_id} on {collection.name}", "item") as progress:
            return run_job(collection, job_id, progress=progress)

    failed = 0
    for done in follow.run_followed(coll, actor=actor(), run=run):
        if done.job is None:
            failed += 1
            click.echo(f"  agent {done.agent} could not run after the import: {done.error}", err=True)
        else:
            click.echo(f"agent {done.agent}: {done.job.done} items, {done.job.made} new suggestions"
                       + (f", {done.job.failed} failed" if done.job.failed else ""))
    return failed
