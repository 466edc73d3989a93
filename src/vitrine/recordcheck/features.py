"""What two records are compared on: a normalised title, the makers' names, the years and the
dimensions, read once per record.

Names and titles are case-folded, stripped of accents and punctuation; a maker written
"Rijn, Rembrandt van" reads as "rembrandt van rijn"; "Unknown", "anonymous" and the like count as
no maker at all (two anonymous works share nothing by that). Dimensions are read from the record's
dimensions text ("support: 331 x 206 mm", "65 x 54 cm (25 5/8 x 21 1/4 in)"), or from the
height_cm/width_cm fields some sources give, as centimetres sorted largest first (so a work
measured landscape in one museum and portrait in another still agrees).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction

from vitrine.records import Record

#: makers that name nobody in particular
UNKNOWN_MAKERS = frozenset({
    "unknown", "unknown artist", "unknown maker", "anonymous", "anon", "anonymous artist", "unidentified",
    "unidentified artist", "various", "various artists", "not known", "artist unknown"})
#: words left out of title blocking: they say nothing about which work it is
STOP_WORDS = frozenset({
    "a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "with", "for", "by", "from", "de", "du",
    "des",
    "la", "le", "les", "el", "los", "las", "il", "lo", "di", "da", "del", "della", "van", "von", "der", "den",
    "het", "een", "und", "y", "e", "et", "portrait", "study", "untitled", "title", "not", "known", "no"})
PARTICLES = frozenset({"van", "von", "der", "den", "de", "du", "des", "da", "di", "del", "della", "la", "le",
                       "ten", "ter", "y"})
HONORIFICS = frozenset({"sir", "dame", "lord", "lady", "ra", "rwa", "pra", "ara", "mr", "mrs", "miss", "st",
                        "saint"})

_PUNCT = re.compile(r"[^\w\s]+")
_SPACE = re.compile(r"\s+")
#: one measurement: two or three numbers joined by x or ×, then a unit
_MEASURE = re.compile(
    r"(?P<nums>\d+(?:[.,]\d+)?(?:\s+\d+/\d+)?(?:\s*[x×]\s*\d+(?:[.,]\d+)?(?:\s+\d+/\d+)?){1,2})"
    r"\s*(?P<unit>mm|cm|m|in\.?|inches|\")(?![a-z])", re.IGNORECASE)
_TO_CM = {"mm": 0.1, "cm": 1.0, "m": 100.0, "in": 2.54, "inches": 2.54, '"': 2.54}


def fold(text: str | None) -> str:
    """Lower case, no accents, punctuation as spaces, single spaces."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACE.sub(" ", _PUNCT.sub(" ", plain)).strip()


def maker_name(name: str | None) -> str:
    """A maker's name in one comparable form ("" for an unknown maker): "Rijn, Rembrandt van"
    reads as "rembrandt van rijn"; "Sir Joshua Reynolds" as "joshua reynolds"."""
    if not name:
        return ""
    text = name.strip()
    if text.count(",") == 1:  # "Surname, Forenames" as many catalogues sort it
        surname, given = (part.strip() for part in text.split(","))
        if given and not re.search(r"\d", given):
            text = f"{given} {surname}"
    words = [w for w in fold(text).split() if w not in HONORIFICS]
    folded = " ".join(words)
    return "" if folded in UNKNOWN_MAKERS or folded.startswith("unknown ") else folded


def title_tokens(title: str) -> frozenset[str]:
    """The words of a folded title worth blocking on."""
    return frozenset(w for w in title.split() if len(w) > 2 and w not in STOP_WORDS and not w.isdigit())


def dimensions_cm(record: Record) -> tuple[float, ...]:
    """The first measurement of the record in centimetres, largest first; () when none is read."""
    found = measurements(record.dimensions)
    if found:
        return found[0][1]
    extra = record.extra or {}
    try:
        sides = [float(extra[k]) for k in ("height_cm", "width_cm") if extra.get(k) not in (None, "")]
    except (TypeError, ValueError):
        return ()
    return tuple(sorted(sides, reverse=True)) if len(sides) == 2 and all(s > 0 for s in sides) else ()


def measurements(text: str | None) -> list[tuple[str, tuple[float, ...]]]:
    """Every measurement in a dimensions text: (unit, sides in cm largest first)."""
    out = []
    for m in _MEASURE.finditer(text or ""):
        unit = m.group("unit").lower().rstrip(".")
        try:
            sides = [_number(part) for part in re.split(r"\s*[x×]\s*", m.group("nums"), flags=re.IGNORECASE)]
        except (ValueError, ZeroDivisionError):
            continue
        if all(s > 0 for s in sides):
            out.append((unit, tuple(sorted((s * _TO_CM[unit] for s in sides), reverse=True))))
    return out


def _number(text: str) -> float:
    whole, _, frac = text.strip().replace(",", ".").partition(" ")
    return float(whole) + (float(Fraction(frac)) if frac else 0.0)


@dataclass(frozen=True)
class Features:
    """One record as the comparison sees it."""

    record_id: int
    identifier: str
    title: str
    tokens: frozenset[str]
    makers: tuple[str, ...]
    years: tuple[int, int] | None
    dims: tuple[float, ...]


def features_of(record_id: int, record: Record) -> Features:
    title = fold(record.title)
    makers = tuple(dict.fromkeys(m for m in (maker_name(c) for c in record.creators) if m))
    years = None
    if record.year_min is not None or record.year_max is not None:
        low = record.year_min if record.year_min is not None else record.year_max
        high = record.year_max if record.year_max is not None else record.year_min
        assert low is not None and high is not None
        years = (low, high)
    return Features(record_id, record.identifier, title, title_tokens(title), makers, years,
                    dimensions_cm(record))
