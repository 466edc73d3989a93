"""The suggestions tables (`catalog.suggestions`): agents, machine suggestions and their review state.

Storage only: what a value may hold is `vitrine.suggestions.values`, how agents run and people
decide is `vitrine.suggestions`. A suggestion is tied to the *basis* it was made from (the
image's SHA-256, or the record's content hash for record-level agents); when that changed or
went, the suggestion reads as `stale` and cannot be applied. A decision is a compare-and-set on
the suggestion's `revision`, so of two editors deciding at once one wins and the other is told.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from vitrine.catalog.base import Connected, chunks, placeholders
from vitrine.catalog.fulltext import curated_text
from vitrine.dates import parse_date
from vitrine.errors import DecisionConflict, SuggestionError, SuggestionNotFound

Order = Literal["score", "score_asc", "uncertainty", "newest", "id"]
ORDERS: tuple[Order, ...] = ("score", "score_asc", "uncertainty", "newest", "id")

# `stale` is kept by the triggers of migration 6 when a record or image changes or goes; a new
# suggestion starts stale when what it was made from changed while the agent worked.
_SELECT = ("SELECT s.*, r.identifier AS identifier FROM suggestions s"
           " LEFT JOIN records r ON r.id = s.record_id")
# A suggestion's distance from certainty: 0 is a coin toss, 0.5 is sure (for scores in [0, 1]).
_CERTAINTY = "abs(coalesce(s.probability, s.score, 0.5) - 0.5)"
_INSERT = """INSERT OR IGNORE INTO suggestions (agent_id, job_id, record_id, image_id, basis, region, kind,
    value, label, score, probability, created_at, stale)
SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, CASE
    WHEN ?4 != 0 THEN (SELECT sha256 FROM images WHERE id = ?4 AND record_id = ?3) IS NOT ?5
    ELSE (SELECT content_hash FROM records WHERE id = ?3) IS NOT ?5 END
WHERE NOT EXISTS (
    SELECT 1 FROM suggestions o JOIN agents a ON a.id = o.agent_id
    WHERE o.record_id = ?3 AND o.image_id = ?4 AND o.kind = ?7 AND o.label = ?9 AND o.region = ?6
      AND o.status != 'proposed' AND a.name = (SELECT name FROM agents WHERE id = ?1))"""
# Each order is one the queue indexes of migration 6 hold as they are, so a page reads its own rows
# and no sort of the whole queue: suggestions without a score come last by score, first by
# score_asc (SQLite ranks NULL lowest); ties by score_asc come newest first (the index read backwards).
_ORDER_SQL: dict[str, str] = {
    "score": "s.score DESC, s.id", "score_asc": "s.score ASC, s.id DESC",
    "uncertainty": f"{_CERTAINTY} ASC, s.id", "newest": "s.id DESC", "id": "s.id"}
_FEW_RECORDS = 1000  # up to this many records, their suggestions are read by the record index


@dataclass(frozen=True)
class StoredAgent:
    """One version of an agent: its software, model, trained state and parameters. `key` is a digest
    of all of them, so any change is a new agent row whose suggestions sit beside the old ones."""

    id: int
    key: str
    name: str
    software: str
    software_version: str
    model: str
    model_version: str
    state_sha256: str
    parameters: dict[str, Any]
    calibrated: bool
    created_at: float

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "key": self.key, "name": self.name, "software": self.software,
                "software_version": self.software_version, "model": self.model,
                "model_version": self.model_version, "state_sha256": self.state_sha256,
                "parameters": self.parameters, "calibrated": self.calibrated, "created_at": self.created_at}


@dataclass(frozen=True)
class NewSuggestion:
    """What an agent proposes about one record (or one of its images, or a region of one)."""

    record_id: int
    basis: str
    kind: str
    value: dict[str, Any]
    label: str
    score: float | None = None
    probability: float | None = None
    image_id: int = 0
    region: dict[str, Any] | None = None


@dataclass(frozen=True)
class Suggestion:
    """A stored suggestion with its provenance and review state. `identifier` is None when the
    record was deleted; `stale` says the record or image changed or went since it was made."""

    id: int
    agent_id: int
    job_id: int | None
    record_id: int
    identifier: str | None
    image_id: int | None
    basis: str
    region: dict[str, Any] | None
    kind: str
    value: dict[str, Any]
    label: str
    score: float | None
    probability: float | None
    created_at: float
    status: str
    revision: int
    decided_by: str | None
    decided_at: float | None
    note: str
    final_value: dict[str, Any] | None
    assignee: str | None
    stale: bool

    @property
    def decided_value(self) -> dict[str, Any]:
        """The value as accepted: the editor's version when edited."""
        return self.final_value if self.final_value is not None else self.value

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "agent_id": self.agent_id, "job_id": self.job_id, "identifier": self.identifier,
            "image_id": self.image_id, "region": self.region, "kind": self.kind, "value": self.value,
            "label": self.label, "score": self.score, "probability": self.probability,
            "created_at": self.created_at, "status": self.status, "revision": self.revision,
            "decided_by": self.decided_by, "decided_at": self.decided_at, "note": self.note,
            "final_value": self.final_value, "assignee": self.assignee, "stale": self.stale}


