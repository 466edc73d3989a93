"""Date texts read as a careful cataloguer would: EDTF, earliest and latest years, events kept apart.

`read_date("c.1815–16, printed 1830")` gives a `Reading`: the main (making) event's EDTF
(``1815~/1816~``) and years, and every event the text names (made, printed...) with its own. A text
is read whole or not at all: an unknown word, a five-digit year, a year 0 or after 2100, a range that
runs backwards all give None, never a guess. What is read:

| family | examples | EDTF | score |
|---|---|---|---|
| year | 1950, 300 BC, AD 50 | 1950, -0299, 0050 | 0.99 |
| day, month | 12 May 1788, 1788-05-12, May 1788 | 1788-05-12, 1788-05 | 0.99, 0.98 |
| range | 1950–5, 1815–16, 1950 to 1955, 50–40 BC | 1950/1955, -0049/-0039 | 0.97 |
| decade | 1950s | 195X | 0.95 |
| century | 18th century, eighteenth century, 18th–19th century | 17XX, 1700/1899 | 0.90 |
| either, several | 1786 or 1800; 1971, 1973 | 1786/1800, 1971/1973 | 0.85 |
| hundreds | 1900s (a decade or a century?) | 19XX | 0.75 |
| part | early 1780s, late 18th century, first half of the 19th century | 1780/1783 | 0.70 |

Qualifiers multiply the score: circa (c., ca., circa, about) x0.92, EDTF ``~``; uncertain
(?1819, 1819?, (?)) x0.85, ``?``; both x0.80, ``%``. Open dates (before 1900, after c.1830) read
as ``../1899`` and ``1830~/..`` with one year unknown. A main event known only from a publication or
an exhibition ("published 1810") scores x0.9; one with a later event that makes the object anew
(printed, remade, reconstructed, enlarged version, replica...) x0.8, as whether the work's years
should reach that event is a matter of convention (Tate's mostly do). Otherwise a reading scores
as its least certain event.

Conventions, chosen to match the catalogue's (`vitrine.dates`) wherever it has one:
- Years are historical, BCE negative (300 BC is -300); EDTF years are astronomical (-0299), as
  ISO 8601 counts them.
- Circa widens the years by `circa_slack` (5) each side, so year filters still find the work;
  the EDTF keeps the nominal year with ``~``. "?" does not widen.
- Centuries AD are named by their hundreds, as EDTF's ``17XX`` and the Getty's CDWA do: the 18th
  century is 1700–1799 (the catalogue reads 1701–1800; `Span.shifted` marks that one-year
  difference so that the agent does not propose it). Early/mid/late are thirds of a century and
  0–3, 3–6, 6–9 of a decade; halves and quarters as named.
- "before 1877" ends in 1876, "after 1850" starts in 1851; "by", "until", "not after" include the year.
- The main event is the first one, with any later bare dates ("1995–6, 2007"); later events
  (cast, printed, published, exhibited, remade...) are kept apart and do not move its years.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass

#: the latest year read as a year of making; later ones are typos or not years at all
LATEST_YEAR = 2100
MAX_LENGTH = 200  # longer text is not a date statement
FAMILY_SCORES = {"year": 0.99, "day": 0.99, "month": 0.98, "range": 0.97, "decade": 0.95, "century": 0.9,
                 "either": 0.85, "several": 0.85, "hundreds": 0.75, "part": 0.7}
QUALIFIER_SCORES = {"": 1.0, "~": 0.92, "?": 0.85, "%": 0.8}
NOT_MADE_SCORE = 0.9

# role words -> the event's role; MAKING roles date the work itself
ROLES = {
    "made": "made", "executed": "made", "painted": "made", "drawn": "made", "carved": "made",
    "modelled": "made", "modeled": "made", "created": "made", "photographed": "made", "dated": "made",
    "signed and dated": "made", "begun": "made", "started": "made", "completed": "made",
    "finished": "made", "engraved": "engraved", "etched": "etched",
    "cast": "cast", "posthumous cast": "cast", "posthumously cast": "cast", "later cast": "cast",
    "printed": "printed", "later printed": "printed", "reprinted": "reprinted",
    "published": "published", "first published": "published", "republished": "republished",
    "exhibited": "exhibited", "first exhibited": "exhibited", "reconstructed": "reconstructed",
    "remade": "remade", "fabricated": "fabricated", "refabricated": "fabricated", "editioned": "editioned",
    "editioned replica": "replica", "replica": "replica", "reproduced": "reproduced",
    "enlarged version": "enlarged", "enlarged": "enlarged", "with additions": "additions",
    "reworked": "reworked", "retouched": "reworked", "restored": "restored", "assembled": "assembled",
    "installed": "installed",
}
MAKING = frozenset({"made", "engraved", "etched"})
#: later events that make the object anew: whether the work's years reach them is a convention. A
#: photograph's print is one: Tate's years reach the print in two of three "1960, printed 1976" of
#: the development half, but not the cast in "1951, cast 1962" (ten of twelve) nor a reprint.
REMAKING = frozenset({"printed", "remade", "reconstructed", "fabricated", "editioned", "replica",
                      "reproduced", "enlarged", "additions", "reworked", "restored"})
REMAKING_SCORE = 0.8

_UNDATED = re.compile(r"[\[(]?(?:date not known|date unknown|no date|not dated|undated|unknown"
                      r"|n\.\s?d\.?|s\.\s?d\.?)[\])]?")
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december")
_MONTH = r"(?P<mon>" + "|".join(f"{m}|{m[:3]}\\.?" for m in _MONTH_NAMES) + r"|sept\.?)"
_DMY = re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r"\s+(?P<year>\d{4})\b")
_MDY = re.compile(r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})\b")
_MY = re.compile(r"\b" + _MONTH + r",?\s+(?P<year>\d{4})\b")
_MDY_COMMA = re.compile(r"(\b(?:" + "|".join(m[:3] for m in _MONTH_NAMES) + r")[a-z]*\.?\s+\d{1,2}"
                        r"(?:st|nd|rd|th)?),(\s+\d{4}\b)", re.IGNORECASE)
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"})

_ROLE = "|".join(sorted((re.escape(r) for r in ROLES), key=len, reverse=True))
_SEGMENT = re.compile(r"(?P<q1>\?\s*)?(?:(?P<role>" + _ROLE + r")(?![a-z])\s*)?(?P<q2>\?\s*)?"
                      r"(?P<date>.*?)(?P<q3>\s*(?:\?|\(\?\)|\[\?\]))?")
_CIRCA = r"(?:circa|approximately|approx\.?|about|around|ca\.?|c\.?)"
_BC = r"(?:b\.?\s?c\.?\s?e\.?|b\.?\s?c\.?)"
_AD = r"(?:a\.?\s?d\.?|c\.\s?e\.|ce)"
_PARTS = (r"(?:early|mid|middle|late|(?:first|1st|second|2nd) half|"
          r"(?:first|1st|second|2nd|third|3rd|fourth|4th|last) quarter)(?:\s+of)?(?:\s+the)?")
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
             "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
             "eighteenth", "nineteenth", "twentieth", "twenty-first")
_ORDINAL_RE = "|".join(sorted(_ORDINALS, key=len, reverse=True))
_POINT = (r"(?P<{p}circa>{circa}\s*)?(?P<{p}pre>a\.?\s?d\.?\s+)?(?:"
          r"(?P<{p}iso>\d{{4}}-\d{{2}}(?:-\d{{2}}|m))"
          r"|(?:(?P<{p}dpart>{parts})[\s-]+)?(?:the\s+)?(?P<{p}decade>\d{{2,3}}0)'?s"
          r"|(?:(?P<{p}cpart>{parts})[\s-]+)?(?:the\s+)?(?:(?P<{p}cent>\d{{1,2}})(?:st|nd|rd|th)"
          r"|(?P<{p}cword>{ords}))(?P<{p}cname>\s*(?:century|centuries|cent\.?|c\.?))?"
          r"|(?P<{p}year>\d{{1,5}}))"
          r"(?:\s*(?P<{p}era>{bc}|{ad})(?![a-z]))?")
_RANGE = re.compile(
    r"(?P<between>between\s+|from\s+)?" + _POINT.format(p="a_", circa=_CIRCA, parts=_PARTS, ords=_ORDINAL_RE,
                                                bc=_BC, ad=_AD)
    + r"(?:\s*(?P<sep>-|to|/|or|and|&)\s*"
    + _POINT.format(p="b_", circa=_CIRCA, parts=_PARTS, ords=_ORDINAL_RE, bc=_BC, ad=_AD) + ")?")
_OPEN = re.compile(r"(?P<open>before|by|until|till|ante|pre|not after|not later than|no later than|after"
                   r"|post|since|not before|not earlier than|no earlier than)[\s-]+(?P<rest>.+)")


@dataclass(frozen=True)
class Span:
    """One date: earliest and latest year (None: open), its EDTF, family and qualifier (~ ? %).

    `shifted`: centuries named by their hundreds, one year before the catalogue's strict centuries."""

    earliest: int | None
    latest: int | None
    edtf: str
    family: str
    qualifier: str = ""
    shifted: bool = False

    @property
    def score(self) -> float:
        return FAMILY_SCORES[self.family] * QUALIFIER_SCORES[self.qualifier]

    @property
    def closed(self) -> bool:
        return self.earliest is not None and self.latest is not None


