"""Progress reports: absolute counts per stage, told to a callback when there is one."""

from __future__ import annotations

import dataclasses

import pytest

from vitrine.jobs import Progress, Reporter


def test_a_reporter_tells_the_total_first_then_absolute_counts() -> None:
    seen: list[Progress] = []
    reporter = Reporter(seen.append, "index", 5)
    reporter.advance(2)
    reporter.advance()
    assert seen == [Progress("index", 0, 5), Progress("index", 2, 5), Progress("index", 3, 5)]
    assert reporter.done == 3


def test_a_reporter_without_a_callback_still_counts() -> None:
    reporter = Reporter(None, "import", None)
    reporter.advance(4)
    assert reporter.done == 4


def test_progress_is_an_immutable_value() -> None:
    progress = Progress("check", 1, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        progress.done = 2  # type: ignore[misc]
    assert progress == Progress("check", 1, None)
