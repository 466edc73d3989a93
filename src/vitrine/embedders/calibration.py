"""What an embedder's cosines mean: the cutoffs measured for it, in one record."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Calibration:
    """Cosine cutoffs measured for one embedder; cosines of different embedders are not comparable.

    `match`: a visual search whose best score is below it reports "no good match" (None: not
    calibrated, every search counts as a match). `text_match`: the same for semantic text search
    (None: only full-text hits count as good ones). `duplicate`: neighbours from this cosine are
    near-duplicate candidates; `duplicate_sure`: kept without the thumbnail check where it cannot run.
    """

    match: float | None = None
    text_match: float | None = None
    duplicate: float = 0.92
    duplicate_sure: float = 0.97


UNCALIBRATED = Calibration()
"""An embedder nobody measured: no relevance cutoffs, strict duplicate cutoffs."""
