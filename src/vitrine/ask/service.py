"""Asking the collection: the use case the page, the API and `vitrine ask` share."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from vitrine.ask.answer import Answer, offline_answer
from vitrine.ask.conversation import Conversation, Conversations
from vitrine.ask.grounded import Event, model_answer
from vitrine.ask.model import ChatModel
from vitrine.ask.retrieve import DEFAULT_LIMIT, retrieve
from vitrine.collection import Collection
from vitrine.errors import AskError
from vitrine.settings import Settings

MAX_QUESTION = 500


@dataclass
class Asker:
    """What answering needs besides the collection: the model (None: offline) and the conversations."""

    model: ChatModel | None = None
    conversations: Conversations | None = None
    sources: int = DEFAULT_LIMIT

    @classmethod
    def from_settings(cls, settings: Settings) -> Asker:
        ask = settings.ask
        model = None
        if ask.endpoint:
            model = ChatModel(ask.endpoint, ask.model, ask.api_key.get_secret_value(), ask.timeout_s,
                              ask.max_tokens, settings.fetch_options())
        return cls(model, Conversations(ask.max_conversations, ask.max_turns, ask.conversation_ttl_s),
                   ask.sources)


def ask(collection: Collection, text: str, asker: Asker, conversation: Conversation | None = None,
        ) -> Iterator[Event]:
    """The events of one answer; the last is ("answer", Answer). The turn joins `conversation`."""
    text = " ".join((text or "").split())
    if not text:
        raise AskError("the question is empty; ask about the works of the collection")
    if len(text) > MAX_QUESTION:
        raise AskError(f"the question is {len(text)} characters long; ask in {MAX_QUESTION} or fewer")
    previous = conversation.last_question() if conversation is not None else None
    retrieval = retrieve(collection, text, limit=asker.sources, previous=previous)
    if asker.model is None:
        events: Iterator[Event] = iter([Event("sources", retrieval.sources),
                                        Event("answer", offline_answer(retrieval))])
    else:
        history = conversation.history() if conversation is not None else []
        events = model_answer(retrieval, asker.model, history)
    for event in events:
        if event.kind == "answer" and conversation is not None and asker.conversations is not None:
            asker.conversations.add(conversation, retrieval.question, event.data.text)
        yield event


def answer_of(events: Iterator[Event]) -> Answer:
    """The final answer of a stream of events (for callers that do not stream)."""
    for event in events:
        if event.kind == "answer":
            answer: Answer = event.data
            return answer
    raise AskError("the answer stream ended without an answer")  # pragma: no cover
