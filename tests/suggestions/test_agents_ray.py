"""Suggestion agents on Ray: a local Ray started here gives exactly the local runner's suggestions,
skips what an agent version has seen, survives a worker that dies mid-job, and resumes a job stopped
or cancelled; without Ray the option says which extra to install."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import sample_records
from httpserver import LOOPBACK
from vitrine.cli import cli
from vitrine.collection import Collection, create_collection, open_collection
from vitrine.errors import AgentError, EngineError, FetchError, ImageError
from vitrine.indexing import index_collection
from vitrine.jobs import Progress
from vitrine.records import ImageRef, Record
from vitrine.suggestions import run
from vitrine.suggestions.agents import Item
from vitrine.suggestions.run import create_job, run_agent, run_job
from vitrine.suggestions.stage import Chunk, Outcome, SuggestStage

pytestmark = [pytest.mark.slow, pytest.mark.ray,
              pytest.mark.filterwarnings("ignore::DeprecationWarning")]  # Ray 2.60's own

FAKE = {"fail_on": ["r03"]}  # one item on which the agent raises, in every run
#: public-art paintings: the two portraits of tests/faces, and others with and without faces
PAINTINGS = ["wikidata-Q119130732.jpg", "wikidata-Q119080577.jpg", "artic-144969.jpg", "artic-14696.jpg",
             "artic-147054.jpg"]


def _collection(root: Path, records: list[Record]) -> Collection:
    collection = create_collection(root, embedder="fake", index="memory")
    for record in records:
        collection.catalog.upsert(record)
    index_collection(collection, workers=1)  # the images read: their checksums are the agents' basis
    return collection


def _samples(tmp_path: Path, name: str) -> Collection:
    return _collection(tmp_path / name, sample_records(tmp_path / "pictures"))


def _stored(collection: Collection) -> list[tuple[Any, ...]]:
    """Every suggestion as the reviewer sees it, with its agent version, in a stable order."""
    catalog = collection.catalog
    rows = []
    for s in catalog.suggestions.find(run_query()):
        agent = catalog.suggestions.agent(s.agent_id)
        rows.append((s.identifier, s.image_id, s.kind, repr(s.value), s.label, s.score, s.probability,
                     repr(s.region), agent.key))
    return sorted(rows)


def run_query() -> Any:
    from vitrine.catalog.suggestions import SuggestionQuery

    return SuggestionQuery(statuses=("proposed",), order="id", limit=10_000)


def test_fake_agent_on_ray_gives_the_local_suggestions_and_errors_and_a_rerun_adds_nothing(
    ray_cluster: Any, tmp_path: Path,
) -> None:
    local = _samples(tmp_path, "local")
    on_ray = _samples(tmp_path, "ray")
    expected = run_agent(local, "fake", options=FAKE)
    job = run_agent(on_ray, "fake", options=FAKE, engine="ray", workers=2)
    assert (job.state, job.done, job.failed, job.made) == ("done", 12, 1, expected.made)
    assert expected.made > 0 and _stored(on_ray) == _stored(local)
    assert on_ray.catalog.jobs.errors(job.id) == local.catalog.jobs.errors(expected.id)
    again = run_agent(on_ray, "fake", options=FAKE, engine="ray", workers=2)
    assert (again.state, again.done, again.made, again.failed) == ("done", 12, 0, 1)  # r03 tried again
    assert _stored(on_ray) == _stored(local)


def test_an_agent_with_a_prepare_hook_prepares_on_the_worker(ray_cluster: Any, tmp_path: Path) -> None:
    same = [  # one work catalogued twice: the agent finds it
        Record(identifier="a1", title="The Night Watch", creators=["Rembrandt van Rijn"], date_text="1642",
               dimensions="363 x 437 cm"),
        Record(identifier="b7", title="Night Watch, The", creators=["Rijn, Rembrandt van"], date_text="1642",
               dimensions="363.0 x 437.0 cm")]
    records = [*sample_records(tmp_path / "pictures"), *same]
    local = _collection(tmp_path / "local", records)
    on_ray = _collection(tmp_path / "ray", records)
    expected = run_agent(local, "records")
    job = run_agent(on_ray, "records", engine="ray", workers=2)
    assert (job.state, job.made) == ("done", expected.made) and expected.made > 0
    assert _stored(on_ray) == _stored(local)
    third = dataclasses.replace(same[0], identifier="c9")  # catalogued a third time, after the first job
    for collection in (local, on_ray):
        collection.catalog.upsert(third)
    expected = run_agent(local, "records")
    job = run_agent(on_ray, "records", engine="ray", workers=2)  # the workers prepare again: c9 is seen
    assert (job.state, job.made) == ("done", expected.made) and expected.made > 0
    assert _stored(on_ray) == _stored(local)


def test_faces_on_ray_give_the_local_boxes_and_scores(
    ray_cluster: Any, tmp_path: Path, shared_dir: Path,
) -> None:
    from vitrine.faces.models import find_yunet

    try:
        find_yunet()
    except AgentError as exc:
        pytest.skip(f"no YuNet model here: {exc}")
    folder = shared_dir / "data" / "public-art" / "images"
    if not all((folder / name).is_file() for name in PAINTINGS):
        pytest.skip(f"public-art images absent from {folder}")
    records = [Record(identifier=f"p{i}", title=name, images=[ImageRef(location=str(folder / name))])
               for i, name in enumerate(PAINTINGS)]
    local = _collection(tmp_path / "local", records)
    on_ray = _collection(tmp_path / "ray", records)
    options = {"detector": "yunet"}
    expected = run_agent(local, "faces", options=options)
    job = run_agent(on_ray, "faces", options=options, engine="ray", workers=2)
    assert (job.state, job.done, job.failed) == ("done", len(PAINTINGS), 0)
    assert expected.made >= 2 and job.made == expected.made  # the two sitters at least
    assert _stored(on_ray) == _stored(local)
    assert run_agent(on_ray, "faces", options=options, engine="ray").made == 0


@dataclass(frozen=True)
class KillingStage(SuggestStage):
    """The agent stage, whose worker process dies once, on the chunk holding record `identifier`."""

    marker: str = ""
    identifier: str = ""

    def __call__(self, chunk: Chunk) -> Outcome:
        if any(item.record.identifier == self.identifier for item in chunk.items):
            try:
                os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                pass
            else:
                os._exit(1)  # the worker dies mid-task; Ray runs the task again elsewhere
        return super().__call__(chunk)


def test_a_worker_killed_mid_job_loses_and_duplicates_nothing(
    ray_cluster: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    local = _samples(tmp_path, "local")
    expected = run_agent(local, "fake", options=FAKE)
    on_ray = _samples(tmp_path, "ray")
    marker = tmp_path / "killed"

    def killing(*args: Any) -> KillingStage:
        return KillingStage(*args, marker=str(marker), identifier="r06")

    monkeypatch.setattr(run, "SuggestStage", killing)
    job = create_job(on_ray.catalog, "fake", options=FAKE)
    ended = run_job(on_ray, job.id, batch=3, engine="ray", workers=2)  # four chunks: the kill comes mid-job
    assert marker.exists(), "the worker was never killed"
    assert (ended.state, ended.done, ended.failed, ended.made) == ("done", 12, 1, expected.made)
    assert _stored(on_ray) == _stored(local)


def test_a_stopped_or_cancelled_job_resumes_where_it_stopped(ray_cluster: Any, tmp_path: Path) -> None:
    local = _samples(tmp_path, "local")
    expected = run_agent(local, "fake", options=FAKE)
    on_ray = _samples(tmp_path, "ray")
    catalog = on_ray.catalog
    job = create_job(catalog, "fake", options=FAKE)

    def interrupt(progress: Progress) -> None:
        if progress.done:  # the driver stops after the first chunk is written
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_job(on_ray, job.id, batch=3, engine="ray", workers=2, progress=interrupt)
    stopped = catalog.jobs.get(job.id)
    assert stopped.state == "interrupted" and 0 < stopped.made < expected.made
    cancelled = create_job(catalog, "fake", options=FAKE)

    def cancel(progress: Progress) -> None:
        if progress.done:
            catalog.jobs.request_cancel(cancelled.id)

    ended = run_job(on_ray, cancelled.id, batch=3, engine="ray", workers=2, progress=cancel)
    assert ended.state == "cancelled" and 0 < ended.done < 12
    resumed = run_job(on_ray, job.id, batch=3, engine="ray", workers=2)  # the interrupted job resumes
    assert resumed.state == "done" and resumed.done == 12
    assert resumed.made + ended.made == expected.made  # a job's count of new suggestions adds up its runs
    assert _stored(on_ray) == _stored(local)


def test_a_worker_refuses_another_agent_version_and_reads_images_it_cannot_see(tmp_path: Path) -> None:
    collection = _samples(tmp_path, "c")
    item = _image_item(collection)
    key = "0" * 64
    outcome = SuggestStage("fake", {}, str(collection.root), key)(Chunk([item]))
    assert "not the version the job runs" in outcome.fatal and outcome.looked == []
    stage = SuggestStage("faces", {"detector": "fake"}, str(collection.root), key)
    away = Item(item.record_id, item.record, item.basis, item.image, tmp_path / "not-on-this-node.png")
    assert stage._reach(away).image_path == Path(item.image.location)  # type: ignore[union-attr]
    with pytest.raises(ImageError, match="changed since it was indexed"):
        stage._reach(Item(item.record_id, item.record, "f" * 64, item.image, away.image_path))


def test_a_worker_fetches_through_the_reader_an_image_it_has_no_file_of(
    tmp_path: Path, http_server: Callable[..., Any],
) -> None:
    collection = _samples(tmp_path, "c")
    item = _image_item(collection)
    assert item.image is not None
    source = Path(item.image.location)
    server = http_server(directory=source.parent)
    remote = dataclasses.replace(item.image, location=server.url("/" + source.name), local_path=None)
    away = Item(item.record_id, item.record, item.basis, remote, None)
    stage = SuggestStage("faces", {"detector": "fake"}, str(collection.root), "0" * 64, fetch=LOOPBACK)
    path = stage._reach(away).image_path
    assert path is not None and path.is_relative_to(collection.root / "cache")
    assert path.read_bytes() == source.read_bytes()
    with pytest.raises(FetchError):  # without the options the driver passes: public addresses only
        dataclasses.replace(stage, fetch=None)._reach(away)


def _image_item(collection: Collection) -> Item:
    image = collection.catalog.images_page(0, 1, None)[0]
    record = collection.catalog.get_many([image.record_id])[image.record_id]
    return Item(image.record_id, record, image.sha256 or "", image, collection.image_path(image))


def test_without_ray_the_engine_names_the_extra_and_no_job_is_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("VITRINE_COLLECTION", raising=False)
    monkeypatch.setitem(sys.modules, "ray", None)  # as where the extra is not installed
    collection = _samples(tmp_path, "c")
    with pytest.raises(EngineError, match=r"pip install 'vitrine\[ray\]'"):
        run_agent(collection, "fake", engine="ray")
    assert collection.catalog.jobs.recent() == []
    job = create_job(collection.catalog, "fake")  # as the web starts one, its worker set to use Ray
    collection.close()
    result = CliRunner().invoke(cli, ["suggest", "run", str(tmp_path / "c"), "fake", "--engine", "ray"])
    assert result.exit_code == 1 and "vitrine[ray]" in result.output
    monkeypatch.setenv("VITRINE_SUGGEST__ENGINE", "ray")
    result = CliRunner().invoke(cli, ["suggest", "work", str(tmp_path / "c"), str(job.id)])
    assert result.exit_code == 1 and "vitrine[ray]" in result.output
    with open_collection(tmp_path / "c") as reopened:
        assert [(j.id, j.state) for j in reopened.catalog.jobs.recent()] == [(job.id, "failed")]


def test_the_cli_and_the_webs_worker_run_an_agent_on_ray(ray_cluster: Any, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VITRINE_COLLECTION", raising=False)
    collection = _samples(tmp_path, "c")
    job = create_job(collection.catalog, "fake", options={"version": "2"})
    collection.close()
    gpus = ["suggest", "run", str(tmp_path / "c"), "fake", "--gpus", "1"]
    assert "need the ray engine" in CliRunner().invoke(cli, gpus).output
    refused = CliRunner().invoke(cli, [*gpus, "--engine", "ray"])
    assert refused.exit_code == 1 and "has 0 GPU" in refused.output  # Ray would wait for one for ever
    args = ["suggest", "run", str(tmp_path / "c"), "fake", "--engine", "ray", "--workers", "2"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "12 items" in result.output and "0 failed" in result.output
    again = CliRunner().invoke(cli, args)
    assert "0 new suggestions" in again.output
    monkeypatch.setenv("VITRINE_SUGGEST__ENGINE", "ray")
    worked = CliRunner().invoke(cli, ["suggest", "work", str(tmp_path / "c"), str(job.id)])
    assert worked.exit_code == 0 and f"job {job.id} done: 12 items" in worked.output, worked.output
