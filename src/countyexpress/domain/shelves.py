"""Station storage: shelf places, pickup codes, and the hand-over check with lockout."""

from __future__ import annotations

import math
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


TAIL_SPACE = 10_000
"""How many phone tails (last four digits) there are: one guess in this many is right."""


@dataclass(frozen=True)
class HandoverPolicy:
    """How many failed hand-overs are let through (see docs/operations.md, 取件 limits).

    A failure is a wrong pickup code or a wrong phone tail. Both limits are per client (the
    principal and its address, as the web and the API see them), so an attacker is stopped
    without stopping the station for anyone else: after `max_failures` on one parcel that
    client is locked out of it for `lockout` (again after each further failure), and after
    `client_failures_per_window` failures in `client_window` on any parcels or codes it is
    refused at the station until the oldest of them leaves the window."""

    max_failures: int = 5
    lockout: timedelta = timedelta(minutes=30)
    client_failures_per_window: int = 10
    client_window: timedelta = timedelta(hours=3)

    def __post_init__(self) -> None:
        if self.max_failures < 1 or self.client_failures_per_window < 1:
            raise InvalidValue("handover", "the failure limits must be at least 1")
        if self.lockout <= timedelta(0) or self.client_window <= timedelta(0):
            raise InvalidValue("handover", "the lockout and the window must be positive")


class HandoverOutcome(StrEnum):
    """What a hand-over attempt gives."""

    OK = "ok"
    WRONG = "wrong"  # code or phone tail does not match
    LOCKED = "locked"  # too many failures for this parcel (by this client)
    THROTTLED = "throttled"  # too many failures by this client
    NOT_HERE = "not_here"  # the parcel is not waiting here
    AMBIGUOUS = "ambiguous"  # the number alone, waiting under two shelves: not a failure


@dataclass(frozen=True)
class Attempt:
    """A past hand-over attempt."""

    at: datetime
    ok: bool


def failures_since_success(attempts: Sequence[Attempt]) -> list[datetime]:
    """The times of the failures after the last success, in order."""
    failures: list[datetime] = []
    for a in sorted(attempts, key=lambda a: a.at):
        failures = [] if a.ok else [*failures, a.at]
    return failures


def parcel_locked_until(
    failures: Sequence[datetime], now: datetime, policy: HandoverPolicy
) -> datetime | None:
    """When a parcel's lock ends, if `failures` (since its last success) lock it at `now`:
    from the `max_failures`-th failure on, each failure locks it for `lockout`."""
    if len(failures) < policy.max_failures:
        return None
    until = max(failures) + policy.lockout
    return until if now < until else None


def client_blocked_until(
    failures: Sequence[datetime], now: datetime, policy: HandoverPolicy
) -> datetime | None:
    """When a client may try again, if its `failures` block it at `now`: at most
    `client_failures_per_window` failures in any `client_window`."""
    recent = sorted(t for t in failures if timedelta(0) <= now - t < policy.client_window)
    m = policy.client_failures_per_window
    if len(recent) < m:
        return None
    return recent[len(recent) - m] + policy.client_window


def attempts_per_day(policy: HandoverPolicy) -> int:
    """The most failed hand-overs one client gets counted in any 24 hours: a day spans at
    most ceil(day / window) windows, each with at most `client_failures_per_window`."""
    windows = math.ceil(timedelta(days=1) / policy.client_window)
    return policy.client_failures_per_window * windows


def expected_successes_per_day(
    policy: HandoverPolicy, waiting_share: float = 1.0, tail_space: int = TAIL_SPACE
) -> float:
    """Expected right guesses a day by one client at the limits: each guess is right with
    probability `waiting_share` (the share of guessed pickup codes a parcel waits under; 1
    when the attacker knows a waiting parcel's code) / `tail_space`."""
    return attempts_per_day(policy) * waiting_share / tail_space


def check_handover(
    *,
    expected_code: str,
    expected_tail: str,
    code: str,
    tail: str,
    parcel_attempts: Sequence[Attempt],
    client_failures: Sequence[datetime],
    now: datetime,
    policy: HandoverPolicy = HandoverPolicy(),
) -> HandoverOutcome:
    """Both the pickup code and the phone's last four digits must match, unless the client
    is throttled or locked out of this parcel (its attempts at it: `parcel_attempts`)."""
    if client_blocked_until(client_failures, now, policy) is not None:
        return HandoverOutcome.THROTTLED
    if parcel_locked_until(failures_since_success(parcel_attempts), now, policy) is not None:
        return HandoverOutcome.LOCKED
    given = code.strip().upper()
    if given == expected_code.upper() and tail.strip() == expected_tail:
        return HandoverOutcome.OK
    return HandoverOutcome.WRONG


def unclaimed(stored_at: datetime, now: datetime, days: int) -> bool:
    """Whether a parcel has waited longer than `days` and becomes a return."""
    return now - stored_at > timedelta(days=days)


def waited(stored_at: datetime, now: datetime) -> tuple[int, int]:
    """How long a parcel has waited since it was stored: whole days and the hours past them
    (0, 0 for a time still to come)."""
    hours = max(0, int((now - stored_at) / timedelta(hours=1)))
    return divmod(hours, 24)
