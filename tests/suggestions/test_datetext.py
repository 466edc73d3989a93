"""The date agent's reading rules: a table of texts and what a careful cataloguer would record."""

from __future__ import annotations

import pytest

from vitrine.suggestions.datetext import read_date

# text -> (EDTF, earliest, latest, family)
READINGS = {
    "1950": ("1950", 1950, 1950, "year"),
    "c.1830": ("1830~", 1825, 1835, "circa"),
    "c. 1936": ("1936~", 1931, 1941, "circa"),
    "circa 1809–11": ("1809~/1811~", 1804, 1816, "circa"),
    "1973–4": ("1973/1974", 1973, 1974, "range"),
    "1815–16": ("1815/1816", 1815, 1816, "range"),
    "1799–802": ("1799/1802", 1799, 1802, "range"),
    "1799–1800": ("1799/1800", 1799, 1800, "range"),
    "1950 to 1955": ("1950/1955", 1950, 1955, "range"),
    "between 1840 and 1850": ("1840/1850", 1840, 1850, "range"),
    "1833 and 1836": ("1833/1836", 1833, 1836, "several"),
    "1764 or 66": ("1764/1766", 1764, 1766, "either"),
    "?1819": ("1819?", 1819, 1819, "uncertain"),
    "1950 (?)": ("1950?", 1950, 1950, "uncertain"),
    "?c.1875": ("1875%", 1870, 1880, "uncertain"),
    "c.1819–20?": ("1819%/1820%", 1814, 1825, "uncertain"),
    "1950s": ("195X", 1950, 1959, "decade"),
    "the 1950's": ("195X", 1950, 1959, "decade"),
    "c.1950s": ("195X~", 1945, 1964, "circa"),
    "1900s": ("19XX", 1900, 1999, "hundreds"),
    "early 1780s": ("1780/1783", 1780, 1783, "part"),
    "late 1780s": ("1786/1789", 1786, 1789, "part"),
    "18th century": ("17XX", 1700, 1799, "century"),
    "eighteenth century": ("17XX", 1700, 1799, "century"),
    "18th c.": ("17XX", 1700, 1799, "century"),
    "18th–19th century": ("1700/1899", 1700, 1899, "century"),
    "early 18th century": ("1700/1732", 1700, 1732, "part"),
    "mid-18th century": ("1733/1766", 1733, 1766, "part"),
    "first half of the 19th century": ("1800/1849", 1800, 1849, "part"),
    "late 18th–early 19th century": ("1767/1832", 1767, 1832, "part"),
    "5th century BC": ("-0499/-0400", -500, -401, "century"),
    "300 BC": ("-0299", -300, -300, "year"),
    "AD 50": ("0050", 50, 50, "year"),
    "50 BC–AD 30": ("-0049/0030", -50, 30, "range"),
    "ca. 50–40 BCE": ("-0049~/-0039~", -55, -35, "circa"),
    "12 May 1788": ("1788-05-12", 1788, 1788, "day"),
    "May 12, 1788": ("1788-05-12", 1788, 1788, "day"),
    "1788-05-12": ("1788-05-12", 1788, 1788, "day"),
    "May 1903": ("1903-05", 1903, 1903, "month"),
    "1950-06": ("1950-06", 1950, 1950, "month"),  # the catalogue reads 1950-2006
    "1911-12": ("1911/1912", 1911, 1912, "range"),  # ...but this is a range, not December
    "[1950]": ("1950", 1950, 1950, "year"),
    "1971, 1973": ("1971/1973", 1971, 1973, "several"),
    "c.1855, c.1866": ("1855~/1866~", 1850, 1871, "circa"),
    "1913, posthumous cast": ("1913", 1913, 1913, "year"),  # an undated event dates nothing
    "before 1877": ("../1876", None, 1876, "open"),
    "by 1877": ("../1877", None, 1877, "open"),
    "after c.1830": ("1830~/..", 1825, None, "open"),
    "after 1850": ("1851/..", 1851, None, "open"),
    "\u0661\u0669\u0665\u0660": ("1950", 1950, 1950, "year"),  # Arabic-Indic digits
    "\uff11\uff19\uff15\uff10": ("1950", 1950, 1950, "year"),  # full-width digits
    "\u0967\u096f\u096b\u0966\u2013\u096b": ("1950/1955", 1950, 1955, "range"),  # Devanagari, en dash
}

