"""地区总览 The region screen: every county a regulator reaches, side by side (issue 17, item 5).

One row a county: the plan's targets met (from the county's newest assessment snapshot),
the two coverage figures, the last days' parcel volume and unclaimed share, parcels stuck
beyond the county's ageing limit, and credit. Every figure is read set-based for all the
counties at once (adapters/db/region_overview.py); no county's indicators are computed on
request — the snapshot is what the assessment last took (its page, or `assessment snapshot`).

Who: an administrator or a regulator bound to no county reads every county, a regulator
bound to a prefecture (4 digits) its counties; a regulator of one county is refused (its
overview is its screen).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

import countyexpress.services.indicators  # noqa: F401  registers every indicator's direction
from countyexpress.domain.access import (
    Action,
    Principal,
    Resource,
    Role,
    Where,
    allowed,
    covers,
)
from countyexpress.domain.county_time import county_today
from countyexpress.domain.coverage import DEFAULT_RADIUS_KM, RADIUS_STANDARD
from countyexpress.domain.geography import EARTH_RADIUS_KM, prefecture_code
from countyexpress.domain.indicators import REGISTRY, Direction
from countyexpress.domain.lifecycle import TERMINAL, ParcelState
from countyexpress.domain.operations import OperatingRules
from countyexpress.domain.plan import Standards
from countyexpress.domain.scans import ScanKind
from countyexpress.errors import N_, Forbidden, said
from countyexpress.services import accounts
from countyexpress.services.simulation import SIM_PREFIX
from countyexpress.services.unit_of_work import UnitOfWork

__all__ = ["SORTS", "Region", "RegionAudit", "RegionRow", "audit", "reader_prefecture", "region"]

VOLUME_DAYS = 7
"""Parcel volume and the unclaimed share count the last this many county days."""
CREDIT_MONTHS = 12
"""A subject has a credit warning when a credit event (a demerit) fell in this many months."""
BLACKLISTED = "blacklisted_subjects"
"""The snapshot's indicator of the subjects on the blacklist (services/supervision)."""
SYNTHETIC_PROVINCE = "99"
"""Province 99 does not exist: synthetic counties (region synth) have codes 99PPCC."""
NOT_FINAL = tuple(s.value for s in ParcelState if s not in TERMINAL)


class Kept(Protocol):
    def get(self, code: str, version: dt.datetime) -> Any | None: ...
    def put(self, code: str, version: dt.datetime, value: Any) -> None: ...


@dataclass(frozen=True)
class Coverage:
    """A county's two coverage figures, from its registry at one version."""

    villages: int
    with_station: int
    residents: float | None  # share of the villages' residents within the radius
    radius_km: float
    estimated: bool = False  # some village's name, population or position is an estimate


class RegionFigures(Protocol):
    def counties(self, prefecture: str | None) -> list[dict[str, Any]]: ...
    def villages(
        self, codes: Sequence[str]
    ) -> list[tuple[str, str, int | None, float | None, float | None]]: ...
    def stations(
        self, codes: Sequence[str]
    ) -> list[tuple[str, str, bool, float | None, float | None]]: ...
    @property
    def kept(self) -> Kept: ...
    def newest_snapshots(
        self, prefecture: str | None
    ) -> dict[str, tuple[str, dict[str, float | None]]]: ...
    def scans_since(
        self, prefecture: str | None, since: dt.datetime, kinds: Sequence[str]
    ) -> dict[tuple[str, str], int]: ...
    def stuck(
        self, prefecture: str | None, before: dt.datetime, states: Sequence[str]
    ) -> dict[str, int]: ...
    def credit_subjects(self, prefecture: str | None, since: dt.date) -> dict[str, int]: ...
    def simulated(self, codes: Sequence[str], prefix: str) -> set[str]: ...
    def estimated(self, codes: Sequence[str]) -> set[str]: ...


class RegionUnitOfWork(UnitOfWork, Protocol):
    @property
    def region(self) -> RegionFigures: ...


@dataclass(frozen=True)
class RegionRow:
    """One county's figures; None: not known (no snapshot, no villages, nothing stored)."""

    code: str
    name: str
    name_en: str
    targets: int  # the plan's targets
    targets_met: int | None  # met by the newest snapshot's values (None: no snapshot)
    snapshot_month: str | None
    village_coverage: float | None  # villages with a station / villages
    resident_coverage: float | None  # residents of villages and communities within N km
    radius_km: float
    volume: int | None  # parcels stored at stations, last VOLUME_DAYS days
    unclaimed: float | None  # of those, the share sent back unclaimed
    stuck: int | None  # parcels in one non-final state beyond the county's ageing limit
    stuck_hours: int
    blacklisted: int | None  # subjects on the blacklist (newest snapshot)
    warned: int  # subjects with a credit event in the last CREDIT_MONTHS months
    simulated: bool = False  # holds simulated parcels (模拟数据), counted in volume and stuck
    estimated: bool = False  # the coverage rests on estimated villages (names, people, places)

    @property
    def synthetic(self) -> bool:
        """模拟: a county of `region synth`, not a real one."""
        return self.code.startswith(SYNTHETIC_PROVINCE)

    @property
    def progress(self) -> float | None:
        """The share of the plan's targets met (None: no snapshot or no targets)."""
        if self.targets_met is None or not self.targets:
            return None
        return self.targets_met / self.targets


