"""A collection whose images live in object storage: imported from a bucket prefix or a CSV of s3://
URIs, indexed by the local runner and on Ray, gives what the same images give from local files."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from vitrine.cli import cli
from vitrine.collection import Collection, create_collection
from vitrine.importers.base import run_import
from vitrine.importers.bucket import BucketSource
from vitrine.importers.folder import FolderSource
from vitrine.importers.mapping import ColumnMapping
from vitrine.importers.tabular import TabularSource
from vitrine.indexing import index_collection, runner
from vitrine.indexing.check import check_collection
from vitrine.indexing.reader import Job
from vitrine.local.pipeline import ExtractOptions, extract_job
from vitrine.storage.s3 import S3Options, read_object

try:
    from tests.imagegen import make_images
    from tests.storage.s3stand import Bucket
except ModuleNotFoundError:
    from imagegen import make_images  # type: ignore[no-redef]
    from storage.s3stand import Bucket  # type: ignore[no-redef]

pytest.importorskip("boto3", reason="the s3 extra is not installed: pip install 'vitrine[s3]'")

N_IMAGES = 8


@pytest.fixture(scope="module")
def pictures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eight pictures in two folders, a sidecar, a hidden file and a note (not an image)."""
    folder = tmp_path_factory.mktemp("pictures")
    make_images(folder, 5, seed=21, ext="jpg", prefix="plate_")
    make_images(folder / "box 2", 3, seed=22, size=(120, 80), prefix="folio-")
    make_images(folder / ".trash", 1, seed=23)
    (folder / "plate_0001.jpg.json").write_text(json.dumps({"title": "View of Delft", "date": "1660"}))
    (folder / "notes.txt").write_text("not an image")
    return folder


def _vectors(collection: Collection) -> dict[str, np.ndarray]:
    """Each record's vector, by the record's identifier."""
    images = collection.catalog.images_by_id(collection.index.ids().tolist()).values()
    return {image.identifier: collection.index.get(np.asarray([image.id]))[0] for image in images}


@pytest.fixture(scope="module")
def from_files(tmp_path_factory: pytest.TempPathFactory, pictures: Path) -> Iterator[dict[str, np.ndarray]]:
    collection = create_collection(tmp_path_factory.mktemp("local") / "c", index="faiss")
    run_import(collection, FolderSource(pictures))
    assert index_collection(collection, workers=1).embedded == N_IMAGES
    yield _vectors(collection)
    collection.close()


def _bucket_collection(root: Path, bucket: Bucket, pictures: Path, s3: S3Options) -> Collection:
    bucket.put_folder(pictures, "masters/")
    bucket.put("masters/broken.jpg", b"not an image at all")
    bucket.put("masters/empty.png", b"")
    collection = create_collection(root, index="faiss")
    report = run_import(collection, BucketSource(bucket.uri("masters"), s3=S3Options(
        **{**s3.__dict__, "page_size": 4})))  # 14 objects: four pages
    assert (report.added, report.failed) == (N_IMAGES + 1, 1)
    assert report.errors == [("empty.png", "empty object (empty.png)")]
    return collection


