"""The county cache of each database: a county is read once while it is unchanged, and
read again after any change — in this process or another, and not after a rollback."""

from __future__ import annotations

import dataclasses

from sqlalchemy import Engine

from countyexpress.adapters.db.engine import make_engine
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.domain.county import County
from countyexpress.domain.facilities import FacilityStatus
from countyexpress.services import counties


def heshuo() -> County:
    path = builtin_pack_path("heshuo")
    assert path is not None
    return read_pack(path)


def read(engine: Engine, code: str = "652828") -> County | None:
    with SqlUnitOfWork(engine) as uow:
        return uow.counties.get(code)


def closed(county: County, code: str) -> County:
    """A copy of the county with one facility closed."""
    facilities = [
        dataclasses.replace(f, status=FacilityStatus.CLOSED) if f.code == code else f
        for f in county.facilities
    ]
    return dataclasses.replace(county, facilities=facilities)


def status(county: County | None, code: str) -> FacilityStatus:
    assert county is not None
    return next(f.status for f in county.facilities if f.code == code)


def test_an_unchanged_county_is_read_once_and_a_changed_one_again(engine: Engine) -> None:
    """The same object while unchanged; the new facilities after a reload; gone after
    removal."""
    county = heshuo()
    counties.load_county(SqlUnitOfWork(engine), county)
    first = read(engine)
    assert first is not None and read(engine) is first
    counties.load_county(SqlUnitOfWork(engine), closed(county, "HS-STA-01"))
    again = read(engine)
    assert again is not first and status(again, "HS-STA-01") is FacilityStatus.CLOSED
    assert read(engine) is again
    with SqlUnitOfWork(engine) as uow:
        uow.counties.remove("652828")
        uow.commit()
    assert read(engine) is None


def test_a_change_rolled_back_is_never_seen(engine: Engine) -> None:
    """Read inside the transaction that changed it, the county is the changed one; once
    rolled back, the stored one again."""
    county = heshuo()
    counties.load_county(SqlUnitOfWork(engine), county)
    with SqlUnitOfWork(engine) as uow:
        uow.counties.add(closed(county, "HS-STA-01"))
        assert status(uow.counties.get("652828"), "HS-STA-01") is FacilityStatus.CLOSED
    assert status(read(engine), "HS-STA-01") is not FacilityStatus.CLOSED


def test_a_change_made_by_another_process_is_seen(engine: Engine) -> None:
    """Two engines on one database (two processes, each with its own cache)."""
    county = heshuo()
    counties.load_county(SqlUnitOfWork(engine), county)
    other = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        assert status(read(other), "HS-STA-02") is not FacilityStatus.CLOSED
        assert status(read(engine), "HS-STA-02") is not FacilityStatus.CLOSED
        counties.load_county(SqlUnitOfWork(engine), closed(county, "HS-STA-02"))
        assert status(read(other), "HS-STA-02") is FacilityStatus.CLOSED
    finally:
        other.dispose()
