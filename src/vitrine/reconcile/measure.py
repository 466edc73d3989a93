"""Hand-checked pairs: fitting the calibration on one split, measuring on the other.

The labels file (data/labels/reconcile/, made with scripts/label_reconcile.py) says for each
sampled name which of its candidates is the same person ("none", or "missed:ID" where the person is
in the authority file but was not among the candidates). The top candidate is right when it is
that entry; a name with a true entry counts for recall whether or not it was found.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from vitrine.errors import SuggestionError
from vitrine.reconcile.authority import Authority
from vitrine.reconcile.calibration import Model, fit, window_of
from vitrine.reconcile.candidates import Candidate, Feature, Query, candidates

LIMIT = 5


@dataclass(frozen=True)
class Label:
    key: str
    query: Query
    split: str
    same: str  # an entry id, "" for none; "missed:ID" kept as the id (never among the candidates)


@dataclass(frozen=True)
class Outcome:
    """How one split fares under a model: counts of top candidates and what they were."""

    split: str
    names: int
    with_truth: int
    found: int  # names with at least one candidate
    top_right: int  # names whose top candidate is the right entry, whatever its score
    proposed: int
    proposed_right: int
    matched: int
    matched_right: int
    window: int

    def rate(self, part: int, whole: int) -> float:
        return part / whole if whole else 0.0

    def figures(self) -> dict[str, float | int | str]:
        return {
            "split": self.split, "names": self.names, "with_truth": self.with_truth,
            "top_candidates": self.found, "precision_top": round(self.rate(self.top_right, self.found), 3),
            "precision_proposed": round(self.rate(self.proposed_right, self.proposed), 3),
            "recall_proposed": round(self.rate(self.proposed_right, self.with_truth), 3),
            "precision_match": round(self.rate(self.matched_right, self.matched), 3),
            "recall_match": round(self.rate(self.matched_right, self.with_truth), 3),
            "share_match": round(self.rate(self.matched, self.found), 3),
            "share_window": round(self.rate(self.window, self.found), 3),
            "share_not_proposed": round(self.rate(self.found - self.proposed, self.found), 3)}


def read_labels(path: Path) -> list[Label]:
    """The labelled names; a row not yet read (empty `same`) is refused with its line."""
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise SuggestionError(f"cannot read the labels {path}: {exc.strerror or exc}") from None
    out = []
    with handle:
        reader = csv.DictReader(handle)
        for row in reader:
            same = row.get("same", "").strip()
            if not same:
                raise SuggestionError(f"{path}, line {reader.line_num}: no decision in the 'same' column")
            query = Query(row["name"], _year(row.get("birth", "")), _year(row.get("death", "")))
            truth = "" if same == "none" else same.split(":")[-1]
            out.append(Label(row["tate_id"], query, row["split"], truth))
    return out


def _year(text: str) -> int | None:
    return int(text) if text.strip().lstrip("-").isdigit() else None


def labelled_rows(authority: Authority, labels: Sequence[Label], split: str,
                  model: Model) -> list[tuple[dict[str, Feature], bool]]:
    """(features, same person?) of every candidate of the split's names: what a fit learns from."""
    rows = []
    for label in labels:
        if label.split == split:
            rows += [(dict(c.features), c.entity.id == label.same)
                     for c in candidates(authority, label.query, limit=LIMIT, model=model)]
    return rows


def calibrate(authority: Authority, labels: Sequence[Label], base: Model, *, target: float = 0.95,
              source: str = "") -> Model:
    """A model fit on the tune split's candidates, its window chosen on that split's top candidates."""
    fitted = fit(labelled_rows(authority, labels, "tune", base), target=target, source=source)
    tops = [_top(authority, label, fitted) for label in labels if label.split == "tune"]
    scored = sorted(((c.score, c.entity.id == label.same) for label, c in tops if c is not None),
                    reverse=True)
    accept_from, reject_below = window_of(scored, target)
    return Model(fitted.weights, fitted.intercept, accept_from, reject_below, source)


def _top(authority: Authority, label: Label, model: Model) -> tuple[Label, Candidate | None]:
    found = candidates(authority, label.query, limit=LIMIT, model=model)
    return label, (found[0] if found else None)


def evaluate(authority: Authority, labels: Sequence[Label], model: Model, split: str) -> Outcome:
    """The split's top candidates under `model`: proposed, matched, in the review window, right."""
    counts = dict.fromkeys(("names", "truth", "found", "top_right", "proposed", "p_right", "matched",
                            "m_right", "window"), 0)
    for label in labels:
        if label.split != split:
            continue
        counts["names"] += 1
        counts["truth"] += bool(label.same)
        _, top = _top(authority, label, model)
        if top is None:
            continue
        counts["found"] += 1
        right = top.entity.id == label.same
        counts["top_right"] += right
        if top.score >= model.reject_below:
            counts["proposed"] += 1
            counts["p_right"] += right
            if top.match:
                counts["matched"] += 1
                counts["m_right"] += right
            else:
                counts["window"] += 1
    return Outcome(split, counts["names"], counts["truth"], counts["found"], counts["top_right"],
                   counts["proposed"],
                   counts["p_right"], counts["matched"], counts["m_right"], counts["window"])
