"""The permission rules: roles, bindings and scopes."""

from __future__ import annotations

import pytest

from countyexpress.domain.access import (
    RULES,
    Action,
    Principal,
    Resource,
    Role,
    Where,
    allowed,
    require,
)
from countyexpress.errors import Forbidden, InvalidValue

KEEPER = Principal("u1", "keeper", Role.STATION_KEEPER, county="652828", station="HS-STA-01")
ZTO = Principal("k1", "zto", Role.CARRIER, county="652828", carrier="zto")
REGULATOR = Principal("u2", "reg", Role.REGULATOR, county="652828")
ADMIN = Principal("u3", "admin", Role.ADMIN)


def test_a_station_keeper_sees_its_own_stations_parcels_only() -> None:
    """Another station's parcel, or one with no station, is out of reach."""
    own = Where(county="652828", station="HS-STA-01")
    assert allowed(KEEPER, Action.READ, Resource.PARCEL, own)
    assert allowed(KEEPER, Action.SCAN, Resource.PARCEL, own)
    for where in (Where("652828", "HS-STA-02"), Where("652828"), Where("990101", "HS-STA-01")):
        assert not allowed(KEEPER, Action.READ, Resource.PARCEL, where)


def test_a_carrier_system_sees_its_own_carriers_parcels_only() -> None:
    """A ZTO key reads ZTO parcels, not YTO ones."""
    assert allowed(ZTO, Action.READ, Resource.PARCEL, Where("652828", carrier="zto"))
    assert not allowed(ZTO, Action.READ, Resource.PARCEL, Where("652828", carrier="yto"))


def test_a_regulator_reads_its_county_and_not_another() -> None:
    """County binding: Heshuo's regulator reads Heshuo only."""
    assert allowed(REGULATOR, Action.READ, Resource.COUNTY, Where("652828"))
    with pytest.raises(Forbidden, match="regulator may not read"):
        require(REGULATOR, Action.READ, Resource.COUNTY, Where("990101"))


@pytest.mark.parametrize("who", [REGULATOR, ADMIN])
def test_regulators_and_administrators_never_read_personal_data_unmasked(who: Principal) -> None:
    """Only those who hand parcels over read a receiver's phone and address."""
    assert not allowed(who, Action.READ, Resource.PERSONAL_DATA, Where("652828"))


def test_only_an_administrator_manages_users() -> None:
    """Users and keys are an administrator's business."""
    holders = {role for role, grants in RULES.items() if Resource.USER in grants}
    assert holders == {Role.ADMIN}


def test_registries_are_edited_by_regulators_and_administrators_only() -> None:
    """Facilities and carriers registries: regulators edit their county's, admins every one."""
    editors = {
        role
        for role, grants in RULES.items()
        if Resource.FACILITY in grants and Action.EDIT in grants[Resource.FACILITY].actions
    }
    assert editors == {Role.REGULATOR, Role.ADMIN}


@pytest.mark.parametrize(
    ("role", "kwargs", "field"),
    [
        (Role.STATION_KEEPER, {"county": "652828"}, "station"),
        (Role.CARRIER, {}, "carrier"),
        (Role.DRIVER, {}, "county"),
        (Role.REGULATOR, {"station": "HS-STA-01"}, "station"),
        (Role.ADMIN, {"carrier": "zto"}, "carrier"),
    ],
)
def test_a_principal_is_bound_as_its_role_needs(
    role: Role, kwargs: dict[str, str], field: str
) -> None:
    """A keeper needs a station, a carrier system a carrier; no one else has either."""
    with pytest.raises(InvalidValue) as info:
        Principal("x", "x", role, **kwargs)
    assert info.value.field == field
