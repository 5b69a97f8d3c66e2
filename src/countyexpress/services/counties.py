"""County use cases: load a pack, list, summarise, look up facilities."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from countyexpress.domain.county import County, CountySummary
from countyexpress.domain.facilities import Facility, FacilityKind
from countyexpress.domain.geography import county_code6
from countyexpress.domain.pack_document import PackDocument
from countyexpress.errors import InvalidValue, NotFound
from countyexpress.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class LoadResult:
    """What loading a county did."""

    code: str
    name: str
    replaced: bool
    summary: CountySummary


def load_county(
    uow: UnitOfWork, county: County, documents: Sequence[PackDocument] = ()
) -> LoadResult:
    """Store a checked county in one transaction, replacing an earlier load of it, with the
    rule files of its pack (`documents`, checked by adapters.packs.documents.pack_documents:
    they replace the ones stored before, so a file the pack no longer has goes)."""
    with uow:
        replaced = uow.counties.get(county.code) is not None
        uow.counties.add(county)
        uow.pack_documents.replace(county.code, documents)
        uow.commit()
    return LoadResult(county.code, county.name, replaced, county.summary())


def load_if_empty(
    uow: UnitOfWork, county: County, documents: Sequence[PackDocument] = ()
) -> LoadResult | None:
    """Load `county` (and its pack's rule files) only when the database holds no county yet."""
    with uow:
        if uow.counties.count():
            return None
    return load_county(uow, county, documents)


def pack_document(uow: UnitOfWork, county_code: str, name: str) -> dict[str, Any] | None:
    """The parsed rule file `name` stored with the county at load, None when it has none
    (read inside an open unit of work)."""
    found = uow.pack_documents.get(county_code, name)
    return None if found is None else found.content


def stored_document(uow: UnitOfWork, county_code: str, name: str) -> dict[str, Any] | None:
    """The parsed rule file `name` stored with the county at load, None when it has none."""
    with uow:
        return pack_document(uow, county_code, name)


def pack_documents(uow: UnitOfWork, county_code: str) -> list[PackDocument]:
    """Every rule file stored with the county at load (what `county export` writes back)."""
    with uow:
        return uow.pack_documents.all(county_code)


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
