"""County use cases: load a pack, list, summarise, look up facilities."""

from __future__ import annotations

from dataclasses import dataclass

from countyexpress.domain.county import County, CountySummary
from countyexpress.domain.facilities import Facility, FacilityKind
from countyexpress.domain.geography import county_code6
from countyexpress.errors import InvalidValue, NotFound
from countyexpress.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class LoadResult:
    """What loading a county did."""

    code: str
    name: str
    replaced: bool
    summary: CountySummary


def load_county(uow: UnitOfWork, county: County) -> LoadResult:
    """Store a checked county in one transaction, replacing an earlier load of it."""
    with uow:
        replaced = uow.counties.get(county.code) is not None
        uow.counties.add(county)
        uow.commit()
    return LoadResult(county.code, county.name, replaced, county.summary())


def load_if_empty(uow: UnitOfWork, county: County) -> LoadResult | None:
    """Load `county` only when the database holds no county yet."""
    with uow:
        if uow.counties.count():
            return None
    return load_county(uow, county)


def get_county(uow: UnitOfWork, code: str) -> County:
    """The county with this code; NotFound if it was never loaded."""
    try:
        key = county_code6(code)
    except InvalidValue as exc:
        raise NotFound(exc.reason) from exc
    with uow:
        county = uow.counties.get(key)
    if county is None:
        raise NotFound(f"county {code} is not loaded: run `countyexpress county load PATH`")
    return county


def list_counties(uow: UnitOfWork) -> list[CountySummary]:
    """A summary of every loaded county."""
    with uow:
        out = []
        for code in uow.counties.codes():
            county = uow.counties.get(code)
            if county is not None:
                out.append(county.summary())
    return out


def list_facilities(uow: UnitOfWork, code: str, kind: FacilityKind | None = None) -> list[Facility]:
    """A county's facilities, optionally of one kind."""
    county = get_county(uow, code)
    return county.facilities if kind is None else county.facilities_of(kind)
