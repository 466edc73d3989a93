"""Records that contradict themselves: a date text and years that disagree, dimensions in mixed units.

- Date: the date text read by the date agent's rules (`suggestions.datetext`, which never guesses)
  gives years other than the record's year_min/year_max (the catalogue's one-year shift of strict
  centuries, circa slack, and years running on to a later event, "1960, printed 1976", as Tate's
  convention has them, agree). An unreadable text is no evidence and is left alone.
- Dimensions: one text measuring in two metric units ("331 x 20.6 cm; 40 x 30 mm"), or a metric
  measurement whose imperial conversion beside it is more than 5% off ("65 x 54 cm (30 x 21 in)").
"""

from __future__ import annotations

from dataclasses import dataclass

from vitrine.recordcheck.features import measurements
from vitrine.records import Record
from vitrine.suggestions.datetext import read_date

METRIC = ("mm", "cm", "m")
CONVERSION_TOLERANCE = 0.05


@dataclass(frozen=True)
class Inconsistency:
    """What disagrees (the record's fields) and a sentence saying how."""

    fields: tuple[str, ...]
    message: str
    score: float


def check_record(record: Record, circa_slack: int = 5) -> list[Inconsistency]:
    """Every self-contradiction found in one record (none where it agrees with itself)."""
    found = [date_inconsistency(record, circa_slack), dimensions_inconsistency(record.dimensions)]
    return [f for f in found if f is not None]


def date_inconsistency(record: Record, circa_slack: int = 5) -> Inconsistency | None:
    if not record.date_text or (record.year_min is None and record.year_max is None):
        return None
    reading = read_date(record.date_text, circa_slack)
    if reading is None:
        return None
    main = reading.main
    if main.earliest is None or main.latest is None:
        return None
    low = record.year_min if record.year_min is not None else record.year_max
    high = record.year_max if record.year_max is not None else record.year_min
    assert low is not None and high is not None
    shift = 1 if main.shifted else 0
    last = max([main.latest, *(e.span.latest for e in reading.events if e.span.latest is not None)])
    inside = (main.earliest - circa_slack <= low <= main.latest + shift
              and main.earliest <= high <= last + circa_slack + shift)
    if inside:
        return None
    years = f"{low}" if low == high else f"{low}-{high}"
    reads = f"{main.earliest}" if main.earliest == main.latest else f"{main.earliest}-{main.latest}"
    return Inconsistency(("date_text", "year_min", "year_max"),
                         f"the date text {record.date_text!r} reads as {reads}, but the record's years are "
                         f"{years}", round(reading.score, 4))


def dimensions_inconsistency(text: str | None) -> Inconsistency | None:
    found = measurements(text)
    metric = [(unit, sides) for unit, sides in found if unit in METRIC]
    units = sorted({unit for unit, _ in metric})
    if len(units) > 1:
        return Inconsistency(("dimensions",), f"the dimensions {text!r} mix units ({', '.join(units)})", 0.9)
    imperial = [(unit, sides) for unit, sides in found if unit not in METRIC]
    if metric and imperial and len(metric[0][1]) == len(imperial[0][1]):
        off = max(abs(x - y) / max(x, y) for x, y in zip(metric[0][1], imperial[0][1], strict=True))
        if off > CONVERSION_TOLERANCE:
            return Inconsistency(("dimensions",), f"the dimensions {text!r} give inches that are not the "
                                 f"centimetres beside them ({off:.0%} off)", 0.8)
    return None
