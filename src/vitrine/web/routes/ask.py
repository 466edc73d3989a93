"""Ask the collection: the page (`/ask`, which works without JavaScript) and `POST /api/ask`, the answer
streamed as JSON lines (sources first, then checked sentences, then the answer)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from vitrine.accounts import Permission
from vitrine.ask import Asker, Conversation, Limits, answer_of, ask
from vitrine.ask.service import MAX_QUESTION
from vitrine.collection import Collection
from vitrine.web.asking import answer_public, json_lines
from vitrine.web.auth import Allowed, client_address
from vitrine.web.deps import CollectionDep, TemplatesDep
from vitrine.web.present import alt_text
from vitrine.web.schemas.ask import AskRequest
from vitrine.web.schemas.errors import API_ERRORS
from vitrine.web.security import WebError

router = APIRouter(dependencies=[Allowed(Permission.READ)])


def _asker(request: Request) -> Asker:
    asker: Asker = request.app.state.asker
    return asker


def _conversation(asker: Asker, conversation_id: str) -> Conversation | None:
    """The conversation a question follows (a new one when that id is unknown or expired)."""
    if asker.conversations is None:
        return None
    return asker.conversations.get_or_start(conversation_id or None)


def _limit(request: Request) -> None:
    limits: Limits = request.app.state.ask_limits
    if not limits.allow(client_address(request)):
        raise WebError(429, "rate_limited", "too many questions from your address, or from everyone at "
                       "once; wait a minute and ask again")


@router.get("/ask", response_class=HTMLResponse, include_in_schema=False)
def ask_page(request: Request, templates: TemplatesDep, collection: CollectionDep, q: str = "",
             c: str = "") -> Response:
    """The question form; with `q`, the whole answer rendered on the server (no JavaScript needed)."""
    context: dict[str, Any] = {"collection": collection, "q": q, "answer": None, "conversation": c,
                               "alt_text": alt_text, "max_question": MAX_QUESTION}
    if q.strip():
        _limit(request)
        asker = _asker(request)
        held = _conversation(asker, c[:64])
        answer = answer_of(ask(collection, q[:MAX_QUESTION], asker, held))
        context.update(answer=answer_public(answer), conversation=held.id if held else "")
    return templates.TemplateResponse(request, "ask.html", context)


@router.post("/api/ask", tags=["api"], responses=API_ERRORS)
def api_ask(request: Request, body: AskRequest, collection: CollectionDep) -> StreamingResponse:
    """Ask the collection a question in French or English. The answer streams as JSON lines
    (`application/x-ndjson`): `sources` (the retrieved records, with the conversation id to send
    back for a follow-up), `text` (sentences whose citations were checked), `retract` (the model
    cited a record it was not given: drop the text shown), and last `answer` (statements citing
    the records by identifier and card number)."""
    _limit(request)
    asker = _asker(request)
    held = _conversation(asker, body.conversation)
    events = _first_checked(collection, body.question, asker, held)
    return StreamingResponse(json_lines(events, held.id if held else ""), media_type="application/x-ndjson",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def _first_checked(collection: Collection, question: str, asker: Asker, held: Conversation | None) -> Any:
    """The events, with the question checked before the response starts (a bad one gets a 400)."""
    events = ask(collection, question, asker, held)
    first = next(events)
    return _chain(first, events)


def _chain(first: Any, rest: Any) -> Any:
    yield first
    yield from rest
