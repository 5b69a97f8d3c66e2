"""Sliding-window throttles for guessable secrets: phone tails and passwords.

Kept in the process (app.state), which fits the one-process laptop install; a region
running several workers behind a proxy should throttle at the proxy as well.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

LOOKUP_LIMIT, LOOKUP_WINDOW_S = 20, 600.0
"""Public parcel look-ups per client address in ten minutes."""
LOGIN_FAILURES, LOGIN_FAILURES_PER_ADDRESS, LOGIN_WINDOW_S = 5, 20, 900.0
"""Failed log-ins in fifteen minutes: per user name from one address (so a stranger
cannot lock a user out from elsewhere), and per address whatever the names (spraying)."""


class SlidingWindow:
    """At most `limit` hits per key within `window_s` seconds."""

    def __init__(
        self, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if limit < 1 or window_s <= 0:
            raise ValueError("a throttle needs a positive limit and window")
        self.limit, self.window_s, self._clock = limit, window_s, clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        hits = self._hits.get(key)
        if hits is None:
            return deque()
        while hits and now - hits[0] >= self.window_s:
            hits.popleft()
        if not hits:
            del self._hits[key]
        return hits

    def retry_after(self, key: str) -> int:
        """Whole seconds until `key` may try again; 0 when it may now."""
        with self._lock:
            now = self._clock()
            hits = self._recent(key, now)
            if len(hits) < self.limit:
                return 0
            return max(1, math.ceil(hits[0] + self.window_s - now))

    def record(self, key: str) -> None:
        """Count one hit for `key`."""
        with self._lock:
            now = self._clock()
            self._recent(key, now)
            self._hits.setdefault(key, deque()).append(now)

    def hit(self, key: str) -> bool:
        """Count a hit if `key` is under its limit; False (and nothing counted) if not."""
        with self._lock:
            now = self._clock()
            if len(self._recent(key, now)) >= self.limit:
                return False
            self._hits.setdefault(key, deque()).append(now)
            return True

    def forget(self, key: str) -> None:
        """Drop `key`'s hits (a successful log-in clears its failures)."""
        with self._lock:
            self._hits.pop(key, None)
