"""The learner of a concept: a logistic regression over the collection's own image vectors.

It reuses relevance feedback's rescaling (`vitrine.search.feedback.LinearModel`): each dimension
centred on a sample of the collection and divided by the square root of its spread, then the row
made a unit vector, so that the few widest features of an embedder such as `classic` do not decide
alone. The classes are balanced (an editor's few positives weigh as much as many negatives), so
the probability is not calibrated to the collection: it ranks, and 0.5 is the balanced boundary.

The estimate of precision and recall comes from labels the model did not see: with fewer than
`HOLDOUT_FROM` labels, stratified k-fold cross-validation (every label held out once); from there
on, a quarter of them kept aside. Labels picked by uncertainty sampling are the hard cases, so the
estimate is pessimistic beside the collection at large.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from vitrine.errors import ConceptError
from vitrine.search.feedback import SCALE_POWER, LinearModel

Vectors = NDArray[np.float32]
Strategy = Literal["uncertainty", "random"]
STRATEGIES: tuple[Strategy, ...] = ("uncertainty", "random")

C = 10.0  # inverse regularisation of the logistic regression (rows are unit vectors)
HOLDOUT_FROM = 100  # labels from which a held-out quarter replaces cross-validation
FOLDS = 5
SAMPLE = 2_000  # collection vectors the rescaling is measured on


@dataclass(frozen=True)
class ConceptModel:
    """A trained concept: probability = logistic(w . unit((x - mean) / scale) + b)."""

    linear: LinearModel

    def margin(self, vectors: Vectors) -> Vectors:
        return self.linear.margin(vectors)

    def probability(self, vectors: Vectors) -> NDArray[np.float64]:
        return np.asarray(1.0 / (1.0 + np.exp(-self.margin(vectors).astype(np.float64))))

    def to_json(self, **about: Any) -> str:
        """The model's state as JSON (what a saved version's digest covers), with `about` beside."""
        lin = self.linear
        state = {"mean": lin.mean.tolist(), "scale": lin.scale.tolist(), "w": lin.w.tolist(), "b": lin.b}
        return json.dumps({**about, "learner": "logistic", "state": state}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ConceptModel:
        state = json.loads(text)["state"]
        mean, scale, w = (np.asarray(state[k], np.float32) for k in ("mean", "scale", "w"))
        return cls(LinearModel(mean, scale, w, float(state["b"])))


@dataclass(frozen=True)
class Estimate:
    """Precision and recall at probability 0.5, and average precision, on labels not trained on."""

    method: str  # "cross-validation (5 folds)" or "held out: 30 of 120"
    labels: int
    positives: int
    precision: float
    recall: float
    average_precision: float

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "labels": self.labels, "positives": self.positives,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "average_precision": round(self.average_precision, 4)}


def check_labels(y: NDArray[np.bool_]) -> None:
    """A model needs examples of both kinds."""
    positives = int(y.sum())
    if positives == 0 or positives == y.size:
        have = "positive" if positives else "negative"
        need = "negative" if positives else "positive"
        raise ConceptError(f"the labels are all {have} ({y.size}): mark at least one {need} example too")


def scaler(sample: Vectors) -> LinearModel:
    """Feedback's rescaling, measured on a sample of the collection's vectors."""
    scale = (sample.std(axis=0) + 1e-6) ** SCALE_POWER
    return LinearModel(sample.mean(axis=0).astype(np.float32), scale.astype(np.float32),
                       np.zeros(sample.shape[1], np.float32), 0.0)


def fit(x: Vectors, y: NDArray[np.bool_], rescale: LinearModel) -> ConceptModel:
    """A logistic regression on the labelled rows `x` (positives where `y`), classes balanced."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    check_labels(y)
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=1_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # an unconverged model still ranks
        model.fit(rescale.standardise(x), y.astype(int))
    return ConceptModel(LinearModel(rescale.mean, rescale.scale, model.coef_[0].astype(np.float32),
                                    float(model.intercept_[0])))


def estimate(x: Vectors, y: NDArray[np.bool_], rescale: LinearModel, seed: int = 0) -> Estimate | None:
    """Precision, recall and average precision on labels kept aside (None: too few of one kind)."""
    from sklearn.metrics import average_precision_score
    from sklearn.model_selection import StratifiedKFold, train_test_split

    minority = int(min(y.sum(), (~y).sum()))
    if minority < 2:
        return None
    truth, scores = [], []
    if y.size < HOLDOUT_FROM:
        folds = min(FOLDS, minority)
        splits = list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(x, y))
        method = f"cross-validation ({folds} folds)"
    else:
        train, test = train_test_split(np.arange(y.size), test_size=0.25, stratify=y, random_state=seed)
        splits = [(train, test)]
        method = f"held out: {len(test)} of {y.size} labels"
    for train, test in splits:
        truth.append(y[test])
        scores.append(fit(x[train], y[train], rescale).probability(x[test]))
    t, s = np.concatenate(truth), np.concatenate(scores)
    said = s >= 0.5
    hits = int((said & t).sum())
    return Estimate(method, int(t.size), int(t.sum()), hits / max(int(said.sum()), 1),
                    hits / max(int(t.sum()), 1), float(average_precision_score(t, s)))


def pick(probabilities: NDArray[np.float64], n: int, strategy: Strategy,
         rng: np.random.Generator | None = None) -> NDArray[np.int64]:
    """Positions of the `n` candidates to ask about next: the least certain (probability nearest
    0.5, ties by position), or a random choice."""
    if strategy not in STRATEGIES:
        raise ConceptError(f"unknown strategy {strategy!r}: use {' or '.join(STRATEGIES)}")
    n = min(n, probabilities.size)
    if n <= 0:
        return np.zeros(0, np.int64)
    if strategy == "random":
        return np.sort((rng or np.random.default_rng(0)).choice(probabilities.size, n, replace=False))
    doubt = np.abs(probabilities - 0.5)
    near = np.argpartition(doubt, n - 1)[:n]
    return near[np.lexsort((near, doubt[near]))].astype(np.int64)
