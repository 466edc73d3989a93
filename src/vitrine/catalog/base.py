"""What every part of the catalogue shares: one SQLite connection, one write lock, transactions."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

_T = TypeVar("_T")


class Connected:
    """A part of the catalogue: it reads on the shared connection and writes under the shared lock."""

    _db: sqlite3.Connection
    _lock: threading.RLock

    def transaction(self) -> Transaction:
        """A write transaction: `with catalog.transaction(): ...` commits or rolls back whole."""
        return Transaction(self._db, self._lock)


class Transaction:
    """Holds the write lock for its block; only the outermost block of nested ones commits."""

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock) -> None:
        self._db = db
        self._lock = lock

    def __enter__(self) -> None:
        self._lock.acquire()
        self._outer = not self._db.in_transaction
        if self._outer:
            self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_: object) -> None:
        try:
            if self._outer:
                self._db.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self._lock.release()


def id_array(rows: Iterable[Any]) -> NDArray[np.int64]:
    """The first column of `rows` as an array of ids."""
    ids = [row[0] for row in rows]
    return np.fromiter(ids, dtype=np.int64, count=len(ids))


def chunks(items: list[_T], size: int) -> Iterator[list[_T]]:
    """`items` in slices of at most `size` (SQLite limits the parameters of one statement)."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def placeholders(count: int) -> str:
    """`?, ?, ...` for `count` parameters."""
    return ", ".join("?" * count)