@dataclass(frozen=True)
class Event:
    """A production event the text names: its role (made, cast, printed...), words and date."""

    role: str
    text: str
    span: Span


@dataclass(frozen=True)
class Reading:
    """What a date text says: the main (making) event first in `events`, the others after it."""

    text: str
    events: tuple[Event, ...]

    @property
    def main(self) -> Span:
        return self.events[0].span

    @property
    def has_events(self) -> bool:
        """The text names more than the making: a later event, or only a publication or exhibition."""
        return len(self.events) > 1 or self.events[0].role not in MAKING

    @property
    def score(self) -> float:
        score = min(e.span.score for e in self.events)
        if self.events[0].role not in MAKING:
            score *= NOT_MADE_SCORE
        if any(e.role in REMAKING for e in self.events):
            score *= REMAKING_SCORE
        return round(score, 3)

    @property
    def family(self) -> str:
        """The pattern family, for reports: events, open, uncertain, circa, or the main span's."""
        main = self.main
        if self.has_events:
            return "events"
        if not main.closed:
            return "open"
        return {"?": "uncertain", "%": "uncertain", "~": "circa"}.get(main.qualifier, main.family)


def read_date(text: str | None, circa_slack: int = 5) -> Reading | None:
    """The reading of a whole date text, or None where it is undated or not wholly understood."""
    if text is None or len(text) > MAX_LENGTH:
        return None
    clean = _normalise(text)
    if not clean or _UNDATED.fullmatch(clean.lower()):
        return None
    events: list[Event] = []
    try:
        for raw in re.split(r"\s*[;,]\s*", clean):
            parsed = _segment(raw, circa_slack)
            if parsed is None:  # a role without a date ("posthumous cast"): understood, nothing to date
                continue
            event, explicit = parsed
            if len(events) == 1 and not explicit and events[0].role in MAKING:
                events[0] = _merge(events[0], event)  # "1995–6, 2007": one making over both
            else:
                events.append(event)
    except _Unread:
        return None
    making = [e for e in events if e.role in MAKING]
    if not events:
        return None
    main = making[0] if making else events[0]
    return Reading(clean, (main, *(e for e in events if e is not main)))


