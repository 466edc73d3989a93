"""A synthetic review queue for `vitrine bench review`: records, agent versions and their suggestions.

Records carry one image each (a row only: no file, a made-up SHA-256). Suggestions come from eight
agent versions of seven kinds, each with its own score distribution (a beta law: taggers unsure,
the face detector mostly sure, ...), calibrated probabilities where the agent is calibrated, and
regions for the image agents. They are spread over the records at random and inserted the way a
job does, agent by agent and record by record, through `catalog.suggestions.add` in batches.
Then the queue gets a history (a share decided, written in bulk: only the queue's shape matters)
and a few records and images change, so that some suggestions read as stale.
"""

from __future__ import annotations

import hashlib
import itertools
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vitrine.catalog import Catalog
from vitrine.catalog.suggestions import NewSuggestion
from vitrine.records import ImageRef, Record
from vitrine.suggestions.agents import AgentInfo
from vitrine.suggestions.values import label_of

_SYLLABLES = ("ba", "ce", "di", "fo", "gu", "ka", "le", "mi", "no", "pu", "ra", "se", "ti", "vo", "zu", "an")
_VOCABULARY = 4096  # distinct tag labels; odd steps through it give distinct labels per record
_STEP = 7919


@dataclass(frozen=True)
class AgentSpec:
    """One agent version of the synthetic queue and its share of the suggestions."""

    name: str
    version: str
    kind: str
    target: str  # "record" or "image"
    share: float
    calibrated: bool
    beta: tuple[float, float]  # the score's beta law

    def info(self) -> AgentInfo:
        return AgentInfo(name=self.name, software="vitrine-bench", software_version=self.version,
                         model=f"{self.name}-model", model_version=self.version,
                         state_sha256=hashlib.sha256(f"{self.name}{self.version}".encode()).hexdigest(),
                         parameters={"threshold": 0.05}, calibrated=self.calibrated)


AGENTS: tuple[AgentSpec, ...] = (
    AgentSpec("tagger", "1.0", "tag", "image", 0.35, False, (2.0, 2.0)),
    AgentSpec("tagger", "1.1", "tag", "image", 0.20, False, (2.5, 1.5)),
    AgentSpec("faces", "2023mar", "face", "image", 0.10, True, (6.0, 1.5)),
    AgentSpec("ocr", "5.3", "text", "image", 0.05, True, (4.0, 2.0)),
    AgentSpec("entities", "3.7", "entity", "record", 0.12, False, (3.0, 2.0)),
    AgentSpec("linker", "1.0", "link", "record", 0.08, False, (2.0, 3.0)),
    AgentSpec("dates", "0.1", "date", "record", 0.05, False, (8.0, 1.5)),
    AgentSpec("duplicates", "1.0", "duplicate", "record", 0.05, False, (1.5, 4.0)),
)


@dataclass
class Built:
    """What building the queue took and made."""

    records: int
    suggestions: int
    records_s: float
    insert_s: float
    bytes_before: int
    bytes_after: int
    agent_ids: tuple[int, ...]
    kinds: tuple[str, ...]


