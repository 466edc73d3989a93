"""The request of `POST /api/ask` (the answer streams as JSON lines: web/asking.py)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from vitrine.ask.service import MAX_QUESTION


class AskRequest(BaseModel):
    """A question, and the conversation it follows (the id a previous answer's `sources` line gave)."""

    question: str = Field(min_length=1, max_length=MAX_QUESTION)
    conversation: str = Field(default="", max_length=64)