class _Unread(Exception):
    """A part of the text that is not understood: the whole text is left unread."""


def _normalise(text: str) -> str:
    """NFKC (full-width digits), any script's decimal digits as ASCII, one kind of dash, one space."""
    s = unicodedata.normalize("NFKC", text)
    s = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in s)
    s = re.sub(r"\s+", " ", s.translate(_DASHES)).strip()
    s = _MDY_COMMA.sub(r"\1\2", s)
    return re.sub(r"(?<=\d)\.$", "", s)


def _merge(first: Event, later: Event) -> Event:
    """A making event with a later bare date: one span from the earlier end to the later."""
    a, b = first.span, later.span
    if a.earliest is None or a.latest is None or b.earliest is None or b.latest is None:
        raise _Unread
    low = a if a.earliest <= b.earliest else b
    high = b if b.latest >= a.latest else a
    qualifiers = {a.qualifier, b.qualifier} - {""}
    qualifier = "" if not qualifiers else qualifiers.pop() if len(qualifiers) == 1 else "%"
    span = Span(low.earliest, high.latest, f"{_ends(low.edtf)[0]}/{_ends(high.edtf)[1]}", "several",
                qualifier, a.shifted and b.shifted)
    return Event(first.role, f"{first.text}, {later.text}", span)


def _ends(edtf: str) -> tuple[str, str]:
    """The two ends of an EDTF date or interval as level-1 interval ends ("195X" -> 1950, 1959)."""
    if "/" in edtf:
        lo, hi = edtf.split("/")
        return lo, hi
    qualifier = edtf[-1] if edtf[-1] in "~?%" else ""
    core = edtf.rstrip("~?%")
    if "X" in core:
        return core.replace("X", "0") + qualifier, core.replace("X", "9") + qualifier
    return edtf, edtf


