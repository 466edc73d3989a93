"""Learning a collection's own page model from its editors' decisions.

    vitrine pages train NAME

The pages to learn from are the images on which an editor decided at least one suggestion of the
illustrations agent (any version). On such a page the true boxes are the accepted ones, at the
region the editor corrected when they edited it; candidates over a rejected box, or over nothing
accepted, are "none"; candidates over a suggestion nobody decided yet teach nothing and are left
out. A page whose record or image changed since (a stale suggestion) is passed over. The model is
saved as the next version under the collection's `pages/models/`, and the agent uses the newest
one from its next run on (`-o model=auto`, its default).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vitrine.catalog.suggestions import Suggestion, SuggestionQuery
from vitrine.errors import PagesError
from vitrine.images import read_image
from vitrine.jobs import Progress, ProgressCallback
from vitrine.pages.agent import IllustrationAgent, models_folder
from vitrine.pages.blocks import CLASSES, prepare
from vitrine.pages.model import Example, save_model, train
from vitrine.pages.truth import TrueBox
from vitrine.suggestions.values import STATUSES, bounding_box

if TYPE_CHECKING:
    from pathlib import Path

    from vitrine.collection import Collection


@dataclass(frozen=True)
class TrainReport:
    version: int
    folder: Path
    pages: int
    boxes: dict[str, int]  # true boxes by class
    candidates: dict[str, int]  # candidate blocks by the label they learned


def decided_pages(collection: Collection, agent: str = IllustrationAgent.name) -> dict[int, list[Suggestion]]:
    """The agent's suggestions by image (any version), for images with at least one decided, none stale."""
    agents = collection.catalog.suggestions.agents()
    agent_ids = tuple(a.id for a in agents if a.name == agent)
    by_image: dict[int, list[Suggestion]] = defaultdict(list)
    if agent_ids:
        query = SuggestionQuery(agent_ids=agent_ids, statuses=STATUSES, order="id", limit=1000)
        for s in collection.catalog.suggestions.iter_all(query):
            if s.image_id:
                by_image[s.image_id].append(s)
    return {image_id: found for image_id, found in by_image.items()
            if any(s.status != "proposed" for s in found) and not any(s.stale for s in found)}


def page_example(collection: Collection, image_id: int, found: list[Suggestion]) -> Example | None:
    """What one page teaches: its accepted boxes (corrected regions first), undecided ones set aside."""
    image = collection.catalog.image(image_id)
    path = collection.image_path(image)
    if path is None or not path.exists():
        return None
    ids = {s.id for s in found}
    truth = [TrueBox(str(a.value.get("label")), bounding_box(a.region))
             for a in collection.catalog.suggestions.assertions(image.record_id)
             if a.suggestion_id in ids and a.region and a.value.get("label") in CLASSES]
    ignore = [bounding_box(s.region) for s in found if s.status == "proposed" and s.region]
    picture, _ = read_image(path)
    return Example(prepare(picture), truth, ignore)


def train_collection(collection: Collection, *, agent: str = IllustrationAgent.name,
                     progress: ProgressCallback | None = None) -> TrainReport:
    """Train a page model from the editors' decisions on `agent`'s suggestions (the illustrations agent,
    or a plugin proposing the same classes) and save it as the collection's next version."""
    pages = decided_pages(collection, agent)
    if not pages:
        raise PagesError(f"no page of {collection.name!r} has a decided suggestion of the {agent}"
                         f" agent; run `vitrine suggest run NAME {agent}` and review some first")
    examples = []
    for done, (image_id, found) in enumerate(sorted(pages.items()), start=1):
        example = page_example(collection, image_id, found)
        if example is not None:
            examples.append(example)
        if progress:
            progress(Progress("pages", done, len(pages)))
    model = train(examples, source=f"collection {collection.name}: {len(examples)} reviewed pages")
    with collection.writing("pages train"):
        folder = save_model(model, models_folder(collection))
    boxes: dict[str, int] = defaultdict(int)
    for example in examples:
        for t in example.truth:
            boxes[t.label] += 1
    return TrainReport(int(model.meta["version"]), folder, len(examples), dict(boxes), model.meta["labels"])
