"""Consent, shelves, pickup codes, the hand-over lockout, lockers and the tariff."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.delivery import DeliveryChoice, decide_delivery
from countyexpress.domain.lockers import LockerFees, Size, allocate
from countyexpress.domain.operations import ScreeningRules, Tariff
from countyexpress.domain.shelves import (
    Attempt,
    HandoverOutcome,
    HandoverPolicy,
    ShelfLayout,
    check_handover,
    choose_shelf,
    pickup_code,
    unclaimed,
)
from countyexpress.errors import InvalidValue

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("consent", "station", "locker", "mode", "flagged"),
    [
        (DeliveryChoice.STATION, True, False, DeliveryChoice.STATION, False),
        (DeliveryChoice.LOCKER, True, True, DeliveryChoice.LOCKER, False),
        (DeliveryChoice.DOOR, True, True, DeliveryChoice.DOOR, False),
        (None, True, True, DeliveryChoice.DOOR, True),
        (DeliveryChoice.LOCKER, True, False, DeliveryChoice.DOOR, True),
    ],
)
def test_a_parcel_goes_to_a_station_or_locker_only_with_consent(
    consent: DeliveryChoice | None, station: bool, locker: bool, mode: DeliveryChoice, flagged: bool
) -> None:
    """No consent, or no such place: door delivery, flagged for a person to see."""
    decision = decide_delivery(consent, station, locker)
    assert (decision.mode, decision.flagged_for_door) == (mode, flagged)


def test_shelves_fill_in_order_and_a_full_station_says_so() -> None:
    """The first shelf with room is chosen; when all are full the keeper is told."""
    layout = ShelfLayout(("A", "B"), capacity=2)
    assert choose_shelf(layout, {}) == "A"
    assert choose_shelf(layout, {"A": 2, "B": 1}) == "B"
    with pytest.raises(InvalidValue, match="every shelf is full"):
        choose_shelf(layout, {"A": 2, "B": 2})


def test_a_pickup_code_names_the_shelf_and_a_running_number() -> None:
    """取件码 like A-0127, readable over a counter."""
    assert pickup_code("A", 127) == "A-0127"
    assert pickup_code("C", 10_003) == "C-0003"


def handover(code: str = "A-0001", tail: str = "5678", attempts=(), failures=(), now=NOW):
    return check_handover(
        expected_code="A-0001", expected_tail="5678", code=code, tail=tail,
        parcel_attempts=list(attempts), client_failures=list(failures), now=now,
    )  # fmt: skip


def test_handover_needs_both_the_code_and_the_phone_tail() -> None:
    """Code alone or tail alone is not enough."""
    assert handover() is HandoverOutcome.OK
    assert handover(code="a-0001") is HandoverOutcome.OK  # case does not matter
    assert handover(tail="0000") is HandoverOutcome.WRONG
    assert handover(code="A-0002") is HandoverOutcome.WRONG


def test_five_failures_lock_the_parcel_for_thirty_minutes() -> None:
    """Even the right code is refused while locked; the lock ends after 30 minutes."""
    fails = [Attempt(NOW - timedelta(minutes=5 - i), ok=False) for i in range(5)]
    assert handover(attempts=fails) is HandoverOutcome.LOCKED
    assert handover(attempts=fails[:4]) is HandoverOutcome.OK
    assert handover(attempts=fails, now=NOW + timedelta(minutes=31)) is HandoverOutcome.OK


def test_a_success_resets_the_failure_count() -> None:
    """Failures before a successful hand-over no longer count."""
    history = [Attempt(NOW - timedelta(minutes=9 - i), ok=False) for i in range(4)]
    history += [Attempt(NOW - timedelta(minutes=4), ok=True), Attempt(NOW, ok=False)]
    assert handover(attempts=history) is HandoverOutcome.OK


def test_a_client_with_many_recent_failures_is_throttled() -> None:
    """Ten failures by one client in three hours stop its attempts, right or wrong, until
    the oldest leaves the window."""
    policy = HandoverPolicy()
    burst = [NOW - timedelta(seconds=i) for i in range(policy.client_failures_per_window)]
    assert handover(failures=burst) is HandoverOutcome.THROTTLED
    old = [NOW - policy.client_window - timedelta(minutes=1)] * 50
    assert handover(failures=old) is HandoverOutcome.OK


@given(st.lists(st.booleans(), max_size=20), st.text(max_size=6), st.text(max_size=4))
def test_a_wrong_code_or_tail_never_hands_over(history: list[bool], code: str, tail: str) -> None:
    """Whatever happened before, a mismatch is never OK."""
    attempts = [
        Attempt(NOW - timedelta(minutes=len(history) - i), ok) for i, ok in enumerate(history)
    ]
    if code.strip().upper() == "A-0001" and tail.strip() == "5678":
        return
    assert handover(code, tail, attempts) is not HandoverOutcome.OK


def test_parcels_waiting_longer_than_the_limit_are_unclaimed() -> None:
    """7 days and a minute is over the limit; 7 days exactly is not."""
    assert not unclaimed(NOW - timedelta(days=7), NOW, 7)
    assert unclaimed(NOW - timedelta(days=7, minutes=1), NOW, 7)


def test_lockers_give_the_smallest_free_compartment_that_fits() -> None:
    """A small parcel takes S before M; a large one only L; none free gives None."""
    free = [("M01", Size.M), ("S02", Size.S), ("L01", Size.L), ("S01", Size.S)]
    assert allocate(Size.S, free) == "S01"
    assert allocate(Size.M, free) == "M01"
    assert allocate(Size.L, [("S01", Size.S)]) is None


@pytest.mark.parametrize(
    ("hours", "fee"), [(0, "0"), (12, "0"), (12.1, "0.5"), (24, "0.5"), (24.5, "1.0"), (200, "3")]
)
def test_locker_fees_start_after_the_free_hours_and_stop_at_the_cap(hours: float, fee: str) -> None:
    """12 h free, then 0.5 per started 12 h, at most 3 (the Hive Box 2020 rule as settings)."""
    assert LockerFees().fee(hours) == Decimal(fee)


def test_the_tariff_charges_the_carrier_rate_plus_weight_over_the_allowance() -> None:
    """SF pays its own rate; others the default; 5 kg pays 2 kg over 3 kg."""
    tariff = Tariff(Decimal("0.80"), {"sf": Decimal("1.20")}, 3.0, Decimal("0.20"))
    assert tariff.fee("sf", 1.0) == Decimal("1.20")
    assert tariff.fee("zto", 5.0) == Decimal("1.20")
    assert tariff.fee("zto", None) == Decimal("0.80")


def test_screening_happens_once_at_the_sorting_centre_or_the_bypass_office() -> None:
    """Carriers that bypass the prefecture centre screen at their county-town office."""
    rules = ScreeningRules("BZ-SORT", {"sf": "HS-SF-OFFICE"})
    assert rules.place_for("zto").facility == "BZ-SORT"
    assert not rules.place_for("zto").in_county
    sf = rules.place_for("sf")
    assert (sf.facility, sf.in_county) == ("HS-SF-OFFICE", True)
