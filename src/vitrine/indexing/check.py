"""Consistency of a collection's catalogue and vector index, and its repair.

Three kinds of difference are found:

- missing: the catalogue says an image has an up-to-date vector, the index does not hold it;
- orphaned: the index holds a vector for an image the catalogue does not have (deleted records);
- stale: the index holds a vector that no longer describes the image: the file changed since it
  was embedded, or the vector came from another embedder, or the catalogue never recorded it.

Repair removes orphaned and stale vectors, forgets the catalogue's marks for missing and stale
ones, and runs indexing, which embeds exactly the images left without an up-to-date vector.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from vitrine import images
from vitrine.collection import Collection
from vitrine.fsutil import file_stamp
from vitrine.indexing.runner import index_collection
from vitrine.jobs.progress import ProgressCallback
from vitrine.locking import writes

if TYPE_CHECKING:
    from vitrine.fetch import FetchOptions
    from vitrine.storage.s3 import S3Options

log = logging.getLogger(__name__)


@dataclass
class CheckReport:
    """Differences between a collection's catalogue and its index; `stale` maps image id to why."""

    embedder: str
    images: int = 0
    vectors: int = 0
    missing: list[int] = field(default_factory=list)
    orphaned: list[int] = field(default_factory=list)
    stale: dict[int, str] = field(default_factory=dict)
    pending: int = 0
    failed: int = 0
    repaired: CheckReport | None = None  # on a report made after a repair: what was found before
    errors: list[tuple[str, str]] = field(default_factory=list)  # images that failed re-embedding

    @property
    def ok(self) -> bool:
        return not (self.missing or self.orphaned or self.stale)

    @property
    def problems(self) -> int:
        return len(self.missing) + len(self.orphaned) + len(self.stale)

    def summary(self) -> list[str]:
        """Human-readable lines, one per finding."""
        lines = [
            f"embedder {self.embedder}: {self.images} images in the catalogue,"
            f" {self.vectors} vectors in the index",
            f"missing vectors (marked embedded, absent from the index): {len(self.missing)}",
            f"orphaned vectors (no such image in the catalogue): {len(self.orphaned)}",
            f"stale vectors (image changed, or embedded by another embedder): {len(self.stale)}",
        ]
        lines += [f"  image {i}: {why}" for i, why in list(self.stale.items())[:20]]
        if self.pending:
            lines.append(f"pending (the next 'vitrine index' embeds them): {self.pending}")
        if self.failed:
            lines.append(f"images that could not be read: {self.failed}")
        return lines

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "ok": self.ok, "embedder": self.embedder, "images": self.images, "vectors": self.vectors,
            "missing": self.missing, "orphaned": self.orphaned,
            "stale": {str(k): v for k, v in self.stale.items()},
            "pending": self.pending, "failed": self.failed,
        }
        if self.repaired is not None:
            out["before_repair"] = self.repaired.to_dict()
            out["errors"] = [list(e) for e in self.errors]
        return out


def check_collection(collection: Collection) -> CheckReport:
    """Compare the catalogue with the index; changes nothing."""
    catalog = collection.catalog
    key = collection.embedder.key
    in_index = set(collection.index.ids().tolist())
    known = set(catalog.all_image_ids().tolist())
    current = set(catalog.embedded_image_ids(key).tolist())
    report = CheckReport(embedder=key, images=len(known), vectors=len(in_index))
    report.missing = sorted(current - in_index)
    report.orphaned = sorted(in_index - known)
    built = collection.vectors_key
    for image_id in sorted((in_index & known) - current):
        report.stale[image_id] = (
            f"embedded by {built}, the collection now uses {key}" if built not in (None, key)
            else "the catalogue has no up-to-date vector for it (image changed or re-imported)")
    for image_id, why in _changed_files(collection, current & in_index).items():
        report.stale[image_id] = why
    report.pending = catalog.count_needing_vectors(key)  # what `vitrine collection stats` says too
    report.failed = catalog.stats()["images_failed"]
    return report


@writes("repair")
def repair_collection(
    collection: Collection, progress: ProgressCallback | None = None, *,
    max_image_pixels: int = images.DEFAULT_MAX_PIXELS, fetch: FetchOptions | None = None,
    s3: S3Options | None = None,
) -> CheckReport:
    """Make the index agree with the catalogue; returns a fresh check, with the first one attached."""
    before = check_collection(collection)
    index = collection.index
    drop = before.orphaned + list(before.stale)
    if drop:
        index.remove(np.asarray(drop, np.int64))
        collection.save_index()
    collection.catalog.clear_embedded(before.missing + list(before.stale))
    built = collection.vectors_key
    rebuild = built is not None and built != collection.embedder.key
    result = index_collection(
        collection, rebuild=rebuild, progress=progress, max_image_pixels=max_image_pixels, fetch=fetch,
        s3=s3)
    after = check_collection(collection)
    after.repaired = before
    after.errors = result.errors
    log.info("repaired %d problems; %d remain", before.problems, after.problems)
    return after


def _changed_files(collection: Collection, ids: set[int]) -> dict[int, str]:
    """Local image files that changed on disk since they were embedded (stamp, then checksum)."""
    if not ids:
        return {}
    changed: dict[int, str] = {}
    stamps = {i: (loc, stamp) for i, loc, stamp in collection.catalog.local_image_stamps() if i in ids}
    suspects = [i for i, (loc, stamp) in stamps.items() if file_stamp(Path(loc)) != stamp]
    for image_id, stored in collection.catalog.images_by_id(suspects).items():
        path = Path(stored.location)
        try:
            digest = images.sha256_bytes(path.read_bytes())
        except OSError:
            changed[image_id] = f"the file {path} can no longer be read"
            continue
        if digest != stored.sha256:
            changed[image_id] = f"the file {path} changed since it was embedded"
    return changed
