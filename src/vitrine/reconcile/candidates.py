"""Candidates for a name, with the features that explain their score.

A query is a name and what else is known: the person's life dates (an authority file, a
spreadsheet) or the date of the work they made (a catalogue record), and their role. Candidates
are the authority entries whose names come closest (rapidfuzz over the blocked entries); each
carries its features and the calibrated probability that it is the same person
(`calibration.Model`), and `match` only above the window the measured precision supports.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from vitrine.reconcile.authority import Authority, Entity
from vitrine.reconcile.calibration import DEFAULT, Model
from vitrine.reconcile.names import key, set_similarity, sort_similarity

#: a work made before this age, or this long after death, is outside a maker's life
ACTIVE_FROM_AGE = 10
POSTHUMOUS_YEARS = 5
#: two life years within this many years agree; further apart than `CONFLICT` they conflict
AGREE, CONFLICT = 2, 5

Feature = float | bool


@dataclass(frozen=True)
class Query:
    """A name to reconcile, with the person's life dates or the date of their work, where known."""

    name: str
    birth: int | None = None
    death: int | None = None
    year: int | None = None
    role: str = ""


@dataclass(frozen=True)
class Candidate:
    entity: Entity
    features: Mapping[str, Feature]
    score: float
    match: bool = False


def candidates(authority: Authority, query: Query, *, limit: int = 5,
               model: Model = DEFAULT) -> list[Candidate]:
    """The best `limit` entries for `query`, by calibrated score; none when no name comes close."""
    qkey = key(query.name)
    if not qkey:
        return []
    found = _nearest(authority, qkey, limit)
    namesakes = sum(1 for _, sort, _ in found if sort >= 0.9)
    out = []
    for ident, sort, best in found:
        entity = authority.entities[ident]
        feats = features(query, entity, sort, set_similarity(qkey, best), qkey == best, namesakes)
        probability = model.probability(feats)
        out.append(Candidate(entity, feats, probability, probability >= model.accept_from))
    out.sort(key=lambda c: (-c.score, c.entity.id))
    return out


def _nearest(authority: Authority, qkey: str, limit: int) -> list[tuple[str, float, str]]:
    """(id, name similarity, closest name key) of the `limit` entries with the closest names."""
    choices = [(ident, k) for ident in authority.block(qkey) for k in authority.keys[ident]]
    if not choices:
        return []
    hits = process.extract(qkey, [k for _, k in choices], scorer=fuzz.token_sort_ratio, limit=limit * 4)
    best: dict[str, tuple[float, str]] = {}
    for _, score, index in hits:
        ident, k = choices[index]
        if ident not in best or score / 100.0 > best[ident][0]:
            best[ident] = (score / 100.0, k)
    ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))[:limit]
    return [(ident, sort, k) for ident, (sort, k) in ranked]


def features(query: Query, entity: Entity, sort: float, subset: float, exact: bool,
             namesakes: int) -> dict[str, Feature]:
    """What explains a candidate's score; each also a matching feature of the W3C API."""
    birth = _compare(query.birth, entity.birth)
    death = _compare(query.death, entity.death)
    life = _in_life(query.year, entity)
    return {
        "name_sort": round(sort, 4), "name_set": round(subset, 4), "name_exact": exact,
        "birth_agrees": birth == "agrees", "birth_conflicts": birth == "conflicts",
        "death_agrees": death == "agrees", "death_conflicts": death == "conflicts",
        "dates_unknown": birth == "unknown" and death == "unknown",
        "work_in_life": life is True, "work_outside_life": life is False,
        "artist": entity.artist, "namesakes": min(3, max(0, namesakes - 1)) / 3.0,
    }


def sort_key(query_name: str, entity_name: str) -> float:
    """The name similarity of two names as given (keys made here): what a preview shows."""
    return sort_similarity(key(query_name), key(entity_name))


def _compare(ours: int | None, theirs: int | None) -> str:
    if ours is None or theirs is None:
        return "unknown"
    gap = abs(ours - theirs)
    return "agrees" if gap <= AGREE else "conflicts" if gap > CONFLICT else "near"


def _in_life(year: int | None, entity: Entity) -> bool | None:
    """Whether a work of `year` falls within the entity's working life (None: cannot tell)."""
    if year is None or (entity.birth is None and entity.death is None):
        return None
    start = entity.birth + ACTIVE_FROM_AGE if entity.birth is not None else None
    end = entity.death + POSTHUMOUS_YEARS if entity.death is not None else (
        entity.birth + 100 if entity.birth is not None else None)
    return (start is None or year >= start) and (end is None or year <= end)
