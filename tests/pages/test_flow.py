"""Pages end to end: the agent proposes blocks, editors accept and correct them, a model is trained from
their decisions and used by the agent, and accepted illustrations become records of their own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pagedraw import WOODCUT
from vitrine.catalog.suggestions import Suggestion, SuggestionQuery
from vitrine.errors import AgentError, PagesError, SuggestionError
from vitrine.indexing import index_collection
from vitrine.pages.blocks import iou
from vitrine.pages.parts import page_of, parts_of, promote
from vitrine.pages.train import train_collection
from vitrine.suggestions.agents import create_agent
from vitrine.suggestions.review import decide, undo
from vitrine.suggestions.run import run_agent
from vitrine.suggestions.values import STATUSES


def _blocks(collection: Any, identifier: str, agent_id: int | None = None) -> list[Suggestion]:
    query = SuggestionQuery(kinds=("class",), limit=500, order="id", statuses=STATUSES,
                            agent_ids=(agent_id,) if agent_id else ())
    return [s for s in collection.catalog.suggestions.find(query) if s.identifier == identifier]


def _picture(collection: Any, identifier: str) -> Suggestion:
    (found,) = [s for s in _blocks(collection, identifier) if s.label == "illustration"]
    return found


def test_the_finder_proposes_classed_blocks_with_regions(page_collection: Any) -> None:
    job = run_agent(page_collection, "illustrations", actor="ed")
    assert job.state == "done" and job.failed == 0 and job.done == 4
    woodcut = _picture(page_collection, "p0")
    assert iou(tuple(woodcut.region["box"]), WOODCUT) > 0.8
    assert woodcut.value == {"label": "illustration", "classifier": "vitrine.pages"}
    assert {s.label for s in _blocks(page_collection, "p0")} == {"illustration", "text"}
    agent = page_collection.catalog.suggestions.agent(woodcut.agent_id)
    assert agent.name == "illustrations" and agent.model == "finder"


def test_an_edit_may_correct_the_region_and_keeps_it_in_the_accepted_value(page_collection: Any) -> None:
    run_agent(page_collection, "illustrations")
    woodcut = _picture(page_collection, "p1")
    with pytest.raises(SuggestionError, match="goes with 'edit'"):
        decide(page_collection.catalog, woodcut.id, "accept", actor="ed", region={"box": [1, 2, 3, 4]})
    with pytest.raises(SuggestionError, match="a box needs"):
        decide(page_collection.catalog, woodcut.id, "edit", actor="ed", region={"box": [1, 2, 0, 4]})
    decided = decide(page_collection.catalog, woodcut.id, "edit", actor="ed",
                     region={"box": [150, 350, 300, 240]}, value={"label": "map"})
    assert decided.status == "edited" and decided.final_value == {"label": "map"}
    (accepted,) = page_collection.catalog.suggestions.assertions(woodcut.record_id)
    assert accepted.region == {"box": [150.0, 350.0, 300.0, 240.0]}
    assert accepted.label == "map" and accepted.edited
    audit = page_collection.catalog.audit.entries(action="suggestion.edit")  # the corrected region too
    assert any((row.after or {}).get("region") == accepted.region for row in audit)


def test_a_record_suggestion_has_no_region_to_correct(fake_collection: Any) -> None:
    run_agent(fake_collection, "fake")
    (first, *_) = fake_collection.catalog.suggestions.find(SuggestionQuery(limit=1, order="id"))
    with pytest.raises(SuggestionError, match="no region to correct"):
        decide(fake_collection.catalog, first.id, "edit", actor="ed", region={"box": [0, 0, 5, 5]})


def _review(collection: Any) -> None:
    """Accept the woodcut on p0 and p2, correct it on p1, reject a text block of p3's."""
    for identifier in ("p0", "p2"):
        decide(collection.catalog, _picture(collection, identifier).id, "accept", actor="ed")
    x, y, w, h = WOODCUT
    decide(collection.catalog, _picture(collection, "p1").id, "edit", actor="ed",
           region={"box": [x, y + 20, w, h]})
    text = next(s for s in _blocks(collection, "p3") if s.label == "text")
    decide(collection.catalog, text.id, "reject", actor="ed")


