"""Turn dates as cataloguers write them into an earliest/latest year range.

Handles "1650", "c. 1650", "ca. 50–40 BCE", "1650-1660", "1650s", "18th century",
"early 18th century", "before 1900", "after 1850", "1650 or 1651", "12 May 1788"...
Unparseable text gives (None, None): the text itself is always kept.
"""

from __future__ import annotations

import re

_CIRCA_SLACK = 5
_ERA_BCE = r"(?:b\.?\s?c\.?(?:e\.?)?|bce)"
_ERA_CE = r"(?:a\.?\s?d\.?|c\.?e\.?)"
_ORDINAL = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "twenty-first": 21,
}
_CENTURY = re.compile(
    r"(?P<part>early|mid|middle|late|first half(?: of)?|second half(?: of)?)?[\s-]*(?:the\s+)?"
    r"(?P<n>\d{1,2})(?:st|nd|rd|th)?[\s-]+(?:century|cent\.?|c\.?)(?![a-z])(?:\s*(?P<era>" + _ERA_BCE + r"))?"
)
_CENTURY_WORD = re.compile(r"(?P<n>" + "|".join(sorted(_ORDINAL, key=len, reverse=True)) + r")[\s-]+century")
_YEAR = re.compile(r"(?<![\d.])(\d{1,4})(s)?(?![\d.])")
_BCE = re.compile(_ERA_BCE, re.IGNORECASE)
_BEFORE = re.compile(r"\b(before|by|until|ante|pre)\b")
_AFTER = re.compile(r"\b(after|post|since)\b")
_CIRCA = re.compile(r"\b(c\.|ca\.?|circa|about|around|approx\.?)\s*(?=\d)|^c\s?(?=\d)")
_MONTHS_OR_DAYS = re.compile(
    r"\b\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+|"
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+"
)
_ISO_DATE = re.compile(r"\b(\d{4})-\d{2}-\d{2}\b")


def parse_date(text: str | None) -> tuple[int | None, int | None]:
    """Return the earliest and latest year that `text` allows; BCE years are negative."""
    if text is None:
        return None, None
    s = text.strip().lower()
    if not s:
        return None, None
    if re.fullmatch(r"-\d{1,4}", s):
        return int(s), int(s)
    s = _ISO_DATE.sub(r"\1", s)
    s = _MONTHS_OR_DAYS.sub(" ", s)
    century = _parse_century(s)
    if century is not None:
        return century
    return _parse_years(s)


def _parse_century(s: str) -> tuple[int, int] | None:
    m = _CENTURY.search(s)
    if m:
        n, part, bce = int(m["n"]), m["part"] or "", bool(m["era"])
    else:
        w = _CENTURY_WORD.search(s)
        if not w:
            return None
        n, part, bce = _ORDINAL[w["n"]], s[: w.start()].split()[-1:] and s[: w.start()].split()[-1], False
        bce = bool(_BCE.search(s[w.end():]))
    if not 1 <= n <= 21:
        return None
    start, end = (n - 1) * 100 + 1, n * 100
    start, end = _century_part(str(part), start, end)
    if bce:
        return -end, -start
    if _BEFORE.search(s):
        return None, start
    return start, end


def _century_part(part: str, start: int, end: int) -> tuple[int, int]:
    if part.startswith("early"):
        return start, start + 32
    if part.startswith(("mid", "middle")):
        return start + 33, start + 65
    if part.startswith("late"):
        return start + 66, end
    if part.startswith("first half"):
        return start, start + 49
    if part.startswith("second half"):
        return start + 50, end
    return start, end


def _parse_years(s: str) -> tuple[int | None, int | None]:
    found = [(int(m[1]), bool(m[2]), m.start(), m.end()) for m in _YEAR.finditer(s)]
    # Two-digit ranges like "1650-55" read as 1650-1655.
    years: list[tuple[int, int]] = []
    for i, (value, decade, _, end) in enumerate(found):
        if i and not decade and value < 100 and years and years[-1][0] >= 1000:
            prev = years[-1][0]
            value = prev - prev % 100 + value
            if value < prev:
                value += 100
        years.append((value, value + 9 if decade else value))
    if not years:
        return None, None
    # "ca. 50–40 BCE": the era applies to every year when it follows the last one.
    if _BCE.search(s):
        years = [(-hi, -lo) for lo, hi in years]
    lo = min(y[0] for y in years)
    hi = max(y[1] for y in years)
    if _CIRCA.search(s):
        lo, hi = lo - _CIRCA_SLACK, hi + _CIRCA_SLACK
    if _BEFORE.search(s) and len(years) == 1:
        return None, hi
    if _AFTER.search(s) and len(years) == 1:
        return lo, None
    return lo, hi
