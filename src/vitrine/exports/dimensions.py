"""Read measurements out of a dimensions text as museums write it, for structured Linked Art dimensions.

Handles "support: 331 x 206 mm", "object: 255 x 365 x 255 mm, 30.2 kg", "55.9 x 76.2 cm (22 x 30 in.)",
"22 1/4 × 30 in.", "H. 30 cm", "diam. 12.5 cm", "height 40 cm, width 30 cm", "12 in.". Numbers in a
row are height, width and depth, in that order (the usual convention); a labelled number is what its
label says. Only the first part of a text is read (the work itself, not its frame or mount) and
parentheses (conversions) are skipped. Anything else gives no measurement: the text is always kept
as a statement beside them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

_NUMBER = r"\d+(?:\.\d+)?(?:\s+\d+/\d+)?|\d+/\d+"
_UNIT = r"mm|cm|m|in\.?|inches|inch|\"|″|ft\.?|feet|foot|'|kg|g|lbs?\.?|pounds?"
_UNITS = {"mm": "mm", "cm": "cm", "m": "m", "in": "in", "inches": "in", "inch": "in", '"': "in", "″": "in",
          "ft": "ft", "feet": "ft", "foot": "ft", "'": "ft", "kg": "kg", "g": "g", "lb": "lb", "lbs": "lb",
          "pound": "lb", "pounds": "lb"}
_WEIGHTS = {"kg", "g", "lb"}
_ROW = re.compile(rf"(?P<nums>(?:{_NUMBER})(?:\s*(?:x|×|by)\s*(?:{_NUMBER}))*)\s*(?P<unit>{_UNIT})(?![a-z])",
                  re.IGNORECASE)
_LABELS = {"h": "height", "height": "height", "high": "height", "w": "width", "width": "width",
           "wide": "width", "d": "depth", "depth": "depth", "deep": "depth", "l": "width",
           "length": "width", "diam": "diameter", "diameter": "diameter", "dia": "diameter",
           "weight": "weight", "wt": "weight"}
_LABEL = re.compile(r"(?P<label>[a-z]+)\.?\s*:?\s*$", re.IGNORECASE)
_PARTS = re.compile(r"[\r\n;]+")
_SKIPPED = {"frame", "frames", "mount", "mounted", "base", "pedestal", "plinth", "case", "vitrine"}


@dataclass(frozen=True)
class Measurement:
    """One measured aspect: `kind` is height, width, depth, diameter, weight or unknown."""

    kind: str
    value: float
    unit: str


def parse_dimensions(text: str | None) -> list[Measurement]:
    """The measurements of the first part of `text` that is not a frame or mount ([] when none parse)."""
    if not text:
        return []
    for part in _PARTS.split(text):
        head, sep, _ = part.partition(":")
        if sep and head.strip().lower().split(" ")[0] in _SKIPPED:
            continue
        found = _measurements(re.sub(r"\([^)]*\)", " ", part))
        if found:
            return found
    return []


def _measurements(text: str) -> list[Measurement]:
    out: list[Measurement] = []
    for match in _ROW.finditer(text):
        unit = _UNITS[match["unit"].lower().rstrip(".")]
        numbers = [_number(n) for n in re.split(r"\s*(?:x|×|by)\s*", match["nums"], flags=re.IGNORECASE)]
        label = _LABEL.search(text[:match.start()])
        named = _LABELS.get(label["label"].lower()) if label else None
        if unit in _WEIGHTS:
            out += [Measurement("weight", numbers[0], unit)] if len(numbers) == 1 else []
        elif len(numbers) == 1:
            out.append(Measurement(named or "unknown", numbers[0], unit))
        elif len(numbers) <= 3:
            out += [Measurement(kind, n, unit) for kind, n in zip(("height", "width", "depth"), numbers,
                                                                    strict=False)]
    return out


def _number(text: str) -> float:
    whole, _, fraction = text.strip().partition(" ")
    if "/" in whole:
        return float(Fraction(whole))
    return float(whole) + (float(Fraction(fraction.strip())) if fraction.strip() else 0.0)
