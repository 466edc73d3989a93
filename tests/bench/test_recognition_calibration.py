"""The recognition bench's threshold calibration: what the calibration photos show, plus a margin
from the fitted tail of the outsiders' inliers (docs/recognition.md, "Threshold calibration")."""

from __future__ import annotations

from vitrine.bench.recognition import calibrate, tail_threshold

# the seed-0 calibration before this rule: 84 photos of held-out works, three reaching the floor
_OUTSIDERS = [0] * 81 + [6, 7, 6]
_SIBLING, _CLEAR = 9, 30  # a stage-set flat answered with its sibling; a plain photo of a work


def test_the_photos_alone_stop_just_above_the_outsiders_seen() -> None:
    assert calibrate(_OUTSIDERS, 0.01, tail_rate=None) == 8  # 1 of 84 (1.2%) still reaches 7


def test_the_tail_margin_refuses_a_sibling_and_keeps_a_clear_match() -> None:
    threshold = calibrate(_OUTSIDERS, 0.01)
    assert threshold == 10
    assert _SIBLING < threshold <= _CLEAR


def test_a_heavier_tail_raises_the_threshold() -> None:
    assert calibrate([0] * 80 + [7, 9, 11, 8], 0.01) > calibrate(_OUTSIDERS, 0.01)
    assert calibrate([0] * 80 + [7, 9, 11, 8], 0.01, tail_rate=None) == 12  # none of 84 reaches 12


def test_more_clean_calibration_photos_lower_the_margin() -> None:
    few, many = tail_threshold([0] * 84, 0.001), tail_threshold([0] * 2000, 0.001)
    assert few == 10 and many == 6  # 2,000 outsiders, none at the floor: under 1 in 1,000 already
    assert tail_threshold([0] * 84, 0.5) == 6  # a lax rate: the floor


def test_the_agreement_threshold_comes_from_the_outsiders_weak_matches() -> None:
    from vitrine.bench.recognition import agreement_threshold

    none = agreement_threshold([])
    assert 0.8 < none < 0.9  # two pseudo-outsiders at -0.3 and 0.3 alone
    quiet = agreement_threshold([0.05, -0.1, 0.0, 0.1, -0.05, 0.02, 0.08, -0.02])
    assert quiet < none  # outsiders near 0: more calibration buys a lower threshold
    loud = agreement_threshold([0.6, 0.5, 0.0])
    assert loud > none and loud < 1.0  # an outsider that agrees raises it
    assert agreement_threshold([0.0] * 20, rate=0.01) < quiet  # a looser rate, a lower threshold
