"""How alike two records are: title, maker, date, dimensions and image agreement, in one number.

Each part scores 0..1 where both records have it (`rapidfuzz` for the texts):
- title: token-sort ratio of the folded titles ("The Night Watch" and "Night Watch, The" agree);
- maker: 1 when the names are variants of one name (`makers.same_maker`), 0.5 when one is part
  of the other ("Rembrandt"), else 0;
- years: 1 when the ranges overlap, falling to 0 at `YEAR_SLACK` years apart;
- dimensions: 1 within 2% on every side, falling to 0 at 15% off;
- image: the near-duplicate cosine, 0 at the duplicate threshold (0.6) and 1 from 0.9.
A part neither record has counts as 0.5 (no evidence either way); the image part counts only where
the images were found alike. Without an image link the mean is multiplied by the title part:
the panels of one altarpiece or a series share maker, date and size, and only their titles
("... (Stag Section)", "... (Tiger Section)") tell them apart. A pair is proposed from
`min_similarity` (its default measured on public-art with hand-checked pairs, docs/benchmarks.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from vitrine.recordcheck.features import Features
from vitrine.recordcheck.makers import maker_match

WEIGHTS = {"title": 0.3, "maker": 0.25, "years": 0.15, "dimensions": 0.15, "image": 0.5}
NEUTRAL = 0.5
YEAR_SLACK = 10
MIN_SIMILARITY = 0.75


@dataclass(frozen=True)
class PairScore:
    """The parts of one comparison (None: not known for both) and their weighted mean."""

    a: int
    b: int
    similarity: float
    title: float | None
    maker: float | None
    years: float | None
    dimensions: float | None
    image: float | None

    def reason(self) -> str:
        """What agrees and what does not, for the reviewer."""
        parts = []
        for name in ("title", "maker", "years", "dimensions", "image"):
            value = getattr(self, name)
            if value is not None:
                word = "agree" if value >= 0.9 else "close" if value >= 0.6 else "differ"
                parts.append(f"{name} {word} ({value:.2f})")
        return "; ".join(parts) or "no evidence"


def title_score(a: Features, b: Features) -> float | None:
    if not a.title or not b.title:
        return None
    return fuzz.token_sort_ratio(a.title, b.title) / 100.0


def maker_score(a: Features, b: Features) -> float | None:
    if not a.makers or not b.makers:
        return None
    return max(_one_maker(x, y) for x in a.makers for y in b.makers)


def _one_maker(x: str, y: str) -> float:
    """1 for one name or a spelling of it; 0.5 when one name is part of the other ("Rembrandt" and
    "Rembrandt van Rijn", or a fuller name that may be a relative's); 0 for two names, however
    alike they are spelt."""
    match = maker_match(x, y)
    if match:
        return 1.0 if match >= 0.8 else 0.5
    wx, wy = set(x.split()), set(y.split())
    return 0.5 if wx <= wy or wy <= wx else 0.0


def years_score(a: Features, b: Features) -> float | None:
    if a.years is None or b.years is None:
        return None
    gap = max(a.years[0] - b.years[1], b.years[0] - a.years[1], 0)
    return max(0.0, 1.0 - gap / YEAR_SLACK)


def dimensions_score(a: Features, b: Features) -> float | None:
    if len(a.dims) < 2 or len(b.dims) < 2:
        return None
    off = max(abs(x - y) / max(x, y) for x, y in zip(a.dims[:2], b.dims[:2], strict=True))
    return min(1.0, max(0.0, (0.15 - off) / 0.13))


def image_score(cosine: float | None) -> float | None:
    if cosine is None:
        return None
    return min(1.0, max(0.0, (cosine - 0.6) / 0.3))


def score_pair(a: Features, b: Features, cosine: float | None = None) -> PairScore:
    """The parts and similarity of records `a` and `b` (`cosine`: their images' best, if alike)."""
    parts = {"title": title_score(a, b), "maker": maker_score(a, b), "years": years_score(a, b),
             "dimensions": dimensions_score(a, b), "image": image_score(cosine)}
    total = weight = 0.0
    for name, value in parts.items():
        if value is None and name == "image":
            continue
        total += WEIGHTS[name] * (NEUTRAL if value is None else value)
        weight += WEIGHTS[name]
    similarity = total / weight
    if parts["image"] is None:
        similarity *= NEUTRAL if parts["title"] is None else parts["title"]
    first, second = sorted((a.record_id, b.record_id))
    return PairScore(first, second, round(similarity, 4), **{k: _round(v) for k, v in parts.items()})


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
