"""Reading a question: its language, the dates it names, the makers of the collection it names, and
the words left to search for.

Dates are read with patterns in both languages: centuries ("17th century", "XVIIe siècle", "17e
siècle"), "before"/"avant", "after"/"après", "between ... and"/"entre ... et", decades ("1650s", "années
1650") and a single year ("in 1650", "en 1650"). Makers are matched against the collection's own
makers (the creator facet), so a filter never names someone the collection lacks: a question word
sequence matches a maker when it equals the end of the maker's name ("Van Dyck", "Rembrandt van Rijn",
"Vermeer"); a one-word surname must be capitalised in the question or be at least six letters long,
so that "rose" does not become the painter Rose.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from vitrine.ask.language import Language, content_words, detect, fold, parts, words

_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50}
_CENTURY = re.compile(
    r"\b(?P<n>\d{1,2})\s*(?:st|nd|rd|th|e|è|ème|eme|er)\s+(?:century|centuries|siècle|siecle)s?\b"
    r"|\b(?P<r>[ivxl]{1,6})(?:e|è|ème|eme|er)?\s+(?:siècle|siecle|century)\b", re.I)
_RANGE = re.compile(
    r"\b(?:between|from|entre|de)\s+(?P<a>-?\d{3,4})\s+(?:and|to|et|à|a)\s+(?P<b>-?\d{3,4})\b", re.I)
_BEFORE = re.compile(r"\b(?:before|until|avant|jusqu'en)\s+(?:l'an\s+|the year\s+)?(?P<y>-?\d{3,4})\b", re.I)
_AFTER = re.compile(
    r"\b(?:after|since|après|apres|depuis)\s+(?:l'an\s+|the year\s+)?(?P<y>-?\d{3,4})\b", re.I)
_DECADE = re.compile(r"\b(?:in the\s+|(?:dans les\s+)?années\s+)?(?P<y>\d{3})0(?:s|'s)?\b(?<=0s)|"
                     r"\bannées\s+(?P<f>\d{3})0\b", re.I)
_YEAR = re.compile(r"\b(?:in|en|of|de|from|dated?|datée?s?)\s+(?P<y>\d{3,4})\b", re.I)
_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "del", "della", "du", "la", "le", "ter", "y"}
_SUFFIXES = {"the", "elder", "younger", "le", "la", "jeune", "vieux", "ancien", "i", "ii", "iii", "jr", "sr"}
_NOT_MAKERS = {"unknown", "anonymous", "anonyme", "inconnu", "master", "maître", "workshop", "atelier",
               "school", "école", "studio", "circle", "follower", "style", "after", "manner"}


@dataclass(frozen=True)
class Question:
    """What a question asks for: content words, makers named, a year range, and the language."""

    text: str
    language: Language
    terms: tuple[str, ...]
    makers: tuple[str, ...] = ()
    maker_words: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    dates: str = ""

    @property
    def has_filters(self) -> bool:
        return bool(self.makers) or self.year_from is not None or self.year_to is not None


@dataclass
class Makers:
    """The collection's makers, found by the end of their names (folded: no case, no accents)."""

    by_key: dict[tuple[str, ...], set[str]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def of(cls, names: list[str]) -> Makers:
        makers = cls()
        for name in names:
            parts = [fold(w) for w in words(name)]
            while parts and parts[-1] in _SUFFIXES:
                parts.pop()
            if not parts or parts[0] in _NOT_MAKERS or parts[-1] in _NOT_MAKERS or _is_qid(parts[0]):
                continue
            for size in range(1, min(4, len(parts)) + 1):
                key = tuple(parts[-size:])
                if size == 1 and (len(key[0]) < 4 or key[0] in _PARTICLES):
                    continue
                makers.by_key[key].add(name)
        return makers

    def find(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The makers the text names, and the words that named them; longest names first."""
        raw = words(text)
        folded = [fold(w) for w in raw]
        capital = {fold(w) for w in re.findall(r"\b[A-ZÀ-Ý][\w'’-]*", text)}
        found: list[str] = []
        used: list[str] = []
        i = 0
        while i < len(folded):
            for size in (4, 3, 2, 1):
                key = tuple(folded[i:i + size])
                if len(key) < size or key not in self.by_key:
                    continue
                if size == 1 and key[0] not in capital and len(key[0]) < 6:
                    continue
                found.extend(sorted(self.by_key[key]))
                used.extend(raw[i:i + size])
                i += size
                break
            else:
                i += 1
        return tuple(dict.fromkeys(found)), tuple(used)


def _is_qid(word: str) -> bool:
    return word[:1] == "q" and word[1:].isdigit()


def parse(text: str, makers: Makers | None = None) -> Question:
    """The question's language, dates, makers and remaining words."""
    language = detect(text)
    year_from, year_to, rest, dates = _dates(text)
    found, used = makers.find(rest) if makers is not None else ((), ())
    folded_used = {fold(w) for w in used}
    terms = tuple(w for w in content_words(rest) if not all(fold(p) in folded_used for p in parts(w)))
    return Question(text=text, language=language, terms=tuple(dict.fromkeys(terms)), makers=found,
                    maker_words=used, year_from=year_from, year_to=year_to, dates=dates)


def _dates(text: str) -> tuple[int | None, int | None, str, str]:
    """The year range the text names, the text without it, and the words that named it."""
    for pattern, reader in ((_RANGE, _range), (_CENTURY, _century), (_BEFORE, _before), (_AFTER, _after),
                            (_DECADE, _decade), (_YEAR, _year)):
        match = pattern.search(text)
        if match is None:
            continue
        span = reader(match)
        if span is None:
            continue
        rest = text[:match.start()] + " " + text[match.end():]
        more = _dates(rest) if pattern in (_BEFORE, _AFTER) else (None, None, rest, "")
        low = span[0] if span[0] is not None else more[0]
        high = span[1] if span[1] is not None else more[1]
        return low, high, more[2], " ".join(x for x in (match.group(0).strip(), more[3]) if x)
    return None, None, text, ""


def _range(m: re.Match[str]) -> tuple[int | None, int | None] | None:
    a, b = int(m.group("a")), int(m.group("b"))
    return (min(a, b), max(a, b))


def _century(m: re.Match[str]) -> tuple[int | None, int | None] | None:
    n = int(m.group("n")) if m.group("n") else _roman(m.group("r"))
    if not n or n > 21:
        return None
    return (100 * (n - 1) + 1, 100 * n)


def _before(m: re.Match[str]) -> tuple[int | None, int | None] | None:
    return (None, int(m.group("y")) - 1)


def _after(m: re.Match[str]) -> tuple[int | None, int | None] | None:
    return (int(m.group("y")) + 1, None)


def _decade(m: re.Match[str]) -> tuple[int | None, int | None] | None:
    start = int(m.group("y") or m.group("f")) * 10
    return (start, start + 9)


def _year(m: re.Match[str]) -> tuple[int | None, int | None] | None:
    year = int(m.group("y"))
    return (year, year)


def _roman(text: str) -> int:
    values = [_ROMAN.get(c, 0) for c in text.lower()]
    total = 0
    for i, v in enumerate(values):
        total += -v if i + 1 < len(values) and values[i + 1] > v else v
    return total
