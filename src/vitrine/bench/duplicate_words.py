"""The visual-word candidate pass at scale: one inverted-file query per image over a synthetic index.

Data: `n` images of `features` quantised features each, words drawn from a skewed (Zipf-like)
distribution over an 8,192-word vocabulary as real ones are, random 64-bit signatures; the last
1% are copies of random earlier images: half "crops" (a random 45% of the original's features,
signatures with 2 bits flipped, and as many features of their own as make 150), half copies in a
border (85% of the original's features and 15% of the border's). Every image asks
`LocalIndex.similar` for its `per_image` best and verifies them on stored features, as
`duplicates.words.word_pairs` does (the verification is timed only: random keypoints verify
nothing, so candidates are counted before it). Figures: the time of that pass at n/10 and at n,
and the share of crops, and of bordered copies, whose original is a candidate (from either end).
An all-pairs comparison of the bags of words would grow with n².
"""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vitrine.duplicates.words import DEFAULT_PER_IMAGE, RAREST
from vitrine.local.index import LocalIndex
from vitrine.local.segments import Segment
from vitrine.local.vocabulary import Vocabulary

log = logging.getLogger(__name__)
WORDS = 8192


def synthetic_index(n: int, features: int, seed: int) -> tuple[LocalIndex, NDArray[np.int64]]:
    """A local index of `n` images, the last 1% copies of random earlier ones (the first half of
    them crops, the second half copies in a border); and the original of each copy."""
    rng = np.random.default_rng(seed)
    copies = max(2, n // 100)
    base = n - copies
    zipf = 1.0 / (np.arange(WORDS) + 20.0) ** 0.9
    p = zipf / zipf.sum()
    words = rng.choice(WORDS, size=(base, features), p=p).astype(np.int32)
    signatures = rng.integers(0, 2**63, size=(base, features), dtype=np.int64).astype(np.uint64)
    of = rng.integers(0, base, copies)
    half = copies // 2
    crops = _copies(rng, words[of[:half]], signatures[of[:half]], int(features * CROP_KEEPS), p)
    borders = _copies(rng, words[of[half:]], signatures[of[half:]], int(features * BORDER_KEEPS), p)
    all_words = np.concatenate([words, crops[0], borders[0]]).ravel()
    all_signatures = np.concatenate([signatures, crops[1], borders[1]]).ravel()
    total = n * features
    segment = Segment(
        image_ids=np.arange(n, dtype=np.int64), sha256=[""] * n, stamps=[None] * n,
        sizes=np.full((n, 2), 200, np.int32), offsets=np.arange(n + 1, dtype=np.int64) * features,
        words=all_words, signatures=all_signatures, xy=rng.integers(0, 65535, (total, 2)).astype(np.uint16),
        scale=np.full(total, 4.0, np.float16), angle=np.zeros(total, np.uint8))
    vocabulary = Vocabulary(np.zeros((WORDS, 1), np.float32), np.zeros((64, 1), np.float32),
                            np.zeros((WORDS, 64), np.float32))
    return LocalIndex(vocabulary, [segment]), of.astype(np.int64)


CROP_KEEPS = 0.45
"""A crop keeps this share of its original's features; the rest of its features are its own."""
BORDER_KEEPS = 0.85
"""A copy in a border keeps this share (the picture is smaller inside the frame, its finest
features are lost); the rest are the border's and the caption's."""


def _copies(rng: np.random.Generator, words: NDArray[np.int32], signatures: NDArray[np.uint64], keep: int,
            p: NDArray[np.float64]) -> tuple[NDArray[np.int32], NDArray[np.uint64]]:
    """Copies of the rows given: `keep` of each row's features (signatures with 2 bits flipped)
    and new ones up to the same number of features."""
    copies, features = words.shape
    picks = np.argsort(rng.random((copies, features)), axis=1)[:, :keep]
    flips = (np.uint64(1) << rng.integers(0, 64, (copies, keep)).astype(np.uint64)) | (
        np.uint64(1) << rng.integers(0, 64, (copies, keep)).astype(np.uint64))
    extra = features - keep
    new_words = np.concatenate([np.take_along_axis(words, picks, 1),
                                rng.choice(WORDS, size=(copies, extra), p=p).astype(np.int32)], axis=1)
    new_signatures = np.concatenate([np.take_along_axis(signatures, picks, 1) ^ flips, rng.integers(
        0, 2**63, size=(copies, extra), dtype=np.int64).astype(np.uint64)], axis=1)
    return new_words, new_signatures


def candidate_pass(
    index: LocalIndex, per_image: int, rarest: int | None,
) -> tuple[float, set[tuple[int, int]]]:
    """Seconds for every image's query and verification, and the unordered pairs found."""
    started = time.perf_counter()
    found: set[tuple[int, int]] = set()
    for image_id in index.image_ids.tolist():
        others = [o for o, _ in index.similar(image_id, n=per_image, rarest=rarest)]
        index.verify_stored(image_id, others)  # timed only: random keypoints verify nothing
        found.update((min(image_id, o), max(image_id, o)) for o in others)
    return time.perf_counter() - started, found


def measure_words(
    n: int, *, seed: int = 7, features: int = 150, per_image: int = DEFAULT_PER_IMAGE,
    rarest: int | None = RAREST,
) -> dict[str, Any]:
    """The candidate pass at n/10 and n images: time, time per image, crop recall."""
    cap = rarest
    out: dict[str, Any] = {"features_per_image": features, "per_image": per_image, "rarest": cap}
    for size in (max(200, n // 10), n):
        started = time.perf_counter()
        index, of = synthetic_index(size, features, seed)
        built = time.perf_counter() - started
        seconds, found = candidate_pass(index, per_image, cap)
        copies = np.arange(size - len(of), size)
        hit = np.array([(int(o), int(c)) in found for o, c in zip(of, copies, strict=True)])
        half = len(of) // 2
        log.info("visual-word candidates for %d images in %.1fs", size, seconds)
        out[str(size)] = {"build_s": round(built, 1), "pass_s": round(seconds, 1),
                          "ms_per_image": round(1000 * seconds / size, 2),
                          "crop_recall": round(float(hit[:half].mean()), 4), "crops": half,
                          "border_recall": round(float(hit[half:].mean()), 4), "borders": len(of) - half}
    return out
