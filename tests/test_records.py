"""The identifier and score rules every use-case shares."""

from __future__ import annotations

import numpy as np
import pytest

from vitrine.records import unique_identifiers, unit_score


def test_identifiers_are_stripped_blank_ones_dropped_and_each_kept_once_in_order() -> None:
    assert unique_identifiers([" b", "a", "", None, "b ", "  ", "c", "a"]) == ("b", "a", "c")
    assert unique_identifiers([]) == ()


@pytest.mark.parametrize(("score", "clipped"), [(-0.5, 0.0), (0.0, 0.0), (0.25, 0.25), (1.0, 1.0), (3, 1.0)])
def test_scores_are_clipped_to_the_unit_interval(score: float, clipped: float) -> None:
    assert unit_score(score) == clipped


def test_a_numpy_score_comes_back_as_a_python_float() -> None:
    clipped = unit_score(np.float32(1.5))  # type: ignore[arg-type]
    assert type(clipped) is float and clipped == 1.0
