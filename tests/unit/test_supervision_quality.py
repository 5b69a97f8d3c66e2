"""Service quality per carrier: timeliness against the limits, months in county time."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.supervision.quality import (
    LEVELS,
    ComplaintFact,
    QualityRules,
    Trip,
    service_quality,
)
from countyexpress.errors import InvalidValue

RULES = QualityRules({"county_seat": 24, "township": 48, "village": 72})
T0 = dt.datetime(2026, 11, 10, 2, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)


def trip(level: str, hours: float | None, carrier: str = "zto", **kw: object) -> Trip:
    done = T0 + dt.timedelta(hours=hours) if hours is not None else None
    return Trip(carrier, level, "652828100000", T0, done, **kw)  # type: ignore[arg-type]


def test_a_village_parcel_has_72_hours_and_a_county_seat_parcel_24() -> None:
    """The same 30 hours is on time for a village, late for the county seat."""
    (row,) = service_quality([trip("village", 30), trip("county_seat", 30)], [], RULES, NOW)
    assert (row.on_time, row.late, row.on_time_rate) == (1, 1, 0.5)


def test_a_parcel_not_handed_over_is_late_once_its_limit_has_passed() -> None:
    """Waiting within the limit; late after it, though never delivered."""
    early = T0 + dt.timedelta(hours=10)
    (row,) = service_quality([trip("village", None)], [], RULES, early)
    assert (row.waiting, row.late) == (1, 0)
    (row,) = service_quality([trip("village", None)], [], RULES, NOW)
    assert (row.waiting, row.late, row.on_time_rate) == (0, 1, 0.0)


def test_months_are_the_countys_and_complaints_count_per_million() -> None:
    """Arrived 30 Nov 17:00 UTC is 1 December in the county; one complaint on two parcels
    is 500,000 per million."""
    late_night = Trip("zto", "village", "t", dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC))
    rows = service_quality(
        [trip("village", 5), late_night],
        [ComplaintFact("zto", "2026-11", "unconsented_delivery", True)],
        RULES,
        NOW + dt.timedelta(days=30),
    )
    assert [(r.month, r.parcels) for r in rows] == [("2026-11", 1), ("2026-12", 1)]
    assert rows[0].complaints_per_million == 1_000_000 and rows[0].unconsented == 1


def test_losses_are_counted_per_10000_parcels() -> None:
    """One parcel in four reported lost is 2,500 per 10,000."""
    trips = [trip("township", 5, lost_or_damaged=i == 0) for i in range(4)]
    (row,) = service_quality(trips, [], RULES, NOW)
    assert row.loss_per_10k == 2500


def test_limits_are_required_for_every_destination() -> None:
    """A pack without a village limit is refused when read."""
    with pytest.raises(InvalidValue, match="village"):
        QualityRules({"county_seat": 24, "township": 48})


@given(
    st.lists(
        st.tuples(
            st.sampled_from(LEVELS),
            st.one_of(st.none(), st.floats(min_value=0, max_value=400)),
            st.sampled_from(["zto", "jt"]),
        ),
        max_size=40,
    )
)
def test_every_parcel_is_on_time_late_or_waiting_exactly_once(
    spec: list[tuple[str, float | None, str]],
) -> None:
    """Per carrier-month the three counts add up to the parcels; townships split them."""
    trips = [trip(level, hours, carrier) for level, hours, carrier in spec]
    rows = service_quality(trips, [], RULES, NOW)
    assert sum(r.parcels for r in rows) == len(trips)
    for r in rows:
        assert r.on_time + r.late + r.waiting == r.parcels
        assert sum(r.by_level.values()) == r.parcels
    split = service_quality(trips, [], RULES, NOW, by_township=True)
    assert sum(r.on_time for r in split) == sum(r.on_time for r in rows)