@dataclass(frozen=True)
class SuggestionQuery:
    """Which suggestions to list: every field narrows; `after` is the last (sort key, id) seen."""

    kinds: tuple[str, ...] = ()
    agent_ids: tuple[int, ...] = ()
    statuses: tuple[str, ...] = ("proposed",)
    score_min: float | None = None
    score_max: float | None = None
    record_ids: tuple[int, ...] | None = None
    assignee: str | None = None
    job_id: int | None = None
    stale: bool | None = None
    order: Order = "score"
    limit: int = 50
    offset: int = 0

    def __post_init__(self) -> None:
        if self.order not in ORDERS:
            raise SuggestionError(f"unknown order {self.order!r}; orders: {', '.join(ORDERS)}")
        if not 1 <= self.limit <= 10_000 or self.offset < 0:
            raise SuggestionError("a page holds 1 to 10,000 suggestions, from an offset >= 0")


@dataclass(frozen=True)
class Assertion:
    """An accepted value in the record's curated data, with where it came from."""

    id: int
    record_id: int
    image_id: int | None
    region: dict[str, Any] | None
    kind: str
    value: dict[str, Any]
    label: str
    suggestion_id: int | None
    accepted_by: str
    accepted_at: float
    edited: bool
    agent: dict[str, Any] | None = field(default=None)
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "image_id": self.image_id, "region": self.region, "kind": self.kind,
                "value": self.value, "label": self.label, "suggestion_id": self.suggestion_id,
                "accepted_by": self.accepted_by, "accepted_at": self.accepted_at, "edited": self.edited,
                "agent": self.agent, "score": self.score}


