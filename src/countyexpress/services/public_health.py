"""Public health's use cases (issue 14, tasks 15-16): set a township's risk level from a
county day, log the measures a facility did on a day, show the day's checklists, and feed
the indicators (`snapshot`).

Who may: a regulator or an administrator sets levels (edit); a station keeper logs its own
station's measures, a centre operator, a regulator or an administrator any facility's of
their county (scan: an appended fact, like a scan); everyone of the county reads the levels.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from countyexpress.adapters.packs.public_health import health_rules_for
from countyexpress.domain.access import Action, Principal, Resource, Scope, Where, scope_of
from countyexpress.domain.county import County
from countyexpress.domain.county_time import COUNTY_ZONE, county_today
from countyexpress.domain.geography import DivisionLevel, county_code6
from countyexpress.domain.public_health import (
    LOGGING_KINDS,
    HealthRules,
    HealthStatus,
    LevelChange,
    MeasureLog,
    checklist,
    levels_on,
)
from countyexpress.domain.public_health_indicators import (
    ContactlessTally,
    HealthSnapshot,
    contactless_tally,
)
from countyexpress.errors import N_, InvalidValue, NotFound, said
from countyexpress.services import counties
from countyexpress.services.authz import check
from countyexpress.services.unit_of_work import UnitOfWork

__all__ = ["contactless", "log_measures", "rules", "set_level", "snapshot", "status"]


def rules(uow: UnitOfWork, county_code: str) -> HealthRules:
    """The county's levels and measures: its pack's `health.toml` as stored at load (else
    the Heshuo pack's defaults, marked so in `source`)."""
    with uow:
        stored = counties.pack_document(uow, county_code, "health")
    return health_rules_for(county_code, stored)


def _code(county_code: str) -> str:
    """The six-digit county code the request names (checked before anything is looked up)."""
    try:
        return county_code6(county_code)
    except InvalidValue as exc:
        raise NotFound(exc.reason) from exc


def _township(county: County, code: str) -> str:
    division = county.division(code.strip())
    if division is None or division.level is not DivisionLevel.TOWNSHIP:
        names = ", ".join(f"{d.code} {d.name}" for d in county.divisions_at(DivisionLevel.TOWNSHIP))
        raise InvalidValue(
            "township", f"{code} is no township of county {county.code}: one of {names}"
        )
    return division.code


def set_level(
    uow: UnitOfWork,
    county_code: str,
    township: str,
    level: str,
    from_day: dt.date,
    *,
    by: Principal | None = None,
    now: dt.datetime | None = None,
) -> LevelChange:
    """Set the township's risk level from `from_day` until changed (a day's level set
    twice keeps the later); a level unknown to the pack is refused by name."""
    check(by, Action.EDIT, Resource.HEALTH, Where(_code(county_code)))
    county = counties.get_county(uow, county_code)
    change = LevelChange(
        _township(county, township),
        rules(uow, county.code).check_level(level),
        from_day,
        "local" if by is None else by.name,
        now or dt.datetime.now(dt.UTC),
    )
    with uow:
        uow.public_health.set_level(county.code, change)
        uow.commit()
    return change


def log_measures(
    uow: UnitOfWork,
    county_code: str,
    facility: str,
    day: dt.date,
    done: Iterable[str],
    *,
    by: Principal | None = None,
    now: dt.datetime | None = None,
) -> MeasureLog:
    """Log measures a staffed facility did on a county day (added to what was logged that
    day); unknown measure codes are refused by name, a future day too."""
    code = facility.strip()
    check(by, Action.SCAN, Resource.HEALTH, Where(_code(county_code), station=code))
    county = counties.get_county(uow, county_code)
    found = next((f for f in county.facilities if f.code == code), None)
    if found is None:
        raise NotFound(f"facility {code} is not in county {county.code}")
    if found.kind not in LOGGING_KINDS:
        raise said(InvalidValue, N_("%(facility)s is a %(kind)s: it has no staff to log"),
                   "facility", facility=code, kind=found.kind.value)  # fmt: skip
    at = now or dt.datetime.now(dt.UTC)
    if day > county_today(at):
        raise said(InvalidValue, N_("%(day)s is in the future: log measures that were done"),
                   "day", day=day.isoformat())  # fmt: skip
    codes = rules(uow, county.code).check_measures(done)
    if not codes:
        raise said(InvalidValue, N_("name at least one measure done"), "done")
    entry = MeasureLog(code, day, codes, "local" if by is None else by.name, at)
    with uow:
        logged = uow.public_health.log(county.code, entry)
        uow.commit()
    return logged


def status(
    uow: UnitOfWork, county_code: str, day: dt.date | None = None, *, by: Principal | None = None
) -> HealthStatus:
    """The township levels of a county day and each staffed facility's checklist (a
    station keeper sees its own station's); the level history."""
    check(by, Action.READ, Resource.COUNTY, Where(_code(county_code)))
    county = counties.get_county(uow, county_code)
    day = day or county_today()
    with uow:
        changes = uow.public_health.changes(county.code)
        logs = uow.public_health.logs(county.code, day, day)
    checks = checklist(county, rules(uow, county.code), changes, logs, day)
    scope = None if by is None else scope_of(by, Action.READ, Resource.HEALTH)
    if by is not None and scope is None:
        checks = []
    elif by is not None and scope is Scope.STATION:
        checks = [c for c in checks if c.facility_code == by.station]
    return HealthStatus(day, levels_on(changes, day), tuple(checks), rules(uow, county.code),
                        tuple(changes))  # fmt: skip


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(year, 1, 1, tzinfo=COUNTY_ZONE)
    return start, start.replace(year=year + 1)


def contactless(
    uow: UnitOfWork, county_code: str, year: int, *, by: Principal | None = None
) -> ContactlessTally:
    """The year's final deliveries and contactless ones, by month and township."""
    check(by, Action.READ, Resource.COUNTY, Where(_code(county_code)))
    county = counties.get_county(uow, county_code)
    since, until = _year_bounds(year)
    with uow:
        deliveries = uow.public_health.deliveries(county.code, since, until)
    return contactless_tally(county, deliveries)


def snapshot(
    uow: UnitOfWork, county_code: str, today: dt.date, year: int | None = None
) -> HealthSnapshot:
    """What the indicators read for `year` (default: today's) as of `today` (no principal:
    the caller has checked the read)."""
    year = year or today.year
    since, until = _year_bounds(year)
    with uow:
        changes = uow.public_health.changes(county_code)
        logs = uow.public_health.logs(county_code, dt.date(year, 1, 1), dt.date(year, 12, 31))
        deliveries = uow.public_health.deliveries(county_code, since, until)
    return HealthSnapshot(today, year, rules(uow, county_code), changes, logs, deliveries)
