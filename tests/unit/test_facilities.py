"""Rules of facilities: the five haves, outlet filing, locker compartments."""

from __future__ import annotations

from datetime import date

import pytest

from countyexpress.domain.county import check_facilities
from countyexpress.domain.facilities import (
    Carrier,
    Facility,
    FacilityKind,
    FiveHaves,
    LockerCompartments,
    OutletFiling,
)
from countyexpress.errors import InvalidValue


def test_a_station_meets_the_five_haves_only_with_all_five() -> None:
    """Staff, premises, shelves, device and sign: one missing is named."""
    assert FiveHaves(True, True, True, True, True).met
    partial = FiveHaves(staff=True, premises=True, shelves=True, device=True, sign=False)
    assert not partial.met
    assert partial.missing() == ["sign"]


def test_an_outlet_filing_lists_what_it_lacks() -> None:
    """The filing number and each piece of equipment the filing rules ask for."""
    filing = OutletFiling(has_storage=True, has_communications=True, has_shelves=True)
    assert filing.missing() == ["filing_no", "has_cctv", "has_carrier_sign"]
    assert not filing.is_complete


@pytest.mark.parametrize(
    ("today", "overdue"), [(date(2024, 3, 21), False), (date(2024, 3, 22), True)]
)
def test_an_unfiled_outlet_is_overdue_twenty_days_after_opening(today: date, overdue: bool) -> None:
    """Opened on 1 March: the 21st is the last day to file."""
    filing = OutletFiling(opened_on=date(2024, 3, 1))
    assert filing.is_overdue(today) is overdue
    assert not OutletFiling(filing_no="X", opened_on=date(2024, 3, 1)).is_overdue(today)


def test_a_locker_bank_needs_a_compartment() -> None:
    """An empty locker bank, or a negative count, is refused."""
    assert LockerCompartments(10, 20, 5).total == 35
    with pytest.raises(InvalidValue):
        LockerCompartments(0, 0, 0)
    with pytest.raises(InvalidValue):
        LockerCompartments(-1, 5, 0)


def test_each_kind_carries_its_own_part_and_no_other() -> None:
    """A station needs its five haves; a centre may not carry a filing."""
    with pytest.raises(InvalidValue) as info:
        Facility("S1", "站", FacilityKind.STATION)
    assert info.value.field == "five_haves"
    with pytest.raises(InvalidValue):
        Facility("C1", "中心", FacilityKind.CENTER, filing=OutletFiling())
    assert Facility("S1", "站", FacilityKind.STATION, five_haves=FiveHaves()).is_operating


def test_carrier_codes_are_lower_case() -> None:
    """`zto` is a carrier code; `ZTO` and `中通` are not."""
    assert Carrier("zto", "中通").code == "zto"
    for bad in ("ZTO", "中通", "z"):
        with pytest.raises(InvalidValue):
            Carrier(bad, "x")


def test_facilities_must_name_known_divisions_and_carriers_once() -> None:
    """Duplicate codes, unknown divisions and unknown carriers are each reported."""
    c = Facility("C1", "中心", FacilityKind.CENTER, division_code="652828100000", carriers=("zto",))
    dup = Facility("C1", "中心2", FacilityKind.CENTER, division_code="652828999999")
    stranger = Facility("C2", "中心3", FacilityKind.CENTER, carriers=("dhl",))
    problems = check_facilities([c, dup, stranger], {"652828100000"}, {"zto"})
    assert [(p.index, p.field) for p in problems] == [
        (1, "code"),
        (1, "division_code"),
        (2, "carriers"),
    ]
