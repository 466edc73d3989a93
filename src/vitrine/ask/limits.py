"""Rate limits per caller and for everyone together (token buckets), for the ask page and the bot."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict


class Buckets:
    """A token bucket per key: `per_period` uses per `period_s`, refilled continuously; 0: no limit."""

    def __init__(self, per_period: int, period_s: float = 60.0, max_keys: int = 10_000) -> None:
        self.rate = per_period / period_s
        self.capacity = float(max(per_period, 1))
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str, now: float | None = None) -> bool:
        """Take one use for `key`; False when its bucket is empty (nothing is taken then)."""
        if self.rate <= 0:
            return True
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.pop(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            allowed = tokens >= 1.0
            self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
            return allowed


class Limits:
    """Per-caller and global limits together: a use is allowed when both have room."""

    def __init__(self, per_caller: int, overall: int, period_s: float = 60.0) -> None:
        self.callers = Buckets(per_caller, period_s)
        self.overall = Buckets(overall, period_s, max_keys=1)

    def allow(self, caller: str, now: float | None = None) -> bool:
        return self.callers.allow(caller, now) and self.overall.allow("*", now)
