"""A fresh web app per test for the cataloguing pages (each test runs agents and decides suggestions,
so none shares its catalogue with another, nor with the session app of the other web tests), and
helpers to make and decide suggestions in it."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from vitrine.catalog.suggestions import Suggestion, SuggestionQuery
from vitrine.collection import Collection, create_collection
from vitrine.indexing import index_collection
from vitrine.suggestions import review
from vitrine.suggestions.agents import AGENTS, Agent, AgentInfo, Item, Proposal
from vitrine.suggestions.run import Scope, run_agent, run_job
from vitrine.web import create_app
from web.conftest import make_settings, records

N_RECORDS = 8


def new_app(tmp_path: Path) -> FastAPI:
    """An app (not started) over 8 indexed works w00..w07 ("Study in colour no. N"; w03 has a long
    title, w04 none; w05 is named acc/1850/5)."""
    collection = create_collection(tmp_path / "coll", embedder="fake", index="memory", title="Test Museum")
    for record in records(tmp_path / "pictures")[:N_RECORDS]:
        collection.catalog.upsert(record)
    index_collection(collection, workers=1)
    collection.close()
    return create_app(make_settings(tmp_path), tmp_path / "coll")


@contextmanager
def started_app(tmp_path: Path) -> Iterator[FastAPI]:
    """`new_app`, started (its collection open) until the block ends."""
    app = new_app(tmp_path)
    with TestClient(app, raise_server_exceptions=False):
        yield app


def served(app: FastAPI) -> Collection:
    collection: Collection = app.state.collection
    return collection


def suggest(app: FastAPI, *identifiers: str, **options: Any) -> list[Suggestion]:
    """Run the fake agent (title words as tags) over `identifiers` (all when none); the proposed ones."""
    collection = served(app)
    job = run_agent(collection, "fake", options=options, scope=Scope(identifiers=identifiers))
    return collection.catalog.suggestions.find(SuggestionQuery(job_id=job.id, order="id", limit=1000))


def accept(app: FastAPI, identifier: str, label: str, actor: str = "ann",
           edit: str | None = None) -> Suggestion:
    """Decide the proposed suggestion `label` of `identifier`: accept it, or edit it to `edit`."""
    catalog = served(app).catalog
    [found] = [s for s in catalog.suggestions.find(SuggestionQuery(limit=1000))
               if s.identifier == identifier and s.label == label]
    if edit is None:
        return review.decide(catalog, found.id, "accept", actor=actor)
    return review.decide(catalog, found.id, "edit", actor=actor, value={"label": edit})


class Boxes(Agent):
    """Finds a ship in every image, in a box (and a sail as a triangle)."""

    name = "boxes"
    target = "image"
    kinds = ("tag",)

    def info(self) -> AgentInfo:
        return AgentInfo(name=self.name, software="tests", model="boxes", model_version="3")

    def suggest(self, item: Item) -> Iterable[Proposal]:
        yield Proposal("tag", {"label": "ship"}, score=0.9, region={"box": [10, 20, 50, 40]})
        yield Proposal("tag", {"label": "sail"}, score=0.4, region={"polygon": [[5, 5], [30, 5], [5, 30]]})


def suggest_boxes(app: FastAPI, identifier: str) -> None:
    """Run the `Boxes` agent (regions on images) over one record's images."""
    AGENTS.register("boxes", Boxes)
    try:
        run_agent(served(app), "boxes", scope=Scope(identifiers=(identifier,)))
    finally:
        AGENTS.unregister("boxes")


class Worker:
    """Stands for `worker.spawn`: notes each job it is given and, once `go` is set, runs it in a thread
    of this process (the real spawn starts `python -m vitrine suggest work` detached)."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.spawned: list[tuple[Path, int]] = []
        self.go = threading.Event()
        self.threads: list[threading.Thread] = []

    def __call__(self, root: Path, job_id: int) -> int:
        self.spawned.append((root, job_id))
        thread = threading.Thread(target=self._run, args=(job_id,), daemon=True)
        thread.start()
        self.threads.append(thread)
        return os.getpid()  # alive: the job waits for this "worker"

    def _run(self, job_id: int) -> None:
        if self.go.wait(30):
            run_job(served(self.app), job_id, batch=2)

    def finish(self) -> None:
        self.go.set()
        for thread in self.threads:
            thread.join(30)
