"""A fake agent for tests and demos: tags from a record's title words, with a deterministic score.

It needs no model, answers the same way every time for the same record, and can be told to fail
on chosen records (to test that one bad item does not stop a job) or to stand for another version.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence

from vitrine.suggestions.agents import Agent, AgentInfo, Item, Proposal


class FakeAgent(Agent):
    """Proposes the longer words of each record's title as tags, scored by a hash of word and record."""

    name = "fake"
    target = "record"
    kinds = ("tag",)

    def __init__(self, version: str = "1", min_length: int = 5, fail_on: Sequence[str] = ()) -> None:
        self.version = str(version)
        self.min_length = int(min_length)
        self.fail_on = frozenset(fail_on)

    def info(self) -> AgentInfo:
        return AgentInfo(name=self.name, software="vitrine.suggestions.fake", model="title words",
                         model_version=self.version, parameters={"min_length": self.min_length})

    def suggest(self, item: Item) -> Iterable[Proposal]:
        if item.record.identifier in self.fail_on:
            raise RuntimeError(f"told to fail on {item.record.identifier}")
        words = dict.fromkeys(w.lower() for w in re.findall(r"[^\W\d_]+", item.record.title or "")
                              if len(w) >= self.min_length)
        for word in words:
            digest = hashlib.sha256(f"{self.version}:{item.record.identifier}:{word}".encode()).digest()
            yield Proposal("tag", {"label": word}, score=round(digest[0] / 255, 4))
