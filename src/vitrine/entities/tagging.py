"""`vitrine entities tag-hipe`: a HIPE-2022 file with its `NE-COARSE-LIT` column filled by a recogniser,
every other byte as it was, so that the HIPE scorer can compare it with the annotated original."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from vitrine.entities.hipe import read_hipe, scheme_of, tags_for, write_tagged
from vitrine.entities.recognise import Recogniser, Tokens


@dataclass(frozen=True)
class TagReport:
    documents: int
    tokens: int
    entities: int
    seconds: float  # process (CPU) time of recognising, reading and writing left out

    @property
    def tokens_per_second(self) -> float:
        return self.tokens / self.seconds if self.seconds else 0.0


def tag_hipe(source: Path | str, out: Path | str, recogniser: Recogniser,
             label_set: str | None = None) -> TagReport:
    """Tag `source` into `out` with `recogniser`; `label_set` (newseye, ajmc, hipe) defaults to the
    file's dataset's. Raises `EntityError` naming the line of a malformed input."""
    hipe = read_hipe(source)
    scheme = scheme_of(hipe, label_set)
    texts, tokens = [], []
    for document in hipe.documents:
        texts.append(document.text()[0])
        tokens.append(Tokens([t.text for t in document.tokens], [t.space_after for t in document.tokens]))
    recogniser.find_many(["Chargement."])  # a pipeline loads on first use: not part of the speed
    started = time.process_time()
    found = recogniser.find_many(texts, tokens)
    seconds = time.process_time() - started
    tags: dict[int, str] = {}
    entities = 0
    for document, mentions in zip(hipe.documents, found, strict=True):
        document_tags = tags_for(document, mentions, scheme)
        entities += sum(tag.startswith("B-") for tag in document_tags)
        tags.update((token.line, tag) for token, tag in zip(document.tokens, document_tags, strict=True))
    write_tagged(hipe, tags, out)
    return TagReport(len(hipe.documents), len(tags), entities, seconds)
