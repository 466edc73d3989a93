"""The concepts tables (`catalog.concepts`): concepts an editor names, their labels, saved classifiers.

Storage only: how a concept is taught, trained and applied is `vitrine.concepts`. A label says
that one record is (positive) or is not (negative) an example of the concept, who said so and
when; labelling a record again replaces its label. A saved classifier is a numbered version of
the concept with the digest of its state file, which is the concept agent's version.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vitrine.catalog.base import Connected, chunks, placeholders
from vitrine.errors import ConceptExists, ConceptNotFound


@dataclass(frozen=True)
class Concept:
    """A concept an editor named ("still life", "ship"); `labels`/`positives` count its labels."""

    id: int
    name: str
    description: str
    created_by: str
    created_at: float
    labels: int = 0
    positives: int = 0
    versions: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "description": self.description,
                "created_by": self.created_by, "created_at": self.created_at, "labels": self.labels,
                "positives": self.positives, "versions": self.versions}


@dataclass(frozen=True)
class Label:
    """One record marked as an example (positive) or a counter-example of a concept."""

    record_id: int
    identifier: str
    positive: bool
    labelled_by: str
    labelled_at: float

    def to_dict(self) -> dict[str, Any]:
        return {"identifier": self.identifier, "positive": self.positive,
                "labelled_by": self.labelled_by, "labelled_at": self.labelled_at}


@dataclass(frozen=True)
class SavedModel:
    """A saved classifier of a concept: version n, its state file (relative to the collection
    folder) and that file's SHA-256, the embedder its vectors came from, and its held-out estimate."""

    id: int
    concept_id: int
    version: int
    path: str
    sha256: str
    embedder: str
    labels: int
    positives: int
    estimate: dict[str, Any]
    saved_by: str
    saved_at: float

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "path": self.path, "sha256": self.sha256, "embedder": self.embedder,
                "labels": self.labels, "positives": self.positives, "estimate": self.estimate,
                "saved_by": self.saved_by, "saved_at": self.saved_at}


_CONCEPT = """SELECT c.*, (SELECT count(*) FROM concept_labels l WHERE l.concept_id = c.id) AS labels,
    (SELECT count(*) FROM concept_labels l WHERE l.concept_id = c.id AND l.positive) AS positives,
    (SELECT count(*) FROM concept_models m WHERE m.concept_id = c.id) AS versions FROM concepts c"""


class ConceptStore(Connected):
    """Concepts, labels and saved classifiers; group calls in `catalog.transaction()` to make them one."""

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock) -> None:
        self._db = db
        self._lock = lock

    def create(self, name: str, description: str = "", *, created_by: str = "") -> Concept:
        with self.transaction():
            try:
                self._db.execute(
                    "INSERT INTO concepts (name, description, created_by, created_at) VALUES (?, ?, ?, ?)",
                    (name, description, created_by, time.time()))
            except sqlite3.IntegrityError:
                raise ConceptExists(f"a concept named {name!r} exists already") from None
            return self.get(name)

    def get(self, name: str) -> Concept:
        """The concept of this name (any case); ConceptNotFound names the concepts there are."""
        with self._lock:
            row = self._db.execute(_CONCEPT + " WHERE c.name = ?", (name,)).fetchone()
        if row is None:
            known = [c.name for c in self.all()]
            raise ConceptNotFound(f"no concept named {name!r}; concepts: {', '.join(known) or 'none yet'}"
                                  + ("" if known else " (make one with 'vitrine concept new')"))
        return _concept(row)

    def all(self) -> list[Concept]:
        with self._lock:
            rows = self._db.execute(_CONCEPT + " ORDER BY c.name").fetchall()
        return [_concept(r) for r in rows]

    def set_labels(self, concept_id: int, record_ids: Sequence[int], positive: bool, *, by: str) -> None:
        """Label these records (replacing their earlier labels of this concept)."""
        now = time.time()
        with self.transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO concept_labels (concept_id, record_id, positive, labelled_by,"
                " labelled_at) VALUES (?, ?, ?, ?, ?)",
                [(concept_id, rid, int(positive), by, now) for rid in record_ids])

    def remove_labels(self, concept_id: int, record_ids: Sequence[int]) -> int:
        removed = 0
        with self.transaction():
            for chunk in chunks(list(record_ids), 900):
                removed += self._db.execute(
                    f"DELETE FROM concept_labels WHERE concept_id = ? AND record_id IN"
                    f" ({placeholders(len(chunk))})", (concept_id, *chunk)).rowcount
        return removed

    def labels(self, concept_id: int) -> list[Label]:
        """The concept's labels, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT l.*, r.identifier FROM concept_labels l JOIN records r ON r.id = l.record_id"
                " WHERE l.concept_id = ? ORDER BY l.labelled_at, l.record_id", (concept_id,)).fetchall()
        return [Label(int(r["record_id"]), str(r["identifier"]), bool(r["positive"]), str(r["labelled_by"]),
                      float(r["labelled_at"])) for r in rows]

    def image_records(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """(image ids, their record ids) of every image, by image id: how a concept's scores per
        image become scores per record."""
        cursor = self._db.cursor()
        cursor.row_factory = None  # plain tuples: five times faster than Rows over 100k images
        with self._lock:
            rows = cursor.execute("SELECT id, record_id FROM images ORDER BY id").fetchall()
        pairs = np.asarray(rows, np.int64).reshape(-1, 2)
        return pairs[:, 0].copy(), pairs[:, 1].copy()

    def add_model(self, concept_id: int, version: int, *, path: str, sha256: str, embedder: str, labels: int,
                  positives: int, estimate: dict[str, Any], saved_by: str) -> SavedModel:
        """Store version `version` of the concept's classifier (a version saved already is refused)."""
        with self.transaction():
            self._db.execute(
                "INSERT INTO concept_models (concept_id, version, path, sha256, embedder, labels, positives,"
                " estimate, saved_by, saved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (concept_id, version, path, sha256, embedder, labels, positives,
                 json.dumps(estimate, sort_keys=True), saved_by, time.time()))
            found = self.model(concept_id, version)
        assert found is not None
        return found

    def model(self, concept_id: int, version: int | None = None) -> SavedModel | None:
        """Version `version` of the concept's classifier (None: the latest), or None if not saved."""
        where = "concept_id = ?" + ("" if version is None else " AND version = ?")
        params = (concept_id,) if version is None else (concept_id, version)
        with self._lock:
            row = self._db.execute(
                f"SELECT * FROM concept_models WHERE {where} ORDER BY version DESC LIMIT 1", params,
            ).fetchone()
        return None if row is None else _model(row)

    def models(self, concept_id: int) -> list[SavedModel]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM concept_models WHERE concept_id = ? ORDER BY version",
                                    (concept_id,)).fetchall()
        return [_model(r) for r in rows]


def _concept(row: sqlite3.Row) -> Concept:
    return Concept(int(row["id"]), str(row["name"]), str(row["description"]), str(row["created_by"]),
                   float(row["created_at"]), int(row["labels"]), int(row["positives"]), int(row["versions"]))


def _model(row: sqlite3.Row) -> SavedModel:
    return SavedModel(int(row["id"]), int(row["concept_id"]), int(row["version"]), str(row["path"]),
                      str(row["sha256"]), str(row["embedder"]), int(row["labels"]), int(row["positives"]),
                      json.loads(row["estimate"]), str(row["saved_by"]), float(row["saved_at"]))
