"""What the co-delivery centre's screen lists: route bags waiting to leave, the manual queue."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from countyexpress.domain.access import Action, Principal, Resource, Where, require
from countyexpress.domain.county import County
from countyexpress.domain.facilities import FacilityKind
from countyexpress.domain.geography import DivisionLevel
from countyexpress.errors import NotFound
from countyexpress.services import counties
from countyexpress.services.authz import check
from countyexpress.services.centre import NOT_ON_MANIFEST
from countyexpress.services.unit_of_work import UnitOfWork

WINDOW = dt.timedelta(days=14)
"""Manifest items older than this are not the centre's daily work any more."""


@dataclass(frozen=True)
class Queued:
    """A parcel waiting for a person: its address did not resolve to a village (masked
    address only), or it is on no manifest (`on_manifest` False: no address is known
    until the carrier's manifest comes)."""

    waybill_no: str
    carrier: str
    address_masked: str
    resolution: str
    on_manifest: bool = True


@dataclass(frozen=True)
class CentreDesk:
    """The centre's screen: bags sorted and not yet dispatched, and the manual queue."""

    county: County
    centre_code: str
    centre_name: str
    bags: list[tuple[str, int]]  # route bag, parcels waiting in it
    queue: list[Queued]
    villages: list[tuple[str, str]]  # (code, name) to resolve a queued address by hand


def the_centre(county: County) -> str:
    """The county's co-delivery centre."""
    centres = county.facilities_of(FacilityKind.CENTER)
    if not centres:
        raise NotFound(f"county {county.code} has no co-delivery centre in its registry")
    return centres[0].code


def centre_desk(
    uow: UnitOfWork,
    by: Principal,
    county_code: str,
    centre_code: str,
    now: dt.datetime | None = None,
) -> CentreDesk:
    """The centre's waiting bags and queue, if `by` works at the centre."""
    county = counties.get_county(uow, county_code)
    require(by, Action.SCAN, Resource.PARCEL, Where(county.code, station=centre_code))
    centre = next(
        (f for f in county.facilities_of(FacilityKind.CENTER) if f.code == centre_code), None
    )
    if centre is None:
        raise NotFound(f"{centre_code} is not a co-delivery centre of {county.code}")
    since = (now or dt.datetime.now(dt.UTC)) - WINDOW
    with uow:
        items = uow.ops.manifest_items(county.code, since=since)
        queue = _queue(uow, county.code, centre.code, since)
    waiting = Counter(i["route_bag"] for i in items if i["route_bag"] and not i["vehicle"])
    villages = [
        (d.code, d.name)
        for d in county.divisions
        if d.level in (DivisionLevel.VILLAGE, DivisionLevel.COMMUNITY)
    ]
    return CentreDesk(county, centre.code, centre.name, sorted(waiting.items()), queue, villages)


def _queue(uow: UnitOfWork, county_code: str, centre_code: str, since: dt.datetime) -> list[Queued]:
    """The parcels scanned in at the centre on no manifest and not handled since (their last
    event is the centre's open exception), oldest first, then the manifest items since
    `since` whose address did not resolve; inside the caller's `with uow`."""
    waiting = uow.ledger.open_exceptions(county_code, centre_code)
    listed = uow.ops.manifest_items_for(county_code, waiting, ("carrier",))
    summaries = uow.ledger.summaries(county_code, waiting)
    unresolved = uow.ops.manifest_items(county_code, unresolved=True, since=since)
    return [
        Queued(w, summaries[w].carrier if w in summaries else "", "", NOT_ON_MANIFEST, False)
        for w in waiting
        if w not in listed
    ] + [
        Queued(i["waybill_no"], i["carrier"], i["address_masked"], i["resolution"])
        for i in unresolved
    ]


def manual_queue(
    uow: UnitOfWork,
    county_code: str,
    centre_code: str | None = None,
    by: Principal | None = None,
    now: dt.datetime | None = None,
) -> list[Queued]:
    """The centre's manual queue as its screen lists it (for the API and the CLI)."""
    county = counties.get_county(uow, county_code)
    code = centre_code or the_centre(county)
    check(by, Action.SCAN, Resource.PARCEL, Where(county.code, station=code))
    with uow:
        return _queue(uow, county.code, code, (now or dt.datetime.now(dt.UTC)) - WINDOW)
