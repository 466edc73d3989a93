"""The runner: reader -> mapper -> writer over the images that need work, on every core or on Ray.

Two engines map the chunks: "local" (a process pool on this machine, the default) and "ray" (the
stages of `stages.py` as a Ray Data pipeline, `onray.py`). Either way the writer runs here.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from vitrine import images
from vitrine.collection import Collection
from vitrine.embedders.base import Embedder
from vitrine.indexing.mapper import MapOptions, Mapped, embed_rest, init_worker, map_chunk
from vitrine.indexing.onray import check_engine, ray_map
from vitrine.indexing.reader import Job, ReadOptions, jobs_of, pending
from vitrine.indexing.stages import index_stages
from vitrine.indexing.writer import IndexReport, Writer
from vitrine.jobs.progress import ProgressCallback, Reporter
from vitrine.locking import writes

if TYPE_CHECKING:
    from vitrine.fetch import FetchOptions
    from vitrine.storage.s3 import S3Options

log = logging.getLogger(__name__)

_CHUNK = 32


@writes("indexing")
def index_collection(
    collection: Collection, *, rebuild: bool = False, workers: int | None = None,
    progress: ProgressCallback | None = None, retry_failed: bool = False,
    max_image_pixels: int = images.DEFAULT_MAX_PIXELS, fetch: FetchOptions | None = None,
    engine: str = "local", num_gpus: float = 0.0, s3: S3Options | None = None,
) -> IndexReport:
    """Embed every image that has no up-to-date vector and add it to the index.

    Images over `max_image_pixels` are not decoded: they are recorded as failed, with the reason.
    Remote images are downloaded with `fetch` (default: public addresses only, the default
    timeout), s3:// ones with `s3` (default: boto3's own); one that is refused or fails is
    recorded as failed too.
    `engine` "ray" maps on Ray (`workers`: concurrent tasks; `num_gpus`: per embed task).
    """
    check_engine(engine, num_gpus)
    embedder = collection.embedder
    if rebuild:
        _reset_vectors(collection)
    else:
        collection.check_embedder(embedder)
    todo = pending(collection, retry_failed)
    report = IndexReport()
    started = time.perf_counter()
    if todo:
        options = _map_options(collection, embedder, ReadOptions(
            cache=str(collection.cache_dir), input_size=embedder.input_size, max_pixels=max_image_pixels,
            fetch=fetch, s3=s3))
        reporter = Reporter(progress, "index", len(todo))
        _run(collection, options, jobs_of(todo), (engine, workers, num_gpus), reporter, report)
    collection.catalog.set_meta("vectors_embedder", embedder.key)
    report.seconds = time.perf_counter() - started
    log.info("indexed %d images (%d failed) in %.1fs", report.embedded, report.failed, report.seconds)
    return report


def _reset_vectors(collection: Collection) -> None:
    """Forget every vector: the index is emptied and every image is marked for embedding."""
    index = collection.index
    index.remove(index.ids())
    collection.save_index()
    collection.catalog.clear_embedded()
    collection.catalog.set_meta("vectors_embedder", collection.embedder.key)


def _map_options(collection: Collection, embedder: Embedder, read: ReadOptions) -> MapOptions:
    return MapOptions(
        read=read, thumbnails=str(collection.thumbnails_dir),
        embedder=collection.config.embedder if embedder.embed_in_workers else None,
        embedder_options=collection.config.embedder_options)


def _run(
    collection: Collection, options: MapOptions, jobs: list[Job], how: tuple[str, int | None, float],
    reporter: Reporter, report: IndexReport,
) -> None:
    engine, workers, num_gpus = how
    embedder = collection.embedder
    writer = Writer(collection, report)
    chunks = [jobs[s:s + _CHUNK] for s in range(0, len(jobs), _CHUNK)]
    if engine == "ray":
        config = collection.config
        stages = index_stages(options, config.embedder, config.embedder_options, num_gpus)
        mapped_chunks = ray_map(stages, chunks, workers)
    else:
        mapped_chunks = _map(embedder, options, chunks, workers)
    try:
        for mapped in mapped_chunks:
            embed_rest(mapped, embedder)
            writer.write(mapped)
            reporter.advance(len(mapped))
    finally:
        writer.flush()


def _map(
    embedder: Embedder, options: MapOptions, chunks: list[list[Job]], workers: int | None,
) -> Iterator[Mapped]:
    n = workers or os.cpu_count() or 1
    if n <= 1 or len(chunks) <= 1:
        init_worker(options, embedder if embedder.embed_in_workers else None)
        yield from map(map_chunk, chunks)
        return
    # fork: workers start at once and need no __main__ guard in the caller; they run only
    # numpy and PIL, never faiss or torch, so threads already started in the parent do not matter.
    ctx = mp.get_context("fork")
    with ctx.Pool(n, initializer=init_worker, initargs=(options, None)) as pool:
        yield from pool.imap(map_chunk, chunks)
