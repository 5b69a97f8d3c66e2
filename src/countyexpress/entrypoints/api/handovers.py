"""The hand-over limits at the edge: who the client is, and the 429 of a refused attempt.

The web's station screen and the API share one `HandoverGuard` in app.state, so a client
throttled on one is throttled on the other.
"""

from __future__ import annotations

import math
import threading

from fastapi import Request

from countyexpress.domain.access import Principal
from countyexpress.domain.shelves import HandoverOutcome
from countyexpress.errors import N_, TooManyRequests, said
from countyexpress.services.handover_guard import HandoverGuard
from countyexpress.services.stations import Client, Handover

_made = threading.Lock()
REFUSED = {HandoverOutcome.LOCKED, HandoverOutcome.THROTTLED}
"""Outcomes refused for the failures before them: 429 with Retry-After."""


def client_of(request: Request, by: Principal) -> Client:
    """The asking client: the principal and the address the request came from (proxy
    headers are trusted only as configured), with the app's guard."""
    state = request.app.state
    with _made:
        if getattr(state, "handovers", None) is None:
            state.handovers = HandoverGuard()
    address = request.client.host if request.client else "unknown"
    return Client(f"{by.id}@{address}", state.handovers)


def too_many(h: Handover) -> TooManyRequests:
    """The 429 of a LOCKED or THROTTLED hand-over, with its wait, translatable."""
    minutes = max(1, math.ceil(h.retry_after_s / 60))
    if h.outcome is HandoverOutcome.LOCKED:
        exc = said(
            TooManyRequests,
            N_("too many wrong attempts at this parcel from here: try again in %(minutes)s min"),
            minutes=minutes,
        )
    else:
        exc = said(
            TooManyRequests,
            N_("too many wrong attempts from this device: try again in %(minutes)s min"),
            minutes=minutes,
        )
    exc.retry_after_s = h.retry_after_s
    return exc
