"""The one state machine: a parcel's state derived from its scan events.

Events are ordered by device time (ties by event id), since offline devices upload late
and out of order. An event that makes no sense after the ones before it is *reported* as
an anomaly, never refused: the ledger keeps what was scanned, the state follows the
physical scans, and people look at the anomalies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from countyexpress.domain.scans import ScanEvent, ScanKind


class ParcelState(StrEnum):
    """Where a parcel is in its life."""

    NEW = "new"  # known from a manifest, not scanned yet
    COLLECTED = "collected"  # 已揽收
    INSPECTED = "inspected"  # 已验视
    SCREENED = "screened"  # 已安检
    ARRIVED = "arrived"  # 已到件
    SORTED = "sorted"  # 已分拣
    IN_TRANSIT = "in_transit"  # 运输中/派送中
    STORED = "stored"  # 待取件 (on a shelf or in a locker)
    DELIVERED = "delivered"  # 已签收
    RETURNED = "returned"  # 退回中


S = ParcelState
K = ScanKind

AFTER: dict[ScanKind, ParcelState] = {
    K.COLLECT: S.COLLECTED,
    K.INSPECT: S.INSPECTED,
    K.SCREEN: S.SCREENED,
    K.ARRIVE: S.ARRIVED,
    K.SORT: S.SORTED,
    K.DEPART: S.IN_TRANSIT,
    K.STORE: S.STORED,
    K.PICKUP: S.DELIVERED,
    K.RETURN: S.RETURNED,
}
"""The state each kind of scan leads to; an exception scan keeps the state."""

_MOVING = {S.ARRIVED, S.SORTED, S.IN_TRANSIT, S.SCREENED, S.INSPECTED, S.COLLECTED}
ALLOWED_FROM: dict[ScanKind, frozenset[ParcelState]] = {
    K.COLLECT: frozenset({S.NEW}),
    K.INSPECT: frozenset({S.NEW, S.COLLECTED}),
    K.SCREEN: frozenset({S.INSPECTED, S.COLLECTED, S.ARRIVED, S.IN_TRANSIT, S.SORTED}),
    K.ARRIVE: frozenset({S.NEW, S.IN_TRANSIT, S.SCREENED, S.INSPECTED, S.RETURNED}),
    K.SORT: frozenset({S.ARRIVED, S.SCREENED}),
    K.DEPART: frozenset(
        {S.ARRIVED, S.SORTED, S.SCREENED, S.INSPECTED, S.STORED, S.RETURNED, S.IN_TRANSIT}
    ),
    K.STORE: frozenset({S.ARRIVED, S.IN_TRANSIT, S.SORTED}),
    K.PICKUP: frozenset({S.STORED, S.IN_TRANSIT, S.ARRIVED}),
    K.RETURN: frozenset({S.STORED, S.ARRIVED, S.IN_TRANSIT, S.SORTED}),
    K.EXCEPTION: frozenset(set(S)),
}
"""From which states each kind of scan is expected; anything else is an anomaly."""

TERMINAL = frozenset({S.DELIVERED})


@dataclass(frozen=True)
class Anomaly:
    """A scan that does not fit the scans before it."""

    event_id: str
    kind: ScanKind
    state_before: ParcelState
    reason: str


@dataclass(frozen=True)
class ParcelStatus:
    """What the events say about a parcel now."""

    waybill_no: str
    state: ParcelState
    place: str
    last_at: datetime | None
    events: tuple[ScanEvent, ...]
    anomalies: tuple[Anomaly, ...]
    open_exception: bool

    @property
    def picked_up(self) -> bool:
        """Whether the receiver has the parcel."""
        return self.state is S.DELIVERED


def order(events: Iterable[ScanEvent]) -> list[ScanEvent]:
    """Events in device-time order; ties broken by event id so the order is total."""
    return sorted(events, key=lambda e: (e.at, e.event_id))


def derive(waybill_no: str, events: Iterable[ScanEvent]) -> ParcelStatus:
    """Replay a parcel's events through the state machine."""
    ordered = order({e.event_id: e for e in events}.values())
    state, place, last_at = S.NEW, "", None
    anomalies: list[Anomaly] = []
    open_exception = False
    for e in ordered:
        if e.kind is K.EXCEPTION:
            open_exception = True
            last_at = e.at
            continue
        if state in TERMINAL:
            anomalies.append(
                Anomaly(e.event_id, e.kind, state, f"{e.kind} after the parcel was {state}")
            )
            continue
        if state not in ALLOWED_FROM[e.kind]:
            anomalies.append(
                Anomaly(e.event_id, e.kind, state, f"{e.kind} is not expected when {state}")
            )
        state = AFTER[e.kind]
        place = e.facility
        last_at = e.at
        open_exception = False
    return ParcelStatus(
        waybill_no=waybill_no,
        state=state,
        place=place,
        last_at=last_at,
        events=tuple(ordered),
        anomalies=tuple(anomalies),
        open_exception=open_exception,
    )
