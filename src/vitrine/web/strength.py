"""Match strength in plain words, from a visual score and the collection's relevance cutoff."""

from __future__ import annotations

_DEFAULT_CUTOFF = 0.5


def match_words(score: float, cutoff: float | None, no_good_match: bool = False) -> str:
    """'a striking match' ... 'a loose echo': how far above the cutoff a score sits.

    The span between the cutoff and a perfect score is cut in three; anything under the cutoff
    (or on a page where nothing matched well) is only an echo.
    """
    c = _DEFAULT_CUTOFF if cutoff is None else min(max(cutoff, 0.0), 0.99)
    if no_good_match or score < c:
        return "a loose echo"
    above = (score - c) / (1.0 - c)
    if above >= 0.6:
        return "a striking match"
    if above >= 0.3:
        return "a strong likeness"
    return "a clear resemblance"
