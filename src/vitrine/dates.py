"""Turn dates as cataloguers write them into an earliest/latest year range.

Handles "1650", "c. 1650", "c.1650", "ca. 50–40 BCE", "1650-1660", "1650-55", "1834–6",
"1650s", "1700s", "mid 1700s", "18th century", "early 18th century", "18th–19th century",
"eighteenth century", "before 1900", "after 1850", "1650 or 1651", "12 May 1788", "1788-05-12".
Unparseable text gives (None, None): the text itself is always kept. BCE years are negative.
"Circa" widens the range by five years on each side, so that year filters still find the work.
"""

from __future__ import annotations

import re

_CIRCA_SLACK = 5
_PART = (r"(?P<part>early|mid|middle|late|(?:first|1st|second|2nd) half(?:\s+of)?"
         r"|(?:first|1st|second|2nd|third|3rd|fourth|4th|last) quarter(?:\s+of)?)")
_ORDINAL = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "twenty-first": 21,
}
_ORDINAL_WORDS = "|".join(sorted(_ORDINAL, key=len, reverse=True))
# One century of a possibly ranged expression: "late 18th", "the 19th", "eighteenth".
_CENTURY_ITEM = re.compile(
    r"(?:" + _PART + r"[\s-]+)?(?:the\s+)?"
    r"(?:(?P<n>\d{1,2})(?:st|nd|rd|th)|(?P<word>" + _ORDINAL_WORDS + r"))(?![a-z])(?!\s*(?:half|quarter))")
_CENTURY_WORD = re.compile(r"\b(?:century|centuries|cent\.?)|(?<=st|nd|rd|th)\s*c\.?(?![a-z])")
_YEAR = re.compile(r"(?<!\d)(?<!\d\.)(\d{1,4})(s)?(?!\d|\.\d|st\b|nd\b|rd\b|th\b)")
_BCE = re.compile(r"(?<![a-z])(?:b\.\s?c\.(?:e\.)?|bce|bc|b\.c\.e)(?![a-z])")
_CE = re.compile(r"(?<![a-z])(?:a\.\s?d\.|ad|ce|c\.e\.)(?![a-z])")
_CIRCA = re.compile(r"(?<![a-z])(?:c\.|ca\.?|circa|about|around|approx\.?|c)\s*(?=\d)")
_BEFORE = re.compile(r"(?<![a-z])(?:before|by|until|ante|pre|not after)[\s-]+(?:c\.|ca\.?|circa)?\s*\d")
_AFTER = re.compile(r"(?<![a-z])(?:after|post|since|not before)[\s-]+(?:c\.|ca\.?|circa)?\s*\d")
_RANGE_JOIN = re.compile(r"\s*(?:[-–—/]|to|or|and)\s*")
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DAY_MONTH = re.compile(
    r"\b\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTHS + r",?\s+|\b" + _MONTHS + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+")
# "1825, reprinted 1874": later events (printing, casting, publication) do not date the work.
_LATER_EVENT = re.compile(
    r"\d.*?(?P<cut>[,;]\s*(?:later\s+)?(?:re)?(?:printed|cast|published|reconstructed|editioned|fabricated)\b)")
_ISO_DATE = re.compile(r"\b(-?\d{4})-\d{2}-\d{2}(?:t[\d:.]+z?)?\b")


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
    s = _DAY_MONTH.sub(" ", s)
    later = _LATER_EVENT.search(s)
    if later:
        s = s[: later.start("cut")]
    century = _parse_century(s)
    if century is not None:
        return century
    return _parse_years(s)


# -- centuries ----------------------------------------------------------------------------------

def _parse_century(s: str) -> tuple[int | None, int | None] | None:
    if not _CENTURY_WORD.search(s):
        return None
    found = [_century_span(m) for m in _CENTURY_ITEM.finditer(s)]
    spans = [span for span in found if span is not None]
    if not spans:
        return None
    start, end = min(a for a, _ in spans), max(b for _, b in spans)
    if _BCE.search(s):
        start, end = -end, -start
    if re.search(r"(?<![a-z])(?:before|until|ante|pre)(?![a-z])", s):
        return None, start - 1
    if re.search(r"(?<![a-z])(?:after|post)(?![a-z])", s):
        return end + 1, None
    return start, end


