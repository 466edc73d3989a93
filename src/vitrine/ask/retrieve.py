"""Finding the records a question is about: stemmed full text, the makers and dates it names, accepted
suggestions (indexed with the record's text), and semantic text search where the embedder has a text
tower. Nothing here answers: it finds, and says why each record was found.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from vitrine.ask.index import Match, stem_index
from vitrine.ask.question import Question, parse
from vitrine.collection import Collection
from vitrine.records import Filters

DEFAULT_LIMIT = 8
_COLUMN_WORDS = {"title": "title", "creators": "maker", "object_type": "object type", "medium": "medium",
                 "date_text": "date", "other": "other fields", "curated": "accepted suggestions"}


@dataclass(frozen=True)
class Source:
    """A retrieved record: what the answer may cite, with why it was retrieved."""

    identifier: str
    title: str | None
    creators: tuple[str, ...]
    date_text: str | None
    medium: str | None
    museum: str | None
    image_id: int | None
    score: float
    why: tuple[str, ...]


@dataclass(frozen=True)
class Retrieval:
    """The records found for a question (best first, at most `limit`), and how many matched in all."""

    question: Question
    sources: tuple[Source, ...]
    total: int
    method: str  # "fulltext", "partial", "filters", "semantic" or "none"
    ms: float

    @property
    def found(self) -> bool:
        return bool(self.sources)

    def identifiers(self) -> tuple[str, ...]:
        return tuple(s.identifier for s in self.sources)


def retrieve(collection: Collection, text: str, *, limit: int = DEFAULT_LIMIT,
             previous: Question | None = None) -> Retrieval:
    """The records that answer `text`; a follow-up with no words of its own ("and before 1700?")
    keeps the previous question's words and makers."""
    started = time.perf_counter()
    index = stem_index(collection.root, collection.catalog)
    question = parse(text, index.makers)
    if previous is not None and not question.terms and not question.makers:
        question = replace(question, terms=previous.terms, makers=previous.makers,
                           maker_words=previous.maker_words)
    allowed = _allowed(collection, question)
    matches, total, method = _rank(collection, question, allowed, limit)
    sources = _sources(collection, question, matches[:limit])
    return Retrieval(question, tuple(sources), total, method, (time.perf_counter() - started) * 1000)


def _allowed(collection: Collection, q: Question) -> set[int] | None:
    """Records the question's makers and dates allow; None when it names neither."""
    if not q.has_filters:
        return None
    years = Filters(year_from=q.year_from, year_to=q.year_to)
    if not q.makers:
        return set(collection.catalog.filter_record_ids(years))
    allowed: set[int] = set()
    for maker in q.makers:
        allowed |= set(collection.catalog.filter_record_ids(replace(years, creator=maker)))
    # the creator filter matches part of a name ("Rembrandt" in "Circle of Rembrandt"): keep the maker's own
    named = set(q.makers)
    records = collection.catalog.get_many(allowed)
    return {rid for rid, record in records.items() if named & set(record.creators)}


def _rank(collection: Collection, q: Question, allowed: set[int] | None,
          limit: int) -> tuple[list[Match], int, str]:
    """The best `limit` matches, how many records match in all, and how they were found."""
    index = stem_index(collection.root, collection.catalog)
    if not q.terms:
        if allowed is None:
            return [], 0, "none"
        return [Match(i, 0.0, {}) for i in sorted(allowed)[:limit]], len(allowed), "filters"
    found = index.ranked(q.terms, allowed)
    if found:
        matches = [Match(r, score, index.matched(r, q.terms)) for r, score in found[:limit]]
        return matches, len(found), "fulltext"
    if len(q.terms) >= 3:  # one word too many ("please", a typo): every other word must still match
        seen: dict[int, tuple[float, tuple[str, ...]]] = {}
        for skip in range(len(q.terms)):
            kept = q.terms[:skip] + q.terms[skip + 1:]
            for r, score in index.ranked(kept, allowed):
                if r not in seen or score > seen[r][0]:
                    seen[r] = (score, kept)
        if seen:
            best = sorted(seen.items(), key=lambda item: -item[1][0])[:limit]
            return [Match(r, score, index.matched(r, kept)) for r, (score, kept) in best], len(seen), \
                "partial"
    semantic = _semantic(collection, q, allowed, limit)
    return semantic, len(semantic), "semantic" if semantic else "none"


def _semantic(collection: Collection, q: Question, allowed: set[int] | None, limit: int) -> list[Match]:
    """Records whose images the embedder's text tower finds close to the words, above its calibrated
    text cutoff; none without a text tower or a calibrated cutoff (an uncalibrated one cannot tell)."""
    from vitrine.search.core import search_by_text

    embedder = collection.embedder
    cutoff = embedder.calibration.text_match
    if not embedder.has_text or cutoff is None:
        return []
    page = search_by_text(collection, " ".join(q.terms), mode="semantic", per_page=max(limit * 4, 20))
    out = []
    for hit in page.hits:
        if hit.score < cutoff:
            break
        rid = collection.catalog.record_id(hit.identifier)
        if allowed is None or rid in allowed:
            out.append(Match(rid, hit.score, {"image": (f"{hit.score:.2f}",)}))
    return out


def _sources(collection: Collection, q: Question, matches: list[Match]) -> list[Source]:
    records = collection.catalog.get_many(m.record_id for m in matches)
    out = []
    for m in matches:
        record = records.get(m.record_id)
        if record is None:
            continue
        images = collection.catalog.images_of(record.identifier)
        museum = record.extra.get("museum")
        out.append(Source(
            identifier=record.identifier, title=record.title, creators=tuple(record.creators),
            date_text=record.date_text, medium=record.medium,
            museum=str(museum) if museum not in (None, "") else None,
            image_id=images[0].id if images else None, score=round(m.score, 4), why=_why(q, m)))
    return out


def _why(q: Question, m: Match) -> tuple[str, ...]:
    """Why the record was retrieved, as short phrases (the offline answer and the cards show them)."""
    why = [f"{_COLUMN_WORDS.get(col, col)}: {', '.join(words)}" for col, words in m.columns.items()
           if col != "image"]
    if "image" in m.columns:
        why.append(f"image resembles the words (text-image similarity {m.columns['image'][0]})")
    if q.makers:
        why.append("maker: " + ", ".join(q.makers))
    if q.year_from is not None or q.year_to is not None:
        why.append("date: " + (q.dates or f"{q.year_from}–{q.year_to}"))
    return tuple(why)