class SuggestionStore(Connected):
    """Agents, suggestions, agents' done inputs and accepted values (`catalog.suggestions`)."""

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock) -> None:
        self._db = db
        self._lock = lock

    # -- agents ---------------------------------------------------------------------------------

    def agent_row(self, key: str, describe: dict[str, Any]) -> StoredAgent:
        """The agent version of this `key`, stored on first sight from `describe`."""
        with self.transaction():
            row = self._db.execute("SELECT * FROM agents WHERE key = ?", (key,)).fetchone()
            if row is None:
                self._db.execute(
                    "INSERT INTO agents (key, name, software, software_version, model, model_version,"
                    " state_sha256, parameters, calibrated, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (key, describe["name"], describe["software"], describe["software_version"],
                     describe.get("model", ""), describe.get("model_version", ""),
                     describe.get("state_sha256", ""), _dump(describe.get("parameters", {})),
                     int(bool(describe.get("calibrated"))), time.time()))
                row = self._db.execute("SELECT * FROM agents WHERE key = ?", (key,)).fetchone()
        return _agent(row)

    def agents(self) -> list[StoredAgent]:
        with self._lock:
            return [_agent(r) for r in self._db.execute("SELECT * FROM agents ORDER BY id")]

    def agent(self, agent_id: int) -> StoredAgent:
        with self._lock:
            row = self._db.execute("SELECT * FROM agents WHERE id = ?", (agent_id,)).fetchone()
        if row is None:
            raise SuggestionNotFound(f"no agent with id {agent_id}")
        return _agent(row)

    # -- what an agent has seen -----------------------------------------------------------------

    def seen(self, agent_id: int, targets: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which (target, basis) pairs this agent version has looked at already."""
        found: set[tuple[str, str]] = set()
        with self._lock:
            for part in chunks(list(range(len(targets))), 400):
                names = [targets[i][0] for i in part]
                rows = self._db.execute(
                    "SELECT target, basis FROM agent_inputs WHERE agent_id = ?"
                    f" AND target IN ({placeholders(len(names))})",
                    (agent_id, *names)).fetchall()
                found.update((r[0], r[1]) for r in rows)
        return found & set(targets)

    def add(self, agent_id: int, job_id: int | None, seen: Iterable[tuple[str, str]],
            proposals: Iterable[NewSuggestion]) -> int:
        """Store proposals and mark their inputs seen, in one transaction; returns how many were new.

        A proposal a person has decided already (the same thing about the same target, from any
        version of the same agent) is not stored again: a rejected answer is never asked twice."""
        now = time.time()
        with self.transaction():
            # rowcount sums the rows each INSERT stored itself (total_changes would count the rows
            # triggers write too: the OCR words of migration 8)
            made = self._db.executemany(_INSERT, [
                (agent_id, job_id, p.record_id, p.image_id, p.basis, _dump(p.region) if p.region else "",
                 p.kind, _dump(p.value), p.label, p.score, p.probability, now) for p in proposals]).rowcount
            self._db.executemany(
                "INSERT OR IGNORE INTO agent_inputs (agent_id, target, basis, at) VALUES (?, ?, ?, ?)",
                [(agent_id, target, basis, now) for target, basis in seen])
        return made

    # -- reading --------------------------------------------------------------------------------

    def get(self, suggestion_id: int) -> Suggestion:
        with self._lock:
            row = self._db.execute(f"{_SELECT} WHERE s.id = ?", (suggestion_id,)).fetchone()
        if row is None:
            raise SuggestionNotFound(f"no suggestion with id {suggestion_id}")
        return _suggestion(row)

    def find(self, query: SuggestionQuery) -> list[Suggestion]:
        """A page of suggestions. The page's ids are found first, on an index alone, and only then
        are its rows read and joined: pages deep in a queue of millions skip index entries, not rows."""
        page, params = _page(query)
        with self._lock:
            rows = self._db.execute(
                f"{_SELECT} WHERE s.id IN ({page}) ORDER BY {_ORDER_SQL[query.order]}", params).fetchall()
        return [_suggestion(r) for r in rows]

    def plan(self, query: SuggestionQuery) -> list[str]:
        """How SQLite finds the ids of a page (EXPLAIN QUERY PLAN, one line a step): a page that
        reads an index in its order shows no "USE TEMP B-TREE FOR ORDER BY"."""
        page, params = _page(query)
        with self._lock:
            return [str(r[3]) for r in self._db.execute(f"EXPLAIN QUERY PLAN {page}", params)]

    def count(self, query: SuggestionQuery, at_most: int | None = None) -> int:
        """How many suggestions match `query` (its order, limit and offset aside). With `at_most`,
        counting stops there: a queue page can say "10,000+" in a millisecond where counting a
        million takes tens of them."""
        if query.stale is False:
            # The stale ones are few and indexed: count them, and the rest on the queue's indexes,
            # rather than read every row to see.
            stale = self.count(dataclasses.replace(query, stale=True))
            cap = None if at_most is None else at_most + stale
            every = self.count(dataclasses.replace(query, stale=None), cap)
            return max(0, every - stale)
        where, params = _where(query)
        counted = f"SELECT 1 FROM suggestions s WHERE {where}"
        if at_most is not None:
            counted, params = f"{counted} LIMIT ?", [*params, max(0, at_most)]
        with self._lock:
            return int(self._db.execute(f"SELECT count(*) FROM ({counted})", params).fetchone()[0])

    def ids(self, query: SuggestionQuery, limit: int) -> list[int]:
        """Ids of up to `limit` suggestions matching `query`, in its order (for bulk actions)."""
        where, params = _where(query)
        with self._lock:
            return [int(r[0]) for r in self._db.execute(
                f"SELECT s.id FROM suggestions s WHERE {where}"
                f" ORDER BY {_ORDER_SQL[query.order]} LIMIT ?", (*params, limit))]

    def iter_all(self, query: SuggestionQuery, page: int = 500) -> Iterator[Suggestion]:
        """Every suggestion matching `query` (its order, limit and offset aside), in id order, read in
        pages of `page` after the last id seen: an export of millions holds one page at a time."""
        where, params = _where(query)
        last = 0
        while True:
            with self._lock:
                rows = self._db.execute(f"{_SELECT} WHERE {where} AND s.id > ? ORDER BY s.id LIMIT ?",
                                        (*params, last, page)).fetchall()
            if not rows:
                return
            yield from (_suggestion(r) for r in rows)
            last = int(rows[-1]["id"])

    def for_record(self, record_id: int, statuses: Sequence[str] = ("proposed",)) -> list[Suggestion]:
        return self.find(SuggestionQuery(statuses=tuple(statuses), record_ids=(record_id,), order="id",
                                         limit=10_000))

    def counts_by(self, column: Literal["status", "kind", "agent_id", "assignee"],
                  query: SuggestionQuery | None = None) -> dict[Any, int]:
        where, params = _where(query or SuggestionQuery(statuses=()))
        with self._lock:
            return {r[0]: int(r[1]) for r in self._db.execute(
                f"SELECT s.{column}, count(*) FROM suggestions s WHERE {where} GROUP BY s.{column}", params)}

    def assignee_counts(self) -> dict[tuple[str, str], int]:
        """(assignee, status) -> how many, over every assigned suggestion."""
        with self._lock:
            return {(r[0], r[1]): int(r[2]) for r in self._db.execute(
                "SELECT assignee, status, count(*) FROM suggestions WHERE assignee IS NOT NULL"
                " GROUP BY assignee, status")}

    def score_range(self, agent_id: int) -> tuple[float, float] | None:
        """The lowest and highest score an agent version gave (None: it gave none)."""
        with self._lock:
            row = self._db.execute("SELECT min(score), max(score) FROM suggestions WHERE agent_id = ?",
                                   (agent_id,)).fetchone()
        return None if row[0] is None else (float(row[0]), float(row[1]))

    def band_counts(self, agent_id: int, low: float, width: float, bands: int) -> dict[tuple[int, str], int]:
        """(band, status) -> how many of an agent version's suggestions, scores cut in `bands` bands
        of `width` from `low` (suggestions without a score are left out)."""
        with self._lock:
            return {(int(r[0]), str(r[1])): int(r[2]) for r in self._db.execute(
                "SELECT min(max(CAST((score - ?) / ? AS INTEGER), 0), ? - 1) AS band, status, count(*)"
                " FROM suggestions WHERE agent_id = ? AND score IS NOT NULL GROUP BY band, status",
                (low, width, bands, agent_id))}

    def weekly_decisions(self, agent_id: int) -> dict[tuple[int, str], int]:
        """(week number since 1970, status) -> decisions of an agent version's suggestions that week."""
        with self._lock:
            return {(int(r[0]), str(r[1])): int(r[2]) for r in self._db.execute(
                "SELECT CAST(decided_at / 604800 AS INTEGER) AS week, status, count(*) FROM suggestions"
                " WHERE agent_id = ? AND status != 'proposed' AND decided_at IS NOT NULL"
                " GROUP BY week, status", (agent_id,))}

    # -- deciding -------------------------------------------------------------------------------

    def set_status(self, suggestion: Suggestion, status: str, actor: str | None, *, note: str = "",
                   final_value: dict[str, Any] | None = None) -> Suggestion:
        """Move a suggestion to `status` if nobody changed it since `suggestion` was read.

        Call inside a transaction that also writes the assertion and the audit row."""
        decided = None if status == "proposed" else time.time()
        with self.transaction():
            changed = self._db.execute(
                "UPDATE suggestions SET status = ?, revision = revision + 1, decided_by = ?, decided_at = ?,"
                " note = ?, final_value = ? WHERE id = ? AND revision = ?",
                (status, actor if decided else None, decided, note,
                 _dump(final_value) if final_value is not None else None,
                 suggestion.id, suggestion.revision)).rowcount
            if not changed:
                now = self.get(suggestion.id)
                who = f" by {now.decided_by}" if now.decided_by else ""
                raise DecisionConflict(
                    f"suggestion {suggestion.id} changed since you saw it: it is {now.status}{who} now"
                    f" (revision {now.revision}, you had {suggestion.revision})")
            return self.get(suggestion.id)

    def assign(self, suggestion_ids: Sequence[int], assignee: str | None) -> int:
        with self.transaction():
            total = 0
            for part in chunks(list(suggestion_ids), 500):
                total += self._db.execute(
                    f"UPDATE suggestions SET assignee = ? WHERE id IN ({placeholders(len(part))})",
                    (assignee, *part)).rowcount
            return total

    # -- accepted values ------------------------------------------------------------------------

    def add_assertion(self, suggestion: Suggestion, value: dict[str, Any], label: str, actor: str,
                      edited: bool, region: dict[str, Any] | None = None) -> int:
        """Store an accepted value (at `region` when an editor corrected the suggestion's); a date keeps
        the record's years as they were before any date was accepted, for an undo."""
        region = region or suggestion.region
        with self.transaction():
            prior = ""
            if suggestion.kind == "date":  # the years before any accepted date: the source's
                kept = self._db.execute(
                    "SELECT prior_years FROM assertions WHERE record_id = ? AND kind = 'date'"
                    " ORDER BY id LIMIT 1",
                    (suggestion.record_id,)).fetchone()
                row = self._db.execute("SELECT year_min, year_max FROM records WHERE id = ?",
                                       (suggestion.record_id,)).fetchone()
                prior = kept[0] if kept and kept[0] else _dump([row[0], row[1]]) if row else ""
            cursor = self._db.execute(
                "INSERT INTO assertions (record_id, image_id, region, kind, value, label, suggestion_id,"
                " accepted_by, accepted_at, edited, prior_years) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (suggestion.record_id, suggestion.image_id or 0,
                 _dump(region) if region else "", suggestion.kind, _dump(value), label,
                 suggestion.id, actor, time.time(), int(edited), prior))
            return int(cursor.lastrowid or 0)

    def remove_assertion(self, suggestion_id: int) -> tuple[int | None, int | None] | None:
        """Take an accepted value out; returns the record's years from before it was accepted (a
        date's), or None."""
        with self.transaction():
            row = self._db.execute("SELECT prior_years FROM assertions WHERE suggestion_id = ?",
                                   (suggestion_id,)).fetchone()
            self._db.execute("DELETE FROM assertions WHERE suggestion_id = ?", (suggestion_id,))
        if row is None or not row[0]:
            return None
        low, high = json.loads(row[0])
        return low, high

    def apply_to_record(self, record_id: int, kind: str, value: dict[str, Any] | None, *,
                        prior_years: tuple[int | None, int | None] | None = None) -> None:
        """Bring the record's searchable data in line with its accepted values: the curated full
        text and, for an accepted date, the years filters use (`value` None: back to `prior_years`,
        the years before the date was accepted, or else those its date text reads as).

        Call inside the decision's transaction."""
        with self.transaction():
            if kind == "date":
                years = ((value["earliest"], value["latest"]) if value
                         else prior_years if prior_years is not None else _source_years(self._db, record_id))
                self._db.execute("UPDATE records SET year_min = ?, year_max = ? WHERE id = ?",
                                 (*years, record_id))
            self._db.execute("UPDATE records_fts SET curated = ? WHERE rowid = ?",
                             (curated_text(self._db, record_id), record_id))

    def assertions(self, record_id: int) -> list[Assertion]:
        """The record's accepted values, oldest first, each with its agent and score."""
        with self._lock:
            rows = self._db.execute(
                "SELECT a.*, s.score AS score, s.agent_id AS agent_id FROM assertions a"
                " LEFT JOIN suggestions s ON s.id = a.suggestion_id WHERE a.record_id = ? ORDER BY a.id",
                (record_id,)).fetchall()
            agents = {g.id: g for g in self.agents()} if rows else {}
        return [_assertion(r, agents.get(r["agent_id"])) for r in rows]

    def accepted_of(self, kinds: Iterable[str]) -> list[Assertion]:
        """Every accepted value of these kinds across the collection, oldest first (no agent details)."""
        wanted = list(kinds)
        marks = ",".join("?" * len(wanted))
        with self._lock:
            rows = self._db.execute(
                f"SELECT a.*, NULL AS score FROM assertions a WHERE a.kind IN ({marks}) ORDER BY a.id",
                wanted).fetchall()
        return [_assertion(r, None) for r in rows]

    def accepted_stamp(self) -> tuple[int]:
        """Changes whenever an accepted value is added, edited or undone: a counter that triggers move
        (migration 10). Unlike a count and the newest id, it also moves on "undo the newest, accept
        another", where SQLite reuses the freed assertion id."""
        with self._lock:
            row = self._db.execute("SELECT n FROM change_counters WHERE name = 'assertions'").fetchone()
        return (int(row[0]),)

    def label_facet(self, kind: str, limit: int = 50) -> list[tuple[str, int]]:
        """The most frequent accepted labels of one kind, with how many records carry each."""
        with self._lock:
            return [(str(r[0]), int(r[1])) for r in self._db.execute(
                "SELECT label, count(DISTINCT record_id) AS n FROM assertions WHERE kind = ?"
                " GROUP BY label COLLATE NOCASE ORDER BY n DESC, label LIMIT ?", (kind, limit))]


