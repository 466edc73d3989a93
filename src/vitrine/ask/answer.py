"""The answer, made of statements that each cite the records they come from.

The offline answer is composed without a language model: how many records matched, the best of them
with their title, maker and date, and what in each matched the question. It cannot say anything the
records do not, by construction. The model's answer (`grounded.py`) has the same shape once its
citations are checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from vitrine.ask.language import Language
from vitrine.ask.retrieve import Retrieval, Source

Mode = Literal["offline", "model"]


@dataclass(frozen=True)
class Statement:
    """One sentence of an answer and the records it cites (none only for a refusal or a notice)."""

    text: str
    cites: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """What the visitor is shown: statements citing the retrieved records, shown as cards."""

    question: str
    language: Language
    statements: tuple[Statement, ...]
    sources: tuple[Source, ...]
    mode: Mode
    refused: bool
    total: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)

    def cited(self) -> tuple[str, ...]:
        """Every identifier the answer cites, once each, in the order cited."""
        return tuple(dict.fromkeys(c for s in self.statements for c in s.cites))

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.statements)


_TEXT = {
    "en": {
        "none": "The collection holds no record that answers this question, so I cannot answer it.",
        "empty": "Ask about subjects, titles, makers, places or dates of the works in the collection.",
        "count": "{n} records in the collection match{what}; the best {k} are shown.",
        "count_all": "{n} records in the collection match{what}.",
        "item": "“{title}”{by}{date}{where} — found by {why}.",
        "by": ", by {}", "untitled": "Untitled", "at": ", {}",
        "partial": "No record matches every word of the question; these match all but one.",
    },
    "fr": {
        "none": "Aucune notice de la collection ne répond à cette question : je ne peux donc pas y répondre.",
        "empty": ("Posez une question sur les sujets, titres, auteurs, lieux ou dates des œuvres de la "
                  "collection."),
        "count": "{n} notices de la collection correspondent{what} ; voici les {k} meilleures.",
        "count_all": "{n} notices de la collection correspondent{what}.",
        "item": "« {title} »{by}{date}{where} — trouvée par {why}.",
        "by": ", de {}", "untitled": "Sans titre", "at": ", {}",
        "partial": ("Aucune notice ne contient tous les mots de la question ; celles-ci en contiennent tous "
                    "sauf un."),
    },
}
_WHY_FR = {"title": "titre", "maker": "auteur", "object type": "type d'objet", "medium": "technique",
           "date": "date", "other fields": "autres champs", "accepted suggestions": "suggestions acceptées",
           "image resembles the words": "image proche des mots"}


def offline_answer(retrieval: Retrieval) -> Answer:
    """The answer composed from the retrieved records alone: what matched and why."""
    q = retrieval.question
    words = _TEXT[q.language]
    if not retrieval.found:
        key = "empty" if not q.terms and not q.has_filters else "none"
        return Answer(q.text, q.language, (Statement(words[key]),), (), "offline", True)
    sources = retrieval.sources
    what = _what(retrieval)
    ids = tuple(s.identifier for s in sources)
    count = words["count_all" if retrieval.total <= len(sources) else "count"].format(
        n=retrieval.total, k=len(sources), what=what)
    statements = [Statement(count, ids)]
    if retrieval.method == "partial":
        statements.append(Statement(words["partial"], ids))
    statements += [Statement(_item(s, q.language), (s.identifier,)) for s in sources]
    return Answer(q.text, q.language, tuple(statements), sources, "offline", False, retrieval.total)


def refusal(retrieval: Retrieval, notes: tuple[str, ...] = ()) -> Answer:
    """Saying the collection does not answer, with nothing cited."""
    q = retrieval.question
    return Answer(q.text, q.language, (Statement(_TEXT[q.language]["none"]),), (), "offline", True,
                  notes=notes)


def _what(retrieval: Retrieval) -> str:
    q = retrieval.question
    parts = []
    if q.terms:
        joined = " ".join(q.terms)
        parts.append(f" “{joined}”" if q.language == "en" else f" à « {joined} »")
    if q.makers:
        parts.append((" by " if q.language == "en" else " de ") + ", ".join(q.makers))
    if q.dates:
        parts.append(" (" + q.dates + ")")
    return "".join(parts)


def _item(source: Source, language: Language) -> str:
    words = _TEXT[language]
    why = "; ".join(source.why) or "?"
    if language == "fr":
        for en, fr in _WHY_FR.items():
            why = why.replace(en, fr)
    return words["item"].format(
        title=source.title or words["untitled"],
        by=words["by"].format(", ".join(source.creators)) if source.creators else "",
        date=f" ({source.date_text})" if source.date_text else "",
        where=words["at"].format(source.museum) if source.museum else "", why=why)