@dataclass(frozen=True)
class Region:
    """The region screen: its prefecture (None: every county), rows sorted, the sort key."""

    prefecture: str | None
    rows: list[RegionRow]
    sort: str
    today: dt.date
    volume_days: int = VOLUME_DAYS


def _none_last(value: float | int | None, descending: bool) -> tuple[int, float]:
    if value is None:
        return (1, 0.0)
    return (0, -float(value) if descending else float(value))


SORTS: dict[str, tuple[str, bool]] = {
    "code": ("code", False),
    "progress": ("progress", True),
    "village_coverage": ("village_coverage", True),
    "resident_coverage": ("resident_coverage", True),
    "volume": ("volume", True),
    "unclaimed": ("unclaimed", True),
    "stuck": ("stuck", True),
    "blacklisted": ("blacklisted", True),
    "warned": ("warned", True),
}
"""Sort keys of the screen (`?sort=`): the attribute and whether the largest comes first."""


def reader_prefecture(by: Principal, prefecture: str | None) -> str | None:
    """The counties' code prefix `by` reads (None: all); refuses a principal bound to one
    county (its overview is its screen) and a prefecture outside its binding."""
    if by.role not in (Role.REGULATOR, Role.ADMIN) or not (by.county is None or by.prefecture):
        raise said(
            Forbidden,
            N_("The region screen is for a regulator of a prefecture or of every county."),
        )
    asked = prefecture_code(prefecture) if prefecture else None
    if asked is None:
        return by.prefecture
    if by.prefecture and not asked.startswith(by.prefecture):
        raise said(Forbidden, N_("You may not read prefecture %(code)s."), code=asked)
    return asked


def _met(targets: list[dict[str, Any]], values: dict[str, float | None]) -> int:
    met = 0
    for t in targets:
        value = values.get(str(t["indicator"]))
        if value is None:
            continue
        found = REGISTRY.get(str(t["indicator"]))
        direction = found.direction if found is not None else Direction.HIGHER_IS_BETTER
        met += direction.meets(value, float(t["value"]))
    return met


def _number(value: object, default: float) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return default


def _circuity(plan: dict[str, Any]) -> float:
    standards = plan.get("standards") or {}
    return _number(standards.get("circuity_factor"), Standards().circuity_factor)


def _radius(plan: dict[str, Any]) -> float:
    extra = (plan.get("standards") or {}).get("extra") or {}
    return _number(extra.get(RADIUS_STANDARD), DEFAULT_RADIUS_KM)


def _resident_coverage(
    villages: list[tuple[float, float, int]],
    stations: list[tuple[float, float]],
    radius: float,
    circuity: float,
) -> float | None:
    """Residents of the villages within `radius` km of an open village station (great
    circle × the plan's circuity factor, as the overview without road distances) / the
    villages' residents; one distance matrix a county."""
    total = sum(p for _, _, p in villages)
    if not total:
        return None
    if not stations:
        return 0.0
    v = np.radians(np.array([(a, o) for a, o, _ in villages]))
    s = np.radians(np.array(stations))
    dlat = s[None, :, 0] - v[:, None, 0]
    dlon = s[None, :, 1] - v[:, None, 1]
    h = (
        np.sin(dlat / 2) ** 2
        + np.cos(v[:, None, 0]) * np.cos(s[None, :, 0]) * np.sin(dlon / 2) ** 2
    )
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0))) * circuity
    near = (km <= radius).any(axis=1)
    people = np.array([p for _, _, p in villages])
    return float(people[near].sum()) / total


def _coverage(
    counties: list[dict[str, Any]],
    villages: list[tuple[str, str, int | None, float | None, float | None]],
    stations: list[tuple[str, str, bool, float | None, float | None]],
    estimated: Collection[str] = (),
) -> dict[str, Coverage]:
    """Each county's villages, those with a station, and its residents within reach."""
    in_village = {(k, d) for k, d, _, _, _ in stations}
    counted: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # villages, with a station
    peopled: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    for code, village, pop, lat, lon in villages:
        counted[code][0] += 1
        counted[code][1] += (code, village) in in_village
        if pop and lat is not None and lon is not None:
            peopled[code].append((lat, lon, pop))
    at_stations: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for code, _, is_open, lat, lon in stations:
        if is_open and lat is not None and lon is not None:
            at_stations[code].append((lat, lon))
    out = {}
    for c in counties:
        code, plan = str(c["code"]), c["plan"] or {}
        radius = _radius(plan)
        share = _resident_coverage(peopled[code], at_stations[code], radius, _circuity(plan))
        out[code] = Coverage(
            counted[code][0], counted[code][1], share, radius, estimated=code in estimated
        )
    return out


