"""The overview of a county: counts, the plan's targets with current values, alerts, parcels.

Current values of the plan's indicators come from `services.indicators.plan_kpis`, computed
from the registries and the ledger; an indicator it cannot compute shows no value rather
than a guess.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from countyexpress.domain.access import Action, Principal, Resource, Where, allowed, require
from countyexpress.domain.county import County, CountySummary
from countyexpress.domain.county_time import county_today
from countyexpress.domain.facilities import FacilityKind
from countyexpress.domain.geography import DataQuality, DivisionLevel, county_code6
from countyexpress.domain.indicators import Direction, IndicatorValue
from countyexpress.domain.lifecycle import TERMINAL, ParcelState
from countyexpress.domain.operations import OperatingRules
from countyexpress.domain.plan import Target
from countyexpress.domain.scans import ScanKind
from countyexpress.domain.supervision.clocks import ClockState
from countyexpress.domain.supervision.indicators import INPUT as SUPERVISION_INPUT
from countyexpress.domain.supervision.indicators import SupervisionSnapshot
from countyexpress.errors import N_, InvalidValue, said
from countyexpress.services import counties, indicators, supervision
from countyexpress.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class TargetRow:
    """A target of the plan beside its current value (None: not computed yet)."""

    target: Target
    current: float | None
    direction: Direction = Direction.HIGHER_IS_BETTER
    title: str = ""
    title_en: str = ""

    @property
    def met(self) -> bool | None:
        """Whether the current value reaches the target; None without a value."""
        if self.current is None:
            return None
        return self.direction.meets(self.current, self.target.value)

    @property
    def progress(self) -> float | None:
        """How far the current value is towards the target, 0..1 (the progress bar); for a
        lower-is-better target, target/current."""
        if self.current is None or not self.target.value:
            return None
        if self.direction is Direction.HIGHER_IS_BETTER:
            ratio = self.current / self.target.value
        else:
            ratio = self.target.value / self.current if self.current else 1.0
        return max(0.0, min(1.0, ratio))

    @property
    def deadline(self) -> dt.date:
        """The target's deadline: the last day of its year."""
        return dt.date(self.target.year, 12, 31)

    def overdue(self, today: dt.date) -> bool:
        """已逾期: the county day is past the deadline and the target is not met (a value not
        computed is not judged)."""
        return today > self.deadline and self.met is False


@dataclass(frozen=True)
class Alert:
    """Something a regulator should act on: a message id of the catalogue and how many."""

    key: str
    count: int


@dataclass(frozen=True)
class Overview:
    """What the overview page shows."""

    county: County
    summary: CountySummary
    targets: list[TargetRow]
    others: list[IndicatorValue]  # indicators the plan sets no target for
    alerts: list[Alert]
    computed_from_demo: bool  # some current values count demonstration facilities
    villages_with_station: int
    parcels_by_state: dict[str, int] | None  # None: the principal may not see parcel counts
    today: dt.date | None = None  # the county day the overview was computed for
    ageing: list[AgeingRow] | None = None  # None: the principal may not see parcels
    stuck_hours: int = 0
    village_coverage: float | None = None  # 行政村快递服务覆盖率: villages with a station
    resident_coverage: float | None = None  # N 公里内居民覆盖率: residents within N km
    radius_km: float = 0.0  # the N of the residents' figure


STUCK_HOURS = OperatingRules().stuck_after_hours
"""Parcel ageing: a parcel in one non-final state at one place for longer than this many
hours is stuck; the pack's `[operations] stuck_after_hours` (an estimate), this default
when a county sets none."""
NOT_FINAL = tuple(s.value for s in ParcelState if s not in TERMINAL)


@dataclass(frozen=True)
class AgeingRow:
    """How many parcels are stuck at one place with one carrier."""

    place: str
    carrier: str
    count: int


@dataclass(frozen=True)
class StuckParcel:
    """A stuck parcel of the filtered list: no personal data."""

    waybill_no: str
    carrier: str
    state: str
    place: str
    last_at: dt.datetime
    hours: float


def stuck_parcels(
    uow: UnitOfWork,
    by: Principal,
    code: str,
    hours: int | None = None,
    place: str | None = None,
    carrier: str | None = None,
    now: dt.datetime | None = None,
) -> list[StuckParcel]:
    """The parcels of a county in one non-final state for more than `hours` (default: the
    county's `stuck_after_hours`), optionally at one place and of one carrier, oldest first."""
    county = counties.get_county(uow, code)
    require(by, Action.READ, Resource.PARCEL, Where(county=county.code))
    hours = county.operations.stuck_after_hours if hours is None else hours
    if hours < 1:
        raise said(
            InvalidValue,
            N_("stuck_hours must be a whole number of hours, at least 1, not %(hours)s"),
            "stuck_hours",
            hours=hours,
        )
    at = now or dt.datetime.now(dt.UTC)
    with uow:
        rows = uow.ledger.stuck(
            county_code6(county.code), at - dt.timedelta(hours=hours), NOT_FINAL
        )
    return [
        StuckParcel(w, c, s, p, t, round((at - t).total_seconds() / 3600, 1))
        for w, c, s, p, t in rows
        if (place is None or p == place) and (carrier is None or c == carrier)
    ]


