"""An agent as a stage: what runs where the items are looked at, in this process or on a Ray worker.

`look(agent, chunk)` asks the agent about each item of a chunk and returns what it said, or why it
failed, item by item; nothing here writes the catalogue (`run.py`, the driver, does). `SuggestStage`
is the same as a picklable stage of `vitrine.indexing.stages` for the Ray engine: it builds the
agent from its name and options once per worker process (again for each job run when it has a
`prepare` hook, which runs there, on the collection folder the worker must reach: a local Ray, or a
folder every node mounts), and refuses to run when the agent it built is not the version the driver
recorded (another model file on that node). An image whose file the worker cannot see is read
through the indexing reader (fetched into the worker's cache) and checked against its checksum.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vitrine import images
from vitrine.errors import AgentError, ImageError, VitrineError
from vitrine.suggestions.agents import AGENTS, Agent, Item, Proposal, create_agent

if TYPE_CHECKING:  # vitrine.fetch loads httpx, which agents over local files never need
    from vitrine.fetch import FetchOptions
    from vitrine.storage.s3 import S3Options


@dataclass(frozen=True)
class Chunk:
    """Items to look at, and how many of the page they came from were skipped (seen already)."""

    items: list[Item]
    skipped: int = 0


@dataclass(frozen=True)
class Looked:
    """One item and what the agent proposed about it, or why it failed (`error` not empty)."""

    item: Item
    proposals: list[Proposal] = field(default_factory=list)
    error: str = ""


@dataclass(frozen=True)
class Outcome:
    """A chunk looked at; `fatal` says why the agent cannot run at all (every item would fail)."""

    looked: list[Looked]
    skipped: int = 0
    fatal: str = ""

    def __len__(self) -> int:
        return len(self.looked) + self.skipped


def describe(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, VitrineError) else f"{type(exc).__name__}: {exc}"


def look(agent: Agent, chunk: Chunk, beat: Callable[[], None] | None = None,
         reach: Callable[[Item], Item] | None = None) -> Outcome:
    """What `agent` proposes about each item of `chunk`; one failing item never stops the others.

    `beat` is called between items (the local runner's heartbeat); `reach` makes an item's image
    readable here (a worker's copy). An `AgentError` means the agent cannot run: the outcome is fatal."""
    looked: list[Looked] = []
    for item in chunk.items:
        if beat is not None:
            beat()
        try:
            seen = reach(item) if reach is not None else item
            looked.append(Looked(item, list(agent.suggest(seen))))
        except AgentError as exc:
            return Outcome(looked, chunk.skipped, fatal=str(exc))
        except Exception as exc:  # one bad item must not stop the job
            looked.append(Looked(item, error=describe(exc)))
    return Outcome(looked, chunk.skipped)


_built: dict[str, Agent] = {}  # per worker process: each agent (and its model) is built once


@dataclass(frozen=True)
class SuggestStage:
    """The agent `name` with `options`, run on a worker over a `Chunk`; returns an `Outcome`.

    `root` is the collection folder (for `prepare` hooks and the worker's image cache), `key` the
    agent version the driver stored: a worker that builds another version refuses the chunk."""

    name: str
    options: dict[str, Any]
    root: str
    key: str
    run: str = ""  # this job run: an agent with a `prepare` hook prepares again for each run
    fetch: FetchOptions | None = None  # how a worker fetches an image it has no file of
    s3: S3Options | None = None  # the driver's object-storage settings (endpoint, bucket allow-list)

    def __call__(self, chunk: Chunk) -> Outcome:
        try:
            agent = self._agent()
        except VitrineError as exc:
            return Outcome([], chunk.skipped, fatal=describe(exc))
        return look(agent, chunk, reach=self._reach)

    def _agent(self) -> Agent:
        # the version is part of the key: a model saved since (a concept's new version under the same
        # options) builds and prepares the agent again, never answers with the one built before
        # state read from the collection (a saved classifier, the records compared) is read per job run
        prepares = getattr(AGENTS.load(self.name), "prepare", Agent.prepare) is not Agent.prepare
        cache_key = json.dumps([self.name, self.options, self.root, self.key, self.run if prepares else ""],
                               sort_keys=True, default=str)
        agent = _built.get(cache_key)
        if agent is None:
            agent = create_agent(self.name, self.options)
            if prepares:
                from vitrine.collection import open_collection

                agent.prepare(open_collection(Path(self.root)))  # kept open: the agent may read it
            if agent.info().key() != self.key:
                raise AgentError(f"the {self.name} agent built on this worker is not the version the job"
                                 f" runs ({agent.info().key()[:12]}, not {self.key[:12]}): install the same"
                                 " models and software on every node")
            _built.clear()  # one agent kept per worker: the models of earlier jobs are let go
            _built[cache_key] = agent
        return agent

    def _reach(self, item: Item) -> Item:
        """The item, its image read through the indexing reader when its file is not here."""
        if item.image is None or (item.image_path is not None and item.image_path.exists()):
            return item
        from vitrine.indexing.reader import Job, ReadOptions, local_file

        job = Job(item.image.id, item.image.location, None)
        options = ReadOptions(cache=str(Path(self.root) / "cache"), input_size=0,
                              max_pixels=images.DEFAULT_MAX_PIXELS, fetch=self.fetch, s3=self.s3)
        path, digest = local_file(job, options)
        if item.basis and digest != item.basis:
            raise ImageError(item.image.location, "changed since it was indexed: index it again")
        return replace(item, image_path=path)
