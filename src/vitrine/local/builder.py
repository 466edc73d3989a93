"""Writing to a local-feature store: quantise, batch into segments, train the vocabulary once.

The first images added to an empty store are buffered (descriptors as float16) until
`train_images` of them arrived or `flush` is called; the vocabulary is then trained on a sample
of their descriptors, stored, and never changes again. Every later image is quantised against it
and appended in a new segment: no rebuild. Many small segments are merged by `compact`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from vitrine.local import vocabulary as vocab
from vitrine.local.features import LocalFeatures
from vitrine.local.index import LocalIndex
from vitrine.local.segments import ImageEntry, Quantised, build_segment, quantise
from vitrine.local.store import SegmentStore

log = logging.getLogger(__name__)

_MIN_TRAINING_DESCRIPTORS = 256


@dataclass(frozen=True)
class WriterOptions:
    """How a writer batches and trains."""

    train_images: int = 600  # images buffered before the vocabulary is trained
    max_words: int = vocab.DEFAULT_MAX_WORDS
    words: int | None = None  # force the vocabulary size (tests, experiments)
    segment_images: int = 500
    max_segments: int = 8
    seed: int = 0


class IndexWriter:
    """Adds and removes images in a store."""

    def __init__(self, store: SegmentStore, options: WriterOptions | None = None) -> None:
        self.store = store
        self.options = options or WriterOptions()
        self.vocabulary, _ = store.load()
        # before training: (entry, features with no descriptors, descriptors as float16)
        self._buffer: list[tuple[ImageEntry, LocalFeatures, NDArray[np.float16]]] = []
        self._pending: list[tuple[ImageEntry, Quantised]] = []
        self._removed: list[int] = []

    @property
    def trained(self) -> bool:
        return self.vocabulary is not None

    def add(self, entry: ImageEntry, features: LocalFeatures) -> None:
        """Queue one image (replacing any earlier entry for its id)."""
        if self.vocabulary is None:
            bare = LocalFeatures(features.keypoints, features.descriptors[:0], features.image_size)
            self._buffer.append((entry, bare, features.descriptors.astype(np.float16)))
            if len(self._buffer) >= self.options.train_images:
                self._train()
            return
        self._pending.append((entry, quantise(features, self.vocabulary)))
        if len(self._pending) >= self.options.segment_images:
            self.flush()

    def remove(self, image_ids: list[int]) -> None:
        """Tombstone images (deleted from the catalogue)."""
        self._removed.extend(int(i) for i in image_ids)

    def flush(self) -> int:
        """Write what is queued as one segment; how many images it held."""
        if self.vocabulary is None and self._buffer:
            self._train()
        if not self._pending and not self._removed:
            return 0
        segment = build_segment(self._pending, self._removed)
        self.store.append(segment)
        written = len(self._pending)
        self._pending, self._removed = [], []
        return written

    def compact(self, force: bool = False) -> bool:
        """Merge every segment into one when there are more than `max_segments` (`force`: more than one)."""
        vocabulary, segments = self.store.load()
        if vocabulary is None or len(segments) <= (1 if force else self.options.max_segments):
            return False
        self.store.replace([LocalIndex(vocabulary, segments).as_segment()])
        return True

    def _train(self) -> None:
        descriptors = [d for _, _, d in self._buffer if len(d)]
        total = sum(len(d) for d in descriptors)
        if total < _MIN_TRAINING_DESCRIPTORS:
            log.warning("only %d descriptors so far: too few to train a vocabulary, waiting for more", total)
            return
        rng = np.random.default_rng(self.options.seed)
        sample = np.concatenate(descriptors).astype(np.float32)
        k = self.options.words or vocab.vocabulary_size(len(sample), self.options.max_words)
        cap = k * vocab.TRAINING_POINTS_PER_WORD
        if len(sample) > cap:
            sample = sample[rng.choice(len(sample), cap, replace=False)]
        self.vocabulary = vocab.train(sample, words=k, seed=self.options.seed)
        self.store.save_vocabulary(self.vocabulary)
        buffered, self._buffer = self._buffer, []
        for entry, bare, half in buffered:
            self.add(entry, LocalFeatures(bare.keypoints, half.astype(np.float32), bare.image_size))
