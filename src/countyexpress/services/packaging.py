"""Green packaging's use cases (issue 14, task 17): carriers' monthly packaging reports
imported from a workbook or CSV (all or nothing, a report replacing the one of the same
carrier, outlet and month), and the task's indicators for a year or a month, broken down
by carrier, outlet or month, against the pack's targets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from countyexpress.adapters.packs.packaging import packaging_rules_for
from countyexpress.domain.access import Action, Principal, Resource, Where
from countyexpress.domain.county import County
from countyexpress.domain.facilities import FacilityKind
from countyexpress.domain.geography import county_code6
from countyexpress.domain.indicators import IndicatorValue, evaluate
from countyexpress.domain.packaging import (
    PackagingReport,
    PackagingRules,
    from_intake,
    read_report_rows,
)
from countyexpress.domain.packaging_indicators import (
    INPUT,
    LEVELS,
    PACKAGING_INDICATORS,
    PackagingSnapshot,
    breakdown,
)
from countyexpress.domain.periods import check_year, parse_month
from countyexpress.errors import Forbidden, InvalidValue, NotFound, PackInvalid, PackProblem
from countyexpress.services import counties
from countyexpress.services.authz import check, may
from countyexpress.services.unit_of_work import UnitOfWork

__all__ = ["NAMES", "Breakdown", "breakdown_of", "import_reports", "rules_of", "snapshot"]

NAMES = tuple(i.name for i in PACKAGING_INDICATORS)
_PLACES = {FacilityKind.OUTLET, FacilityKind.STATION, FacilityKind.CENTER,
           FacilityKind.CARRIER_OFFICE, FacilityKind.LOCKER}  # fmt: skip


def rules_of(uow: UnitOfWork, county: County) -> PackagingRules:
    """Inside an open unit of work: the county's packaging rules, the plan's tape width and
    its pack's packaging.toml as stored at load (else the Heshuo pack's defaults, marked so
    in `source`)."""
    stored = counties.pack_document(uow, county.code, "packaging")
    return packaging_rules_for(county.code, county.plan.standards.tape_width_max_mm, stored)


def _county(uow: UnitOfWork, code: str) -> County:
    county = uow.counties.get(code)
    if county is None:
        raise NotFound(f"county {code} is not loaded")
    return county


def import_reports(
    uow: UnitOfWork,
    county: str,
    rows: Sequence[tuple[int, Mapping[str, str]]],
    file_name: str,
    by: Principal | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Store every report of the file's rows, or none: PackInvalid names file, line and
    field of each problem (a number, a month, a carrier or outlet not of the county). A
    carrier's key may import its own carrier's reports only (Forbidden names the line)."""
    code = county_code6(county)
    if by is None or by.carrier is None:
        check(by, Action.IMPORT, Resource.PACKAGING, Where(code))
    read, problems = read_report_rows(rows, file_name)
    reports = [r for _, r in read]
    for line, r in read:
        if not may(by, Action.IMPORT, Resource.PACKAGING, Where(code, carrier=r.carrier)):
            raise Forbidden(f"{file_name} line {line}: a carrier's key may import only "
                            f"its own carrier's reports, not {r.carrier}'s")  # fmt: skip
    who = "local" if by is None else by.name
    with uow:
        c = _county(uow, code)
        carriers = {x.code for x in c.carriers}
        places = {f.code for f in c.facilities if f.kind in _PLACES}
        for line, r in read:
            if r.carrier not in carriers:
                problems.append(PackProblem(file_name, line, "carrier", f"{r.carrier!r} is not "
                                f"a carrier of county {code}"))  # fmt: skip
            if r.outlet and r.outlet not in places:
                problems.append(PackProblem(file_name, line, "outlet", f"{r.outlet!r} is not an "
                                f"outlet, station or centre of county {code}"))  # fmt: skip
        if problems:
            raise PackInvalid(sorted(problems, key=lambda p: (p.line or 0, p.field or "")))
        if not reports:
            raise PackInvalid([PackProblem(file_name, None, None, "the file has no report rows")])
        stored = uow.packaging.put(code, reports, by=who, source=file_name,
                                   at=now or dt.datetime.now(dt.UTC))  # fmt: skip
        uow.commit()
    return stored


def snapshot(
    uow: UnitOfWork, county_code: str, today: dt.date, year: int | None = None
) -> PackagingSnapshot:
    """What the packaging indicators read: the reports of `year` (default: today's), with
    what intake recorded where no carrier reported, and the county's rules (no principal:
    the caller has checked the read)."""
    code = county_code6(county_code)
    asked = year if year is not None else today.year
    with uow:
        c = _county(uow, code)
        rules = rules_of(uow, c)
        reports = uow.packaging.reports(code, year=asked)
        facts = uow.packaging.parcel_facts(code, year=asked)
    merged = [*reports, *from_intake(facts, reports, rules.tape_width_max_mm)]
    return PackagingSnapshot(asked, merged, rules)


@dataclass(frozen=True)
class Breakdown:
    """The task's indicators for a year or a month, and each carrier's, outlet's or
    month's values, with the reports they come from."""

    county: str
    period: str  # YYYY or YYYY-MM
    level: str
    indicators: list[IndicatorValue]
    rows: list[dict[str, Any]]  # key, parcels and a value per indicator
    reports: list[PackagingReport]
    rules: PackagingRules


def breakdown_of(
    uow: UnitOfWork,
    county: str,
    *,
    by: Principal | None = None,
    year: int | None = None,
    month: str | None = None,
    level: str = "carrier",
    today: dt.date | None = None,
) -> Breakdown:
    """The indicators of a month (`month`) or a year (default: the latest year reported, or
    this one), broken down by carrier, outlet or month."""
    code = county_code6(county)
    check(by, Action.READ, Resource.PACKAGING, Where(code))
    if level not in LEVELS:
        raise InvalidValue("by", f"{level!r} is not one of: {', '.join(LEVELS)}")
    if month is not None:
        y, m = parse_month(month)
        month = f"{y:04d}-{m:02d}"
    with uow:
        c = _county(uow, code)
        rules = rules_of(uow, c)
        if month is not None:
            asked, reports = int(month[:4]), uow.packaging.reports(code, month=month)
            facts = uow.packaging.parcel_facts(code, month=month)
        else:
            every = uow.packaging.reports(code)
            taken = uow.packaging.parcel_facts(code)
            fallback = (today or dt.date.today()).year
            years = {r.year for r in every} | {int(f[2][:4]) for f in taken}
            asked = year if year is not None else max(years, default=fallback)
            check_year(asked, "year")
            reports = [r for r in every if r.year == asked]
            facts = [f for f in taken if f[2].startswith(f"{asked:04d}-")]
    reports = [*reports, *from_intake(facts, reports, rules.tape_width_max_mm)]
    snap = PackagingSnapshot(asked, reports, rules)
    values = evaluate(c, asked, inputs={INPUT: snap}, names=NAMES)
    rows: dict[str, dict[str, Any]] = {}
    for name in NAMES:
        for key, (value, counts) in breakdown(name, reports, level).items():
            rows.setdefault(key, {"key": key, "parcels": counts.parcels})[name] = value
    return Breakdown(code, month or str(asked), level, values, list(rows.values()), reports, rules)
