"""A saved concept is a versioned agent: its job stores `class` suggestions, later imports included."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from conftest import draw_image
from vitrine.collection import Collection
from vitrine.concepts.teach import label, save
from vitrine.errors import AgentError, ConceptNotFound
from vitrine.indexing import index_collection
from vitrine.records import ImageRef, Record
from vitrine.suggestions.agents import Item, create_agent, file_sha256
from vitrine.suggestions.run import run_agent

from .conftest import set_vector


def _teach(collection: Collection) -> None:
    label(collection.catalog, "boat", ["r00", "r02"], positive=True, actor="ada")
    label(collection.catalog, "boat", ["r01", "r03"], positive=False, actor="ada")


def test_saving_makes_a_versioned_agent_whose_job_stores_class_suggestions(boats: Collection) -> None:
    _teach(boats)
    saved, new = save(boats, "boat", actor="ada")
    assert new and saved.version == 1 and saved.labels == 4
    assert saved.sha256 == file_sha256(boats.root / saved.path, what="model", hint="")
    assert boats.catalog.audit.entries(action="concept.save")[0].after["version"] == 1
    job = run_agent(boats, "concept", options={"concept": "boat"})
    assert job.state == "done" and job.failed == 0
    found = boats.catalog.suggestions.find(_query())
    records = {s.identifier for s in found}
    assert records == {"r00", "r02", "r04", "r06", "r08", "r10"}  # t > 0; r00's two images both
    assert {s.kind for s in found} == {"class"} and {s.label for s in found} == {"boat"}
    assert all(s.score is not None and s.score >= 0.5 and s.probability is None for s in found)
    agent = boats.catalog.suggestions.agent(found[0].agent_id)
    assert agent is not None and (agent.state_sha256, agent.model_version) == (saved.sha256, "1")


def test_saving_the_same_labels_again_is_the_same_version_and_new_labels_a_new_one(boats: Collection) -> None:
    _teach(boats)
    first, _ = save(boats, "boat", actor="ada")
    again, new = save(boats, "boat", actor="ada")
    assert not new and again.version == first.version == 1
    label(boats.catalog, "boat", ["r04"], positive=True, actor="ada")
    second, new = save(boats, "boat", actor="ada")
    assert new and second.version == 2 and second.sha256 != first.sha256
    run_agent(boats, "concept", options={"concept": "boat", "version": 1})
    run_agent(boats, "concept", options={"concept": "boat"})
    assert len({s.agent_id for s in boats.catalog.suggestions.find(_query())}) == 2


def test_a_later_import_is_looked_at_by_the_next_run(boats: Collection, tmp_path: Path) -> None:
    _teach(boats)
    save(boats, "boat", actor="ada")
    run_agent(boats, "concept", options={"concept": "boat"})
    before = boats.catalog.suggestions.count(_query())
    draw_image(77).save(tmp_path / "new.png")
    picture = ImageRef(str(tmp_path / "new.png"))
    boats.catalog.upsert(Record(identifier="n01", title="A new boat", images=[picture]))
    index_collection(boats, workers=1)
    set_vector(boats, "n01", 0.8)
    job = run_agent(boats, "concept", options={"concept": "boat"})
    assert job.made == 1 and boats.catalog.suggestions.count(_query()) == before + 1


def test_a_job_without_a_concept_or_a_saved_version_fails_clearly(boats: Collection) -> None:
    with pytest.raises(ConceptNotFound, match="no concept named 'ship'"):
        run_agent(boats, "concept", options={"concept": "ship"})
    with pytest.raises(AgentError, match="concept 'boat' has no saved classifier: train and save one"):
        run_agent(boats, "concept", options={"concept": "boat"})
    jobs = boats.catalog.jobs.recent(5)
    assert [j.state for j in jobs] == ["failed", "failed"] and "no concept named" in jobs[1].message


def _query():  # type: ignore[no-untyped-def]
    from vitrine.catalog.suggestions import SuggestionQuery

    return SuggestionQuery(kinds=("class",), statuses=("proposed",), order="id", limit=100)


@pytest.mark.slow
@pytest.mark.ray
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Ray 2.60's own
def test_on_ray_the_saved_classifier_is_prepared_on_the_workers_and_a_newer_one_replaces_it(
    boats: Collection, ray_cluster: object,
) -> None:
    _teach(boats)
    saved, _ = save(boats, "boat", actor="ada")
    boats.save_index()  # the workers read the collection's vectors from its folder
    job = run_agent(boats, "concept", options={"concept": "boat"}, engine="ray", workers=2)
    assert job.state == "done" and job.failed == 0
    found = boats.catalog.suggestions.find(_query())
    assert {s.identifier for s in found} == {"r00", "r02", "r04", "r06", "r08", "r10"}  # as the local run
    agent = boats.catalog.suggestions.agent(found[0].agent_id)
    assert agent is not None and (agent.state_sha256, agent.model_version) == (saved.sha256, "1")
    assert run_agent(boats, "concept", options={"concept": "boat"}).made == 0  # the same version, seen
    label(boats.catalog, "boat", ["r05"], positive=True, actor="ada")
    newer, _ = save(boats, "boat", actor="ada")  # version 2, under the same options
    job = run_agent(boats, "concept", options={"concept": "boat"}, engine="ray", workers=2)
    assert job.state == "done" and job.made > 0  # the workers built version 2, not the one they kept
    local = create_agent("concept", {"concept": "boat"})  # version 2, built here: the scores to match
    local.prepare(boats)
    catalog = boats.catalog
    for suggestion in catalog.suggestions.find(dataclasses.replace(_query(), job_id=job.id)):
        image = catalog.images_by_id([suggestion.image_id])[suggestion.image_id]
        item = Item(suggestion.record_id, catalog.get(suggestion.identifier or ""), image.sha256 or "", image,
                    boats.image_path(image))
        assert suggestion.score in [p.score for p in local.suggest(item)]
    stored = catalog.suggestions.agent(suggestion.agent_id)
    assert newer.version == 2 and stored is not None and stored.model_version == "2"