def test_a_bucket_indexes_as_its_files_do(
    tmp_path: Path, bucket: Bucket, s3: S3Options, pictures: Path, from_files: dict[str, np.ndarray],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    collection = _bucket_collection(tmp_path / "c", bucket, pictures, s3)
    read_object(bucket.uri("masters/plate_0000.jpg"), s3, max_bytes=10**6)  # a client in the parent
    monkeypatch.setattr(runner, "_CHUNK", 2)  # five chunks: the pool forks two workers
    record = collection.catalog.get("plate_0001")
    assert (record.title, record.year_min) == ("View of Delft", 1660)
    assert record.images[0].location == bucket.uri("masters/plate_0001.jpg")
    report = index_collection(collection, workers=2, s3=s3)
    assert (report.embedded, report.failed) == (N_IMAGES, 1)
    [(location, reason)] = report.errors
    assert location == bucket.uri("masters/broken.jpg") and reason.startswith("not an image file")
    vectors = _vectors(collection)
    assert sorted(vectors) == sorted(from_files)
    for identifier, vector in from_files.items():
        np.testing.assert_array_equal(vectors[identifier], vector)
    assert check_collection(collection).ok
    again = index_collection(collection, workers=2, s3=s3)  # cached copies: nothing is read again
    assert (again.embedded, len(collection.index)) == (0, N_IMAGES)


def test_a_csv_of_s3_uris_and_a_missing_object(tmp_path: Path, bucket: Bucket, s3: S3Options,
                                               pictures: Path) -> None:
    bucket.put("a/one.jpg", (pictures / "plate_0000.jpg").read_bytes())
    table = tmp_path / "works.csv"
    table.write_text(f"id,title,image\nw1,One,{bucket.uri('a/one.jpg')}\nw2,Gone,{bucket.uri('a/gone.jpg')}\n")
    collection = create_collection(tmp_path / "c", index="faiss")
    run_import(collection, TabularSource(table, ColumnMapping()))
    assert collection.catalog.get("w1").images[0].location == bucket.uri("a/one.jpg")
    report = index_collection(collection, workers=1, s3=s3)
    assert (report.embedded, report.failed) == (1, 1)
    assert report.errors == [(bucket.uri("a/gone.jpg"), "no such object")]


def test_local_features_read_an_object_not_yet_cached(bucket: Bucket, s3: S3Options, pictures: Path) -> None:
    uri = bucket.put("a/plate.jpg", (pictures / "plate_0002.jpg").read_bytes())
    options = ExtractOptions(max_features=100)
    remote = extract_job(Job(1, uri, None), ExtractOptions(max_features=100, s3=s3))
    local = extract_job(Job(1, str(pictures / "plate_0002.jpg"), None), options)
    assert remote.sha256 == local.sha256 and remote.stamp is None
    np.testing.assert_array_equal(remote.features.descriptors, local.features.descriptors)


def test_the_cli_imports_a_bucket_with_the_settings(
    tmp_path: Path, bucket: Bucket, s3: S3Options, pictures: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    bucket.put_folder(pictures, "masters/")
    monkeypatch.delenv("VITRINE_COLLECTION", raising=False)
    monkeypatch.setenv("VITRINE_S3__ENDPOINT_URL", s3.endpoint_url)
    monkeypatch.setenv("VITRINE_S3__ADDRESSING_STYLE", "path")

    def run(*args: str, expect: int = 0) -> str:
        result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path / "data"), *args],
                                    catch_exceptions=False)
        assert result.exit_code == expect, result.output
        return result.output

    run("collection", "create", "art", "--embedder", "fake", "--index", "memory")
    out = run("import", "folder", "art", bucket.uri("masters/"))
    assert f"{N_IMAGES} added" in out and f"indexed {N_IMAGES} images" in out and "0 failed" in out
    assert "no such bucket 'nowhere'" in run("import", "folder", "art", "s3://nowhere/x", expect=1)
    monkeypatch.setenv("VITRINE_S3__BUCKETS", '["elsewhere"]')
    assert "is not one vitrine may read" in run("import", "folder", "art", bucket.uri(), expect=1)


def test_a_missing_extra_fails_the_image_not_the_job(
    tmp_path: Path, pictures: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    table = tmp_path / "works.csv"
    table.write_text(f"id,image\nw1,s3://b/one.jpg\nw2,{pictures / 'plate_0000.jpg'}\n")
    collection = create_collection(tmp_path / "c", index="faiss")
    run_import(collection, TabularSource(table, ColumnMapping()))
    monkeypatch.setitem(sys.modules, "boto3", None)  # as where the s3 extra is not installed
    report = index_collection(collection, workers=1, s3=S3Options(endpoint_url="http://127.0.0.1:9"))
    assert report.embedded == 1
    hint = "reading s3:// locations needs boto3: pip install 'vitrine[s3]'"
    assert report.errors == [("s3://b/one.jpg", hint)]


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[Any]:
    """A local Ray of two CPUs whose workers get the stand-in's fake credentials in their environment
    (on a real cluster each node has its own: a role, a profile or the variables)."""
    ray = pytest.importorskip("ray", reason="the ray extra is not installed: pip install 'vitrine[ray]'")
    if ray.is_initialized():
        ray.shutdown()
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing-secret",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}
    # address="local": a Ray of our own, never a cluster that `ray start` left running on this machine
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": env})
    yield ray
    ray.shutdown()


@pytest.mark.slow
@pytest.mark.ray
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Ray 2.60's own
def test_ray_reads_the_bucket_and_gives_the_files_vectors(
    ray_cluster: Any, tmp_path: Path, bucket: Bucket, s3: S3Options, pictures: Path,
    from_files: dict[str, np.ndarray],
) -> None:
    collection = _bucket_collection(tmp_path / "c", bucket, pictures, s3)
    report = index_collection(collection, workers=2, engine="ray", s3=s3)
    assert (report.embedded, report.failed) == (N_IMAGES, 1)
    assert report.errors[0][0] == bucket.uri("masters/broken.jpg")
    vectors = _vectors(collection)
    assert sorted(vectors) == sorted(from_files)
    for identifier, vector in from_files.items():
        np.testing.assert_array_equal(vectors[identifier], vector)
    assert check_collection(collection).ok
