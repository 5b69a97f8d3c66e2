"""What a principal may see of a county, and the facilities and carriers registries.

Every function takes the principal (`by`) and checks it with `domain.access.require` before
it reads or writes; the HTTP edge calls these, never the unchecked `services.counties`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from countyexpress.domain.access import Action, Principal, Resource, Where, allowed, require
from countyexpress.domain.county import County, CountySummary, check_facilities
from countyexpress.domain.facilities import Carrier, Facility, FacilityKind
from countyexpress.errors import PackInvalid, PackProblem
from countyexpress.services import counties
from countyexpress.services.unit_of_work import UnitOfWork


def visible_counties(uow: UnitOfWork, by: Principal) -> list[CountySummary]:
    """The counties `by` may read."""
    return [
        s
        for s in counties.list_counties(uow)
        if allowed(by, Action.READ, Resource.COUNTY, Where(county=s.code))
    ]


def county(uow: UnitOfWork, by: Principal, code: str) -> County:
    """A county with its divisions, plan and facilities, if `by` may read it."""
    c = counties.get_county(uow, code)
    require(by, Action.READ, Resource.COUNTY, Where(county=c.code))
    return c


def facilities(
    uow: UnitOfWork, by: Principal, code: str, kind: FacilityKind | None = None
) -> list[Facility]:
    """A county's facilities registry, optionally of one kind."""
    c = counties.get_county(uow, code)
    require(by, Action.READ, Resource.FACILITY, Where(county=c.code))
    return c.facilities if kind is None else c.facilities_of(kind)


def carriers(uow: UnitOfWork, by: Principal, code: str) -> list[Carrier]:
    """A county's carriers; a carrier's own system sees only its own entry."""
    c = counties.get_county(uow, code)
    return [
        x
        for x in c.carriers
        if allowed(by, Action.READ, Resource.CARRIER, Where(county=c.code, carrier=x.code))
    ] or _refuse_carriers(by, c.code)


def _refuse_carriers(by: Principal, code: str) -> list[Carrier]:
    require(by, Action.READ, Resource.CARRIER, Where(county=code))
    return []


def export_registry(uow: UnitOfWork, by: Principal, code: str, resource: Resource) -> County:
    """The county whose facilities or carriers `by` exports to a file."""
    c = counties.get_county(uow, code)
    require(by, Action.EXPORT, resource, Where(county=c.code))
    return c


def check_import(uow: UnitOfWork, by: Principal, code: str) -> County:
    """The county whose facilities `by` may import; Forbidden otherwise (before any upload)."""
    c = counties.get_county(uow, code)
    require(by, Action.IMPORT, Resource.FACILITY, Where(county=c.code))
    return c


@dataclass(frozen=True)
class ImportResult:
    """What an import of facilities did."""

    added: int
    updated: int
    total: int


def import_facilities(
    uow: UnitOfWork,
    by: Principal,
    code: str,
    rows: list[tuple[int, Facility]],
    problems: list[PackProblem],
    file: str,
) -> ImportResult:
    """Add or update facilities by code, all or nothing; every problem named by row and field.

    `rows` are the facilities read from the file with their line numbers; `problems` what the
    reading refused. Facilities not in the file stay as they are.
    """
    c = counties.get_county(uow, code)
    require(by, Action.IMPORT, Resource.FACILITY, Where(county=c.code))
    problems = list(problems)
    if not rows and not problems:
        problems.append(PackProblem(file, None, None, "the file holds no facility"))
    incoming = [f for _, f in rows]
    codes = [f.code for f in incoming]
    existing = {f.code: i for i, f in enumerate(c.facilities)}
    merged = list(c.facilities)
    for f in incoming:
        if f.code in existing:
            merged[existing[f.code]] = f
        else:
            existing[f.code] = len(merged)
            merged.append(f)
    divisions = {d.code for d in c.divisions}
    carriers_known = {x.code for x in c.carriers}
    line_of = {f.code: line for line, f in rows}
    seen: dict[str, int] = {}
    for line, f in rows:
        if f.code in seen:
            problems.append(
                PackProblem(
                    file, line, "code", f"duplicate code {f.code} (first on line {seen[f.code]})"
                )
            )
        seen.setdefault(f.code, line)
    for p in check_facilities(merged, divisions, carriers_known):
        code_at = merged[p.index].code
        if code_at in line_of and p.first_index is None:
            problems.append(PackProblem(file, line_of[code_at], p.field, p.reason))
    if problems:
        raise PackInvalid(sorted(problems, key=lambda p: (p.line or 0, p.field or "")))
    added = len(set(codes) - {f.code for f in c.facilities})
    with uow:
        uow.counties.add(replace_facilities(c, merged))
        uow.commit()
    return ImportResult(added=added, updated=len(set(codes)) - added, total=len(merged))


def replace_facilities(c: County, merged: list[Facility]) -> County:
    """The county with `merged` as its facilities."""
    new = replace(c)
    new.facilities = merged
    return new
