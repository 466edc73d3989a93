"""One maker spelt several ways across a collection ("Rembrandt van Rijn", "Rembrandt Harmensz. van
Rijn", "Rijn, Rembrandt van", "Rembrant van Rijn").

Two folded names are variants of one name (`same_maker`) when their surnames (last word, particles
left out) are one slip apart (`rapidfuzz`'s optimal string alignment distance, so that a swapped
pair of letters is one slip), and every given name of the shorter one is found in
order in the longer one (equal, or as its initial: "J. M. W. Turner"; a fuzzy given name would join
Filippo and Filippino Lippi, Louis and Louise Hersent). A name of several makers ("Henri and
Charles Beaubrun"), a school or a period ("British School 18th century") is left out. Names are
blocked on their surname's first three letters and on its last three, so only names that could
agree are compared.
Names whose works' years are more than `SPAN_SLACK` (40) years apart are kept apart: "John Smith"
(1652-1743) and "John Raphael Smith" (1751-1812) are two engravers, not one spelt two ways (a
career's works span decades: at 15 years, planted variants on Tate lost a fifth of their recall).
A cluster's preferred spelling is the one most records use; the others are its variants.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from vitrine.recordcheck.features import PARTICLES
from vitrine.unionfind import UnionFind

SPAN_SLACK = 40


def _words(name: str) -> list[str]:
    return [w for w in name.split() if w not in PARTICLES]


#: how sure a variant is: the same name rearranged, or given as initials or with a slip (`SPELLING`);
#: one name holding given names the other lacks (`FULLER`), which is as often a relative
#: (Jan Baptist Weenix and his son Jan Weenix, François de Troy and Jean-François de Troy)
SPELLING, FULLER = 0.8, 0.4


def same_maker(x: str, y: str) -> bool:
    """Whether two folded maker names (`features.maker_name`) can be one name spelt two ways."""
    return maker_match(x, y) > 0


def maker_match(x: str, y: str) -> float:
    """1 for one folded name; `SPELLING` or `FULLER` for a variant of it (see above); 0 otherwise."""
    if x == y:
        return 1.0
    wx, wy = _words(x), _words(y)
    if len(wx) < 2 or len(wy) < 2:  # a single name ("Rembrandt", "Giotto") is too little to go on
        return 0.0
    if not _same_surname(wx[-1], wy[-1]):
        return 0.0
    short, long = sorted((wx[:-1], wy[:-1]), key=len)
    at = 0
    for given in short:
        while at < len(long) and not _matches(given, long[at]):
            at += 1
        if at == len(long):
            return 0.0
        at += 1
    return SPELLING if len(short) == len(long) else FULLER


def _same_surname(a: str, b: str) -> bool:
    """Equal, or one slip apart after the same first letter (a letter wrong, missing, added, or two
    swapped: optimal string alignment distance 1); names under six letters must be equal (Scott
    and Stott). The first letter is held: Dance and Lance, Banting and Panting are other people."""
    if a == b:
        return True
    if min(len(a), len(b)) < 6 or a[0] != b[0]:
        return False
    return OSA.distance(a, b) <= 1


def _matches(a: str, b: str) -> bool:
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    return a == b


@dataclass(frozen=True)
class MakerCluster:
    """Names found to be one maker: `preferred` (most used) and its `variants`, with record counts
    and each variant's `maker_match` with the preferred name (`FULLER` where linked through another)."""

    preferred: str
    variants: tuple[str, ...]
    counts: Mapping[str, int]
    scores: Mapping[str, float]


def cluster_makers(counts: Mapping[str, int], spans: Mapping[str, tuple[int, int]],
                   fold: Mapping[str, str]) -> list[MakerCluster]:
    """Clusters of two or more spellings among maker names as written (`counts`: records per name;
    `spans`: the years of each name's works; `fold`: each name's folded form)."""
    blocks: dict[str, list[str]] = defaultdict(list)
    for name in counts:
        words = _words(fold[name])
        if words and not _collective(fold[name]) and "&" not in name:
            blocks["<" + words[-1][:3]].append(name)  # a typo changes one end of the surname, not both
            blocks[">" + words[-1][-3:]].append(name)
    sets: UnionFind[str] = UnionFind()
    for names in blocks.values():
        for i, x in enumerate(names):
            for y in names[i + 1:]:
                if same_maker(fold[x], fold[y]) and _overlap(spans.get(x), spans.get(y)):
                    sets.union(x, y)
    groups: dict[str, list[str]] = defaultdict(list)
    for name in counts:
        groups[sets.find(name)].append(name)
    out = []
    for names in groups.values():
        if len(names) > 1:
            ranked = sorted(names, key=lambda n: (-counts[n], n))
            scores = {n: maker_match(fold[ranked[0]], fold[n]) or FULLER for n in ranked[1:]}
            out.append(MakerCluster(ranked[0], tuple(ranked[1:]), {n: counts[n] for n in ranked}, scores))
    return sorted(out, key=lambda c: c.preferred)


def _collective(folded: str) -> bool:
    """Several makers, a school or a period rather than one maker's name."""
    return bool(_COLLECTIVE & set(folded.split())) or any(c.isdigit() for c in folded)


_COLLECTIVE = frozenset({"and", "school", "century", "workshop", "circle", "follower", "followers", "after",
                         "manner", "studio", "style", "group"})


def _overlap(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    if a is None or b is None:
        return True
    return a[0] - SPAN_SLACK <= b[1] and b[0] - SPAN_SLACK <= a[1]
