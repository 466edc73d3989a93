"""Suggestions of several kinds on one record, made by two test agents through real jobs, for the
tests of IIIF manifests with annotations (library, web and viewer tests); and the IIIF validation.
`annotated_app(root)` is a web app on a small collection with those suggestions, some decided.

`seed(collection, identifier)` runs an image agent (a face box and a polygon tag on each image,
in the image's pixels) and a record agent (a tag with a vocabulary URI, a date, a description) on
the record, and returns the suggestions by label. `validate(manifest)` loads a manifest into
iiif-prezi3's models, and each annotation page on its own (a Manifest alone accepts a broken page
as a mere reference), so a wrong selector, motivation or agent fails.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from vitrine.catalog.suggestions import Suggestion, SuggestionQuery
from vitrine.collection import Collection
from vitrine.suggestions.agents import AGENTS, Agent, AgentInfo, Item, Proposal
from vitrine.suggestions.run import Scope, run_agent

FACE = "Portrait of the sitter"
POLYGON_TAG = "lighthouse"
RECORD_TAG = "seascape"
RECORD_TAG_URI = "http://vocab.getty.edu/aat/300015636"
EDITED_TAG = "seascapes"
DATE_TEXT = "about 1850"
DESCRIPTION = "A lighthouse on a rocky shore at dusk"
STATE = "ab" * 32


class RegionAgent(Agent):
    """An image agent: a face box over the middle third and a triangle tag on the left half."""

    name = "regions-test"
    target = "image"
    kinds = ("face", "tag")

    def info(self) -> AgentInfo:
        return AgentInfo(name=self.name, software="vitrine-tests.regions", software_version="2.1",
                         model="boxes", model_version="2024a", state_sha256=STATE, calibrated=True)

    def suggest(self, item: Item) -> Iterable[Proposal]:
        assert item.image is not None and item.image.width and item.image.height
        w, h = item.image.width, item.image.height
        yield Proposal("face", {"label": FACE}, score=0.91, probability=0.88,
                       region={"box": [w / 3, h / 3, w / 3, h / 3]})
        yield Proposal("tag", {"label": POLYGON_TAG}, score=0.64, probability=0.5,
                       region={"polygon": [[0, h], [w / 4, 0], [w / 2, h]]})


class RecordAgent(Agent):
    """A record agent: a tag with a vocabulary URI, a date and a description."""

    name = "record-test"
    target = "record"
    kinds = ("tag", "date", "description")

    def info(self) -> AgentInfo:
        return AgentInfo(name=self.name, software="vitrine-tests.record", software_version="0.3",
                         model="rules", model_version="7")

    def suggest(self, item: Item) -> Iterable[Proposal]:
        yield Proposal("tag", {"label": RECORD_TAG, "uri": RECORD_TAG_URI}, score=0.8)
        yield Proposal("date", {"text": DATE_TEXT, "edtf": "1850~", "earliest": 1845, "latest": 1855},
                       score=0.7)
        yield Proposal("description", {"text": DESCRIPTION, "language": "en"}, score=0.6)


def seed(collection: Collection, identifier: str) -> dict[str, Suggestion]:
    """Run both agents on one record (of one image); its suggestions by label (the date's is its EDTF)."""
    AGENTS.register(RegionAgent.name, RegionAgent)
    AGENTS.register(RecordAgent.name, RecordAgent)
    try:
        for name in (RegionAgent.name, RecordAgent.name):
            run_agent(collection, name, scope=Scope(identifiers=(identifier,)), actor="tests")
    finally:
        AGENTS.unregister(RegionAgent.name)
        AGENTS.unregister(RecordAgent.name)
    record_id = collection.catalog.record_id(identifier)
    found = collection.catalog.suggestions.find(SuggestionQuery(
        record_ids=(record_id,), statuses=(), order="id", limit=100))
    return {s.label: s for s in found}


def validate(manifest: dict[str, Any]) -> Any:
    """The manifest as iiif-prezi3 models (raises pydantic's ValidationError when it is not valid)."""
    prezi3 = pytest.importorskip(
        "iiif_prezi3", reason="needs iiif-prezi3 (scripts/setup.sh installs it, with --no-deps)")
    model = prezi3.Manifest(**manifest)
    for page in _pages(manifest):
        prezi3.AnnotationPage(**page)
    return model


def _pages(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    pages = [*manifest.get("annotations", [])]
    for canvas in manifest["items"]:
        pages += canvas.get("annotations", [])
    return pages


def annotations_of(manifest: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every annotation of the manifest, by the id of the page that holds it."""
    return {page["id"]: page["items"] for page in _pages(manifest)}


def texts(annotation: dict[str, Any]) -> list[str]:
    """The values of an annotation's textual bodies."""
    body = annotation["body"] if isinstance(annotation["body"], list) else [annotation["body"]]
    return [b["value"] for b in body if b["type"] == "TextualBody"]


def annotated_app(root: Path) -> Any:
    """A web app on a collection of three works whose w01 has the seeded suggestions: the face
    accepted, the record's tag edited, the polygon tag, the date and the description proposed."""
    from vitrine.collection import create_collection
    from vitrine.indexing import index_collection
    from vitrine.suggestions import review
    from vitrine.web import create_app
    from web.conftest import make_settings, records

    collection = create_collection(root / "coll", embedder="fake", index="memory", title="Annotated")
    for record in records(root / "pictures")[:3]:
        collection.catalog.upsert(record)
    index_collection(collection, workers=1)
    made = seed(collection, "w01")
    review.decide(collection.catalog, made[FACE].id, "accept", actor="editor-ed")
    review.decide(collection.catalog, made[RECORD_TAG].id, "edit", actor="editor-ed",
                  value={"label": EDITED_TAG, "uri": RECORD_TAG_URI})
    collection.close()
    return create_app(make_settings(root), root / "coll")
