"""One shape for progress reports: the stage, how much of it is done, and of how much."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    """How far a stage of long work got; `total` is None while it is not known (a streamed source)."""

    stage: str
    done: int
    total: int | None


ProgressCallback = Callable[[Progress], None]
"""Called with absolute counts, never increments, so the last report alone says where work stands."""


class Reporter:
    """Counts the work of one stage and tells a callback, if there is one, after each step."""

    def __init__(self, callback: ProgressCallback | None, stage: str, total: int | None) -> None:
        self.callback = callback
        self.stage = stage
        self.total = total
        self.done = 0
        self._tell()  # a bar shows its total before the first (maybe slow) step ends

    def advance(self, n: int = 1) -> None:
        """Count `n` more items done."""
        self.done += n
        self._tell()

    def _tell(self) -> None:
        if self.callback is not None:
            self.callback(Progress(self.stage, self.done, self.total))