def _page(query: SuggestionQuery) -> tuple[str, list[Any]]:
    """The ids of `query`'s page, in its order, with its parameters."""
    where, params = _where(query, ordered=True)
    return (f"SELECT s.id FROM suggestions s WHERE {where} ORDER BY {_ORDER_SQL[query.order]}"
            " LIMIT ? OFFSET ?", [*params, query.limit, query.offset])


def _where(query: SuggestionQuery, *, ordered: bool = False) -> tuple[str, list[Any]]:
    """The WHERE clause of `query`; `ordered` when it picks a page in the query's order.

    The catalogue keeps no planner statistics, so SQLite cannot tell that a status matches most of
    the table: it is steered instead (a unary + keeps a column's indexes out of the plan). A few
    records' suggestions come through the record index, stale ones through theirs (there are few);
    a page in id order reads the table in id order rather than sorting every suggestion of a status,
    an agent or a kind."""
    few = query.record_ids is not None and len(query.record_ids) <= _FEW_RECORDS
    steer = few or (ordered and query.order in ("newest", "id"))
    clauses, params = ["1"], []  # type: tuple[list[str], list[Any]]
    for column, values in (("kind", query.kinds), ("agent_id", query.agent_ids), ("status", query.statuses)):
        if values:
            plus = "+" if steer or (query.stale and column != "status") else ""
            clauses.append(f"{plus}s.{column} IN ({placeholders(len(values))})")
            params.extend(values)
    if query.score_min is not None:
        clauses.append("s.score >= ?")
        params.append(query.score_min)
    if query.score_max is not None:
        clauses.append("s.score < ?")
        params.append(query.score_max)
    if query.record_ids is not None:
        # A long list goes through a JSON array, beyond SQLite's limit of statement parameters.
        clauses.append("s.record_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(query.record_ids)))
    if query.assignee is not None:
        clauses.append("s.assignee = ?" if query.assignee else "s.assignee IS NULL")
        params.extend([query.assignee] if query.assignee else [])
    if query.job_id is not None:
        clauses.append("s.job_id = ?")
        params.append(query.job_id)
    if query.stale is not None:
        clauses.append(f"s.stale = {int(query.stale)}")  # a constant: the partial index needs one
    return " AND ".join(clauses), params


def _source_years(db: sqlite3.Connection, record_id: int) -> tuple[int | None, int | None]:
    row = db.execute("SELECT date_text FROM records WHERE id = ?", (record_id,)).fetchone()
    return parse_date(row[0] if row else None)


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _agent(row: sqlite3.Row) -> StoredAgent:
    return StoredAgent(
        int(row["id"]), row["key"], row["name"], row["software"], row["software_version"], row["model"],
        row["model_version"], row["state_sha256"], json.loads(row["parameters"]), bool(row["calibrated"]),
        float(row["created_at"]))


def _suggestion(row: sqlite3.Row) -> Suggestion:
    return Suggestion(
        id=int(row["id"]), agent_id=int(row["agent_id"]), job_id=row["job_id"],
        record_id=int(row["record_id"]),
        identifier=row["identifier"], image_id=int(row["image_id"]) or None, basis=row["basis"],
        region=json.loads(row["region"]) if row["region"] else None, kind=row["kind"],
        value=json.loads(row["value"]), label=row["label"], score=row["score"],
        probability=row["probability"],
        created_at=float(row["created_at"]), status=row["status"], revision=int(row["revision"]),
        decided_by=row["decided_by"], decided_at=row["decided_at"], note=row["note"],
        final_value=json.loads(row["final_value"]) if row["final_value"] else None, assignee=row["assignee"],
        stale=bool(row["stale"]))


def _assertion(row: sqlite3.Row, agent: StoredAgent | None) -> Assertion:
    return Assertion(
        id=int(row["id"]), record_id=int(row["record_id"]), image_id=int(row["image_id"]) or None,
        region=json.loads(row["region"]) if row["region"] else None, kind=row["kind"],
        value=json.loads(row["value"]), label=row["label"], suggestion_id=row["suggestion_id"],
        accepted_by=row["accepted_by"], accepted_at=float(row["accepted_at"]), edited=bool(row["edited"]),
        agent=agent.to_dict() if agent else None, score=row["score"])
