"""The `entities` agent: persons, places, organisations, dates and works named in a record's text fields,
as `entity` suggestions with the field and the character offsets they were found at.

    vitrine suggest run COLLECTION entities --option layers=rules+trained \\
        --option model=models/ner/model-best --option authority=names.csv

Layers (`layers`, in order of trust, joined with `+`): `rules` (the collection's own makers and places,
the names of an `authority` CSV, titled persons, dates), `sm`/`md` (spaCy's French pipelines),
`trained` (a pipeline from `vitrine entities train`, folder `model`). The collection's names are read
in `prepare`, once per job; they are not part of the agent's version (they grow with the collection),
the authority file's and the model's digests are.

With `ocr` on (the default), the machine-read text of the record's pages (the `ocr` agent's `text`
suggestions, the reviewed text where a person decided it) is read too, as field ``ocr:IMAGE_ID``
with offsets into that page's text, and the SHA-256 of the text read (`text_sha256`): review
refuses, as stale, an entity whose page text has changed since (edited, rejected or read again).
Run the `ocr` agent first: a record the entities agent has already read is read again only when
the record changes, not when its page text does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from vitrine.catalog.ocr import text_digest
from vitrine.entities.gazetteer import PLACE_KEYS, Gazetteer, from_records, read_authority
from vitrine.entities.recognise import Combined, build_recogniser
from vitrine.errors import AgentError, EntityError
from vitrine.records import Record
from vitrine.suggestions.agents import Agent, AgentInfo, Item, Proposal, file_sha256

if TYPE_CHECKING:
    from vitrine.catalog import Catalog
    from vitrine.collection import Collection

#: the raw score of a mention by the layer that found it (not calibrated: see the agent's report)
SCORES: Final = {"collection": 0.9, "authority": 0.9, "rules": 0.8, "trained": 0.6, "sm": 0.5, "md": 0.55}
#: record fields never read: dates have their own agent, the rest are codes, addresses or numbers
_SKIPPED: Final = frozenset({"date_text", "dimensions", "rights", "source_url", "source", "identifier"})


def record_texts(record: Record) -> Iterator[tuple[str, str]]:
    """(field, text) of a record's free-text fields: title, credit line, medium, and the text fields
    of `extra` (description, inscription, provenance...) except those holding place names."""
    for name in ("title", "credit_line", "medium"):
        value = getattr(record, name)
        if isinstance(value, str) and value.strip():
            yield name, value
    for key, value in sorted(record.extra.items()):
        if isinstance(value, str) and value.strip() and key not in _SKIPPED and not PLACE_KEYS.search(key):
            yield key, value


class EntityAgent(Agent):
    """Proposes the entities named in records' text fields."""

    name = "entities"
    target = "record"
    kinds = ("entity",)
    file_options = ("authority", "model")

    def __init__(self, layers: str = "rules", model: str | None = None, authority: str | None = None,
                 collection_names: bool = True, ocr: bool = True) -> None:
        self.layers, self.collection_names, self.ocr = layers, bool(collection_names), bool(ocr)
        self._catalog: Catalog | None = None
        self.model = Path(model).expanduser() if model else None
        self.authority = Path(authority).expanduser() if authority else None
        self.gazetteer = Gazetteer("collection")
        try:
            if self.authority:
                read_authority(self.authority, self.gazetteer)
            self.recogniser: Combined = build_recogniser(layers, model=self.model, gazetteer=self.gazetteer)
        except EntityError as exc:
            raise AgentError(str(exc)) from None

    def prepare(self, collection: Collection) -> None:
        self._catalog = collection.catalog
        if not self.collection_names:
            return
        catalog, after = collection.catalog, 0
        while page := catalog.record_hashes(after, 1000):
            from_records(catalog.get_many(rid for rid, _ in page).values(), self.gazetteer)
            after = page[-1][0]

    def info(self) -> AgentInfo:
        state = hashlib.sha256()
        if self.authority:
            digest = file_sha256(self.authority, what="authority file", hint="pass authority=PATH")
            state.update(digest.encode())
        if self.model:
            state.update(_folder_digest(self.model).encode())
        try:
            described = self.recogniser.describe()
        except EntityError as exc:
            raise AgentError(str(exc)) from None
        return AgentInfo(name=self.name, software="vitrine.entities", model=described["model"],
                         model_version=described["version"], state_sha256=state.hexdigest(),
                         parameters={"layers": self.layers, "collection_names": self.collection_names,
                                     "ocr": self.ocr,
                                     "authority": self.authority.name if self.authority else None})

    def suggest(self, item: Item) -> Iterator[Proposal]:
        fields = list(record_texts(item.record))
        if self.ocr and self._catalog is not None:
            fields += page_texts(self._catalog, item.record_id, item.record.identifier)
        found = self.recogniser.find_many([text for _, text in fields])
        for (field, text), mentions in zip(fields, found, strict=True):
            for mention in mentions:
                value: dict[str, Any] = {"text": text[mention.start:mention.end], "type": mention.type,
                                         "field": field, "start": mention.start, "end": mention.end}
                if field.startswith("ocr:"):
                    value["text_sha256"] = text_digest(text)
                yield Proposal("entity", value, score=SCORES.get(mention.source, 0.5))


def page_texts(catalog: Catalog, record_id: int, identifier: str) -> list[tuple[str, str]]:
    """("ocr:IMAGE_ID", text) of each page of a record that has machine-read text: the reviewed
    text where a person decided it, else the newest proposed one; rejected and stale text never."""
    texts = []
    for image in catalog.images_of(identifier):
        text = catalog.ocr.current_text(record_id, image.id)
        if text is not None and text.strip():
            texts.append((f"ocr:{image.id}", text))
    return texts


def _folder_digest(folder: Path) -> str:
    """A digest of a pipeline folder's files (names and bytes)."""
    if not folder.is_dir():
        raise AgentError(f"no trained pipeline at {folder}; make one with 'vitrine entities train'")
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(file_sha256(path, what="pipeline file", hint="train it again").encode())
    return digest.hexdigest()