def test_training_from_the_editors_decisions_makes_the_next_agent_version(page_collection: Any) -> None:
    with pytest.raises(PagesError, match="no page of"):
        train_collection(page_collection)
    run_agent(page_collection, "illustrations")
    _review(page_collection)
    report = train_collection(page_collection)
    assert report.version == 1 and report.pages == 4 and report.boxes == {"illustration": 3}
    assert (page_collection.root / "pages" / "models" / "v1" / "model.joblib").is_file()
    job = run_agent(page_collection, "illustrations")  # "auto": the newest model, a new agent version
    assert job.state == "done" and job.failed == 0 and job.done == 4
    made = page_collection.catalog.suggestions.find(SuggestionQuery(limit=500, job_id=job.id))
    agent = page_collection.catalog.suggestions.agent(made[0].agent_id)
    assert agent.model == "pages-classifier" and agent.model_version == "v1" and len(agent.state_sha256) == 64
    p3 = [s for s in made if s.identifier == "p3" and s.label == "illustration"]
    assert len(p3) == 1 and iou(tuple(p3[0].region["box"]), (150, 390, 300, 240)) > 0.7
    assert create_agent("illustrations", {"model": "finder"}).info().model == "finder"
    with pytest.raises(AgentError, match="no page model v3"):
        run_agent(page_collection, "illustrations", options={"model": 3})
    with pytest.raises(SuggestionError, match="model is"):
        create_agent("illustrations", {"model": "yolo"})


def test_accepted_illustrations_become_records_linked_to_their_page(page_collection: Any) -> None:
    run_agent(page_collection, "illustrations")
    _review(page_collection)
    report = promote(page_collection)
    assert len(report.added) == 3 and not report.removed
    (part,) = parts_of(page_collection.catalog, "p1")
    x, y, w, h = WOODCUT
    assert part.identifier == f"p1#xywh={x},{y + 20},{w},{h}" and part.object_type == "illustration"
    assert page_of(part) == ("p1", f"xywh={x},{y + 20},{w},{h}")
    assert page_of(page_collection.catalog.get("p1")) is None
    assert (part.images[0].width, part.images[0].height) == (w, h)
    index_collection(page_collection, workers=1)  # the part gets its own vector
    (image,) = page_collection.catalog.images_of(part.identifier)
    assert image.id in set(page_collection.index.ids().tolist())
    assert promote(page_collection).unchanged == 3
    undo(page_collection.catalog, _picture(page_collection, "p0").id, actor="ed")
    again = promote(page_collection)
    assert len(again.removed) == 1 and again.removed[0].startswith("p0#xywh=")
    assert not parts_of(page_collection.catalog, "p0")
    assert image.id in set(page_collection.index.ids().tolist())  # p1's part stays
    # the agent does not look at the illustrations cut from pages
    job = run_agent(page_collection, "illustrations", options={"model": "finder", "min_score": 0.1})
    assert not [s for s in page_collection.catalog.suggestions.find(SuggestionQuery(limit=500, job_id=job.id))
                if "#" in (s.identifier or "")]


def test_an_unreadable_page_is_reported_and_the_job_goes_on(page_collection: Any) -> None:
    (image,) = page_collection.catalog.images_of("p3")
    Path(image.location).write_bytes(b"not an image at all")
    job = run_agent(page_collection, "illustrations")
    assert job.state == "done" and job.done == 4 and job.failed == 1
    (error,) = page_collection.catalog.jobs.errors(job.id)
    assert "not an image file" in str(error)
    assert _blocks(page_collection, "p0") and not _blocks(page_collection, "p3")
