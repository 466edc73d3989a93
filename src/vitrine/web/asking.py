"""The shapes the ask page and `POST /api/ask` show: cards of the retrieved records, answers with their
citations, and the streamed events as JSON lines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from vitrine.ask import Answer, Event, Source
from vitrine.web.present import record_url, thumbnail_url


def card(source: Source, number: int) -> dict[str, Any]:
    return {
        "number": number, "identifier": source.identifier, "title": source.title,
        "creators": list(source.creators), "date": source.date_text, "museum": source.museum,
        "why": list(source.why), "url": record_url(source.identifier),
        "thumbnail_url": thumbnail_url(source.image_id) if source.image_id is not None else None,
    }


def cards(sources: tuple[Source, ...] | list[Source]) -> list[dict[str, Any]]:
    return [card(s, n) for n, s in enumerate(sources, start=1)]


def answer_public(answer: Answer) -> dict[str, Any]:
    """The answer: statements with their citations as card numbers, the cards, how it was made."""
    numbers = {s.identifier: n for n, s in enumerate(answer.sources, start=1)}
    return {
        "question": answer.question, "language": answer.language, "mode": answer.mode,
        "refused": answer.refused, "total": answer.total, "notes": list(answer.notes),
        "statements": [{"text": s.text, "cites": [{"identifier": c, "number": numbers.get(c)}
                                                  for c in s.cites]} for s in answer.statements],
        "sources": cards(answer.sources),
    }


def json_lines(events: Iterator[Event], conversation: str) -> Iterator[bytes]:
    """The streamed answer, one JSON object a line: sources, text, retract, answer."""
    for event in events:
        if event.kind == "sources":
            data: dict[str, Any] = {"type": "sources", "conversation": conversation,
                                    "sources": cards(event.data)}
        elif event.kind == "text":
            data = {"type": "text", "text": event.data}
        elif event.kind == "retract":
            data = {"type": "retract", "reason": event.data}
        else:
            data = {"type": "answer", "answer": answer_public(event.data)}
        yield (json.dumps(data, ensure_ascii=False) + "\n").encode()
