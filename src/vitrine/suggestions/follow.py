"""Agents that follow imports: after every import (and its indexing), each runs over the collection
again, and, since an agent version never looks twice at what it has seen, looks only at the new
or changed works. A saved classifier (`concept`, its latest version by default) so suggests its
concept on every later import, as do the dates, records or faces agents when followed.

The list lives in the collection's settings (`collection.json` -> `follow`); following and
unfollowing are audited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from vitrine.catalog.jobs import Job
from vitrine.collection import Collection
from vitrine.errors import SuggestionError, VitrineError
from vitrine.suggestions.agents import create_agent
from vitrine.suggestions.files import checked_options
from vitrine.suggestions.run import Scope, create_job, run_job

RunJob = Callable[[Collection, int], Job]


@dataclass(frozen=True)
class Followed:
    """One agent's run after an import: its job, or why it could not run."""

    agent: str
    options: dict[str, Any]
    job: Job | None = None
    error: str = ""


def followed(collection: Collection) -> list[dict[str, Any]]:
    """The agents that run after every import, with their options."""
    return [dict(f) for f in collection.config.follow]


def follow(collection: Collection, agent: str, options: dict[str, Any] | None = None, *, actor: str,
           address: str = "") -> None:
    """Run `agent` with `options` after every import (an agent may follow with several sets of
    options: one concept each, say). An unknown agent or option, or a file option outside the
    folders agents may read (`vitrine.suggestions.files`), is refused now."""
    create_agent(agent, checked_options(collection.root, agent, options))
    entry = {"agent": agent, "options": dict(options or {})}
    kept = [f for f in collection.config.follow if f != entry]
    catalog = collection.catalog
    with catalog.transaction():
        catalog.audit.record(actor, "agent.follow", f"agent:{agent}", after=entry, address=address)
        collection.set_follow([*kept, entry])


def unfollow(collection: Collection, agent: str, options: dict[str, Any] | None = None, *, actor: str,
             address: str = "") -> None:
    """Stop running `agent` after imports (only the entry with these options, when given)."""
    kept = [f for f in collection.config.follow
            if f["agent"] != agent or (options is not None and f["options"] != options)]
    if len(kept) == len(collection.config.follow):
        raise SuggestionError(f"the agent {agent!r} does not follow the imports of {collection.name!r}")
    with collection.catalog.transaction():
        collection.catalog.audit.record(actor, "agent.unfollow", f"agent:{agent}",
                                        before={"agent": agent, "options": options}, address=address)
        collection.set_follow(kept)


def run_followed(collection: Collection, *, actor: str, run: RunJob | None = None) -> list[Followed]:
    """Run every followed agent over the collection, one job each (`run` runs a job: with a
    progress bar from the CLI). An agent that cannot run is reported and the others go on."""
    out = []
    for entry in followed(collection):
        agent, options = entry["agent"], entry["options"]
        try:
            job = create_job(collection.catalog, agent, options=options, scope=Scope(), actor=actor)
            done = run(collection, job.id) if run else run_job(collection, job.id)
        except VitrineError as exc:
            out.append(Followed(agent, options, error=str(exc)))
            continue
        out.append(Followed(agent, options, done))
    return out
