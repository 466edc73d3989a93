"""A collection with suggestions to review: the fake agent's tags on every work, and a small image
agent's regions (a box and a polygon) on three works' images."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from vitrine.collection import create_collection
from vitrine.indexing import index_collection
from vitrine.suggestions.agents import AGENTS, Agent, AgentInfo, Item, Proposal
from vitrine.suggestions.run import Scope, run_agent
from web.conftest import records

REGION_WORKS = ("w00", "w01", "w02")


class RegionAgent(Agent):
    """Proposes a face in a box over the middle third and a class in a triangle at the top left."""

    name = "regions-test"
    target = "image"
    kinds = ("face", "class")

    def info(self) -> AgentInfo:
        return AgentInfo(name=self.name, software="tests", model="thirds", model_version="1")

    def suggest(self, item: Item) -> Iterable[Proposal]:
        assert item.image is not None and item.image.width and item.image.height
        w, h = item.image.width, item.image.height
        yield Proposal("face", {"label": "a face"}, score=0.9, region={"box": [w / 3, h / 3, w / 3, h / 3]})
        yield Proposal("class", {"label": "block"}, score=0.45,
                       region={"polygon": [[0, 0], [w / 2, 0], [0, h / 2]]})


def review_collection(root: Path) -> Path:
    """The web tests' 24 works, indexed, with the fake agent's tags and the region agent's regions."""
    collection = create_collection(root / "coll", embedder="fake", index="memory", title="Review Museum")
    try:
        for record in records(root / "pictures"):
            collection.catalog.upsert(record)
        index_collection(collection, workers=1)
        run_agent(collection, "fake", actor="tests")
        AGENTS.register(RegionAgent.name, RegionAgent)
        try:
            run_agent(collection, RegionAgent.name, scope=Scope(identifiers=REGION_WORKS), actor="tests")
        finally:
            AGENTS.unregister(RegionAgent.name)
    finally:
        collection.close()
    return root / "coll"
