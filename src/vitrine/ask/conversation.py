"""Conversations kept on the server: bounded (conversations and turns), expiring when idle.

A follow-up ("and before 1700?") is read with the previous question's words, and the model sees the
last turns. Nothing is written to disk: a restart forgets every conversation. The identifier is a
random token the page holds; it grants nothing but this context.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field

from vitrine.ask.question import Question


@dataclass
class Conversation:
    id: str
    turns: deque[tuple[Question, str]]
    used: float = field(default_factory=time.monotonic)

    def history(self) -> list[tuple[str, str]]:
        """(question, answer) of the turns kept, oldest first."""
        return [(q.text, a) for q, a in self.turns]

    def last_question(self) -> Question | None:
        return self.turns[-1][0] if self.turns else None


class Conversations:
    """At most `limit` conversations of `turns` turns each; one idle for `ttl_s` is forgotten."""

    def __init__(self, limit: int = 1000, turns: int = 6, ttl_s: float = 1800.0) -> None:
        self.limit, self.turns, self.ttl_s = limit, turns, ttl_s
        self._held: OrderedDict[str, Conversation] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._held)

    def get_or_start(self, conversation_id: str | None, now: float | None = None) -> Conversation:
        """The conversation of that id if it is still held, else a new one (the oldest forgotten if full)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._expire(now)
            held = self._held.pop(conversation_id, None) if conversation_id else None
            if held is None:
                held = Conversation(secrets.token_urlsafe(18), deque(maxlen=self.turns))
            held.used = now
            self._held[held.id] = held
            while len(self._held) > self.limit:
                self._held.popitem(last=False)
            return held

    def add(self, conversation: Conversation, question: Question, answer: str) -> None:
        with self._lock:
            conversation.turns.append((question, answer[:4000]))

    def _expire(self, now: float) -> None:
        while self._held:
            oldest = next(iter(self._held.values()))
            if now - oldest.used < self.ttl_s:
                break
            self._held.popitem(last=False)
