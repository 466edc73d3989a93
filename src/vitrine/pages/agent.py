"""The illustrations agent: picture blocks (illustration, ornament, initial, map) and text blocks on
page images, each a `class` suggestion with its box.

    vitrine suggest run NAME illustrations                      # the newest trained model, else the finder
    vitrine suggest run NAME illustrations -o model=finder      # the weight-free finder
    vitrine suggest run NAME illustrations -o model=2 -o min_score=0.6 -o text=false

`model` is "auto" (the collection's newest model saved by `vitrine pages train`, or the finder when
there is none), "finder", or a saved version's number. The agent's version names the model, its
version and its file's SHA-256: a newly trained model is a new agent version, and its suggestions
stand apart from the previous one's. Scores are the model's class probabilities (class-balanced,
not calibrated); the finder's are a flat 0.5.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from vitrine.errors import AgentError, PagesError, SuggestionError
from vitrine.images import read_image
from vitrine.pages.blocks import Block, find_blocks
from vitrine.pages.model import PageModel, load_model, versions
from vitrine.suggestions.agents import Agent, AgentInfo, Item, Proposal, file_sha256

if TYPE_CHECKING:
    from pathlib import Path

    from vitrine.collection import Collection

CLASSIFIER = "vitrine.pages"
#: the source of the records made from accepted blocks (`pages.parts`): the agent does not look at them
PART_SOURCE = "pages"


def models_folder(collection: Collection) -> Path:
    return collection.root / "pages" / "models"


class IllustrationAgent(Agent):
    """Proposes a `class` suggestion (illustration, ornament, initial, map, text) for each block found."""

    name = "illustrations"
    target = "image"
    kinds = ("class",)

    def __init__(self, model: str | int = "auto", min_score: float = 0.5, text: bool = True,
                 max_blocks: int = 60) -> None:
        if not (model in ("auto", "finder") or (isinstance(model, int) and not isinstance(model, bool)
                                                and model >= 1)):
            raise SuggestionError(f"model is 'auto', 'finder' or a saved version's number, not {model!r}")
        if isinstance(min_score, bool) or not isinstance(min_score, (int, float)) or not 0 <= min_score <= 1:
            raise SuggestionError(f"min_score is a number from 0 to 1, not {min_score!r}")
        if not isinstance(text, bool):
            raise SuggestionError(f"text is true or false, not {text!r}")
        if isinstance(max_blocks, bool) or not isinstance(max_blocks, int) or max_blocks < 1:
            raise SuggestionError(f"max_blocks is a whole number from 1, not {max_blocks!r}")
        self.model = model
        self.min_score = float(min_score)
        self.text = text
        self.max_blocks = max_blocks
        self._trained: PageModel | None = None
        self._state = ("finder", "", "")  # model, model version, digest

    def prepare(self, collection: Collection) -> None:
        """Load the collection's trained model the options name ("auto": the newest, if any)."""
        if self.model == "finder":
            return
        folder = models_folder(collection)
        if self.model == "auto" and not versions(folder):
            return
        try:
            model, path = load_model(folder, None if self.model == "auto" else int(self.model))
        except PagesError as exc:
            raise AgentError(str(exc)) from None
        digest = file_sha256(path, what="page model", hint="train one with `vitrine pages train`")
        self._trained = model
        self._state = ("pages-classifier", f"v{model.meta.get('version')}", digest)

    def info(self) -> AgentInfo:
        model, version, digest = self._state
        library = self._trained.meta.get("library", "") if self._trained else ""
        return AgentInfo(name=self.name, software="vitrine.pages", model=model, model_version=version,
                         state_sha256=digest,
                         parameters={"min_score": self.min_score, "text": self.text,
                                     "max_blocks": self.max_blocks, "library": library})

    def blocks(self, image: Any) -> list[Block]:
        found = (self._trained.find(image, self.min_score) if self._trained is not None
                 else [b for b in find_blocks(image) if b.score >= self.min_score])
        if not self.text:
            found = [b for b in found if b.label != "text"]
        return sorted(found, key=lambda b: -b.score)[: self.max_blocks]

    def suggest(self, item: Item) -> Iterator[Proposal]:
        if item.image_path is None:
            raise AgentError(f"image {item.target} has no local file to look at")
        if item.record.source == PART_SOURCE:  # an illustration cut from a page is not a page
            return
        image, _ = read_image(item.image_path)
        for block in self.blocks(image):
            x, y, w, h = (round(v, 1) for v in block.box)
            yield Proposal("class", {"label": block.label, "classifier": CLASSIFIER}, score=block.score,
                           region={"box": [x, y, w, h]})
