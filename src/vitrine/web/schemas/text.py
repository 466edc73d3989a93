"""The text search's answers: pages whose text matches, marked when machine-read and not reviewed."""

from __future__ import annotations

from pydantic import BaseModel


class TextHitPublic(BaseModel):
    identifier: str
    image_id: int
    status: str
    #: true while nobody has reviewed the text: shown as "machine-read, not reviewed"
    machine_read: bool
    #: the snippet as (text, is a hit) pieces
    snippet: list[tuple[str, bool]]


class TextSearchPublic(BaseModel):
    q: str
    page: int
    more: bool
    hits: list[TextHitPublic]
