"""Character and word error rates of read text against a hand transcription.

Both texts are normalised the same way first: typographic quotes and apostrophes become ASCII
(`'` and `"`), dashes stay, and every run of white space (line breaks included) becomes one space,
so layout is not scored, only the characters read (data/labels/ocr/README.md gives the conventions
of the transcriptions). The distance is rapidfuzz's Levenshtein (C++, already a dependency), on
characters for CER and on the lists of words for WER; rates are edits over the reference's length,
and summed over pages before dividing (micro), so that long pages weigh by their length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "`": "'", "“": '"', "”": '"', "„": '"',
                         "—": "--", "–": "-", "ſ": "s", "ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi",
                         "ﬄ": "ffl"})


def normalise(text: str) -> str:
    """One space between words, ASCII quotes, long s and ligatures spelt out."""
    text = text.translate(_QUOTES).replace("''", '"')
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Errors:
    """Edits and reference lengths, in characters and in words; add them up over pages."""

    char_edits: int
    chars: int
    word_edits: int
    words: int

    def __add__(self, other: Errors) -> Errors:
        return Errors(self.char_edits + other.char_edits, self.chars + other.chars,
                      self.word_edits + other.word_edits, self.words + other.words)

    @property
    def cer(self) -> float:
        return self.char_edits / self.chars if self.chars else 0.0

    @property
    def wer(self) -> float:
        return self.word_edits / self.words if self.words else 0.0


def errors(reference: str, read: str) -> Errors:
    """The edits that turn `read` into `reference`, in characters and in words."""
    from rapidfuzz.distance import Levenshtein

    ref, hyp = normalise(reference), normalise(read)
    ref_words, hyp_words = ref.split(), hyp.split()
    return Errors(Levenshtein.distance(ref, hyp), len(ref), Levenshtein.distance(ref_words, hyp_words),
                  len(ref_words))