# -- one segment: [?][role][?] date [?] -------------------------------------------------------------

def _segment(raw: str, slack: int) -> tuple[Event, bool] | None:
    """The event of one comma-separated part and whether a role word named it; None for a role alone."""
    m = _SEGMENT.fullmatch(raw.lower())
    if m is None:
        raise _Unread
    date = m["date"].strip()
    if date.startswith(("[", "(")) and date.endswith(("]", ")")):
        date = date[1:-1].strip()
    if not date:
        if m["role"]:
            return None
        raise _Unread
    uncertain = bool(m["q1"] or m["q2"] or m["q3"])
    span = _open_or_range(_iso_words(date), uncertain, slack)
    if span is None:
        raise _Unread
    return Event(ROLES[m["role"]] if m["role"] else "made", raw, span), bool(m["role"])


def _iso_words(date: str) -> str:
    """"12 may 1788" -> "1788-05-12", "may 1788" -> "1788-05m" (a month: "1903-05" would read as a
    range); a day the month lacks is left for `_iso` to refuse."""
    def iso(m: re.Match[str]) -> str:
        month = _month(m["mon"])
        day = m.groupdict().get("day")
        return f"{m['year']}-{month:02d}" + (f"-{int(day):02d}" if day else "m")

    for pattern in (_DMY, _MDY, _MY):
        date = pattern.sub(iso, date)
    return date


def _month(name: str) -> int:
    return next(i for i, m in enumerate(_MONTH_NAMES, 1) if m.startswith(name.rstrip(".")[:3]))


_AFTER = ("after", "post", "since", "not before", "not earlier than", "no earlier than")
_INCLUSIVE = ("by", "until", "till", "not after", "not later than", "no later than", "since", "not before",
              "not earlier than", "no earlier than")


def _open_or_range(date: str, uncertain: bool, slack: int) -> Span | None:
    """A date with one end open ("before 1877" ends in 1876, "after c.1830" starts c.1830), or a range."""
    m = _OPEN.fullmatch(date)
    if m is None:
        return _range(date, uncertain, slack)
    point = _range(m["rest"], uncertain, slack)
    if point is None or point.earliest is None or point.latest is None or "/" in point.edtf:
        return None
    inclusive = m["open"] in _INCLUSIVE or point.qualifier in ("~", "%")
    lo, hi = _ends(point.edtf)
    if m["open"] in _AFTER:
        start = point.earliest if inclusive else point.latest + 1
        edtf = lo if inclusive else _edtf_year(start) + point.qualifier
        return Span(start, None, f"{edtf}/..", point.family, point.qualifier)
    end = point.latest if inclusive else point.earliest - 1 or -1
    edtf = hi if inclusive else _edtf_year(end) + point.qualifier
    return Span(None, end, f"../{edtf}", point.family, point.qualifier)


# -- a date: one point, or a range of two --------------------------------------------------------------

