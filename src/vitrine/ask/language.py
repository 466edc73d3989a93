"""The two languages questions come in: telling French from English, their stop words, their stemmers.

Stemming is Snowball's (`snowballstemmer`, the stemmers of the Snowball project, which use PyStemmer's C
build where it is installed): SQLite FTS5's porter tokenizer is English-only, and a French question
("navires", "peintes") must find "navire", "peint". Each word is stemmed by both stemmers, since a
French question may name an English title and the other way round.

The stop-word lists are short and hand-made on purpose: besides grammar words they hold the words every
question about a collection carries ("works", "œuvres", "show", "montrent"), which name no subject.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from typing import Any, Literal

Language = Literal["en", "fr"]
LANGUAGES: tuple[Language, ...] = ("en", "fr")

_EN_GRAMMAR = """
a an the of in on at to for from with by and or not no is are was were be been being do does did
have has had what which who whom whose where when why how any some all every this that these those
there here it its their them they you your me my i we our us can could would should will shall may
might must please tell about as into than then so such very also only just more most other same many
much one ones s
"""
_EN_ASKING = """
work works artwork artworks painting paintings painted picture pictures piece pieces object objects
show shows showing depict depicts depicting represent represents representing feature features
featuring made make making created create find list give see look looking want know collection
collections museum's there anything something item items image images kind kinds example examples
display displays displayed
"""
_FR_GRAMMAR = """
le la les l un une des du de d au aux et ou ni ne pas est sont était étaient être été a ont avait
avez avons as ai que qu qui quoi quel quels quelle quelles où quand comment pourquoi ce cet cette
ces ceci cela ça il ils elle elles on vous nous je tu me moi mon ma mes ton ta tes son sa ses leur
leurs y en dans sur sous pour par avec sans chez plus moins très aussi donc se s c j n m t est-ce y
a-t-il il-y-a
"""
_FR_ASKING = """
œuvre œuvres oeuvre oeuvres tableau tableaux peinture peintures peint peints peinte peintes objet
objets montre montrent montrant représente représentent représentant figure figurent collection
collections musée trouver trouvez liste lister donnez donne voir cherche cherchez voudrais veux
connaître image images quelque quelques chose choses exemple exemples expose exposé exposés exposée
exposées fait faits faite faites
"""
def _split(text: str) -> list[str]:
    return text.split()


STOPWORDS: dict[Language, frozenset[str]] = {
    "en": frozenset((_EN_GRAMMAR + _EN_ASKING).split()),
    "fr": frozenset((_FR_GRAMMAR + _FR_ASKING).split()),
}
_ALL_STOPWORDS = STOPWORDS["en"] | STOPWORDS["fr"]
#: words only one language uses, counted to tell the two apart
_MARKERS: dict[Language, frozenset[str]] = {
    "en": frozenset(_split("the of which what who by show shows works painted with and before after century"
                           " from are is any there")),
    "fr": frozenset(_split("le la les des du quelles quels quel œuvres oeuvres montrent par avec et avant"
                           " après siècle sont est une qui")),
}
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_COMPOUND = re.compile(r"[^\W_]+(?:-[^\W_]+)+")
_lock = threading.Lock()


def words(text: str) -> list[str]:
    """The words of `text`, lower-cased, elisions split ("l'œuvre" -> "œuvre")."""
    out: list[str] = []
    for word in _WORD.findall(text.casefold()):
        out.extend(w for w in re.split(r"['’]", word) if w)
    return out


def detect(text: str, default: Language = "en") -> Language:
    """French or English, by counting words only one of them uses; accents tip a tie towards French."""
    found = words(text)
    fr = sum(w in _MARKERS["fr"] for w in found)
    en = sum(w in _MARKERS["en"] for w in found)
    if fr == en:
        if re.search(r"[éèêàùçœâîô]", text.casefold()):
            return "fr"
        return default
    return "fr" if fr > en else "en"


def content_words(text: str) -> list[str]:
    """The words that name something: stop words of both languages and lone digits dropped.

    A hyphenated compound ("sous-marin", "self-portrait") stays one term, its parts all required,
    so that "sous" is not dropped as a stop word and "marin" searched alone.
    """
    compounds = []
    for compound in _COMPOUND.findall(text.casefold()):
        parts = compound.split("-")
        if not all(p in _ALL_STOPWORDS for p in parts):
            compounds.append(compound)
            text = text.casefold().replace(compound, " ")
    singles = [w for w in words(text) if w not in _ALL_STOPWORDS and not w.isdigit() and len(w) > 1]
    return compounds + singles


def parts(term: str) -> list[str]:
    """The words of a term: a compound's parts, or the word itself."""
    return [p for p in term.split("-") if p] or [term]


def fold(word: str) -> str:
    """A word without accents or case, as the index keeps it ("Œuvre" -> "oeuvre")."""
    decomposed = unicodedata.normalize("NFKD", word.casefold().replace("œ", "oe").replace("æ", "ae"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def stems(word: str) -> frozenset[str]:
    """The word's English and French stems, accent-folded: a word matches a record word sharing one."""
    return _stems(word.casefold())


@lru_cache(maxsize=200_000)
def _stems(word: str) -> frozenset[str]:
    return frozenset(fold(_stemmer(lang).stemWord(word)) for lang in LANGUAGES)


@lru_cache(maxsize=2)
def _stemmer(language: Language) -> Any:
    import snowballstemmer

    with _lock:
        return snowballstemmer.stemmer({"en": "english", "fr": "french"}[language])
