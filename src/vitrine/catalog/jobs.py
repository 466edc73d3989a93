"""The jobs table (`catalog.jobs`): long work (an agent over a collection) with its state and counts.

A job row is written by the process doing the work, at the end of each batch and in the same
transaction as the batch's results, so its counts never run ahead of what was stored. A browser
or another shell asks a job to stop by setting `cancel_requested`; the worker reads it between
items. A job still marked running whose worker is gone reads as interrupted.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from typing import Any

from vitrine.catalog.base import Connected
from vitrine.errors import JobError, JobNotFound

FINISHED = ("done", "failed", "cancelled", "interrupted")
#: a running job whose worker has not written for this long is taken for dead
HEARTBEAT_S = 120.0


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    agent: str
    options: dict[str, Any]
    scope: dict[str, Any]
    state: str
    started_by: str
    created_at: float
    started_at: float | None
    finished_at: float | None
    heartbeat_at: float | None
    total: int | None
    done: int
    failed: int
    made: int
    cancel_requested: bool
    message: str
    pid: int | None

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in (
            "id", "kind", "agent", "options", "scope", "state", "started_by", "created_at", "started_at",
            "finished_at", "total", "done", "failed", "made", "cancel_requested", "message")}


class JobStore(Connected):
    """Create, update and read jobs; the errors of their items."""

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock) -> None:
        self._db = db
        self._lock = lock

    def create(self, kind: str, agent: str, *, options: dict[str, Any], scope: dict[str, Any],
               started_by: str) -> Job:
        with self.transaction():
            cursor = self._db.execute(
                "INSERT INTO jobs (kind, agent, options, scope, started_by, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (kind, agent, json.dumps(options, sort_keys=True), json.dumps(scope, sort_keys=True),
                 started_by, time.time()))
            return self.get(int(cursor.lastrowid or 0))

    def get(self, job_id: int) -> Job:
        with self._lock:
            row = self._db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise JobNotFound(f"no job with id {job_id}")
        return _job(row)

    def recent(self, limit: int = 50) -> list[Job]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM jobs ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [_job(r) for r in rows]

    def start(self, job_id: int, pid: int, total: int | None) -> None:
        """Mark the job running in process `pid`. A resumed job counts its items again from none
        (the ones done before are passed over quickly) and keeps the suggestions it made."""
        with self.transaction():
            job = self.get(job_id)
            if job.state in ("done", "cancelled"):
                raise JobError(f"job {job_id} is {job.state}; start a new one")
            now = time.time()
            self._db.execute(
                "UPDATE jobs SET state = 'running', pid = ?, total = ?, started_at = coalesce(started_at, ?),"
                " heartbeat_at = ?, finished_at = NULL, message = '', done = 0, failed = 0 WHERE id = ?",
                (pid, total, now, now, job_id))

    def beat(self, job_id: int) -> None:
        """The worker is alive and busy (a batch of slow items takes long)."""
        with self.transaction():
            self._db.execute("UPDATE jobs SET heartbeat_at = ? WHERE id = ?", (time.time(), job_id))

    def set_pid(self, job_id: int, pid: int) -> None:
        """Note the worker process started for a queued job, so its death can be told."""
        with self.transaction():
            self._db.execute("UPDATE jobs SET pid = ? WHERE id = ?", (pid, job_id))

    def advance(self, job_id: int, *, done: int, failed: int, made: int) -> None:
        """Add to the counts; call inside the transaction that stores the batch."""
        with self.transaction():
            self._db.execute(
                "UPDATE jobs SET done = done + ?, failed = failed + ?, made = made + ?, heartbeat_at = ?"
                " WHERE id = ?", (done, failed, made, time.time(), job_id))

    def add_error(self, job_id: int, item: str, message: str) -> None:
        with self.transaction():
            self._db.execute("INSERT INTO job_errors (job_id, item, message, at) VALUES (?, ?, ?, ?)",
                             (job_id, item, message[:2000], time.time()))

    def errors(self, job_id: int, limit: int = 100) -> list[tuple[str, str]]:
        with self._lock:
            return [(r[0], r[1]) for r in self._db.execute(
                "SELECT item, message FROM job_errors WHERE job_id = ? ORDER BY rowid LIMIT ?",
                (job_id, limit))]

    def finish(self, job_id: int, state: str, message: str = "") -> None:
        with self.transaction():
            self._db.execute("UPDATE jobs SET state = ?, finished_at = ?, message = ? WHERE id = ?",
                             (state, time.time(), message, job_id))

    def request_cancel(self, job_id: int) -> Job:
        """Ask the job's worker to stop; a job not started yet is cancelled at once."""
        with self.transaction():
            job = self.get(job_id)
            if job.finished:
                return job
            self._db.execute("UPDATE jobs SET cancel_requested = 1 WHERE id = ?", (job_id,))
            if job.state == "queued":
                self.finish(job_id, "cancelled", "cancelled before it started")
            return self.get(job_id)

    def cancel_requested(self, job_id: int) -> bool:
        with self._lock:
            row = self._db.execute("SELECT cancel_requested FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return bool(row and row[0])


def _job(row: sqlite3.Row) -> Job:
    return Job(
        id=int(row["id"]), kind=row["kind"], agent=row["agent"], options=json.loads(row["options"]),
        scope=json.loads(row["scope"]), state=row["state"], started_by=row["started_by"],
        created_at=float(row["created_at"]), started_at=row["started_at"], finished_at=row["finished_at"],
        heartbeat_at=row["heartbeat_at"], total=row["total"], done=int(row["done"]),
        failed=int(row["failed"]),
        made=int(row["made"]), cancel_requested=bool(row["cancel_requested"]), message=row["message"],
        pid=row["pid"])