def _century_span(m: re.Match[str]) -> tuple[int, int] | None:
    n = int(m["n"]) if m["n"] else _ORDINAL[m["word"]]
    if not 1 <= n <= 21:
        return None
    return _part_of(m["part"] or "", (n - 1) * 100 + 1, n * 100)


def _part_of(part: str, start: int, end: int) -> tuple[int, int]:
    """The early/mid/late third or the first/second half of a period."""
    third = (end - start + 1) // 3
    if part.startswith("early"):
        return start, start + third - 1
    if part.startswith(("mid", "middle")):
        return start + third, end - third
    if part.startswith("late"):
        return end - third + 1, end
    if part.endswith("half") or part.endswith("half of"):
        half = (end - start + 1) // 2
        return (start, start + half - 1) if part.startswith(("first", "1st")) else (start + half, end)
    if "quarter" in part:
        quarter = (end - start + 1) // 4
        n = next(i for i, w in enumerate(("first 1st", "second 2nd", "third 3rd", "fourth 4th last"))
                 if part.split()[0] in w.split())
        return start + n * quarter, (end if n == 3 else start + (n + 1) * quarter - 1)
    return start, end


# -- years --------------------------------------------------------------------------------------

def _parse_years(s: str) -> tuple[int | None, int | None]:
    years = _year_spans(s)
    if not years:
        return None, None
    bce = _BCE.search(s)
    if bce:
        ce = _CE.search(s)
        # "50 BC–AD 30": only the years before the BC marker are BC when an AD marker follows it.
        cut = bce.end() if ce and ce.start() > bce.start() else len(s) + 1
        years = [(-hi, -lo, pos) if pos < cut else (lo, hi, pos) for lo, hi, pos in years]
    lo = min(y[0] for y in years)
    hi = max(y[1] for y in years)
    if _CIRCA.search(s):
        lo, hi = lo - _CIRCA_SLACK, hi + _CIRCA_SLACK
    if len(years) == 1 and _BEFORE.search(s):
        return None, hi
    if len(years) == 1 and _AFTER.search(s):
        return lo, None
    return lo, hi


def _year_spans(s: str) -> list[tuple[int, int, int]]:
    """(first, last, position) of every year or decade in `s`, two-digit range ends expanded."""
    spans: list[tuple[int, int, int]] = []
    prev_end = 0
    for m in _YEAR.finditer(s):
        digits, decade = m[1], bool(m[2])
        value = int(digits)
        if spans and not decade and _RANGE_JOIN.fullmatch(s[prev_end:m.start()]):
            value = _expand_short_end(spans[-1][0], spans[-1][1], digits)
        lo, hi = _decade(value, s[:m.start()]) if decade else (value, value)
        spans.append((lo, hi, m.start()))
        prev_end = m.end()
    if any(lo >= 100 for lo, _, _ in spans) and not _BCE.search(s):
        # "1850, 2 versions": small numbers beside real years are not years.
        spans = [span for span in spans if span[0] >= 100 or span[1] >= 100]
    return spans


def _expand_short_end(prev_lo: int, prev_hi: int, digits: str) -> int:
    """"1650-55" -> 1655, "1834–6" -> 1836, "1799-802" -> 1802; a full year stays as it is."""
    value, k = int(digits), len(digits)
    prev = prev_hi
    if len(str(prev)) <= k or prev_lo < 0:
        return value
    unit = int(10**k)
    expanded = prev - prev % unit + value
    return expanded + unit if expanded < prev else expanded


def _decade(value: int, before: str) -> tuple[int, int]:
    """"1650s" -> 1650-1659; "1700s" -> 1700-1799; "early/mid/late" narrow either."""
    width = 100 if value % 100 == 0 and value >= 1000 else 10
    part = re.search(_PART + r"[\s-]*$", before)
    return _part_of(str(part["part"]) if part else "", value, value + width - 1)
