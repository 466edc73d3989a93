"""Scoring a tagged HIPE file as HIPE does: the HIPE-scorer itself (hipe-eval/HIPE-scorer, the code of
the shared tasks, installed from its repository: see docs/entities.md), called as its
`clef_evaluation.py` calls it for `--task nerc_coarse` (lines merged within a document), on the
`NE-COARSE-LIT` column. Strict: type and boundaries exact; fuzzy: type exact and a token in common.
"""

from __future__ import annotations

import contextlib
import io
import logging
from dataclasses import dataclass
from pathlib import Path

from vitrine.errors import EntityError

INSTALL = ("pip install 'HIPE-scorer @ git+https://github.com/hipe-eval/HIPE-scorer"
           "@c2a56844a0bf91ed0c471b933bac4e3d31f08059' docopt")


@dataclass(frozen=True)
class Score:
    """Micro figures of one entity type (or ALL) in one regime."""

    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int


@dataclass(frozen=True)
class TypeScores:
    type: str  # the file's label (upper-cased by the scorer), or ALL
    strict: Score
    fuzzy: Score


def score_hipe(gold: Path | str, predicted: Path | str) -> list[TypeScores]:
    """Strict and fuzzy micro P/R/F1, ALL first then per type, of `predicted` against `gold`."""
    try:
        from hipe_evaluation.ner_eval import Evaluator
    except ImportError:
        raise EntityError(f"scoring needs the HIPE-scorer: {INSTALL}") from None
    quiet = logging.getLogger()
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # it warns of each predicted label the gold file lacks (then ignored)
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the scorer prints its inputs' shapes
            evaluator = Evaluator(str(gold), str(predicted))
            overall, per_type = evaluator.evaluate(["NE-COARSE-LIT"], eval_type="nerc", merge_lines=True)
    except (AssertionError, KeyError, ValueError, IndexError) as exc:
        raise EntityError(f"the HIPE-scorer cannot compare {predicted} with {gold}: {exc}") from None
    finally:
        quiet.setLevel(level)
    rows = [("ALL", overall), *sorted(per_type.items())]
    return [TypeScores(name, _score(result["strict"]), _score(result["ent_type"])) for name, result in rows]


def _score(metrics: dict[str, float]) -> Score:
    p, r, f = (round(float(metrics[key]), 4) for key in ("P_micro", "R_micro", "F1_micro"))
    return Score(p, r, f, int(metrics["TP"]), int(metrics["FP"]), int(metrics["FN"]))