# text -> [(role, EDTF, earliest, latest), ...], the main (making) event first
EVENTS = {
    "1950, cast 1984": [("made", "1950", 1950, 1950), ("cast", "1984", 1984, 1984)],
    "1983, printed 2008": [("made", "1983", 1983, 1983), ("printed", "2008", 2008, 2008)],
    "published 1810": [("published", "1810", 1810, 1810)],
    "exhibited 1799": [("exhibited", "1799", 1799, 1799)],
    "?exhibited 1835": [("exhibited", "1835?", 1835, 1835)],
    "c.1815–16, printed 1830": [("made", "1815~/1816~", 1810, 1821), ("printed", "1830", 1830, 1830)],
    "1929, cast 1960s": [("made", "1929", 1929, 1929), ("cast", "196X", 1960, 1969)],
    "1955–6; printed 1970s": [("made", "1955/1956", 1955, 1956), ("printed", "197X", 1970, 1979)],
    "first published 1830, reprinted 1993": [("published", "1830", 1830, 1830),
                                             ("reprinted", "1993", 1993, 1993)],
    "exhibited 1847, painted 1846": [("made", "1846", 1846, 1846), ("exhibited", "1847", 1847, 1847)],
    "1968, printed after 1971": [("made", "1968", 1968, 1968), ("printed", "1972/..", 1972, None)],
}

UNREAD = [
    "", "   ", "date not known", "no date", "n.d.", "undated", "0000", "-300", "2999", "50",
    "c.18799–1802",  # a five-digit year is a typo, not 18799
    "1990–85",  # runs backwards: a slip, not 1990-2085
    "31 February 1900", "1950s–1940s", "18th", "22nd century", "painted in the spring", "1850, 2 versions",
    "x" * 10_000, "1" * 10_000, "1950-" * 2000, "c." * 5000,
]


@pytest.mark.parametrize("text", list(READINGS))
def test_a_date_text_reads_as_a_cataloguer_would(text: str) -> None:
    reading = read_date(text)
    assert reading is not None, text
    main = reading.main
    assert (main.edtf, main.earliest, main.latest, reading.family) == READINGS[text]
    assert not reading.has_events or reading.family == "events"


@pytest.mark.parametrize("text", list(EVENTS))
def test_production_events_are_kept_apart(text: str) -> None:
    reading = read_date(text)
    assert reading is not None and reading.has_events and reading.family == "events"
    assert [(e.role, e.span.edtf, e.span.earliest, e.span.latest) for e in reading.events] == EVENTS[text]


@pytest.mark.parametrize("text", UNREAD, ids=lambda t: t[:24])
def test_what_is_not_a_date_or_not_understood_whole_is_left_unread(text: str) -> None:
    assert read_date(text) is None


def test_scores_follow_the_pattern_family_and_its_qualifiers() -> None:
    def score(text: str) -> float:
        reading = read_date(text)
        assert reading is not None
        return reading.score

    assert score("1950") == 0.99
    assert score("1950") > score("1950–5") > score("c.1950") > score("?1950") > score("?c.1950")
    assert score("18th century") > score("early 18th century")
    assert score("published 1810") == round(0.99 * 0.9, 3)
    assert score("1976–7, enlarged version 2007") == round(0.97 * 0.8, 3)
    assert score("1950, cast 1984") == 0.99
    assert score("1983, printed 2008") == round(0.99 * 0.8, 3)  # whether years reach the print: convention


def test_circa_slack_is_a_parameter_and_none_keeps_the_nominal_years() -> None:
    reading = read_date("c.1830", circa_slack=0)
    assert reading is not None and (reading.main.earliest, reading.main.latest) == (1830, 1830)
    assert reading.main.edtf == "1830~"


def test_every_edtf_produced_is_valid_level_0_or_1() -> None:
    grammar = pytest.importorskip("edtf.parser.grammar")
    parser = grammar.level0Expression ^ grammar.level1Expression
    produced = {e.span.edtf for text in [*READINGS, *EVENTS] if (r := read_date(text)) for e in r.events}
    assert len(produced) > 40
    for edtf in produced:
        parser.parse_string(edtf, parse_all=True)  # raises on anything else
