"""Names as reconciliation compares them: folded, put in forward order, tokenised, and scored with rapidfuzz.

Authority files and catalogues write a person "Abbey, Edwin Austin" or "Edwin Austin Abbey", with
or without accents; both forms fold to "edwin austin abbey". Similarity is rapidfuzz's token sort
ratio (word order ignored) and token set ratio (one name's words a subset of the other's: a middle
name missing), both on the folded forms, from 0 to 1.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

_NOT_WORD = re.compile(r"[^\w]+")
#: a comma that does not invert a name: "Rubens, Peter Paul, Sir" keeps its title apart
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "sir", "lord", "rev", "dr", "ra", "pra"})


def fold(text: str) -> str:
    """Lower case, accents removed, punctuation to spaces, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", plain).split())


def forward(name: str) -> str:
    """"Abbey, Edwin Austin" -> "Edwin Austin Abbey"; a name without one inverting comma is kept."""
    parts = [p.strip() for p in name.split(",") if p.strip()]
    if len(parts) < 2:
        return name.strip()
    rest = [p for p in parts[2:] if fold(p) not in _SUFFIXES]
    return " ".join([parts[1], parts[0], *rest])


def key(name: str) -> str:
    """The folded forward form: what names are compared by."""
    return fold(forward(name))


def tokens(name: str) -> list[str]:
    """The words of a name's key, two letters or more (initials say little)."""
    return [t for t in key(name).split() if len(t) > 1]


def sort_similarity(a: str, b: str) -> float:
    """Token sort ratio of two keys, 0..1."""
    return float(fuzz.token_sort_ratio(a, b)) / 100.0


def set_similarity(a: str, b: str) -> float:
    """Token set ratio of two keys, 0..1."""
    return float(fuzz.token_set_ratio(a, b)) / 100.0
