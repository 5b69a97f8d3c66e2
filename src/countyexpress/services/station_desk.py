"""What a station's screen lists: the parcels waiting on its shelves today."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from countyexpress.domain.access import Action, Principal, Resource, Where, require
from countyexpress.domain.facilities import FacilityKind
from countyexpress.errors import NotFound
from countyexpress.services import counties
from countyexpress.services.unit_of_work import UnitOfWork

DESK_KINDS = (FacilityKind.STATION, FacilityKind.OUTLET)


@dataclass(frozen=True)
class Waiting:
    """A parcel on a shelf: no personal data, only what the keeper needs to find it."""

    waybill_no: str
    shelf: str
    pickup_code: str
    stored_at: dt.datetime


@dataclass(frozen=True)
class Desk:
    """A station's screen: the facility and its parcels waiting for pickup, oldest first."""

    county_code: str
    facility_code: str
    facility_name: str
    waiting: list[Waiting]


def check_desk(uow: UnitOfWork, by: Principal, county_code: str, facility_code: str) -> None:
    """Forbidden unless `by` works this station (its keeper, the centre, drivers)."""
    county = counties.get_county(uow, county_code)
    require(by, Action.SCAN, Resource.PARCEL, Where(county.code, station=facility_code))


def desk(uow: UnitOfWork, by: Principal, county_code: str, facility_code: str) -> Desk:
    """The station's waiting parcels, if `by` works the station (its keeper, the centre)."""
    county = counties.get_county(uow, county_code)
    require(by, Action.SCAN, Resource.PARCEL, Where(county.code, station=facility_code))
    facility = next(
        (f for f in county.facilities if f.code == facility_code and f.kind in DESK_KINDS), None
    )
    if facility is None:
        raise NotFound(f"{facility_code} is not a station or outlet of {county.code}")
    with uow:
        slots = uow.ops.open_slots(county.code, facility.code)
    waiting = [
        Waiting(s["waybill_no"], s["shelf"], s["pickup_code"], s["stored_at"]) for s in slots
    ]
    return Desk(county.code, facility.code, facility.name, waiting)
