"""Quantised features and the segments that hold them.

A `Quantised` is one image's features reduced to what search and verification need: visual word,
Hamming signature and keypoint geometry. A `Segment` is an immutable batch of images' quantised
features, appended once and never modified; later segments supersede earlier entries for the same
image and may tombstone images (`removed`). Geometry is stored compactly: positions as uint16
fractions of the image size, scale as float16, angle as uint8 (about 17-19 bytes per feature).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vitrine.local.features import Box, LocalFeatures
from vitrine.local.vocabulary import Vocabulary

_XY_SCALE = 65535.0


@dataclass(frozen=True)
class Quantised:
    """One image's features as words, signatures and keypoints [x, y, size, angle] in source pixels."""

    words: NDArray[np.int32]
    signatures: NDArray[np.uint64]
    keypoints: NDArray[np.float32]
    image_size: tuple[int, int]

    def __len__(self) -> int:
        return int(self.words.shape[0])

    def crop(self, box: Box) -> Quantised:
        """The features whose centre lies in `box` (source pixels)."""
        x, y = self.keypoints[:, 0], self.keypoints[:, 1]
        x0, y0, x1, y1 = box
        keep = (x >= x0) & (x < x1) & (y >= y0) & (y < y1)
        return Quantised(self.words[keep], self.signatures[keep], self.keypoints[keep], self.image_size)


def quantise(features: LocalFeatures, vocabulary: Vocabulary) -> Quantised:
    """Assign each feature its visual word and Hamming signature."""
    words = vocabulary.words(features.descriptors)
    signatures = vocabulary.signatures(features.descriptors, words) if len(words) else np.zeros(0, np.uint64)
    return Quantised(words, signatures, features.keypoints, features.image_size)


@dataclass(frozen=True)
class ImageEntry:
    """What a segment knows about one image besides its features."""

    image_id: int
    sha256: str
    stamp: str | None  # size:mtime of a local source file, to notice changes without hashing


@dataclass(frozen=True)
class Segment:
    """An immutable batch of images' features (and tombstones), in image order."""

    image_ids: NDArray[np.int64]
    sha256: list[str]
    stamps: list[str | None]
    sizes: NDArray[np.int32]  # (m, 2) width, height
    offsets: NDArray[np.int64]  # (m + 1,) feature ranges
    words: NDArray[np.int32]
    signatures: NDArray[np.uint64]
    xy: NDArray[np.uint16]  # (n, 2) fractions of width/height
    scale: NDArray[np.float16]
    angle: NDArray[np.uint8]
    removed: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))

    def __len__(self) -> int:
        return int(self.image_ids.shape[0])

    def keypoints(self, lo: int, hi: int, size: tuple[int, int]) -> NDArray[np.float32]:
        """Keypoints [x, y, size, angle] in source pixels of features lo..hi (one image)."""
        return decode_keypoints(self.xy[lo:hi], self.scale[lo:hi], self.angle[lo:hi], size)

    def to_arrays(self) -> dict[str, NDArray[Any]]:
        return {
            "image_ids": self.image_ids, "sha256": np.array(self.sha256, dtype="U64"),
            "stamps": np.array([s or "" for s in self.stamps], dtype="U64"),
            "sizes": self.sizes, "offsets": self.offsets, "words": _compact_words(self.words),
            "signatures": self.signatures, "xy": self.xy, "scale": self.scale,
            "angle": self.angle, "removed": self.removed,
        }

    @staticmethod
    def from_arrays(a: dict[str, NDArray[Any]]) -> Segment:
        return Segment(
            image_ids=np.asarray(a["image_ids"], np.int64), sha256=[str(s) for s in a["sha256"]],
            stamps=[str(s) or None for s in a["stamps"]], sizes=np.asarray(a["sizes"], np.int32),
            offsets=np.asarray(a["offsets"], np.int64), words=np.asarray(a["words"], np.int32),
            signatures=np.asarray(a["signatures"], np.uint64), xy=np.asarray(a["xy"], np.uint16),
            scale=np.asarray(a["scale"], np.float16), angle=np.asarray(a["angle"], np.uint8),
            removed=np.asarray(a["removed"], np.int64))

    @property
    def nbytes(self) -> int:
        return sum(int(v.nbytes) for v in self.to_arrays().values())


def _compact_words(words: NDArray[np.int32]) -> NDArray[Any]:
    """uint16 on disk whenever the vocabulary allows it (2 bytes per feature saved)."""
    return words.astype(np.uint16) if words.size == 0 or int(words.max()) < 65536 else words


def build_segment(
    items: list[tuple[ImageEntry, Quantised]], removed: list[int] | None = None,
) -> Segment:
    """Pack images' quantised features into one segment."""
    counts = [len(q) for _, q in items]
    offsets = np.zeros(len(items) + 1, np.int64)
    offsets[1:] = np.cumsum(counts)
    xy, scale, angle = _encode_all([q for _, q in items])
    return Segment(
        image_ids=np.array([e.image_id for e, _ in items], np.int64),
        sha256=[e.sha256 for e, _ in items], stamps=[e.stamp for e, _ in items],
        sizes=np.array([q.image_size for _, q in items], np.int32).reshape(-1, 2),
        offsets=offsets,
        words=_concat([q.words for _, q in items], np.int32),
        signatures=_concat([q.signatures for _, q in items], np.uint64),
        xy=xy, scale=scale, angle=angle,
        removed=np.array(sorted(set(removed or [])), np.int64))


def _concat(parts: list[NDArray[Any]], dtype: Any) -> NDArray[Any]:
    return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype)


def _encode_all(
    quantised: list[Quantised],
) -> tuple[NDArray[np.uint16], NDArray[np.float16], NDArray[np.uint8]]:
    if not quantised:
        return np.zeros((0, 2), np.uint16), np.zeros(0, np.float16), np.zeros(0, np.uint8)
    sizes = np.concatenate([
        np.tile(np.array(q.image_size, np.float64), (len(q), 1)) for q in quantised])
    kp = np.concatenate([q.keypoints for q in quantised]).astype(np.float64).reshape(-1, 4)
    fraction = np.clip((kp[:, :2] + 0.5) / np.maximum(sizes, 1), 0, 1)
    xy = np.round(fraction * _XY_SCALE).astype(np.uint16)
    angle = np.round((kp[:, 3] % 360.0) / 360.0 * 256).astype(np.int64) % 256
    return xy, kp[:, 2].astype(np.float16), angle.astype(np.uint8)


def decode_keypoints(
    xy: NDArray[np.uint16], scale: NDArray[np.float16], angle: NDArray[np.uint8],
    size: tuple[int, int],
) -> NDArray[np.float32]:
    """Keypoints [x, y, size, angle] in source pixels from their compact form."""
    out = np.empty((len(xy), 4), np.float32)
    out[:, :2] = xy.astype(np.float32) / _XY_SCALE * np.array(size, np.float32) - 0.5
    out[:, 2] = scale.astype(np.float32)
    out[:, 3] = angle.astype(np.float32) * (360.0 / 256)
    return out


def live_entries(segments: list[Segment]) -> dict[int, ImageEntry]:
    """The images the segments hold now (newest entry wins, tombstones applied)."""
    live: dict[int, ImageEntry] = {}
    for segment in segments:
        for image_id in segment.removed.tolist():
            live.pop(int(image_id), None)
        rows = zip(segment.image_ids.tolist(), segment.sha256, segment.stamps, strict=True)
        for image_id, sha, stamp in rows:
            live[int(image_id)] = ImageEntry(int(image_id), sha, stamp)
    return live
