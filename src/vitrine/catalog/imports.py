"""Import runs: which source ran, its resume cursor, its counts and the items that failed."""

from __future__ import annotations

import time
from dataclasses import dataclass

from vitrine.catalog import facetpairs
from vitrine.catalog.base import Connected

_COUNTS = ("added", "updated", "unchanged", "failed")


@dataclass(frozen=True)
class ImportRun:
    """One run of one import source; a run with no `finished_at` was interrupted."""

    id: int
    source: str
    kind: str
    cursor: str | None
    resumed: bool


class Imports(Connected):
    """The bookkeeping that lets an interrupted import resume after its last committed batch."""

    def begin_import(self, source: str, kind: str) -> ImportRun:
        """Start a run, or resume the unfinished run of the same source."""
        with self._lock:
            row = self._db.execute(
                "SELECT id, cursor FROM imports WHERE source = ? AND kind = ? AND finished_at IS NULL"
                " ORDER BY id DESC LIMIT 1", (source, kind)).fetchone()
            if row is not None:
                return ImportRun(int(row["id"]), source, kind, row["cursor"], resumed=True)
            cur = self._db.execute(
                "INSERT INTO imports (source, kind, started_at) VALUES (?, ?, ?)",
                (source, kind, time.time()))
            return ImportRun(int(cur.lastrowid or 0), source, kind, None, resumed=False)

    def save_cursor(self, run_id: int, cursor: str | None) -> None:
        with self._lock:
            self._db.execute("UPDATE imports SET cursor = ? WHERE id = ?", (cursor, run_id))

    def count_import(self, run_id: int, status: str) -> None:
        if status not in _COUNTS:
            raise ValueError(status)
        with self._lock:
            self._db.execute(f"UPDATE imports SET {status} = {status} + 1 WHERE id = ?", (run_id,))

    def add_import_error(self, run_id: int, item: str, reason: str) -> None:
        with self._lock:
            self._db.execute(
                "DELETE FROM import_errors WHERE import_id = ? AND item = ?", (run_id, item))
            self._db.execute("INSERT INTO import_errors VALUES (?, ?, ?)", (run_id, item, reason))

    def finish_import(self, run_id: int) -> None:
        """Mark the run finished and count the pairs of the records it added (`facetpairs.settle`),
        in one transaction: a kill leaves the run unfinished, and its resumption settles them."""
        with self.transaction():
            self._db.execute(
                "UPDATE imports SET finished_at = ?, cursor = NULL WHERE id = ?",
                (time.time(), run_id))
            facetpairs.settle(self._db)

    def settle_pair_counts(self) -> int:
        """Count the pairs of the records added while deferred, in one transaction; how many there were."""
        with self.transaction():
            return facetpairs.settle(self._db)

    def defer_pair_counts(self) -> None:
        """Records added from now on are counted in the facet pairs in bulk by `finish_import`, not
        one by one by triggers (twice the import rate; see `facetpairs.defer`)."""
        with self._lock:
            facetpairs.defer(self._db)

    def import_errors(self, run_id: int) -> list[tuple[str, str]]:
        rows = self._db.execute(
            "SELECT item, reason FROM import_errors WHERE import_id = ? ORDER BY rowid", (run_id,))
        return [(r[0], r[1]) for r in rows]

    def import_counts(self, run_id: int) -> dict[str, int]:
        row = self._db.execute(
            "SELECT added, updated, unchanged, failed FROM imports WHERE id = ?", (run_id,)).fetchone()
        return {k: int(row[k]) for k in _COUNTS}
