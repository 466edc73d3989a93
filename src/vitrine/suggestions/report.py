"""An agent's precision as people reviewed it: by score band and by week, and the decision window
those figures support.

The review decisions are ground truth on the institution's own data: of the suggestions people
decided in a score band, the share they accepted (as proposed or edited) is the agent's precision
there. A window is suggested only where enough decisions back it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from vitrine.catalog import Catalog
from vitrine.catalog.suggestions import StoredAgent

WEEK_S = 604800


@dataclass(frozen=True)
class Band:
    """Suggestions scoring in [low, high): how many wait and how people decided the rest."""

    low: float
    high: float
    proposed: int = 0
    accepted: int = 0
    edited: int = 0
    rejected: int = 0

    @property
    def decided(self) -> int:
        return self.accepted + self.edited + self.rejected

    @property
    def precision(self) -> float | None:
        return (self.accepted + self.edited) / self.decided if self.decided else None

    def to_dict(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "proposed": self.proposed, "accepted": self.accepted,
                "edited": self.edited, "rejected": self.rejected, "decided": self.decided,
                "precision": self.precision}


@dataclass(frozen=True)
class Week:
    start: dt.date
    decided: int
    kept: int

    @property
    def precision(self) -> float | None:
        return self.kept / self.decided if self.decided else None

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start.isoformat(), "decided": self.decided, "kept": self.kept,
                "precision": self.precision}


@dataclass(frozen=True)
class AgentReport:
    agent: StoredAgent
    bands: list[Band]
    weeks: list[Week]
    accept_from: float | None
    reject_below: float | None
    target: float
    min_decided: int

    def to_dict(self) -> dict[str, Any]:
        return {"agent": self.agent.to_dict(), "bands": [b.to_dict() for b in self.bands],
                "weeks": [w.to_dict() for w in self.weeks],
                "suggested_window": {"accept_from": self.accept_from, "reject_below": self.reject_below,
                                     "target_precision": self.target, "min_decided": self.min_decided}}


def agent_report(catalog: Catalog, agent_id: int, *, bands: int = 10, target: float = 0.95,
                 min_decided: int = 20) -> AgentReport:
    """Precision as reviewed by score band and by week, and the window it supports: accept from
    the lowest score above which at least `target` of the decided were kept, reject below the
    highest score under which at most 1 - `target` were, each backed by `min_decided` decisions."""
    agent = catalog.suggestions.agent(agent_id)
    found = _bands(catalog, agent_id, bands)
    weeks = _weeks(catalog, agent_id)
    return AgentReport(agent, found, weeks, _accept_from(found, target, min_decided),
                       _reject_below(found, target, min_decided), target, min_decided)


def _bands(catalog: Catalog, agent_id: int, bands: int) -> list[Band]:
    scores = catalog.suggestions.score_range(agent_id)
    if scores is None:
        return []
    low, high = scores
    if low >= 0.0 and high <= 1.0:  # scores in [0, 1]: bands of tenths, comparable between agents
        low, high = 0.0, 1.0
    width = (high - low) / bands or 1.0
    counts = catalog.suggestions.band_counts(agent_id, low, width, bands)
    out = []
    for i in range(bands):
        by = {status: n for (band, status), n in counts.items() if band == i}
        out.append(Band(round(low + i * width, 6), round(low + (i + 1) * width, 6), by.get("proposed", 0),
                        by.get("accepted", 0), by.get("edited", 0), by.get("rejected", 0)))
    return out


def _weeks(catalog: Catalog, agent_id: int) -> list[Week]:
    by: dict[int, list[int]] = {}
    for (week, status), n in catalog.suggestions.weekly_decisions(agent_id).items():
        row = by.setdefault(week, [0, 0])
        row[0] += n
        row[1] += n if status in ("accepted", "edited") else 0
    return [Week(dt.datetime.fromtimestamp(w * WEEK_S, dt.UTC).date(), decided, kept)
            for w, (decided, kept) in sorted(by.items())]


def _accept_from(bands: list[Band], target: float, min_decided: int) -> float | None:
    best = None
    decided = kept = 0
    for band in reversed(bands):
        decided += band.decided
        kept += band.accepted + band.edited
        if decided and kept / decided < target:
            break
        if band.decided and decided >= min_decided:  # an empty band is no evidence
            best = band.low
    return best


def _reject_below(bands: list[Band], target: float, min_decided: int) -> float | None:
    best = None
    decided = kept = 0
    for band in bands:
        decided += band.decided
        kept += band.accepted + band.edited
        if decided and kept / decided > 1 - target:
            break
        if band.decided and decided >= min_decided:
            best = band.high
    return best
