"""The near-duplicate report: groups of images, saved with the collection as atomic JSON.

A report is stamped with the key of the embedder that built the vectors it compared, the number
of indexed images and a digest of their ids, so a page can tell when it no longer describes the
collection (images added, removed or re-embedded since) and say how to recompute it.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from vitrine.collection import Collection
from vitrine.errors import DuplicatesError
from vitrine.fsutil import write_atomic

REPORT_FILE = "duplicates.json"
FORMAT = 1
Kind = Literal["exact", "near", "crop"]


@dataclass(frozen=True)
class Member:
    """One image of a group, with the record that holds it."""

    image_id: int
    identifier: str
    title: str | None = None


@dataclass(frozen=True)
class Pair:
    """Two images found alike: `score` is their cosine (1 for identical files).

    `kind`: exact (same checksum), crop (one shows a part of the other, told by the geometric
    check), near (anything else above the threshold). `inliers`: local-feature matches that
    agree on one similarity transform, when the second check ran.
    """

    a: int
    b: int
    score: float
    kind: Kind
    inliers: int | None = None


@dataclass
class Group:
    """Images linked by pairs (directly or through each other)."""

    number: int
    kind: Kind
    members: list[Member]
    pairs: list[Pair]

    @property
    def score(self) -> float:
        return max((p.score for p in self.pairs), default=0.0)

    @property
    def records(self) -> int:
        return len({m.identifier for m in self.members})


@dataclass
class DuplicateReport:
    """Every group found in one run, and how it was found."""

    collection: str
    embedder: str | None
    images: int
    ids_digest: str
    threshold: float
    verified: bool
    k: int
    candidates: int = 0
    rejected: int = 0
    seconds: float = 0.0
    created_at: float = field(default_factory=time.time)
    groups: list[Group] = field(default_factory=list)
    local_candidates: int | None = None
    """Candidate pairs the local-feature index added to the k-NN ones; None: no local index used."""

    @property
    def pairs(self) -> int:
        return sum(len(g.pairs) for g in self.groups)

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, **asdict(self)}

    @staticmethod
    def from_dict(data: dict[str, Any]) -> DuplicateReport:
        data = dict(data)
        if data.pop("format", None) != FORMAT:
            raise DuplicatesError("the saved duplicate report has an unknown format; run find again")
        groups = [
            Group(number=g["number"], kind=g["kind"], members=[Member(**m) for m in g["members"]],
                  pairs=[Pair(**p) for p in g["pairs"]])
            for g in data.pop("groups")]
        return DuplicateReport(**data, groups=groups)


@dataclass(frozen=True)
class Stamp:
    """What a report must agree with to describe the collection as it is now."""

    embedder: str | None
    images: int
    ids_digest: str


def current_stamp(collection: Collection) -> Stamp:
    """The embedder key, count and id digest of the images that have a vector now."""
    key = collection.vectors_key
    ids = collection.catalog.embedded_image_ids(key) if key else np.zeros(0, np.int64)
    return Stamp(key, int(ids.size), ids_digest(ids))


def ids_digest(ids: NDArray[np.int64]) -> str:
    return hashlib.blake2b(np.sort(ids).astype("<i8").tobytes(), digest_size=12).hexdigest()


def report_path(collection: Collection) -> Path:
    return collection.root / REPORT_FILE


def save_report(collection: Collection, report: DuplicateReport) -> Path:
    """Write the report atomically (temporary file, fsync, rename): a crash keeps the old one."""
    path = report_path(collection)
    write_atomic(path, json.dumps(report.to_dict(), ensure_ascii=False, separators=(",", ":")))
    return path


def load_report(collection: Collection) -> DuplicateReport | None:
    """The saved report, or None when none was made yet."""
    path = report_path(collection)
    if not path.is_file():
        return None
    try:
        return DuplicateReport.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError, KeyError) as exc:
        raise DuplicatesError(
            f"{path} is not a readable duplicate report ({exc}); run "
            f"'vitrine duplicates find {collection.name}' to make it again") from exc


def stale_reason(collection: Collection, report: DuplicateReport) -> str | None:
    """Why the report no longer describes the collection, or None while it still does."""
    now = current_stamp(collection)
    if now.embedder != report.embedder:
        return f"the vectors were rebuilt with {now.embedder!r} since (the report used {report.embedder!r})"
    if now.images != report.images:
        return f"the collection has {now.images} indexed images now, {report.images} when the report was made"
    if now.ids_digest != report.ids_digest:
        return "images were added or removed since the report was made"
    return None


CSV_HEADER = ("group", "record", "title", "image", "score", "kind", "group_kind")


def csv_rows(report: DuplicateReport) -> list[tuple[Any, ...]]:
    """One row per member: its group, the record, and its best link to the rest of the group."""
    rows: list[tuple[Any, ...]] = []
    for group in report.groups:
        best: dict[int, Pair] = {}
        for pair in group.pairs:
            for image_id in (pair.a, pair.b):
                if image_id not in best or pair.score > best[image_id].score:
                    best[image_id] = pair
        for m in group.members:
            link = best.get(m.image_id)
            rows.append((group.number, m.identifier, m.title or "", m.image_id,
                         round(link.score, 4) if link else "", link.kind if link else "", group.kind))
    return rows
