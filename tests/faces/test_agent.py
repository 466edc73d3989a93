"""The faces agent as a job: face suggestions with boxes in image pixels, its version from its model."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from vitrine.catalog.suggestions import SuggestionQuery
from vitrine.collection import Collection
from vitrine.errors import AgentError
from vitrine.faces import models
from vitrine.faces.scoring import iou
from vitrine.suggestions.agents import create_agent
from vitrine.suggestions.run import run_agent


def _found(collection: Collection) -> list:  # type: ignore[type-arg]
    return collection.catalog.suggestions.find(SuggestionQuery(kinds=("face",), limit=100, order="id"))


def test_the_agent_as_a_job_stores_face_suggestions_with_regions(fake_collection: Collection) -> None:
    job = run_agent(fake_collection, "faces", options={"detector": "fake"}, actor="ed")
    assert job.state == "done" and job.failed == 0 and job.done == 13  # 12 records, one with two images
    found = _found(fake_collection)
    assert len(found) == job.made == 13
    images = fake_collection.catalog.images_by_id(s.image_id for s in found)
    for suggestion in found:
        image = images[suggestion.image_id]
        x, y, w, h = suggestion.region["box"]
        assert x >= 0 and y >= 0 and x + w <= image.width and y + h <= image.height
        assert suggestion.kind == "face" and suggestion.label == "face" and suggestion.score == 0.9
    agent = fake_collection.catalog.suggestions.agent(found[0].agent_id)
    assert agent.name == "faces" and agent.model == "centre box"
    assert agent.parameters["detector"] == "fake" and agent.parameters["size"] == 640
    again = run_agent(fake_collection, "faces", options={"detector": "fake"})
    assert again.made == 0  # the images this version has seen are not asked again


def test_min_score_leaves_out_weaker_faces(fake_collection: Collection) -> None:
    job = run_agent(fake_collection, "faces", options={"detector": "fake", "min_score": 0.95})
    assert job.state == "done" and job.made == 0


def test_yunet_proposes_the_sitter_with_its_landmarks(face_collection: Collection, yunet_model: Path,
                                                      sitter_box: tuple[int, int, int, int]) -> None:
    job = run_agent(face_collection, "faces", options={"detector": "yunet"})
    assert job.failed == 0
    by_record: dict[str, list] = {}  # type: ignore[type-arg]
    for suggestion in _found(face_collection):
        by_record.setdefault(suggestion.identifier or "", []).append(suggestion)
    assert "none" not in by_record and {"a", "a-mirror", "a-large", "b"} <= set(by_record)
    (face,) = by_record["a"]
    assert iou(face.region["box"], sitter_box) > 0.8 and 0.6 <= face.score <= 1
    assert len(face.value["landmarks"]) == 5
    (large,) = by_record["a-large"]
    assert iou(large.region["box"], [v * 1.5 for v in sitter_box]) > 0.7  # boxes in each image's own pixels
    info = create_agent("faces", {"detector": "yunet"}).info()
    assert info.state_sha256 == hashlib.sha256(yunet_model.read_bytes()).hexdigest()
    assert info.model_version == yunet_model.stem and info.parameters["detector"] == "yunet"


def test_the_agent_without_its_model_says_how_to_get_it(fake_collection: Collection, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VITRINE_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(models, "SHARED_MODELS", tmp_path / "none")
    agent = create_agent("faces", {"detector": "yunet"})
    with pytest.raises(AgentError, match=r"no YuNet face model .*opencv_zoo"):
        agent.info()
    with pytest.raises(AgentError, match="no YuNet face model"):
        run_agent(fake_collection, "faces", options={"detector": "yunet"})


@pytest.mark.usefixtures("dlib_models")
def test_on_a_fresh_install_without_yunet_the_agent_detects_with_dlib_hog(
        face_collection: Collection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        sitter_box: tuple[int, int, int, int]) -> None:
    monkeypatch.setenv("VITRINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(models, "SHARED_MODELS", tmp_path / "no-shared")
    assert create_agent("faces").info().parameters["detector"] == "hog"
    job = run_agent(face_collection, "faces")
    assert job.failed == 0
    (face,) = [s for s in _found(face_collection) if s.identifier == "a"]
    assert iou(face.region["box"], sitter_box) > 0.4 and "landmarks" not in face.value
