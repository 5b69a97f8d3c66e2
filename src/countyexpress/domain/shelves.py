"""Station storage: shelf places, pickup codes, and the hand-over check with lockout."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from countyexpress.errors import N_, InvalidValue, said


@dataclass(frozen=True)
class ShelfLayout:
    """A station's shelves and how many parcels each holds."""

    shelves: tuple[str, ...] = ("A", "B", "C", "D")
    capacity: int = 60

    def __post_init__(self) -> None:
        if not self.shelves:
            raise InvalidValue("shelves", "a station needs at least one shelf")
        if self.capacity < 1:
            raise InvalidValue("capacity", "a shelf holds at least one parcel")


def choose_shelf(layout: ShelfLayout, occupancy: Mapping[str, int]) -> str:
    """The first shelf, in order, with room; InvalidValue when every shelf is full."""
    for shelf in layout.shelves:
        if occupancy.get(shelf, 0) < layout.capacity:
            return shelf
    raise said(
        InvalidValue, N_("every shelf is full: hand parcels over or return the unclaimed"), "shelf"
    )


def pickup_code(shelf: str, sequence: int) -> str:
    """A pickup code (取件码) a person can read out: shelf, dash, a 4-digit running number."""
    return f"{shelf}-{sequence % 10000:04d}"


@dataclass(frozen=True)
class HandoverPolicy:
    """Lockout after repeated failures per parcel, and a failure budget per station."""

    max_failures: int = 5
    lockout: timedelta = timedelta(minutes=30)
    station_failures_per_window: int = 30
    station_window: timedelta = timedelta(minutes=10)


class HandoverOutcome(StrEnum):
    """What a hand-over attempt gives."""

    OK = "ok"
    WRONG = "wrong"  # code or phone tail does not match
    LOCKED = "locked"  # too many failures for this parcel
    THROTTLED = "throttled"  # too many failures at this station
    NOT_HERE = "not_here"  # the parcel is not waiting here


@dataclass(frozen=True)
class Attempt:
    """A past hand-over attempt."""

    at: datetime
    ok: bool


def check_handover(
    *,
    expected_code: str,
    expected_tail: str,
    code: str,
    tail: str,
    parcel_attempts: Sequence[Attempt],
    station_failures: Sequence[datetime],
    now: datetime,
    policy: HandoverPolicy = HandoverPolicy(),
) -> HandoverOutcome:
    """Both the pickup code and the phone's last four digits must match, unless locked out."""
    recent = [t for t in station_failures if now - t < policy.station_window]
    if len(recent) >= policy.station_failures_per_window:
        return HandoverOutcome.THROTTLED
    failures: list[datetime] = []
    for a in sorted(parcel_attempts, key=lambda a: a.at):
        failures = [] if a.ok else [*failures, a.at]
    if len(failures) >= policy.max_failures and now - failures[-1] < policy.lockout:
        return HandoverOutcome.LOCKED
    given = code.strip().upper()
    if given == expected_code.upper() and tail.strip() == expected_tail:
        return HandoverOutcome.OK
    return HandoverOutcome.WRONG


def unclaimed(stored_at: datetime, now: datetime, days: int) -> bool:
    """Whether a parcel has waited longer than `days` and becomes a return."""
    return now - stored_at > timedelta(days=days)
