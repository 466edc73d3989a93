"""One calibration record per embedder: what searches and the duplicate finder read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import FrozenInstanceError, replace
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image

from vitrine.duplicates.find import Thresholds, thresholds_for
from vitrine.embedders import Calibration, Embedder
from vitrine.embedders.classic import ClassicEmbedder
from vitrine.embedders.fake import FakeEmbedder
from vitrine.search import core as search


class Unmeasured(Embedder):
    """A third-party embedder that says nothing about its cosines."""

    name = "unmeasured"
    dim = 2

    def _embed_images(self, images: Sequence[Image.Image]) -> NDArray[np.float32]:
        return np.ones((len(images), 2), np.float32) / np.sqrt(2)


def test_todays_numbers_live_in_the_records() -> None:
    assert ClassicEmbedder.calibration == Calibration(match=0.57, duplicate=0.60, duplicate_sure=0.95)
    assert ClassicEmbedder().match_threshold == 0.57  # the old attribute still reads it
    assert FakeEmbedder.calibration == Calibration(duplicate=0.995, duplicate_sure=0.999)
    with pytest.raises(FrozenInstanceError):
        ClassicEmbedder.calibration.match = 0.1  # type: ignore[misc]


def test_an_uncalibrated_embedder_gets_strict_defaults() -> None:
    assert Unmeasured.calibration == Calibration(match=None, text_match=None, duplicate=0.92,
                                                 duplicate_sure=0.97)


def test_the_duplicate_finder_reads_the_record(fake_collection: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    assert thresholds_for(fake_collection) == Thresholds(threshold=0.995, sure=0.999)
    monkeypatch.setattr(FakeEmbedder, "calibration", replace(FakeEmbedder.calibration, duplicate=0.5,
                                                              duplicate_sure=0.8))
    assert thresholds_for(fake_collection) == Thresholds(threshold=0.5, sure=0.8)


def test_text_search_reads_the_text_cutoff(fake_collection: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    assert not search.search_by_text(fake_collection, "battle", mode="semantic").no_good_match
    monkeypatch.setattr(FakeEmbedder, "calibration", replace(FakeEmbedder.calibration, text_match=0.9999))
    assert search.search_by_text(fake_collection, "battle", mode="semantic").no_good_match
