"""One writer per collection at a time, across processes; readers never wait.

Imports, indexing, region indexing, map builds and jobs all write the catalogue, the vector index
and files beside them; two at once renamed each other's temporary files away and left the index
incomplete. Each takes the collection's write lock (a `filelock` lock file in the folder, so it
holds across processes and is released by the OS when a process dies). The lock is re-entrant
within a thread (the demo imports, then indexes) and excludes other threads and processes. A note
beside it says who holds it, so the one refused or kept waiting can be told what it waits for.
"""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from filelock import FileLock, Timeout

from vitrine.errors import CollectionBusy

LOCK_FILE = "write.lock"
HOLDER_FILE = "write.lock.json"


class WriteLock:
    """The write lock of the collection folder `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = FileLock(root / LOCK_FILE, is_singleton=True)

    @property
    def held(self) -> bool:
        """Whether this thread holds the lock."""
        return self._lock.is_locked

    @contextmanager
    def hold(
        self, what: str, *, wait: float = 0.0, on_wait: Callable[[str], None] | None = None,
    ) -> Iterator[None]:
        """Hold the lock for `what` (e.g. "import"); waits up to `wait` seconds for another writer
        (telling `on_wait` who it is), then raises CollectionBusy naming it."""
        outermost = not self._lock.is_locked
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            if wait <= 0:
                raise self._busy() from None
            if on_wait is not None:
                on_wait(self.holder())
            try:
                self._lock.acquire(timeout=wait)
            except Timeout:
                raise self._busy() from None
        try:
            if outermost:
                self._note(what)
            yield
        finally:
            self._lock.release()

    def holder(self) -> str:
        """Who holds the lock, as its note says ("import by process 123 since 12:03:04")."""
        try:
            note = json.loads((self.root / HOLDER_FILE).read_text())
            since = time.strftime("%H:%M:%S", time.localtime(float(note["since"])))
            return f"{note['what']} by process {int(note['pid'])} since {since}"
        except (OSError, ValueError, KeyError, TypeError):
            return "another writer"

    def _note(self, what: str) -> None:
        note = {"what": what, "pid": os.getpid(), "since": time.time()}
        (self.root / HOLDER_FILE).write_text(json.dumps(note))

    def _busy(self) -> CollectionBusy:
        return CollectionBusy(
            f"collection {self.root.name!r} is being changed by another writer ({self.holder()}); "
            "wait until it has finished, then run this again")


class Writable(Protocol):
    """What `writes` needs of a collection: its write lock."""

    def writing(self, what: str) -> AbstractContextManager[None]: ...


C = TypeVar("C", bound=Writable)
P = ParamSpec("P")
R = TypeVar("R")


def writes(what: str) -> Callable[[Callable[Concatenate[C, P], R]], Callable[Concatenate[C, P], R]]:
    """Run a use-case under the write lock of the collection it takes first (`what` names it
    to whoever is kept waiting: "import", "indexing"...)."""
    def decorate(func: Callable[Concatenate[C, P], R]) -> Callable[Concatenate[C, P], R]:
        @functools.wraps(func)
        def locked(collection: C, /, *args: P.args, **kwargs: P.kwargs) -> R:
            with collection.writing(what):
                return func(collection, *args, **kwargs)
        return locked
    return decorate
