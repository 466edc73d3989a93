"""Extract local features of many images on every core: read -> hash -> decode -> extract.

Workers only read, decode and run SIFT (OpenCV, one thread each); quantisation (faiss) stays in
the parent. Workers come from a fork server (a clean process), never from a fork of the parent,
or, with `engine="ray"`, from Ray (one stage, `extract`, through `indexing.onray`).
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from vitrine import images, storage
from vitrine.errors import VitrineError
from vitrine.fsutil import file_stamp
from vitrine.indexing.onray import check_engine, ray_map
from vitrine.indexing.reader import Failed, Job, failure
from vitrine.indexing.stages import Stage
from vitrine.local.features import LocalFeatures, extract_enough, rescale

if TYPE_CHECKING:
    from vitrine.fetch import FetchOptions
    from vitrine.storage.s3 import S3Options

_CHUNK = 8


@dataclass(frozen=True)
class Extracted:
    """One image's features (keypoints in its source pixels), checksum and file stamp."""

    image_id: int
    sha256: str
    stamp: str | None
    features: LocalFeatures


@dataclass(frozen=True)
class ExtractOptions:
    max_side: int = 1024
    max_features: int = 1500
    max_pixels: int = images.DEFAULT_MAX_PIXELS
    fetch: FetchOptions | None = None  # how an image not in the cache is read (see `storage`)
    s3: S3Options | None = None


def extract_many(
    jobs: list[Job], options: ExtractOptions, workers: int | None = None, engine: str = "local",
) -> Iterator[Extracted | Failed]:
    """Features of every job's image, in order (on Ray: as they finish); failures reported, never raised."""
    check_engine(engine)
    chunks = [(jobs[s:s + _CHUNK], options) for s in range(0, len(jobs), _CHUNK)]
    if engine == "ray":
        for done in ray_map([Stage("extract", _process_in_worker)], chunks, workers):
            yield from done
        return
    n = min(workers or os.cpu_count() or 1, len(chunks))
    if n <= 1:
        for chunk in chunks:
            yield from _process(chunk)
        return
    # forkserver, not fork: a parent that already ran SIFT or faiss holds OpenCV / OpenMP thread
    # pools that a forked child inherits half-alive, and SIFT in the child then hangs for ever.
    with mp.get_context("forkserver").Pool(n, initializer=_init_worker) as pool:
        for done in pool.imap(_process, chunks):
            yield from done


def _init_worker() -> None:
    import cv2

    cv2.setNumThreads(1)


def _process_in_worker(chunk: tuple[list[Job], ExtractOptions]) -> list[Extracted | Failed]:
    _init_worker()  # Ray's workers are fresh processes: one OpenCV thread each, as in the pool
    return _process(chunk)


def _process(chunk: tuple[list[Job], ExtractOptions]) -> list[Extracted | Failed]:
    jobs, options = chunk
    out: list[Extracted | Failed] = []
    for job in jobs:
        try:
            out.append(extract_job(job, options))
        except VitrineError as exc:
            out.append(failure(job, exc))
    return out


def extract_job(job: Job, options: ExtractOptions) -> Extracted:
    """Read, hash, decode (reduced) and extract one image."""
    stamp = file_stamp(job.location)
    data = _read(job, options)
    decoded = images.decode_for_index(
        data, job.location, embed_size=max(1, options.max_side // 2), thumb_size=0,
        max_pixels=options.max_pixels)
    features = extract_enough(decoded.image, max_side=options.max_side, max_features=options.max_features)
    features = rescale(features, decoded.size)
    half = LocalFeatures(features.keypoints, features.descriptors.astype(np.float16), features.image_size)
    return Extracted(job.image_id, images.sha256_bytes(data), stamp, half)


def _read(job: Job, options: ExtractOptions) -> bytes:
    """The cached copy of a remote image where indexing made one, else the image where it is."""
    if job.local_path and Path(job.local_path).exists():
        return storage.read_bytes(job.local_path)
    return storage.read_bytes(job.location, fetch=options.fetch, s3=options.s3)
