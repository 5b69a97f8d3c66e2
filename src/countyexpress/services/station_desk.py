"""What a station's screen lists: the parcels waiting on its shelves today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from countyexpress.domain.access import Action, Principal, Resource, Where, require
from countyexpress.domain.desk_rules import Desk as DeskKind
from countyexpress.domain.desk_rules import desk_refusal
from countyexpress.domain.facilities import FacilityKind
from countyexpress.domain.lifecycle import entered_at
from countyexpress.domain.shelves import unclaimed, waited
from countyexpress.errors import NotAllowed, NotFound
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
    waited: tuple[int, int] = (0, 0)  # days, hours since stored
    due_return: bool = False  # waited past the county's holding period (`return_unclaimed`)


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


def desk(
    uow: UnitOfWork,
    by: Principal,
    county_code: str,
    facility_code: str,
    now: dt.datetime | None = None,
) -> Desk:
    """The station's waiting parcels, if `by` works the station (its keeper, the centre),
    each with its wait at `now` and whether it is due for return."""
    county = counties.get_county(uow, county_code)
    require(by, Action.SCAN, Resource.PARCEL, Where(county.code, station=facility_code))
    facility = next(
        (f for f in county.facilities if f.code == facility_code and f.kind in DESK_KINDS), None
    )
    if facility is None:
        raise NotFound(f"{facility_code} is not a station or outlet of {county.code}")
    with uow:
        slots = uow.ops.open_slots(county.code, facility.code)
    now = now or dt.datetime.now(dt.UTC)
    days = county.operations.return_after_days
    waiting = [
        Waiting(
            s["waybill_no"], s["shelf"], s["pickup_code"], s["stored_at"],
            waited(s["stored_at"], now), unclaimed(s["stored_at"], now, days),
        )
        for s in slots
    ]  # fmt: skip
    return Desk(county.code, facility.code, facility.name, waiting)


def desk_refusals(
    uow: UnitOfWork, county_code: str, desk: DeskKind, facility: str, waybills: Sequence[str]
) -> dict[str, NotAllowed]:
    """Inside an open unit of work: the parcels among `waybills` that a live scan-in at
    `desk` `facility` may not take, each with its refusal (`desk_rules.desk_refusal`: a
    parcel handed over, on a shelf, sent back or gone on a vehicle from here)."""
    return desk_refusals_at(uow, county_code, desk, [(facility, waybills)])[0]


def desk_refusals_at(
    uow: UnitOfWork,
    county_code: str,
    desk: DeskKind,
    asked: Sequence[tuple[str, Sequence[str]]],
) -> list[dict[str, NotAllowed]]:
    """`desk_refusals` at several facilities, (facility, waybills) each, from one read of
    the ledger (a van's run stops at dozens of stations); the refusals by facility."""
    wanted = sorted({w for _, waybills in asked for w in waybills})
    summaries = uow.ledger.summaries(county_code, wanted) if wanted else {}
    refused = [
        {w for w in waybills if w in summaries and desk_refusal(desk, f, summaries[w]) is not None}
        for f, waybills in asked
    ]
    anyone = sorted(set().union(*refused)) if refused else []
    if not anyone:
        return [{} for _ in asked]
    events = uow.ledger.events_of(county_code, anyone)  # the time it came into its state
    settled = {
        w: replace(summaries[w], last_at=entered_at(events[w]) or summaries[w].last_at)
        for w in anyone
    }
    out: list[dict[str, NotAllowed]] = []
    for (f, _), ws in zip(asked, refused, strict=True):
        here: dict[str, NotAllowed] = {}
        for w in sorted(ws):
            refusal = desk_refusal(desk, f, settled[w])
            if refusal is not None:
                here[w] = refusal
        out.append(here)
    return out


def refused_again(
    uow: UnitOfWork, county_code: str, desk: DeskKind, facility: str, waybill: str, reason: str
) -> NotAllowed:
    """The refusal of a desk scan answered in a batch (`reason`, in English), said again
    with its message id for the reader's language (the parcel's state as read now)."""
    with uow:
        refused = desk_refusals(uow, county_code, desk, facility, [waybill])
    return refused.get(waybill) or NotAllowed(reason)
