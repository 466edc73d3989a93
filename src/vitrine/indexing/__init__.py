"""The indexing pipeline: fetch -> decode -> thumbnail -> embed -> index, on every core.

Reader: the catalogue lists images whose vector is missing or stale. Mapper: worker processes
read each file once (fetching remote ones into the collection's cache), hash it, decode it at a
reduced size, write its thumbnail and, for light embedders, embed it. Writer: the parent adds
vectors to the index and, after each durable save of the index, records in the catalogue which
images are done, so an interrupted run loses at most the unsaved tail and never leaves the
catalogue claiming vectors the index does not hold.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from vitrine import embedders, images
from vitrine.collection import Collection
from vitrine.embedders.base import Embedder
from vitrine.errors import ImageError, VitrineError
from vitrine.records import StoredImage

log = logging.getLogger(__name__)

Progress = Callable[[int], None]
_SAVE_EVERY_S = 30.0
_CHUNK = 32


@dataclass
class IndexReport:
    """What an indexing run did; `errors` lists (image location, reason)."""

    embedded: int = 0
    failed: int = 0
    seconds: float = 0.0
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.embedded / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class _Job:
    """What a worker needs to know about one image (picklable)."""

    image_id: int
    location: str
    local_path: str | None


_Info = tuple[str | None, int, int, str, str | None]
"""local_path, width, height, sha256, source_stamp of a processed image."""


@dataclass
class _Done:
    """A worker's answer for one chunk."""

    ids: list[int] = field(default_factory=list)
    infos: list[_Info] = field(default_factory=list)
    vectors: NDArray[np.float32] | None = None
    pixels: list[Image.Image] = field(default_factory=list)  # when the parent embeds
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # id, location, reason


def pending(collection: Collection, retry_failed: bool = False) -> list[StoredImage]:
    """Images that need (re)processing for the collection's current embedder.

    Local files whose size or modification time changed since they were embedded count too:
    their content is read and hashed again.
    """
    catalog = collection.catalog
    if retry_failed:
        catalog.clear_image_errors()
    changed = [
        image_id for image_id, location, stamp in catalog.local_image_stamps()
        if file_stamp(Path(location)) != stamp
    ]
    catalog.invalidate_images(changed)
    return catalog.images_needing_vectors(collection.embedder.key)


def file_stamp(path: Path) -> str | None:
    """Size and modification time of a file, to notice changes without reading it."""
    try:
        st = path.stat()
    except OSError:
        return None
    return f"{st.st_size}:{st.st_mtime_ns}"


def index_collection(
    collection: Collection, *, rebuild: bool = False, workers: int | None = None,
    progress: Progress | None = None, retry_failed: bool = False,
) -> IndexReport:
    """Embed every image that has no up-to-date vector and add it to the index."""
    embedder = collection.embedder
    if rebuild:
        _reset_vectors(collection)
    else:
        collection.check_embedder(embedder)
    todo = pending(collection, retry_failed)
    report = IndexReport()
    started = time.perf_counter()
    if todo:
        _run(collection, embedder, todo, workers, progress, report)
    collection.catalog.set_meta("vectors_embedder", embedder.key)
    report.seconds = time.perf_counter() - started
    log.info("indexed %d images (%d failed) in %.1fs", report.embedded, report.failed, report.seconds)
    return report


def embed_query_image(collection: Collection, image: Image.Image) -> NDArray[np.float32]:
    """The (dim,) vector of a query image, made as the collection's images were."""
    embedder = collection.embedder
    collection.check_embedder(embedder)
    return embedder.embed_image(_reduce(image.convert("RGB"), embedder.input_size))


def _reset_vectors(collection: Collection) -> None:
    """Forget every vector: the index is emptied and every image is marked for embedding."""
    index = collection.index
    index.remove(index.ids())
    index.save()
    collection.catalog.clear_embedded()
    collection.catalog.set_meta("vectors_embedder", collection.embedder.key)


def _run(
    collection: Collection, embedder: Embedder, todo: list[StoredImage], workers: int | None,
    progress: Progress | None, report: IndexReport,
) -> None:
    writer = _Writer(collection, embedder, report)
    jobs = [_Job(i.id, i.location, i.local_path) for i in todo]
    chunks = [jobs[s:s + _CHUNK] for s in range(0, len(jobs), _CHUNK)]
    try:
        for done in _map(collection, embedder, chunks, workers):
            writer.write(done)
            if progress:
                progress(len(done.ids) + len(done.errors))
    finally:
        writer.flush()


def _map(
    collection: Collection, embedder: Embedder, chunks: list[list[_Job]], workers: int | None,
) -> Iterator[_Done]:
    config = _WorkerConfig(
        embedder=collection.config.embedder if embedder.embed_in_workers else None,
        embedder_options=collection.config.embedder_options,
        input_size=embedder.input_size,
        thumbnails=str(collection.thumbnails_dir),
        cache=str(collection.cache_dir),
        max_pixels=images.DEFAULT_MAX_PIXELS,
    )
    n = workers or os.cpu_count() or 1
    if n <= 1 or len(chunks) <= 1:
        _init_worker(config, embedder if embedder.embed_in_workers else None)
        yield from map(_process_chunk, chunks)
        return
    # fork: workers start at once and need no __main__ guard in the caller; they run only
    # numpy and PIL, never faiss or torch, so threads already started in the parent do not matter.
    ctx = mp.get_context("fork")
    with ctx.Pool(n, initializer=_init_worker, initargs=(config, None)) as pool:
        yield from pool.imap(_process_chunk, chunks)


