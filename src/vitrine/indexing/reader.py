"""Reader: which images need work, and each one's bytes read (or fetched), hashed and decoded."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vitrine import images, storage
from vitrine.collection import Collection
from vitrine.errors import FetchError, ImageError, VitrineError
from vitrine.fsutil import file_stamp, write_atomic
from vitrine.records import StoredImage

if TYPE_CHECKING:  # httpx and boto3 load only for remote images
    from vitrine.fetch import FetchOptions
    from vitrine.storage.s3 import S3Options


@dataclass(frozen=True)
class Job:
    """What a worker needs to know about one catalogued image (picklable); local features use it too."""

    image_id: int
    location: str
    local_path: str | None


@dataclass(frozen=True)
class ReadOptions:
    """Where fetched images are cached, how they are fetched and how far they are decoded."""

    cache: str
    input_size: int  # the embedder's side: pixels are decoded no larger than needed
    max_pixels: int  # images over this many pixels are refused, not decoded
    fetch: FetchOptions | None = None  # None: the defaults (public addresses only)
    s3: S3Options | None = None  # None: boto3's defaults (AWS, the credential chain)


@dataclass(frozen=True)
class FileInfo:
    """What the catalogue records about an image's file once it is indexed."""

    local_path: str | None  # the cached copy of a remote image; None for a local source file
    width: int
    height: int
    sha256: str
    source_stamp: str | None


@dataclass
class Loaded:
    """One image read and decoded, with its raw bytes (a small JPEG is its own thumbnail)."""

    job: Job
    data: bytes
    decoded: images.Decoded
    info: FileInfo


@dataclass(frozen=True)
class Failed:
    """An image that could not be read or decoded, and why."""

    image_id: int
    location: str
    reason: str


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


def jobs_of(todo: Iterable[StoredImage]) -> list[Job]:
    return [Job(i.id, i.location, i.local_path) for i in todo]


def read_all(jobs: Iterable[Job], options: ReadOptions) -> Iterator[Loaded | Failed]:
    """Each job's image loaded, or the reason it could not be; never raises for one bad image."""
    for job in jobs:
        try:
            yield load(job, options)
        except VitrineError as exc:
            yield failure(job, exc)


def load(job: Job, options: ReadOptions) -> Loaded:
    """Read, hash and decode one image (at a reduced size, refusing one over the pixel budget)."""
    stamp = file_stamp(job.location)
    data, local_path = _read(job, options)
    decoded = images.decode_for_index(
        data, job.location, embed_size=options.input_size, max_pixels=options.max_pixels)
    width, height = decoded.size
    info = FileInfo(local_path, width, height, images.sha256_bytes(data), stamp)
    return Loaded(job, data, decoded, info)


def failure(job: Job, exc: VitrineError) -> Failed:
    """Why one job failed; image and fetch errors give their bare reason, the location is kept beside it."""
    reason = exc.reason if isinstance(exc, ImageError | FetchError) else str(exc)
    return Failed(job.image_id, job.location, reason)


def local_file(job: Job, options: ReadOptions) -> tuple[Path, str]:
    """A file on this machine holding the image (the source, or a copy fetched into the cache), and
    the SHA-256 of its bytes: how a suggestion agent on a Ray worker reads an image."""
    data, local_path = _read(job, options)
    return Path(local_path or job.location), images.sha256_bytes(data)


def _read(job: Job, options: ReadOptions) -> tuple[bytes, str | None]:
    """The image's bytes and the local file that holds them (None for a local source file).

    A remote image (http, https, s3) is read through `storage` once and kept in the cache.
    """
    if storage.is_local(job.location):
        return storage.read_bytes(job.location), None
    if job.local_path and Path(job.local_path).exists():
        return Path(job.local_path).read_bytes(), job.local_path
    data = storage.read_bytes(job.location, fetch=options.fetch, s3=options.s3)
    key = images.sha256_bytes(job.location.encode())
    cached = Path(options.cache) / key[:2] / f"{key}.img"
    cached.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(cached, data)
    return data, str(cached)