@dataclass(frozen=True)
class _Point:
    """One end of a range, as written: what kind, its digits or century, part, circa and era."""

    kind: str  # iso, decade, century, year
    text: str
    part: str
    circa: bool
    era: str  # "bc", "ad" or ""
    named: bool  # a century with its word ("18th century", not "18th")

    @classmethod
    def of(cls, m: re.Match[str], p: str) -> _Point:
        era = "bc" if m[p + "era"] and re.fullmatch(_BC, m[p + "era"]) else "ad" if m[p + "era"] else ""
        era = era or ("ad" if m[p + "pre"] else "")
        for kind in ("iso", "decade", "year"):
            if m[p + kind]:
                part = (m[p + "dpart"] or "") if kind == "decade" else ""
                return cls(kind, m[p + kind], part, bool(m[p + "circa"]), era, False)
        number = m[p + "cent"] or str(_ORDINALS.index(m[p + "cword"]) + 1)
        return cls("century", number, m[p + "cpart"] or "", bool(m[p + "circa"]), era, bool(m[p + "cname"]))


def _range(date: str, uncertain: bool, slack: int) -> Span | None:
    m = _RANGE.fullmatch(date)
    if m is None:
        return None
    a = _Point.of(m, "a_")
    b = _Point.of(m, "b_") if m["sep"] else None
    if "century" in (a.kind, b.kind if b else "") and not (a.named or (b is not None and b.named)):
        return None  # "18th" alone is not a date
    if b is not None and b.era == "bc" and not a.era:
        a = _Point(a.kind, a.text, a.part, a.circa, "bc", a.named)
    if (b is not None and a.kind == b.kind == "year" and not b.circa and len(b.text) < len(a.text)
            and b.era in ("", a.era)):
        month = _month_or_end(a, b, str(m["sep"]))
        if month is None:
            return None
        if isinstance(month, str):
            return _qualified(_iso(month, a.era), a.circa, uncertain, slack)
        b = _Point("year", str(month), "", False, a.era, False)
    first = _span_of(a, short_ok=False)
    if b is None:
        return None if first is None else _qualified(first, a.circa, uncertain, slack)
    second = _span_of(b if b.era or a.era != "bc" else _Point(b.kind, b.text, b.part, b.circa, "bc", b.named),
                      short_ok=True)
    if first is None or second is None or second.latest is None or first.earliest is None:
        return None
    if second.latest < first.earliest or (second.earliest is not None and second.earliest < first.earliest):
        return None  # runs backwards
    family = _range_family(first, second, "-" if m["between"] else str(m["sep"]))
    lo, hi = _ends(first.edtf)[0], _ends(second.edtf)[1]
    span = Span(first.earliest, second.latest, f"{lo}/{hi}", family, "", first.shifted and second.shifted)
    return _qualified(span, a.circa or b.circa, uncertain, slack)


def _range_family(first: Span, second: Span, sep: str) -> str:
    families = {first.family, second.family}
    for family in ("part", "hundreds", "century", "decade"):
        if family in families:
            return family
    return {"or": "either", "and": "several", "&": "several"}.get(sep, "range")


def _month_or_end(a: _Point, b: _Point, sep: str) -> int | str | None:
    """The full year a short range end stands for ("1973-4" -> 1974, "1799-802" -> 1802), an ISO month
    where two digits after a hyphen cannot end a range ("1950-06" -> June 1950), or None ("1990-85")."""
    start, digits, unit = int(a.text), int(b.text), int(10 ** len(b.text))
    base = start - start % unit
    end = base + digits
    if a.era == "bc":  # counting down: "450-40 BC" ends in 440 BC
        return end if end <= start else end - unit if end - unit >= 0 else None
    if end < start and sep == "-" and len(b.text) == 2 and 1 <= digits <= 12 and len(a.text) == 4:
        return f"{a.text}-{b.text}m"
    return end if end >= start else None  # "1990-85" runs backwards: a slip, not 2085