def ageing(parcels: Sequence[StuckParcel]) -> list[AgeingRow]:
    """Stuck parcels counted by place and carrier, most first."""
    counts = Counter((p.place, p.carrier) for p in parcels)
    return [
        AgeingRow(pl, c, n) for (pl, c), n in sorted(counts.items(), key=lambda i: (-i[1], i[0]))
    ]


def _alerts(county: County, today: dt.date, snap: SupervisionSnapshot) -> list[Alert]:
    """The regulator's alerts; the filing deadlines come from the supervision clocks (the
    pack's limit, filing records counted), not from the registry alone."""
    stations = county.facilities_of(FacilityKind.STATION)
    outlets = county.facilities_of(FacilityKind.OUTLET)
    with_station = {f.division_code for f in stations}
    found = [
        Alert("villages_without_station", sum(
            1 for v in county.divisions_at(DivisionLevel.VILLAGE) if v.code not in with_station
        )),
        Alert("stations_lacking_haves", sum(
            1 for f in stations if f.five_haves is not None and not f.five_haves.met
        )),
        Alert("outlets_filing_overdue", sum(
            1 for c in snap.filing_clocks if c.state(today) is ClockState.OVERDUE
        )),
        Alert("supervision_overdue", sum(1 for r in snap.records if r.overdue(today))),
        Alert("outlets_filing_incomplete", sum(
            1 for f in outlets if f.filing is not None and not f.filing.is_complete
        )),
        Alert("placeholder_divisions", sum(
            1 for d in county.divisions if d.quality is DataQuality.PLACEHOLDER
        )),
    ]  # fmt: skip
    return [a for a in found if a.count]


def _parcels_by_state(uow: UnitOfWork, code: str) -> dict[str, int]:
    try:
        module: Any = importlib.import_module("countyexpress.services.scans")
    except ModuleNotFoundError:
        return {}
    counts: dict[str, int] = module.counts_by_state(uow, code)
    return counts


def _row(target: Target, kpi: IndicatorValue | None) -> TargetRow:
    if kpi is None:
        return TargetRow(target, None)
    return TargetRow(target, kpi.value, kpi.direction, kpi.title, kpi.title_en)


def overview(uow: UnitOfWork, by: Principal, code: str) -> Overview:
    """A county's overview, as far as `by` may read it."""
    county = counties.get_county(uow, code)
    require(by, Action.READ, Resource.COUNTY, Where(county=county.code))
    today = county_today()
    snap = supervision.snapshot(uow, county.code, today)
    given = {SUPERVISION_INPUT: snap}
    kpis = {
        v.indicator: v
        for v in indicators.plan_kpis(uow, county.code, by=by, today=today, inputs=given)
    }
    stations = {f.division_code for f in county.facilities_of(FacilityKind.STATION)}
    villages = county.divisions_at(DivisionLevel.VILLAGE)
    sees_parcels = allowed(by, Action.READ, Resource.PARCEL, Where(county=county.code))
    parcels = _parcels_by_state(uow, county.code) if sees_parcels else None
    aged = ageing(stuck_parcels(uow, by, county.code)) if sees_parcels else None
    alerts = _alerts(county, today, snap)
    if aged:
        alerts.append(Alert("parcels_stuck", sum(r.count for r in aged)))
    reach = indicators.coverage(uow, county.code, by=by, kinds=[FacilityKind.STATION])
    within = reach.summary[0].population_share if reach.summary else None
    return Overview(
        county=county,
        summary=county.summary(),
        targets=[_row(t, kpis.get(t.indicator)) for t in county.plan.targets],
        others=[v for k, v in kpis.items() if k not in {t.indicator for t in county.plan.targets}],
        alerts=alerts,
        computed_from_demo=any(f.quality is DataQuality.DEMO for f in county.facilities),
        villages_with_station=sum(1 for v in villages if v.code in stations),
        parcels_by_state=parcels,
        today=today,
        ageing=aged,
        stuck_hours=county.operations.stuck_after_hours,
        village_coverage=(sum(1 for v in villages if v.code in stations) / len(villages))
        if villages
        else None,
        resident_coverage=within,
        radius_km=reach.radius_km,
    )


