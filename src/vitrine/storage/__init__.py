"""Where an image's bytes are read from: one seam, "the bytes at this location", for every scheme.

    data = read_bytes("s3://museum-masters/prints/0001.tif", s3=settings.s3_options())

A location is a local path, an http(s) URL (fetched through the guarded fetcher, `fetch.py`) or an
`s3://bucket/key` URI (object storage: AWS S3, MinIO, Ceph, anything S3-compatible; `s3.py`,
through boto3, the `s3` extra). A remote read refuses more than `max_bytes` (a local file is read
whole: its pixels are limited when decoded, as every image's are); every failure is an
`ImageError` (a local file) or a `FetchError` naming the location, so the caller records it against
that image and goes on. The indexing reader, local features (`local/pipeline.py`) and whatever else
reads an image's source read through here; the remote libraries load on the first remote read.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from vitrine.errors import FetchError, ImageError

if TYPE_CHECKING:  # httpx and boto3 load only when a remote location is read
    from vitrine.fetch import FetchOptions
    from vitrine.storage.s3 import S3Options

MAX_BYTES = 50_000_000
"""The most bytes one image may have, whichever scheme it is read from."""
REMOTE_SCHEMES = ("http", "https", "s3")


def scheme(location: str) -> str:
    """The location's scheme in lower case ("" for a local path)."""
    head, sep, _ = location.partition("://")
    return head.lower() if sep and head.isalnum() else ""


def is_local(location: str) -> bool:
    """Whether `location` names a file on this machine (no scheme)."""
    return "://" not in location


def is_remote(location: str) -> bool:
    """Whether `location` is a URL or URI of a scheme this seam reads (http, https, s3)."""
    return scheme(location) in REMOTE_SCHEMES


def read_bytes(
    location: str, *, fetch: FetchOptions | None = None, s3: S3Options | None = None,
    max_bytes: int = MAX_BYTES,
) -> bytes:
    """The bytes at `location` (remote: at most `max_bytes`); ImageError or FetchError naming it otherwise."""
    if is_local(location):
        return _read_file(location)
    kind = scheme(location)
    if kind in ("http", "https"):
        from vitrine.fetch import DEFAULT_OPTIONS, fetch_bytes

        return fetch_bytes(location, options=fetch or DEFAULT_OPTIONS, max_bytes=max_bytes)
    if kind == "s3":
        from vitrine.storage.s3 import read_object

        if s3 is None:  # never boto3's bare defaults: they would skip the bucket allow-list and endpoint
            raise FetchError(location, "no object-storage settings reached this reader (VITRINE_S3__...): "
                                       "s3:// locations are read only with them")
        return read_object(location, s3, max_bytes=max_bytes)
    raise FetchError(location, f"cannot read {kind or 'this'}:// locations; "
                               f"vitrine reads local paths, {', '.join(REMOTE_SCHEMES)}")


def _read_file(location: str) -> bytes:
    try:
        return Path(location).read_bytes()
    except OSError as exc:
        raise ImageError(location, f"cannot read the file ({exc.strerror or exc})") from None
