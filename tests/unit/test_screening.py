"""Screening routed by the county's rules: once, at the sorting centre or the carrier office."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.facilities import FacilityKind
from countyexpress.domain.operations import ScreeningRules
from countyexpress.domain.scans import ScanEvent, ScanKind
from countyexpress.domain.screening import (
    NEVER_SCREEN,
    Leg,
    can_depart,
    can_leave_county,
    leg_of,
    required_place,
    screen_refusal,
    security_marked,
)

RULES = ScreeningRules(sorting_center="BZ-SORT", bypass_offices={"sf": "HS-SF-OFFICE"})
T0 = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
FACILITIES = ["HS-STA-01", "HS-CENTER", "HS-SF-OFFICE", "BZ-SORT"]


def ev(kind: ScanKind, facility: str, minutes: int, carrier: str = "sf", **payload: object):
    return ScanEvent(str(uuid.uuid4()), "SF1234567890123", carrier, kind, facility,
                     T0 + dt.timedelta(minutes=minutes), "", payload)  # fmt: skip


def taken_in(carrier: str) -> list[ScanEvent]:
    return [ev(ScanKind.COLLECT, "HS-STA-01", 0, carrier), ev(ScanKind.INSPECT, "HS-STA-01", 1,
            carrier)]  # fmt: skip


def test_a_bypass_carrier_is_screened_at_its_county_town_office() -> None:
    """sf → HS-SF-OFFICE, in the county; zto → BZ-SORT, outside it."""
    sf, zto = required_place(RULES, "sf"), required_place(RULES, "zto")
    assert (sf.facility, sf.in_county) == ("HS-SF-OFFICE", True)
    assert (zto.facility, zto.in_county) == ("BZ-SORT", False)


@given(
    carrier=st.sampled_from(["sf", "zto", "ems", "jt"]),
    kind=st.sampled_from(sorted(NEVER_SCREEN)),
    facility=st.sampled_from(FACILITIES),
)
def test_stations_outlets_and_lockers_never_screen(
    carrier: str, kind: FacilityKind, facility: str
) -> None:
    """Whatever the carrier and the code, a station, outlet or locker is refused (task 11)."""
    reason = screen_refusal(RULES, carrier, facility, kind)
    assert reason is not None and "never screen" in reason
    assert required_place(RULES, carrier).facility in reason


@pytest.mark.parametrize(
    ("carrier", "facility", "kind", "right"),
    [
        ("sf", "HS-CENTER", FacilityKind.CENTER, "HS-SF-OFFICE"),
        ("sf", "BZ-SORT", FacilityKind.SORTING_CENTER, "HS-SF-OFFICE"),
        ("zto", "HS-CENTER", FacilityKind.CENTER, "BZ-SORT"),
        ("zto", "HS-SF-OFFICE", FacilityKind.CARRIER_OFFICE, "BZ-SORT"),
    ],
)
def test_screening_elsewhere_is_refused_naming_the_right_place(
    carrier: str, facility: str, kind: FacilityKind, right: str
) -> None:
    """The reason tells where to go."""
    reason = screen_refusal(RULES, carrier, facility, kind)
    assert reason == f"{carrier} parcels are screened at {right}, not at {facility}"


def test_a_parcel_is_screened_once() -> None:
    """A second screen at the right place is refused."""
    first = [*taken_in("sf"), ev(ScanKind.SCREEN, "HS-SF-OFFICE", 30)]
    assert screen_refusal(RULES, "sf", "HS-SF-OFFICE", FacilityKind.CARRIER_OFFICE) is None
    reason = screen_refusal(RULES, "sf", "HS-SF-OFFICE", FacilityKind.CARRIER_OFFICE, first)
    assert reason is not None and "screened once" in reason


def test_rules_without_a_screening_place_refuse_every_screen() -> None:
    """An empty [operations.screening] is a configuration gap, named as such."""
    reason = screen_refusal(ScreeningRules(), "zto", "BZ-SORT", FacilityKind.SORTING_CENTER)
    assert reason is not None and "operations.screening" in reason


def test_a_parcel_through_the_sorting_centre_may_leave_the_county_unscreened() -> None:
    """zto is screened at BZ-SORT, after the county."""
    ok, reason = can_leave_county(taken_in("zto"), RULES)
    assert ok and "BZ-SORT" in reason


def test_a_bypass_parcel_may_leave_the_county_only_once_screened_at_its_office() -> None:
    """sf: refused unscreened, refused when screened at the wrong place, allowed after."""
    ok, reason = can_leave_county(taken_in("sf"), RULES)
    assert not ok and "screen it at HS-SF-OFFICE" in reason
    wrong = [*taken_in("sf"), ev(ScanKind.SCREEN, "BZ-SORT", 30)]
    assert not can_leave_county(wrong, RULES)[0]
    right = [*taken_in("sf"), ev(ScanKind.SCREEN, "HS-SF-OFFICE", 30)]
    assert can_leave_county(right, RULES) == (True, "screened at HS-SF-OFFICE")


def test_a_screen_scanned_after_the_departure_does_not_clear_it() -> None:
    """By device time: the screen must come before the parcel leaves."""
    events = [*taken_in("sf"), ev(ScanKind.SCREEN, "HS-SF-OFFICE", 90)]
    assert not can_leave_county(events, RULES, at=T0 + dt.timedelta(minutes=60))[0]
    assert can_leave_county(events, RULES, at=T0 + dt.timedelta(minutes=90))[0]


def test_a_parcel_with_no_scans_may_not_leave() -> None:
    """Nothing known, nothing cleared."""
    assert can_leave_county([], RULES) == (False, "no scan of this parcel is recorded")


def test_leaving_the_sorting_centre_needs_the_screen_there() -> None:
    """zto may reach BZ-SORT unscreened but not move on from it unscreened."""
    events = [*taken_in("zto"), ev(ScanKind.ARRIVE, "BZ-SORT", 120, "zto")]
    ok, reason = can_depart(events, RULES, Leg.ONWARD)
    assert not ok and "BZ-SORT" in reason
    events.append(ev(ScanKind.SCREEN, "BZ-SORT", 130, "zto", security_mark=True))
    assert can_depart(events, RULES, Leg.ONWARD) == (True, "screened at BZ-SORT")


def test_moves_within_the_county_need_no_screening() -> None:
    """Station → centre, centre → carrier office: allowed for every carrier."""
    for carrier in ("sf", "zto"):
        assert can_depart(taken_in(carrier), RULES, Leg.LOCAL)[0]


@pytest.mark.parametrize(
    ("source", "dest", "leg"),
    [
        (FacilityKind.STATION, None, Leg.LOCAL),
        (FacilityKind.OUTLET, None, Leg.LOCAL),
        (FacilityKind.CENTER, None, Leg.LINE_HAUL),
        (FacilityKind.CENTER, FacilityKind.SORTING_CENTER, Leg.LINE_HAUL),
        (FacilityKind.CENTER, FacilityKind.CARRIER_OFFICE, Leg.LOCAL),
        (FacilityKind.CARRIER_OFFICE, None, Leg.LINE_HAUL),
        (FacilityKind.COLD_STORAGE, None, Leg.LINE_HAUL),
        (FacilityKind.SORTING_CENTER, None, Leg.ONWARD),
    ],
)
def test_the_leg_of_a_departure_follows_where_it_leaves_from(
    source: FacilityKind, dest: FacilityKind | None, leg: Leg
) -> None:
    """First mile, line haul out of the county, or onward from the sorting centre."""
    assert leg_of(source, dest) is leg


scans = st.lists(
    st.tuples(
        st.sampled_from([ScanKind.ARRIVE, ScanKind.DEPART, ScanKind.SCREEN, ScanKind.SORT]),
        st.sampled_from(FACILITIES),
        st.integers(min_value=2, max_value=600),
    ),
    max_size=8,
)


@given(steps=scans, leave_at=st.integers(min_value=2, max_value=600))
def test_a_bypass_parcel_leaves_the_county_iff_screened_at_its_office_before(
    steps: list[tuple[ScanKind, str, int]], leave_at: int
) -> None:
    """For any history: allowed exactly when a screen at HS-SF-OFFICE precedes the move."""
    events = taken_in("sf") + [ev(k, f, m) for k, f, m in steps]
    expected = any(k is ScanKind.SCREEN and f == "HS-SF-OFFICE" and m <= leave_at
                   for k, f, m in steps)  # fmt: skip
    at = T0 + dt.timedelta(minutes=leave_at)
    assert can_leave_county(events, RULES, at=at)[0] is expected


@given(steps=scans)
def test_a_parcel_through_the_sorting_centre_always_may_leave_the_county(
    steps: list[tuple[ScanKind, str, int]],
) -> None:
    """zto is never held in the county for screening."""
    events = taken_in("zto") + [ev(k, f, m, "zto") for k, f, m in steps]
    assert can_leave_county(events, RULES)[0]


def test_the_security_mark_is_set_by_a_marked_screen_only() -> None:
    """An unmarked screen (e.g. an inbound parcel) sets no outbound mark."""
    assert not security_marked([*taken_in("sf"), ev(ScanKind.SCREEN, "HS-SF-OFFICE", 5)])
    marked = [*taken_in("sf"), ev(ScanKind.SCREEN, "HS-SF-OFFICE", 5, security_mark=True)]
    assert security_marked(marked)
