"""Rules: dates written out in French and English, and persons named after a title ("M. Chéron",
"Mme de Staël", "général Foch", "Sir Joshua Reynolds"), titles included as HIPE's annotators did.

The rules are written for catalogue text and checked on the HIPE training files only (never on the
dev files the figures come from).
"""

from __future__ import annotations

import re
from typing import Final

from vitrine.entities.mentions import Mention, non_overlapping

_MONTHS_FR = ("janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|"
              "décembre|decembre")
_MONTHS_EN = "january|february|march|april|may|june|july|august|september|october|november|december"
_ABBREVIATED = r"(?:jan|feb|fév|mar|apr|avr|jun|jul|juil|aug|sep|sept|oct|nov|dec|déc)\."
_MONTH = rf"(?:{_MONTHS_FR}|{_MONTHS_EN}|{_ABBREVIATED})"
_YEAR = r"(?:1[0-9]{3}|20[0-9]{2})"
_DAY = r"(?:[12][0-9]|3[01]|0?[1-9])(?:er|st|nd|rd|th)?"
_CENTURY = (r"(?:[XVI]{1,6}e|[0-9]{1,2}(?:e|ème|eme|th|st|nd|rd))\s+(?:siècle|siecle|century)"
            r"|(?:[0-9]{1,2}(?:th|st|nd|rd))-century")
DATES: Final = re.compile(
    rf"(?<!\w)(?:"
    rf"{_DAY}\s+{_MONTH}\s+{_YEAR}"                       # 12 mars 1850, 3rd June 1790
    rf"|{_MONTH}\s+{_DAY},?\s+{_YEAR}"                    # June 3, 1790
    rf"|{_MONTH}\s+{_YEAR}"                               # mars 1850
    rf"|(?:c\.|ca\.|circa|vers)\s*{_YEAR}"                # c. 1850
    rf"|{_CENTURY}"
    rf"|{_YEAR}s"                                         # 1850s
    rf")(?!\w)", re.IGNORECASE)
#: a bare year or range of years only after a word or mark that introduces a date: alone, four digits
#: are as often verse or line numbers (classical commentaries), inventory numbers or prices
_CUE = (r"(?:\b(?:en|in|de|of|from|since|depuis|dès|until|till|année|year|an|anno|by|dated|daté|le|the|"
        r"and|et|to|à|au|né|mort|born|died|acquired|purchased|presented|bequeathed|given)\s+|\(|,\s*)")
YEARS: Final = re.compile(rf"{_CUE}(?P<years>{_YEAR}(?:\s*[-–]\s*(?:{_YEAR}|[0-9]{{2}}))?)(?![\w-])",
                          re.IGNORECASE)
#: a year closing a text: credit lines ("Bequeathed by Sir Henry Tate 1899"), captions
_NOT_AFTER = "".join(rf"(?<!\b{a}\.\s)"  # verse, page, line, number, figure, inventory
                     for a in ("v", "vv", "p", "pp", "l", "ll", "n", "no", "nr", "fig", "inv"))
CLOSING_YEAR: Final = re.compile(rf"(?<![\w.-]){_NOT_AFTER}(?P<years>{_YEAR})\s*\.?\s*$", re.IGNORECASE)

_TITLES = (r"M\.|MM\.|Mme|Mmes|Mlle|Mlles|Mgr|Me|Dr|Mr\.?|Mrs\.?|Miss|Sir|Lady|Lord|Madame|Monsieur|"
           r"Mademoiselle|[Gg]énéral|[Mm]aréchal|[Cc]olonel|[Cc]apitaine|[Aa]miral|[Pp]résident|[Aa]bbé|"
           r"[Cc]ardinal|[Dd]octeur|[Pp]rofesseur|[Rr]oi|[Rr]eine|[Pp]rince|[Pp]rincesse|[Dd]uc|[Dd]uchesse|"
           r"[Cc]omte|[Cc]omtesse|[Bb]aron|[Bb]aronne|[Mm]arquis|[Mm]arquise|King|Queen|Saint|St\.")
_NAME = r"[A-ZÀ-ÖØ-Þ](?:[\w’'-]+|\.)"  # a capitalised word, or an initial with its full stop
_PARTICLE = r"(?:de|d’|d'|du|des|de\s+la|van|von|der|le|la)"
PERSONS: Final = re.compile(
    rf"(?<!\w)(?:{_TITLES})\s*(?:{_PARTICLE}\s*)?{_NAME}(?:\s+(?:{_PARTICLE}\s*)?{_NAME})*")


def dates(text: str, source: str = "rules") -> list[Mention]:
    found = [Mention(m.start(), m.end(), "date", source) for m in DATES.finditer(text)]
    for pattern in (YEARS, CLOSING_YEAR):
        found += [Mention(m.start("years"), m.end("years"), "date", source) for m in pattern.finditer(text)]
    return non_overlapping(found)


def persons(text: str, source: str = "rules") -> list[Mention]:
    return [Mention(m.start(), m.end(), "person", source) for m in PERSONS.finditer(text)]
