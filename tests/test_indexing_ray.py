"""Indexing on Ray: a local Ray cluster started here gives what the local runner gives, skips what is
done, and loses and duplicates nothing when a worker dies mid-job."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from imagegen import make_images
from vitrine.cli import cli
from vitrine.collection import Collection, create_collection, open_collection
from vitrine.errors import EngineError
from vitrine.importers.base import run_import
from vitrine.importers.folder import FolderSource
from vitrine.indexing import index_collection, runner
from vitrine.indexing.check import check_collection
from vitrine.indexing.stages import Stage
from vitrine.jobs import Progress

pytestmark = [pytest.mark.slow, pytest.mark.ray,
              pytest.mark.filterwarnings("ignore::DeprecationWarning")]  # Ray 2.60's own

N_IMAGES = 30


@pytest.fixture(scope="module")
def pictures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pictures")
    make_images(folder, N_IMAGES, seed=14)
    return folder


def _collection(root: Path, pictures: Path) -> Collection:
    collection = create_collection(root, index="faiss")  # the default embedder: classic
    run_import(collection, FolderSource(pictures))
    return collection


def _state(collection: Collection) -> tuple[list[tuple[Any, ...]], np.ndarray, list[str]]:
    """Catalogue rows of the images, their vectors (by id), and the thumbnails written."""
    ids = np.sort(collection.index.ids())
    rows = [(i.id, i.location, i.local_path, i.width, i.height, i.sha256)
            for i in sorted(collection.catalog.images_by_id(ids.tolist()).values(), key=lambda i: i.id)]
    embedded = collection.catalog.embedded_image_ids(collection.embedder.key)
    assert sorted(embedded.tolist()) == ids.tolist()
    thumbs = sorted(p.name for p in collection.thumbnails_dir.rglob("*.jpg"))
    return rows, collection.index.get(ids), thumbs


@pytest.fixture(scope="module")
def local_state(tmp_path_factory: pytest.TempPathFactory, pictures: Path) -> Any:
    collection = _collection(tmp_path_factory.mktemp("local") / "c", pictures)
    report = index_collection(collection, workers=2)
    assert report.embedded == N_IMAGES
    yield _state(collection)
    collection.close()


def test_ray_gives_the_local_runners_vectors_and_rows_and_a_rerun_adds_nothing(
    ray_cluster: Any, local_state: Any, pictures: Path, tmp_path: Path,
) -> None:
    collection = _collection(tmp_path / "c", pictures)
    report = index_collection(collection, workers=2, engine="ray")
    assert (report.embedded, report.failed) == (N_IMAGES, 0)
    rows, vectors, thumbs = _state(collection)
    local_rows, local_vectors, local_thumbs = local_state
    assert rows == local_rows and len(rows) == N_IMAGES
    np.testing.assert_array_equal(vectors, local_vectors)
    assert thumbs == local_thumbs
    again = index_collection(collection, workers=2, engine="ray")
    assert (again.embedded, again.failed, len(collection.index)) == (0, 0, N_IMAGES)
    assert check_collection(collection).ok


@dataclass(frozen=True)
class KillOnce:
    """A read stage whose worker process dies once, on the chunk that starts with `image_id`."""

    run: Callable[[Any], Any]
    marker: str
    image_id: int

    def __call__(self, jobs: list[Any]) -> Any:
        if jobs[0].image_id == self.image_id:
            try:
                os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                pass
            else:
                os._exit(1)  # the worker dies mid-task; Ray runs the task again elsewhere
        return self.run(jobs)


def test_a_worker_killed_mid_job_loses_and_duplicates_nothing(
    ray_cluster: Any, local_state: Any, pictures: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    collection = _collection(tmp_path / "c", pictures)
    marker = tmp_path / "killed"
    middle = int(np.sort(collection.catalog.all_image_ids())[12])

    def killing_stages(*args: Any, **kwargs: Any) -> list[Stage]:
        read, embed = runner_stages(*args, **kwargs)
        return [Stage("read", KillOnce(read.run, str(marker), middle)), embed]

    runner_stages = runner.index_stages
    monkeypatch.setattr(runner, "_CHUNK", 4)  # eight chunks: the kill comes mid-job
    monkeypatch.setattr(runner, "index_stages", killing_stages)
    report = index_collection(collection, workers=2, engine="ray")

    assert marker.exists(), "the worker was never killed"
    assert (report.embedded, report.failed) == (N_IMAGES, 0)
    rows, vectors, _ = _state(collection)
    local_rows, local_vectors, _ = local_state
    assert rows == local_rows
    np.testing.assert_array_equal(vectors, local_vectors)
    assert check_collection(collection).ok


def test_a_killed_job_resumes_where_it_stopped(
    ray_cluster: Any, local_state: Any, pictures: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    collection = _collection(tmp_path / "c", pictures)
    monkeypatch.setattr(runner, "_CHUNK", 4)

    def interrupt(progress: Progress) -> None:
        if progress.done:  # the driver stops after the first chunk is written
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        index_collection(collection, workers=2, engine="ray", progress=interrupt)
    collection.close()
    reopened = open_collection(tmp_path / "c")
    kept = len(reopened.index)
    assert 0 < kept < N_IMAGES and check_collection(reopened).missing == []
    report = index_collection(reopened, workers=2, engine="ray")
    assert report.embedded == N_IMAGES - kept  # only what the first run did not save
    rows, vectors, _ = _state(reopened)
    assert rows == local_state[0]
    np.testing.assert_array_equal(vectors, local_state[1])
    reopened.close()


def test_local_features_on_ray_are_the_pools_and_their_index_resumes(
    ray_cluster: Any, pictures: Path, tmp_path: Path,
) -> None:
    from vitrine.indexing.reader import Failed, jobs_of
    from vitrine.local.pipeline import ExtractOptions, extract_many
    from vitrine.regions.search import index_regions

    collection = _collection(tmp_path / "c", pictures)
    jobs = jobs_of(collection.catalog.images_by_id(collection.catalog.all_image_ids().tolist()).values())
    options = ExtractOptions(max_features=200)
    pool = {e.image_id: e for e in extract_many(jobs, options, 2) if not isinstance(e, Failed)}
    on_ray = {e.image_id: e for e in extract_many(jobs, options, 2, engine="ray")
              if not isinstance(e, Failed)}
    assert sorted(on_ray) == sorted(pool) and len(pool) == N_IMAGES
    for image_id, extracted in pool.items():
        assert (on_ray[image_id].sha256, on_ray[image_id].stamp) == (extracted.sha256, extracted.stamp)
        np.testing.assert_array_equal(on_ray[image_id].features.descriptors, extracted.features.descriptors)
        np.testing.assert_array_equal(on_ray[image_id].features.keypoints, extracted.features.keypoints)
    report = index_regions(collection, workers=2, engine="ray", options=options)
    assert (report.added, report.failed, report.images) == (N_IMAGES, 0, N_IMAGES)
    assert index_regions(collection, workers=2, engine="ray").added == 0


def test_a_chunk_delivered_twice_is_written_once(tmp_path: Path, pictures: Path) -> None:
    from vitrine.indexing.mapper import Mapped
    from vitrine.indexing.reader import FileInfo
    from vitrine.indexing.writer import IndexReport, Writer

    collection = _collection(tmp_path / "c", pictures)
    ids = collection.catalog.all_image_ids()[:3].tolist()
    info = FileInfo(None, 8, 8, "0" * 64, None)
    vectors = np.eye(3, collection.embedder.dim, dtype=np.float32)
    report = IndexReport()
    writer = Writer(collection, report)
    for _ in range(2):
        writer.write(Mapped(ids=ids, infos=[info] * 3, vectors=vectors))
    writer.flush()
    assert report.embedded == 3 and sorted(collection.index.ids().tolist()) == ids


def test_engine_errors_come_before_any_work(
    tmp_path: Path, pictures: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    collection = _collection(tmp_path / "c", pictures)
    with pytest.raises(EngineError, match="unknown engine"):
        index_collection(collection, engine="spark")
    with pytest.raises(EngineError, match="need the ray engine"):
        index_collection(collection, num_gpus=1)
    from vitrine.regions.search import index_regions

    with pytest.raises(EngineError, match="unknown engine"):
        index_regions(collection, engine="dask")
    monkeypatch.setitem(sys.modules, "ray", None)  # as where the extra is not installed
    with pytest.raises(EngineError, match=r"pip install 'vitrine\[ray\]'"):
        index_collection(collection, engine="ray")
    assert len(collection.index) == 0


def test_the_cli_indexes_on_ray_and_refuses_gpus_the_cluster_lacks(
    ray_cluster: Any, pictures: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("VITRINE_COLLECTION", raising=False)

    def run(*args: str, expect: int = 0) -> str:
        result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path / "data"), *args],
                                    catch_exceptions=False)
        assert result.exit_code == expect, result.output
        return result.output

    run("collection", "create", "art", "--embedder", "fake", "--index", "memory")
    run("import", "folder", "art", str(pictures), "--no-index")
    assert "need the ray engine" in run("index", "art", "--gpus", "1", expect=1)
    assert "has 0 GPU" in run("index", "art", "--engine", "ray", "--gpus", "1", expect=1)
    out = run("index", "art", "--engine", "ray", "--workers", "2")
    assert f"indexed {N_IMAGES} images" in out and "0 failed" in out
    assert "indexed 0 images" in run("index", "art", "--engine", "ray")