def _span_of(point: _Point, *, short_ok: bool) -> Span | None:
    if point.kind == "iso":
        return None if point.era else _iso(point.text, point.era)
    if point.kind == "decade":
        return None if point.era == "bc" else _decade(int(point.text), point.part)
    if point.kind == "century":
        return _century(int(point.text), point.part, point.era == "bc")
    if len(point.text) > 4 or (len(point.text) < 3 and not point.era and not short_ok):
        return None  # five digits is a typo; "50" alone is not a year without its era
    year = int(point.text)
    if year == 0 or (point.era != "bc" and year > LATEST_YEAR):
        return None
    year = -year if point.era == "bc" else year
    return Span(year, year, _edtf_year(year), "year")


def _iso(text: str, era: str) -> Span | None:
    year, month = int(text[:4]), int(text[5:7])
    day = int(text[8:10]) if len(text) == 10 else None
    if era or not 1 <= year <= LATEST_YEAR or not 1 <= month <= 12:
        return None
    if day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    edtf = f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")
    return Span(year, year, edtf, "day" if day else "month")


def _decade(start: int, part: str) -> Span | None:
    if start == 0 or start > LATEST_YEAR:
        return None
    if start % 100 == 0 and start >= 1000:  # "1900s": the century's hundreds, as the catalogue reads it
        span = Span(start, start + 99, f"{start // 100:02d}XX", "hundreds")
    else:
        span = Span(start, start + 9, f"{start // 10:03d}X", "decade")
    return _part(span, part) if part else span


def _century(n: int, part: str, bc: bool) -> Span | None:
    if not 1 <= n <= (99 if bc else 21):
        return None
    if bc:  # the 5th century BC: 500-401 BC
        lo, hi = -n * 100, -(n - 1) * 100 - 1
        span = Span(lo, hi, f"{_edtf_year(lo)}/{_edtf_year(hi)}", "century")
    elif n == 1:
        span = Span(1, 99, "0001/0099", "century")
    else:
        lo = (n - 1) * 100
        span = Span(lo, lo + 99, f"{n - 1:02d}XX", "century", shifted=True)
    return _part(span, part) if part else span


def _part(span: Span, part: str) -> Span | None:
    """The early/mid/late third (of a decade: 0-3, 3-6, 6-9), a half or a quarter of a span."""
    start, end = span.earliest or 0, span.latest or 0
    width = end - start + 1
    word = part.split()[0]
    if word in ("early", "mid", "middle", "late"):
        if width == 10:
            lo, hi = {"early": (0, 3), "late": (6, 9)}.get(word, (3, 6))
            lo, hi = start + lo, start + hi
        else:
            third = width // 3
            lo, hi = {"early": (start, start + third - 1), "late": (end - third + 1, end)}.get(
                word, (start + third, end - third))
    elif "half" in part:
        half = width // 2
        lo, hi = (start, start + half - 1) if word in ("first", "1st") else (start + half, end)
    else:
        if width < 100:
            return None  # quarters of a decade are not a way anyone dates
        n = next(i for i, w in enumerate(("first 1st", "second 2nd", "third 3rd", "fourth 4th last"))
                 if word in w.split())
        quarter = width // 4
        lo, hi = start + n * quarter, end if n == 3 else start + (n + 1) * quarter - 1
    return Span(lo, hi, f"{_edtf_year(lo)}/{_edtf_year(hi)}", "part", shifted=span.shifted)


def _qualified(span: Span | None, circa: bool, uncertain: bool, slack: int) -> Span | None:
    """The span with its EDTF qualifier on each end, circa widening its years by `slack`."""
    if span is None:
        return None
    qualifier = "%" if circa and uncertain else "~" if circa else "?" if uncertain else ""
    if not qualifier:
        return span
    edtf = "/".join(end + qualifier for end in span.edtf.split("/"))
    lo, hi = span.earliest, span.latest
    if circa:
        lo, hi = (None if lo is None else lo - slack), (None if hi is None else hi + slack)
    return Span(lo, hi, edtf, span.family, qualifier, span.shifted)


def _edtf_year(year: int) -> str:
    """A historical year (no year 0, 1 BC is -1) as an EDTF year, which counts astronomically."""
    astronomical = year if year > 0 else year + 1
    return f"-{-astronomical:04d}" if astronomical < 0 else f"{astronomical:04d}"
