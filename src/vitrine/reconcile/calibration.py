"""The calibrated score of a candidate: a logistic model over its features, fit on hand-checked pairs.

`fit` trains one (scikit-learn's LogisticRegressionCV) on the tune split of
data/labels/reconcile/ and chooses the decision window from that split: `accept_from` is the
lowest probability above which the top candidates were right at least `target` of the time (those
are marked `match`); below `reject_below` they were wrong at least `target` of the time, and a top
candidate there is not proposed. Between the two lies the review window. `DEFAULT` holds the
figures `vitrine reconcile calibrate` printed for that split (docs/reconcile.md).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: the features the model reads, in order; booleans count as 0 or 1
FEATURES = ("name_sort", "name_set", "name_exact", "birth_agrees", "birth_conflicts", "death_agrees",
            "death_conflicts", "dates_unknown", "work_in_life", "work_outside_life", "artist", "namesakes")


@dataclass(frozen=True)
class Model:
    """Weights per feature, an intercept, and the window chosen on the tune split."""

    weights: Mapping[str, float]
    intercept: float
    accept_from: float
    reject_below: float
    source: str = ""
    calibrated: bool = True
    extra: Mapping[str, Any] = field(default_factory=dict)

    def probability(self, features: Mapping[str, float | bool]) -> float:
        z = self.intercept + sum(w * float(features.get(f, 0.0)) for f, w in self.weights.items())
        return round(1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z)))), 4)

    def to_dict(self) -> dict[str, Any]:
        return {"weights": dict(self.weights), "intercept": self.intercept, "accept_from": self.accept_from,
                "reject_below": self.reject_below, "source": self.source, "calibrated": self.calibrated}


def fit(rows: Sequence[tuple[Mapping[str, float | bool], bool]], *, target: float = 0.95,
        source: str = "") -> Model:
    """A model fit on (features, same person?) rows of candidates, with its decision window."""
    from sklearn.linear_model import LogisticRegressionCV  # heavy: only when calibrating

    x = [[float(f.get(name, 0.0)) for name in FEATURES] for f, _ in rows]
    y = [int(label) for _, label in rows]
    if len(set(y)) < 2:
        raise ValueError("calibration needs both right and wrong candidates among the labels")
    # the regularisation chosen by 5-fold cross-validated log loss within these rows (the tune split)
    with warnings.catch_warnings():  # scikit-learn 1.9 announces changes to defaults we do not use
        warnings.simplefilter("ignore", FutureWarning)
        learner = LogisticRegressionCV(Cs=[0.1, 1.0, 10.0, 100.0], cv=5, scoring="neg_log_loss",
                                       max_iter=2000).fit(x, y)
    weights = {n: round(float(w), 4) for n, w in zip(FEATURES, learner.coef_[0], strict=True)}
    model = Model(weights, round(float(learner.intercept_[0]), 4), 1.0, 0.0, source)
    scored = sorted(((model.probability(f), label) for f, label in rows), reverse=True)
    accept_from, reject_below = window_of(scored, target)
    return Model(weights, model.intercept, accept_from, reject_below, source)


def window_of(scored: Sequence[tuple[float, bool]], target: float = 0.95) -> tuple[float, float]:
    """(accept_from, reject_below) from scored candidates, best first: at or above the first they were
    right at least `target` of the time and the model itself says so (p >= target); below the second
    they were wrong at least `target` of the time and p < 1 - target. A few hundred labels that
    happen to separate perfectly do not, alone, make a 0.2 a sure match."""
    reject_below = min(_highest_below(scored, 1.0 - target), 1.0 - target)
    return max(_lowest_with(scored, target), target), round(reject_below, 4)


def _highest_below(scored: Sequence[tuple[float, bool]], most: float) -> float:
    """The highest probability p such that the rows below p are right at most `most` of the time
    (0.0, nothing rejected, when even the lowest is right)."""
    ascending = sorted(scored)
    best, right = 0.0, 0
    for n, (p, label) in enumerate(ascending, start=1):
        right += int(label)
        if n < len(ascending) and ascending[n][0] > p and right / n <= most:
            best = ascending[n][0]
    return best


def _lowest_with(scored: Sequence[tuple[float, bool]], target: float) -> float:
    """The lowest probability p such that the rows at or above p are right at least `target` of the
    time (1.0, nothing accepted, when even the first is wrong)."""
    best, right = 1.0, 0
    for n, (p, label) in enumerate(scored, start=1):
        right += int(label)
        if right / n >= target and (n == len(scored) or scored[n][0] < p):
            best = p
    return best


#: fit by `vitrine reconcile calibrate` on the tune split of data/labels/reconcile/tate-nga.csv
#: (120 Tate artists, 533 NGA candidates; C = 10 by cross-validation); measured on the report
#: split by `vitrine bench reconcile` (docs/reconcile.md)
DEFAULT = Model(
    weights={"name_sort": 4.2446, "name_set": 3.9928, "name_exact": 3.8276, "birth_agrees": 2.1249,
             "birth_conflicts": -2.0012, "death_agrees": 3.6224, "death_conflicts": -1.4857,
             "dates_unknown": 0.9827, "work_in_life": 0.0, "work_outside_life": 0.0, "artist": 1.551,
             "namesakes": -0.1724},
    intercept=-12.6813, accept_from=0.95, reject_below=0.05, source="tate-nga tune split")