def word(index: int) -> str:
    """A made-up word for a vocabulary index (three syllables: 4,096 words)."""
    n = len(_SYLLABLES)
    return _SYLLABLES[index % n] + _SYLLABLES[index // n % n] + _SYLLABLES[index // n // n % n]


def add_records(catalog: Catalog, count: int, batch: int = 2000) -> None:
    """`count` records with one image each, upserted through the catalogue (full text included);
    each image gets a made-up SHA-256 as if it had been read."""
    for start in range(0, count, batch):
        with catalog.transaction():
            for i in range(start, min(count, start + batch)):
                record = Record(identifier=f"r{i:07d}", title=f"{word(i * 31)} {word(i * 17 + 5)} no. {i}",
                                creators=[f"{word(i % 997).title()} {word(i % 89 + 7).title()}"],
                                date_text=f"{1600 + i % 400}", object_type="print", medium="etching",
                                images=[ImageRef(location=f"images/r{i:07d}.jpg")])
                catalog.upsert(record)
                for image in catalog.images_of(record.identifier):
                    catalog.set_image_file(image.id, local_path=None, width=2000, height=1500,
                                           sha256=_sha(f"image:{image.id}"))


def _all_images(catalog: Catalog) -> Iterator[Any]:
    after = 0
    while page := catalog.images_page(after, 5000):
        yield from page
        after = page[-1].id


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def plan(records: int, suggestions: int, seed: int) -> tuple[NDArray[np.int64], NDArray[np.int64],
                                                             NDArray[np.int64]]:
    """(agent index, record index, ordinal of the suggestion among its agent's on that record) for
    each suggestion, in job order: agent by agent, record by record."""
    rng = np.random.default_rng(seed)
    shares = np.array([a.share for a in AGENTS])
    agent = rng.choice(len(AGENTS), suggestions, p=shares / shares.sum())
    record = rng.integers(0, records, suggestions)
    order = np.lexsort((record, agent))
    agent, record = agent[order], record[order]
    group = agent * records + record
    starts = np.r_[0, np.flatnonzero(np.diff(group)) + 1]
    first = np.repeat(starts, np.diff(np.r_[starts, suggestions]))
    return agent.astype(np.int64), record.astype(np.int64), (np.arange(suggestions) - first).astype(np.int64)


def _value(kind: str, record: int, ordinal: int, image: bool) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A typed value of `kind` about record number `record`, distinct for each ordinal; and a region
    for image agents that point at a part of the image."""
    term = (record * 131 + ordinal * _STEP) % _VOCABULARY
    box = {"box": [40 * ordinal % 1800, 30 * ordinal % 1300, 120 + ordinal, 160]} if image else None
    if kind == "tag":
        return {"label": word(term), "uri": f"http://vocab.getty.edu/aat/{300_000_000 + term}",
                "vocabulary": "aat"}, (box if ordinal % 3 == 0 else None)
    if kind == "face":
        return {"label": "face", "landmarks": [[10, 12], [30, 12], [20, 25]]}, box
    if kind == "text":
        return {"text": f"{word(term)} {word(term + 1)} {word(term + 2)}", "language": "en",
                "confidence": 0.8}, box
    if kind == "entity":
        return {"text": word(term).title(), "type": "PERSON", "field": "title", "start": 0, "end": 6}, None
    if kind == "link":
        return {"uri": f"http://www.wikidata.org/entity/Q{1000 + term}", "label": word(term).title(),
                "authority": "wikidata", "field": "creators"}, None
    if kind == "date":
        year = 1600 + (record + ordinal * 7) % 400
        return {"text": f"c. {year}", "edtf": f"{year}~", "earliest": year - 5, "latest": year + 5,
                "field": "date_text"}, None
    return {"identifier": f"r{(record + 1 + ordinal) % 10_000_000:07d}", "similarity": 0.93,
            "reason": "near-identical image"}, None


def _scores(agent: NDArray[np.int64], seed: int) -> NDArray[np.float64]:
    rng = np.random.default_rng(seed + 1)
    scores = np.empty(len(agent))
    for index, spec in enumerate(AGENTS):
        mine = agent == index
        scores[mine] = rng.beta(*spec.beta, int(mine.sum()))
    return np.round(scores, 4)


def add_suggestions(catalog: Catalog, suggestions: int, seed: int, batch: int = 64) -> int:
    """Insert `suggestions` through the store as jobs would: per agent, `batch` inputs per call,
    every input marked seen. Returns how many were stored."""
    hashes = dict(catalog.record_hashes(0, 10**9))
    record_ids = sorted(hashes)
    images = {img.record_id: (img.id, img.sha256 or "") for img in _all_images(catalog)}
    agent, record, ordinal = plan(len(record_ids), suggestions, seed)
    scores = _scores(agent, seed)
    made = 0
    for index, spec in enumerate(AGENTS):
        stored = catalog.suggestions.agent_row(spec.info().key(), spec.info().to_dict())
        job = catalog.jobs.create("suggest", spec.name, options={}, scope={}, started_by="bench")
        lo, hi = np.searchsorted(agent, [index, index + 1])
        bounds = np.searchsorted(record[lo:hi], np.arange(0, len(record_ids) + batch, batch)) + lo
        for chunk, (a, b) in enumerate(itertools.pairwise(bounds)):
            inputs = record_ids[chunk * batch:(chunk + 1) * batch]
            seen = [(f"image:{images[r][0]}", images[r][1]) if spec.target == "image" else
                    (f"record:{r}", hashes[r]) for r in inputs]
            proposals = [_new(spec, record_ids[int(record[j])], int(record[j]), int(ordinal[j]),
                              float(scores[j]), hashes, images) for j in range(a, b)]
            made += catalog.suggestions.add(stored.id, job.id, seen, proposals)
    return made


def _new(spec: AgentSpec, record_id: int, number: int, ordinal: int, score: float,
         hashes: dict[int, str], images: dict[int, tuple[int, str]]) -> NewSuggestion:
    image = spec.target == "image"
    value, region = _value(spec.kind, number, ordinal, image)
    image_id, basis = images[record_id] if image else (0, hashes[record_id])
    return NewSuggestion(record_id=record_id, basis=basis, kind=spec.kind, value=value,
                         label=label_of(spec.kind, value), score=score,
                         probability=round(score ** 1.4, 4) if spec.calibrated else None,
                         image_id=image_id, region=region)


def add_history(path: Path, decided: float = 0.08, accepted: float = 0.03) -> None:
    """Decide a share of the queue in bulk, as months of review would have (accepted ones with their
    assertions), on a connection of its own: one statement each, not a decision at a time."""
    db = sqlite3.connect(str(path), isolation_level=None)
    try:
        now = time.time()
        pick = "(s.id * 2654435761) % 10000"  # a spread-out, repeatable share of the ids
        db.execute("BEGIN IMMEDIATE")
        db.execute(f"UPDATE suggestions AS s SET status = 'rejected', revision = 1, decided_by = 'history',"
                   f" decided_at = ? WHERE {pick} < ?", (now - 86400, int(decided * 10000)))
        db.execute(f"UPDATE suggestions AS s SET status = 'accepted' WHERE {pick} < ?",
                   (int(accepted * 10000),))
        db.execute("INSERT INTO assertions (record_id, image_id, region, kind, value, label, suggestion_id,"
                   " accepted_by, accepted_at) SELECT record_id, image_id, region, kind, value, label, id,"
                   " decided_by, decided_at FROM suggestions WHERE status = 'accepted'")
        db.execute("COMMIT")  # no ANALYZE: the catalogue never runs one, so the planner goes without
    finally:
        db.close()


def change_some(catalog: Catalog, records: int, every: int = 100) -> int:
    """Edit one record in `every` and give one image in 2 x `every` a new file, so that their
    suggestions read as stale; returns how many records changed."""
    changed = 0
    with catalog.transaction():
        for number in range(0, records, every):
            record = catalog.get(f"r{number:07d}")
            record.title = f"{record.title} (revised)"
            changed += catalog.upsert(record).status == "updated"
        for image in list(_all_images(catalog))[every // 2::2 * every]:
            catalog.set_image_file(image.id, local_path=None, width=2000, height=1500,
                                   sha256=_sha(f"new:{image.id}"))
    return changed


def file_bytes(path: Path) -> int:
    """The catalogue's size on disk with its write-ahead log folded in."""
    db = sqlite3.connect(str(path))
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return path.stat().st_size


def build(catalog: Catalog, records: int, suggestions: int, seed: int,
          say: Callable[[str], None] = print) -> Built:
    """The whole synthetic queue in `catalog` (a fresh one), timed."""
    started = time.perf_counter()
    add_records(catalog, records)
    records_s = time.perf_counter() - started
    say(f"  {records:,} records in {records_s:.1f} s")
    before = file_bytes(catalog.path)
    started = time.perf_counter()
    made = add_suggestions(catalog, suggestions, seed)
    insert_s = time.perf_counter() - started
    after = file_bytes(catalog.path)
    say(f"  {made:,} suggestions in {insert_s:.1f} s ({made / insert_s:,.0f}/s)")
    add_history(catalog.path)
    change_some(catalog, records)
    agents = tuple(a.id for a in catalog.suggestions.agents())
    return Built(records, made, records_s, insert_s, before, after, agents,
                 tuple(dict.fromkeys(a.kind for a in AGENTS)))
