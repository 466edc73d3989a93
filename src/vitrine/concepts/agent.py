"""The concept agent: a saved classifier of a concept, proposing it as a `class` suggestion.

    vitrine concept save NAME portrait                 # version n of the classifier
    vitrine suggest run NAME concept --option concept=portrait [--option version=2]

It looks at images (the suggestion's basis is the image's checksum) and reads their vectors from
the collection's index, so it needs indexed images: an image without a vector is reported and left
unseen, and the next run (after `vitrine index`) looks at it. A version looks at an image once:
running the same version after an import looks only at the new images. Its version is the saved
state file's SHA-256 (checked against the catalogue before it runs), with the concept's name and
version number. Probabilities are those of a class-balanced model, not calibrated: `score` only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from vitrine.catalog.concepts import SavedModel
from vitrine.concepts.learn import ConceptModel
from vitrine.errors import AgentError, IndexError_, SuggestionError
from vitrine.suggestions.agents import Agent, AgentInfo, Item, Proposal, file_sha256

if TYPE_CHECKING:
    from vitrine.collection import Collection
    from vitrine.index import VectorIndex


@dataclass(frozen=True)
class _Bound:
    concept: str
    saved: SavedModel
    model: ConceptModel
    index: VectorIndex


class ConceptAgent(Agent):
    """Proposes `{"label": concept}` for images whose probability is at least `min_score`."""

    name = "concept"
    target = "image"
    kinds = ("class",)

    def __init__(self, concept: str, version: int | None = None, min_score: float = 0.5) -> None:
        if not isinstance(concept, str) or not concept.strip():
            raise SuggestionError(f"concept is the name of a concept, not {concept!r}")
        if version is not None and (isinstance(version, bool) or not isinstance(version, int) or version < 1):
            raise SuggestionError(f"version is a saved version's number (1, 2, ...), not {version!r}")
        if isinstance(min_score, bool) or not isinstance(min_score, (int, float)) or not 0 <= min_score <= 1:
            raise SuggestionError(f"min_score is a number from 0 to 1, not {min_score!r}")
        self.concept = concept.strip()
        self.version = version
        self.min_score = float(min_score)
        self._bound: _Bound | None = None

    def prepare(self, collection: Collection) -> None:
        """Load the saved classifier of this collection's concept, its digest checked."""
        concept = collection.catalog.concepts.get(self.concept)
        saved = collection.catalog.concepts.model(concept.id, self.version)
        if saved is None:
            which = f"version {self.version}" if self.version else "saved classifier"
            raise AgentError(f"concept {concept.name!r} has no {which}: train and save one with"
                             f" 'vitrine concept save {collection.name} {concept.name!r}'")
        path = collection.root / saved.path
        retry = f"save it again with 'vitrine concept save {collection.name} {concept.name!r}'"
        digest = file_sha256(path, what=f"classifier of concept {concept.name!r} (version {saved.version})",
                             hint=retry)
        if digest != saved.sha256:
            raise AgentError(f"{path} changed since version {saved.version} was saved; {retry}")
        if saved.embedder != (collection.vectors_key or ""):
            raise AgentError(f"version {saved.version} of {concept.name!r} was trained on vectors of"
                             f" {saved.embedder!r}, the collection's are now {collection.vectors_key!r};"
                             f" {retry}")
        model = ConceptModel.from_json(path.read_text(encoding="utf-8"))
        self._bound = _Bound(concept.name, saved, model, collection.index)

    def _need(self) -> _Bound:
        if self._bound is None:
            raise AgentError("the concept agent reads a collection's saved classifier and vectors: run it"
                             " with 'vitrine suggest run NAME concept --option concept=...'")
        return self._bound

    def info(self) -> AgentInfo:
        bound = self._need()
        return AgentInfo(name=self.name, software="vitrine.concepts", model=f"concept:{bound.concept}",
                         model_version=str(bound.saved.version), state_sha256=bound.saved.sha256,
                         parameters={"concept": bound.concept, "min_score": self.min_score})

    def suggest(self, item: Item) -> Iterator[Proposal]:
        bound = self._need()
        if item.image is None:
            return
        try:
            vector = bound.index.get(np.asarray([item.image.id], np.int64))
        except IndexError_:
            raise SuggestionError(
                f"image {item.image.id} has no vector yet: run 'vitrine index' first") from None
        probability = float(bound.model.probability(vector)[0])
        if probability >= self.min_score:
            yield Proposal("class", {"label": bound.concept,
                                     "classifier": f"concept {bound.concept} v{bound.saved.version}"},
                           score=round(probability, 4))
