"""Entity mentions found in a text, and how mentions from several recognisers are combined.

A `Mention` is a character span `[start, end)` of one text with a type. vitrine's own types are
`TYPES` (person, place, organisation, date, work); a model trained on other annotations may add
its own (the classical commentaries of HIPE's ajmc carry `scope` and `object`), which pass through.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

TYPES: Final = ("person", "place", "organisation", "date", "work")

#: labels of annotated corpora and of spaCy pipelines -> vitrine's type (lower-cased label)
LABELS: Final[dict[str, str]] = {
    "per": "person", "pers": "person", "person": "person",
    "loc": "place", "place": "place", "gpe": "place",
    "org": "organisation", "organisation": "organisation", "organization": "organisation",
    "humanprod": "work", "prod": "work", "work": "work", "work_of_art": "work",
    "time": "date", "date": "date",
    "scope": "scope", "object": "object",
}


def type_of(label: str) -> str | None:
    """vitrine's type of a corpus or pipeline label ("PER", "B-pers" -> "person"); None if unknown."""
    return LABELS.get(label.lower())


@dataclass(frozen=True, order=True)
class Mention:
    """`text[start:end]` names an entity of `type`; `source` is the recogniser that found it."""

    start: int
    end: int
    type: str
    source: str = ""
    score: float = 1.0

    def overlaps(self, other: Mention) -> bool:
        return self.start < other.end and other.start < self.end


def combine(layers: Sequence[Iterable[Mention]]) -> list[Mention]:
    """Mentions of several recognisers, earlier layers first: a later layer's mention is kept only
    where it overlaps nothing kept so far (rules and gazetteers before statistical models)."""
    kept: list[Mention] = []
    for layer in layers:
        accepted = [m for m in sorted(layer) if not any(m.overlaps(k) for k in kept)]
        kept.extend(non_overlapping(accepted))
    return sorted(kept)


def non_overlapping(mentions: Iterable[Mention]) -> list[Mention]:
    """The longest mentions first, then the earliest, without overlaps among themselves."""
    chosen: list[Mention] = []
    for mention in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        if not any(mention.overlaps(c) for c in chosen):
            chosen.append(mention)
    return sorted(chosen)