class _Writer:
    """Adds vectors to the index; marks images done in the catalogue only after a durable save."""

    def __init__(self, collection: Collection, embedder: Embedder, report: IndexReport) -> None:
        self.collection = collection
        self.embedder = embedder
        self.report = report
        self.unsaved: list[tuple[int, _Info]] = []
        self.last_save = time.monotonic()

    def write(self, done: _Done) -> None:
        catalog = self.collection.catalog
        for image_id, location, reason in done.errors:
            catalog.set_image_error(image_id, reason)
            self.report.errors.append((location, reason))
            self.report.failed += 1
        if not done.ids:
            return
        vectors = done.vectors
        if vectors is None:
            vectors = self.embedder.embed_images(done.pixels)
        self.collection.index.add(np.asarray(done.ids, np.int64), vectors)
        self.unsaved.extend(zip(done.ids, done.infos, strict=True))
        self.report.embedded += len(done.ids)
        if time.monotonic() - self.last_save > _SAVE_EVERY_S:
            self.flush()

    def flush(self) -> None:
        if not self.unsaved:
            return
        self.collection.index.save()
        catalog = self.collection.catalog
        with catalog.transaction():
            for image_id, (local_path, w, h, sha, stamp) in self.unsaved:
                catalog.set_image_file(
                    image_id, local_path=local_path, width=w, height=h, sha256=sha, source_stamp=stamp)
            catalog.mark_embedded([i for i, _ in self.unsaved], self.embedder.key)
        self.unsaved.clear()
        self.last_save = time.monotonic()


# -- worker side ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _WorkerConfig:
    embedder: str | None  # None: the parent embeds
    embedder_options: dict[str, Any]
    input_size: int
    thumbnails: str
    cache: str
    max_pixels: int


_config: _WorkerConfig | None = None
_embedder: Embedder | None = None


def _init_worker(config: _WorkerConfig, embedder: Embedder | None) -> None:
    global _config, _embedder
    _config = config
    if embedder is not None:
        _embedder = embedder
    elif config.embedder is not None:
        _embedder = embedders.create(config.embedder, **config.embedder_options)
    else:
        _embedder = None


def _process_chunk(jobs: list[_Job]) -> _Done:
    assert _config is not None
    done = _Done()
    decoded: list[Image.Image] = []
    for job in jobs:
        try:
            image, info = _load(job, _config)
        except VitrineError as exc:
            done.errors.append((job.image_id, job.location, _reason(exc)))
            continue
        done.ids.append(job.image_id)
        done.infos.append(info)
        decoded.append(_reduce(image, _config.input_size))
    if _embedder is not None:
        done.vectors = _embedder.embed_images(decoded) if decoded else None
    else:
        done.pixels = decoded
    return done


def _load(job: _Job, config: _WorkerConfig) -> tuple[Image.Image, _Info]:
    """Read, hash and decode one image; write its thumbnail."""
    stamp = file_stamp(Path(job.location)) if "://" not in job.location else None
    data, local_path = _read(job, config)
    sha = images.sha256_bytes(data)
    decoded = images.decode_for_index(
        data, job.location, embed_size=config.input_size, max_pixels=config.max_pixels)
    path = Path(config.thumbnails) / sha[:2] / f"{sha}.jpg"
    thumb = None if path.exists() else images.write_thumbnail(decoded, data, path)
    # Reducing the thumbnail is cheaper than reducing the decoded image, when it is big enough.
    pixels = thumb if thumb is not None and min(thumb.size) >= config.input_size else decoded.image
    width, height = decoded.size
    return pixels, (local_path, width, height, sha, stamp)


def _read(job: _Job, config: _WorkerConfig) -> tuple[bytes, str | None]:
    """The image's bytes and the local file that holds them (None for a local source file)."""
    if "://" not in job.location:
        path = Path(job.location)
        try:
            return path.read_bytes(), None
        except OSError as exc:
            raise ImageError(job.location, f"cannot read the file ({exc.strerror or exc})") from None
    if job.local_path and Path(job.local_path).exists():
        return Path(job.local_path).read_bytes(), job.local_path
    from vitrine.fetch import fetch_bytes

    data = fetch_bytes(job.location)
    cached = Path(config.cache) / images.sha256_bytes(job.location.encode())[:2] / (
        images.sha256_bytes(job.location.encode()) + ".img")
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_name(cached.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(cached)
    return data, str(cached)


def _reduce(image: Image.Image, side: int) -> Image.Image:
    """Shrink so the short side is `side` (never enlarge): embedders need no more."""
    w, h = image.size
    scale = side / min(w, h)
    if scale >= 1:
        return image
    return image.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.BILINEAR)


def _reason(exc: VitrineError) -> str:
    return exc.reason if isinstance(exc, ImageError) else str(exc)

