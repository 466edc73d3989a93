"""Load something expensive once, on first use, even when several threads ask at once."""

from __future__ import annotations

import threading


class LazyLoaded:
    """A mixin: `load()` runs once, before the first `_ensure_loaded()` returns.

    Web requests call models from several threads: the lock keeps two first calls from loading
    the weights twice (twice the memory, twice the time); once loaded, no call takes it.
    """

    def __init__(self) -> None:
        self._loaded = False
        self._load_lock = threading.Lock()

    def load(self) -> None:
        """Load weights or anything expensive (nothing by default)."""

    def _ensure_loaded(self) -> None:
        if self._loaded:
            return
        with self._load_lock:
            if not self._loaded:
                self.load()
                self._loaded = True