VOLUME_KINDS = ("arrive", "collect", "pickup")
"""Scans counted per day: arrivals (到件, at any facility), parcels taken in from senders
(揽收) and parcels handed to receivers (取件)."""
BEIJING_UTC_OFFSET = 8


class DayCounts(Protocol):
    def scans_per_day(
        self, county: str, since: dt.datetime, kinds: Sequence[str], utc_offset_hours: int = 8
    ) -> list[tuple[dt.date, str, int]]: ...
    def scans_by_place(
        self, county: str, since: dt.datetime, kinds: Sequence[str]
    ) -> list[tuple[str, str, str, int]]: ...


class DashboardUnitOfWork(UnitOfWork, Protocol):
    @property
    def dashboard(self) -> DayCounts: ...


@dataclass(frozen=True)
class DayVolume:
    """Scans of one day (Beijing time) by kind."""

    day: dt.date
    counts: dict[str, int]


def _window(days: int, today: dt.date | None) -> tuple[dt.date, dt.datetime]:
    """The first county day of the last `days` days to `today` and the instant it began."""
    tz = dt.timezone(dt.timedelta(hours=BEIJING_UTC_OFFSET))
    first = (today or dt.datetime.now(tz).date()) - dt.timedelta(days=days - 1)
    return first, dt.datetime.combine(first, dt.time(), tz)


def volumes(
    uow: DashboardUnitOfWork,
    by: Principal,
    code: str,
    days: int = 14,
    today: dt.date | None = None,
) -> list[DayVolume] | None:
    """The last `days` days of arrivals, intakes and pickups, oldest first, zeros included;
    None when `by` may not see the county's parcels."""
    county = counties.get_county(uow, code)
    require(by, Action.READ, Resource.COUNTY, Where(county=county.code))
    if not allowed(by, Action.READ, Resource.PARCEL, Where(county=county.code)):
        return None
    first, since = _window(days, today)
    with uow:
        rows = uow.dashboard.scans_per_day(county.code, since, VOLUME_KINDS, BEIJING_UTC_OFFSET)
    table = {first + dt.timedelta(days=i): dict.fromkeys(VOLUME_KINDS, 0) for i in range(days)}
    for day, kind, n in rows:
        if day in table:
            table[day][kind] = n
    return [DayVolume(d, c) for d, c in table.items()]


STATION_DAYS = 30
"""Volume and unclaimed rate per station are counted over the last this many county days."""


@dataclass(frozen=True)
class StationVolume:
    """One station's last `STATION_DAYS` county days: parcels stored, sent back unclaimed."""

    code: str
    name: str
    stored: int
    returned: int

    @property
    def unclaimed_rate(self) -> float | None:
        """Returned (未取退回) per parcel stored; None when nothing was stored."""
        return self.returned / self.stored if self.stored else None


@dataclass(frozen=True)
class CarrierShare:
    """A carrier's share of the parcels arriving in the county (到件) in the window."""

    carrier: str
    parcels: int
    share: float


@dataclass(frozen=True)
class Activity:
    """Volume and unclaimed rate per station and carrier shares, last `days` county days."""

    days: int
    stations: list[StationVolume]
    carriers: list[CarrierShare]


def activity(
    uow: DashboardUnitOfWork,
    by: Principal,
    code: str,
    days: int = STATION_DAYS,
    today: dt.date | None = None,
) -> Activity | None:
    """Per station: parcels stored and returned unclaimed; per carrier: its share of the
    arrivals; over the last `days` county days. None when `by` may not see the parcels."""
    county = counties.get_county(uow, code)
    require(by, Action.READ, Resource.COUNTY, Where(county=county.code))
    if not allowed(by, Action.READ, Resource.PARCEL, Where(county=county.code)):
        return None
    _, since = _window(days, today)
    kinds = (ScanKind.STORE.value, ScanKind.RETURN.value, ScanKind.ARRIVE.value)
    with uow:
        rows = uow.dashboard.scans_by_place(county_code6(county.code), since, kinds)
    per: dict[tuple[str, str], int] = Counter()
    by_carrier: dict[str, int] = Counter()
    for place, carrier, kind, n in rows:
        per[place, kind] += n
        if kind == ScanKind.ARRIVE.value:
            by_carrier[carrier] += n
    stations = [
        StationVolume(f.code, f.name, per[f.code, "store"], per[f.code, "return"])
        for f in county.facilities_of(FacilityKind.STATION)
    ]
    total = sum(by_carrier.values())
    shares = [
        CarrierShare(c, n, n / total)
        for c, n in sorted(by_carrier.items(), key=lambda i: (-i[1], i[0]))
    ]
    return Activity(days, sorted(stations, key=lambda s: (-s.stored, s.code)), shares)
