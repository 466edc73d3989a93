"""Import a bucket prefix of object storage as a folder: `vitrine import folder NAME s3://bucket/prefix`.

The objects under the prefix are listed page by page (S3 lists at most 1,000 keys a request) and
catalogued as `FolderSource` catalogues files: one record per key without its extension, relative
to the prefix (``s3://museum/prints/a/0001.jpg`` under ``s3://museum/prints`` is ``a/0001``),
several extensions of one stem forming one record, hidden names (a segment starting with ".")
skipped, and a JSON sidecar ``<name>.json`` or ``<name>.<ext>.json`` beside the image read for its
metadata. The images keep their s3:// locations: indexing reads them there (`storage`) and caches
each once. Nothing is downloaded here but the sidecars.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vitrine import storage
from vitrine.errors import ImportError_
from vitrine.importers.base import Source, SourceItem
from vitrine.importers.folder import (
    IMAGE_EXTENSIONS,
    FolderSource,
    file_record,
    parse_sidecar,
    title_from_name,
)
from vitrine.records import ImageRef

if TYPE_CHECKING:
    from vitrine.storage.s3 import S3Options

SIDECAR_MAX_BYTES = 1_000_000


class BucketSource(Source):
    """Every image object under an s3:// prefix, in a stable order; resumes after the last identifier."""

    kind = "bucket"

    def __init__(
        self, uri: str, *, recursive: bool = True, sidecars: bool = True, source_name: str | None = None,
        s3: S3Options | None = None,
    ) -> None:
        from vitrine.storage.s3 import S3Options, parse_uri

        self.bucket, prefix = parse_uri(uri, key_required=False)
        self.prefix = prefix if not prefix or prefix.endswith("/") else prefix + "/"
        self.recursive = recursive
        self.sidecars = sidecars
        self.source_name = source_name
        self.s3 = s3 or S3Options()
        self._listing: dict[str, int] | None = None

    def key(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def total(self) -> int | None:
        return len(self._groups())

    def read(self, cursor: str | None = None) -> Iterator[SourceItem]:
        for stem, keys in self._groups():
            if cursor is not None and stem <= cursor:
                continue
            yield self._item(stem, keys)

    def _objects(self) -> dict[str, int]:
        """Every key under the prefix with its size (relative to the prefix), listed once."""
        if self._listing is None:
            from vitrine.storage.s3 import list_objects

            # FetchError (an ImportError_) naming the prefix: no bucket, access denied, no credentials
            self._listing = {o.key[len(self.prefix):]: o.size for o in list_objects(self.key(), self.s3)}
        return self._listing

    def _groups(self) -> list[tuple[str, list[str]]]:
        groups: dict[str, list[str]] = {}
        for name in self._objects():
            parts = name.split("/")
            if any(p.startswith(".") or not p for p in parts) or (not self.recursive and len(parts) > 1):
                continue
            stem, ext = posixpath.splitext(name)
            if ext.lower() in IMAGE_EXTENSIONS:
                groups.setdefault(stem, []).append(name)
        return sorted((stem, sorted(names)) for stem, names in groups.items())

    def _item(self, stem: str, names: list[str]) -> SourceItem:
        sizes = self._objects()
        empty = [posixpath.basename(n) for n in names if sizes[n] == 0]
        if empty:
            return SourceItem(item=names[0], error=f"empty object ({', '.join(empty)})", cursor=stem)
        images = [ImageRef(location=self._uri(n)) for n in names]
        try:
            meta = self._sidecar(names) if self.sidecars else {}
            title = title_from_name(posixpath.basename(stem))
            record = file_record(stem, title, meta, images, self.source_name)
        except (ImportError_, ValueError) as exc:
            return SourceItem(item=names[0], error=str(exc), cursor=stem)
        return SourceItem(item=names[0], record=record, cursor=stem)

    def _sidecar(self, names: list[str]) -> dict[str, Any]:
        sizes = self._objects()
        for name in names:
            for candidate in (name + ".json", posixpath.splitext(name)[0] + ".json"):
                if candidate in sizes:
                    raw = storage.read_bytes(self._uri(candidate), s3=self.s3, max_bytes=SIDECAR_MAX_BYTES)
                    return parse_sidecar(posixpath.basename(candidate), raw)
        return {}

    def _uri(self, name: str) -> str:
        return f"s3://{self.bucket}/{self.prefix}{name}"


def folder_source(
    location: str, *, recursive: bool = True, s3: S3Options | None = None,
) -> FolderSource | BucketSource:
    """The source of a folder: a bucket prefix for an s3:// URI, else a folder on this machine."""
    if storage.scheme(location) == "s3":
        return BucketSource(location, recursive=recursive, s3=s3)
    if storage.is_remote(location):
        raise ImportError_(f"cannot import {location} as a folder: use a local folder or an s3:// prefix")
    return FolderSource(Path(location), recursive=recursive)
