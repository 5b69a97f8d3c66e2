"""The failed hand-overs of each client, kept in the process (see `domain.shelves`).

A client is whoever the web or the API serves: the principal and its address. The web and
the API share one guard (app.state), which fits the one-process laptop install; a region
running several workers behind a proxy should throttle at the proxy as well. The parcels'
own attempts are in the database (`handover_attempts`) whoever made them.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import deque

HORIZON = dt.timedelta(days=1)
"""Failures older than this are forgotten (no window or lockout is longer than a day)."""


class HandoverGuard:
    """Failure times per client and per (client, parcel), safe across threads."""

    def __init__(self, horizon: dt.timedelta = HORIZON) -> None:
        self.horizon = horizon
        self._failures: dict[tuple[str, str], deque[dt.datetime]] = {}
        self._lock = threading.Lock()
        self._swept: dt.datetime | None = None

    def _recent(self, key: tuple[str, str], now: dt.datetime) -> list[dt.datetime]:
        times = self._failures.get(key)
        if times is None:
            return []
        while times and now - times[0] >= self.horizon:
            times.popleft()
        if not times:
            del self._failures[key]
        return list(times)

    def client_failures(self, client: str, now: dt.datetime) -> list[dt.datetime]:
        """The client's failures on any parcel or code within the horizon."""
        with self._lock:
            return self._recent((client, ""), now)

    def parcel_failures(self, client: str, parcel: str, now: dt.datetime) -> list[dt.datetime]:
        """The client's failures on this parcel since it last succeeded, within the horizon."""
        with self._lock:
            return self._recent((client, parcel), now)

    def failed(self, client: str, parcel: str, at: dt.datetime) -> None:
        """Count a failure of `client`, on `parcel` ("" for a code no parcel waits under)."""
        with self._lock:
            if self._swept is None or at - self._swept >= self.horizon:  # clients gone
                self._swept = at
                for key in list(self._failures):
                    self._recent(key, at)
            keys = [(client, "")] + ([(client, parcel)] if parcel else [])
            for key in keys:
                times = self._failures.setdefault(key, deque())
                times.append(at)
                if len(times) > 1 and times[-2] > at:  # an attempt dated earlier: keep order
                    self._failures[key] = deque(sorted(times))

    def __len__(self) -> int:
        """How many clients and (client, parcel) pairs have failures kept."""
        with self._lock:
            return len(self._failures)

    def succeeded(self, client: str, parcel: str) -> None:
        """The parcel was handed over: its failures by this client no longer count."""
        with self._lock:
            self._failures.pop((client, parcel), None)