def region(
    uow: RegionUnitOfWork,
    by: Principal,
    prefecture: str | None = None,
    sort: str = "code",
    now: dt.datetime | None = None,
) -> Region:
    """Every county `by` reaches (of `prefecture`, when given), one row each, sorted by
    `sort` (a key of SORTS; unknown: by code)."""
    prefix = reader_prefecture(by, prefecture)
    at = now or dt.datetime.now(dt.UTC)
    today = county_today(at)
    tz = dt.timezone(dt.timedelta(hours=8))
    first = today - dt.timedelta(days=VOLUME_DAYS - 1)
    since = dt.datetime.combine(first, dt.time(), tz)
    kinds = (ScanKind.STORE.value, ScanKind.RETURN.value)
    with uow:
        f = uow.region
        found = [
            c
            for c in f.counties(prefix)
            if covers(by.county, str(c["code"]))
            and allowed(by, Action.READ, Resource.COUNTY, Where(county=str(c["code"])))
        ]
        hours = {
            str(c["code"]): int(
                (c["operations"] or {}).get("stuck_after_hours")
                or OperatingRules().stuck_after_hours
            )
            for c in found
        }
        stuck: dict[str, int] = {}
        for h in sorted(set(hours.values())):  # one query per ageing limit (mostly one)
            aged = f.stuck(prefix, at - dt.timedelta(hours=h), NOT_FINAL)
            stuck.update({k: n for k, n in aged.items() if hours.get(k) == h})
        scans = f.scans_since(prefix, since, kinds)
        snaps = f.newest_snapshots(prefix)
        warned = f.credit_subjects(prefix, today - dt.timedelta(days=30 * CREDIT_MONTHS))
        simulated = f.simulated([str(c["code"]) for c in found], SIM_PREFIX)
        covered: dict[str, Coverage | None] = {
            str(c["code"]): f.kept.get(str(c["code"]), c["loaded_at"]) for c in found
        }
        stale = [c for c in found if covered[str(c["code"])] is None]
        if stale:  # read and computed again only for a county loaded or changed since
            codes = [str(c["code"]) for c in stale]
            fresh = _coverage(stale, f.villages(codes), f.stations(codes), f.estimated(codes))
            for c in stale:
                f.kept.put(str(c["code"]), c["loaded_at"], fresh[str(c["code"])])
            covered.update(fresh)
    rows = []
    for c in found:
        code = str(c["code"])
        targets = list((c["plan"] or {}).get("targets", ()))
        month, values = snaps.get(code, (None, {}))
        cov = covered[code]
        assert cov is not None  # computed above when not kept
        sees = allowed(by, Action.READ, Resource.PARCEL, Where(county=code))
        stored, returned = scans.get((code, "store"), 0), scans.get((code, "return"), 0)
        rows.append(
            RegionRow(
                code=code,
                name=str(c["name"]),
                name_en=str(c["name_en"] or ""),
                targets=len(targets),
                targets_met=_met(targets, values) if month else None,
                snapshot_month=month,
                village_coverage=cov.with_station / cov.villages if cov.villages else None,
                resident_coverage=cov.residents,
                radius_km=cov.radius_km,
                volume=stored if sees else None,
                unclaimed=(returned / stored if stored else None) if sees else None,
                stuck=stuck.get(code, 0) if sees else None,
                stuck_hours=hours[code],
                blacklisted=None
                if values.get(BLACKLISTED) is None
                else int(values[BLACKLISTED] or 0),
                warned=warned.get(code, 0),
                simulated=code in simulated,
                estimated=cov.estimated,
            )
        )
    key, descending = SORTS.get(sort, SORTS["code"])
    if sort not in SORTS:
        sort = "code"
    if key == "code":
        rows.sort(key=lambda r: r.code)
    else:
        rows.sort(key=lambda r: (_none_last(getattr(r, key), descending), r.code))
    return Region(prefix, rows, sort, today)


class RegionAuditUnitOfWork(RegionUnitOfWork, accounts.AccountsUnitOfWork, Protocol):
    pass


@dataclass(frozen=True)
class RegionAudit:
    """The audit log of the counties a reader reaches: its prefecture (None: every
    county), the newest reads (each naming its county) and the counties' names."""

    prefecture: str | None
    lines: list[accounts.AuditLine]
    names: dict[str, str]


def audit(
    uow: RegionAuditUnitOfWork, by: Principal, prefecture: str | None = None, limit: int = 500
) -> RegionAudit:
    """The newest reads of personal data in every county `by` reaches (of `prefecture`,
    when given), scoped as the region screen: a prefecture's regulator its counties', one
    bound to none every county's; a regulator of one county is refused (its county's audit
    log is its page)."""
    prefix = reader_prefecture(by, prefecture)
    lines = accounts.audit_report_within(uow, by, prefix, limit)
    with uow:
        names = {str(c["code"]): str(c["name"]) for c in uow.region.counties(prefix)}
    return RegionAudit(prefix, lines, names)
