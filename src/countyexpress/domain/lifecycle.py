"""The one state machine: a parcel's state derived from its scan events.

Events are ordered by device time (ties by event id), since offline devices upload late
and out of order. An event that makes no sense after the ones before it is *reported* as
an anomaly, never refused: the ledger keeps what was scanned, the state follows the
physical scans, and people look at the anomalies. (A desk scan — a person at a screen
scanning a parcel in now — is another matter: a desk refuses one that contradicts the
parcel's later state, `domain/desk_rules.py`.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from operator import attrgetter

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


_TIME_THEN_ID = attrgetter("at", "event_id")


def order(events: Iterable[ScanEvent]) -> list[ScanEvent]:
    """Events in device-time order; ties broken by event id so the order is total."""
    return sorted(events, key=_TIME_THEN_ID)


def _distinct_in_order(events: Iterable[ScanEvent]) -> list[ScanEvent]:
    """Each event once (by id), in device-time order (one event: as it is)."""
    evs = events if isinstance(events, list) else list(events)
    return evs if len(evs) < 2 else order({e.event_id: e for e in evs}.values())


@dataclass(frozen=True)
class ParcelSummary:
    """What the projection keeps of a parcel: its state and counts, not its history.

    Enough to continue the state machine when later events arrive (`advance`), so a
    parcel seen before is not replayed from all its events."""

    waybill_no: str
    carrier: str  # the carrier of the latest event
    state: ParcelState
    place: str
    last_at: datetime | None
    events: int
    anomalies: int
    open_exception: bool

    @classmethod
    def unseen(cls, waybill_no: str) -> ParcelSummary:
        """The summary of a parcel with no event yet (what `advance` continues for a parcel
        new to the ledger)."""
        return cls(waybill_no, "", ParcelState.NEW, "", None, 0, 0, False)

    @classmethod
    def of(cls, status: ParcelStatus) -> ParcelSummary:
        """The summary of a full derivation."""
        last = status.events[-1] if status.events else None
        return cls(
            waybill_no=status.waybill_no,
            carrier=last.carrier if last else "",
            state=status.state,
            place=status.place,
            last_at=status.last_at,
            events=len(status.events),
            anomalies=len(status.anomalies),
            open_exception=status.open_exception,
        )


def _step(state: ParcelState, e: ScanEvent) -> tuple[ParcelState, bool, Anomaly | None]:
    """One scan through the state machine: the next state, whether the scan moved the
    parcel (an exception or a scan after delivery does not), and its anomaly if any."""
    if e.kind is K.EXCEPTION:
        return state, False, None
    if state in TERMINAL:
        return (
            state,
            False,
            Anomaly(e.event_id, e.kind, state, f"{e.kind} after the parcel was {state}"),
        )
    anomaly = None
    if state not in ALLOWED_FROM[e.kind]:
        anomaly = Anomaly(e.event_id, e.kind, state, f"{e.kind} is not expected when {state}")
    return AFTER[e.kind], True, anomaly


def derive(waybill_no: str, events: Iterable[ScanEvent]) -> ParcelStatus:
    """Replay a parcel's events through the state machine."""
    ordered = _distinct_in_order(events)
    state, place, last_at = S.NEW, "", None
    anomalies: list[Anomaly] = []
    open_exception = False
    for e in ordered:
        state, moved, anomaly = _step(state, e)
        if anomaly is not None:
            anomalies.append(anomaly)
        if e.kind is K.EXCEPTION:
            open_exception, last_at = True, e.at
        elif moved:
            place, last_at, open_exception = e.facility, e.at, False
    return ParcelStatus(
        waybill_no=waybill_no,
        state=state,
        place=place,
        last_at=last_at,
        events=tuple(ordered),
        anomalies=tuple(anomalies),
        open_exception=open_exception,
    )


def entered_at(events: Iterable[ScanEvent]) -> datetime | None:
    """When the parcel came into its state now: the device time of its latest scan that
    moved it (an exception scan, or a scan after delivery, does not; `last_at` counts the
    exceptions too)."""
    state, at = S.NEW, None
    for e in order({e.event_id: e for e in events}.values()):
        state, moved, _ = _step(state, e)
        if moved:
            at = e.at
    return at


def advance(summary: ParcelSummary, events: Iterable[ScanEvent]) -> ParcelSummary | None:
    """Continue a parcel's summary with new events, or None when they cannot simply follow.

    Events strictly later (in device time) than the parcel's latest event give exactly
    the summary a replay of the whole history would give (so do any events after a
    summary of no event, `ParcelSummary.unseen`). An earlier or simultaneous
    (late-uploaded) event may change what came after it, and a delivered parcel's
    latest scans need not be its `last_at`: those parcels are replayed (`derive`).
    The new events must not be in the ledger yet."""
    ordered = _distinct_in_order(events)
    if not ordered:
        return summary
    if summary.last_at is None:
        if summary.events:  # (a summary with events always has a time: not one of ours)
            return None
    elif summary.state in TERMINAL or ordered[0].at <= summary.last_at:
        return None
    state, place, last_at = summary.state, summary.place, summary.last_at
    anomalies, open_exception = summary.anomalies, summary.open_exception
    for e in ordered:
        state, moved, anomaly = _step(state, e)
        anomalies += anomaly is not None
        if e.kind is K.EXCEPTION:
            open_exception, last_at = True, e.at
        elif moved:
            place, last_at, open_exception = e.facility, e.at, False
    return ParcelSummary(
        waybill_no=summary.waybill_no,
        carrier=ordered[-1].carrier,
        state=state,
        place=place,
        last_at=last_at,
        events=summary.events + len(ordered),
        anomalies=anomalies,
        open_exception=open_exception,
    )
