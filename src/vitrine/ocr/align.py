"""The machine's words of a page aligned to the text a cataloguer edited.

An edit may correct a spelling, add a word the machine missed, or take a word out (a redaction), so
after an edit the words drawn, searched and exported are the edited text's, never the machine's.
rapidfuzz's Indel alignment (`opcodes`: the longest common subsequence, C++, already a dependency)
over the two word sequences anchors the words the edit kept; between two anchors, the machine's and
the edited words are paired word for word where there are as many of each (corrections, or a word
replaced by a mark such as "[removed]"), else each edited word goes on the most alike machine word
left in order (rapidfuzz's normalised Levenshtein similarity, at least 0.5, on case-folded words).
A word kept keeps its box; a word paired keeps the machine word's box with the edited word's text;
a machine word left unpaired is dropped; an edited word left unpaired (inserted) has no box, so it
is in the page's text (the plain text export and the IIIF page's whole-text annotation) but not
among the boxed words (outlines, ALTO, hOCR, IIIF line annotations). Every word returned carries
text from the edited text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from vitrine.catalog.ocr import StoredWord


def edited_words(words: Sequence[StoredWord], text: str) -> list[StoredWord]:
    """`words` (as read) aligned to the edited `text`: kept words as they are, paired ones with the
    edited word on the machine word's box, removed ones left out; in reading order."""
    from rapidfuzz.distance import Indel

    ordered = sorted(words, key=lambda w: w.n)
    tokens = text.split()
    out: list[StoredWord] = []
    src = dest = 0
    for op in [*Indel.opcodes([w.text for w in ordered], tokens), None]:
        if op is not None and op.tag != "equal":
            continue
        src_end, dest_end = (len(ordered), len(tokens)) if op is None else (op.src_start, op.dest_start)
        out += _paired(ordered[src:src_end], tokens[dest:dest_end])
        if op is not None:
            out += ordered[op.src_start:op.src_end]
            src, dest = op.src_end, op.dest_end
    return out


def _paired(words: Sequence[StoredWord], tokens: Sequence[str]) -> list[StoredWord]:
    """The machine `words` between two kept words, carrying the edited `tokens` between them."""
    if len(words) == len(tokens):
        return [replace(w, text=t) for w, t in zip(words, tokens, strict=True)]
    from rapidfuzz.distance import Levenshtein

    out, left = [], 0
    for token in tokens:
        scores = [Levenshtein.normalized_similarity(w.text.casefold(), token.casefold())
                  for w in words[left:]]
        if scores and max(scores) >= 0.5:
            best = left + scores.index(max(scores))
            out.append(replace(words[best], text=token))
            left = best + 1
    return out
