"""Policy scenarios: the same simulated demand under other policies, compared (issue 7).

Each scenario that changes the parcel flows (a station closed, more lockers, a festival
peak) is simulated through the real services in a database of its own, from the same
seed, so the receivers and their parcels are the same; separate delivery (each carrier
alone) moves the same parcels as the baseline and differs only in the vans, so it reuses
the baseline's run. Measures come from each run's ledger (delivery time, unclaimed
share, how parcels reached receivers) and from its route bags (vehicle-km and cost: the
quick estimate of planning.simulation.fleet, or each day routed by the route planner,
planning.simulation.routed). A closed station's village is still a stop: its parcels go
to the receivers' doors instead, so vehicle-km and cost stay as in the baseline.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
import time
import zlib
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from countyexpress.domain.county import County
from countyexpress.domain.facilities import (
    Facility,
    FacilityKind,
    FacilityStatus,
    FiveHaves,
    LockerCompartments,
    OutletFiling,
)
from countyexpress.domain.geography import Coordinates, DataQuality, Division, DivisionLevel
from countyexpress.domain.lifecycle import ParcelState, derive
from countyexpress.domain.scans import ScanKind
from countyexpress.domain.siting_scenarios import Scenario as SitingScenario
from countyexpress.errors import InvalidValue
from countyexpress.planning.simulation import fleet
from countyexpress.planning.simulation.params import SimulationParams
from countyexpress.services import counties
from countyexpress.services.ports import Cipher
from countyexpress.services.simulation import (
    SIM_PREFIX,
    Progress,
    RunResult,
    Trip,
    UowFactory,
    simulate,
)

Workspace = Callable[[str], UowFactory]
"""A fresh, migrated, empty database for a scenario (by name), as a unit-of-work factory."""

SCENARIO_LOCKER = LockerCompartments(small=24, medium=12, large=4)
"""The locker bank a scenario adds: the size of the pack's mid-sized demo lockers."""

SCENARIO_STATION = FiveHaves(staff=True, premises=True, shelves=True, device=True, sign=True)
"""A station a scenario adds has all five haves (it is what the plan asks a new one to be)."""

SCENARIO_OUTLET = OutletFiling(has_storage=True, has_communications=True, has_shelves=True,
                               has_cctv=True, has_carrier_sign=True)  # fmt: skip
"""An outlet a scenario adds is a shared 驿站 with the equipment the filing rules ask for (not
filed: a what-if has no filing number)."""

SITED = (FacilityKind.LOCKER, FacilityKind.STATION, FacilityKind.OUTLET)
"""The kinds of a siting result a scenario can add: the centre sorts parcels to stations,
lockers and, in towns, to a shared outlet (delivery.pickup_point)."""

_MEASURE_CHUNK = 4000


@dataclass(frozen=True)
class Scenario:
    """A policy to simulate: stations closed, lockers added, demand scaled, whose vans."""

    name: str
    label: str
    closed: tuple[str, ...] = ()  # facility codes closed for the run
    new_lockers: tuple[str, ...] = ()  # division codes that get a locker bank
    new_stations: tuple[str, ...] = ()  # division codes that get a village station
    new_outlets: tuple[str, ...] = ()  # division codes that get a shared outlet (驿站)
    demand_factor: float = 1.0  # e.g. a festival peak
    separate_fleets: bool = False  # each carrier its own vans instead of co-delivery
    # 前置仓: the share of parcels whose goods the front warehouse stocks (they start in the
    # county) and the days each arrives sooner (services/front_warehouse.py's stocking list)
    from_county_share: float = 0.0
    days_saved: float = 0.0

    def __post_init__(self) -> None:
        if not self.demand_factor > 0:
            raise InvalidValue("demand_factor", "the demand factor must be positive")
        if not 0 <= self.from_county_share <= 1 or not 0 <= self.days_saved <= 60:
            raise InvalidValue(
                "front_warehouse", "share from the county 0 to 1, days saved 0 to 60"
            )

    @property
    def changes_flows(self) -> bool:
        """Whether parcels move differently from the baseline (else only the vans differ)."""
        return bool(
            self.closed
            or self.new_lockers
            or self.new_stations
            or self.new_outlets
            or self.demand_factor != 1.0
        )


@dataclass
class Outcome:
    """What a scenario measured."""

    scenario: Scenario
    parcels: int = 0
    delivered: int = 0
    by_station: int = 0
    by_locker: int = 0
    by_door: int = 0
    returned: int = 0
    stored_at_stations: int = 0
    exceptions: int = 0
    hours_median: float | None = None
    hours_mean: float | None = None
    hours_p90: float | None = None
    vehicle_km: float = 0.0
    trips: int = 0
    cost: float = 0.0
    villages_with_station: float = 0.0
    by_carrier: dict[str, tuple[float, int]] = field(default_factory=dict)
    km_by_day: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    from_county: int = 0  # delivered parcels shipped from the front warehouse
    order_days_saved: float = 0.0  # the days they arrived sooner, summed

    @property
    def unclaimed_share(self) -> float | None:
        """Parcels returned unclaimed per parcel shelved at a station."""
        return self.returned / self.stored_at_stations if self.stored_at_stations else None

    @property
    def door_share(self) -> float | None:
        """Delivered parcels that went to the door."""
        return self.by_door / self.delivered if self.delivered else None

    @property
    def cost_per_parcel(self) -> float | None:
        """Van cost per parcel of the run."""
        return self.cost / self.parcels if self.parcels else None


@dataclass
class Comparison:
    """Scenarios side by side, with what the figures rest on."""

    county: str
    county_name: str
    start: dt.date
    days: int
    seed: int
    scale: float
    km_note: str
    outcomes: list[Outcome]


def busiest_station(county: County) -> str | None:
    """The open station serving the most residents (the default to close)."""
    pop = {d.code: d.population or 0 for d in county.divisions}
    open_stations = [f for f in county.facilities_of(FacilityKind.STATION) if f.is_operating]
    if not open_stations:
        return None
    return max(open_stations, key=lambda f: (pop.get(f.division_code, 0), f.code)).code


def locker_sites(county: County, params: SimulationParams, n: int) -> tuple[str, ...]:
    """The `n` villages or communities without a locker where most receivers want one."""
    have = {f.division_code for f in county.facilities_of(FacilityKind.LOCKER) if f.is_operating}
    urban = set(params.demand.urban_townships)

    def wanting(code: str) -> float:
        d = county.division(code)
        if d is None:
            return 0.0
        is_urban = d.level is DivisionLevel.COMMUNITY or d.parent_code in urban
        share = (params.consent_urban if is_urban else params.consent_rural).get("locker", 0.0)
        rate = params.demand.urban_rate if is_urban else params.demand.rural_rate
        return (d.population or 0) * share * rate

    candidates = [
        d.code
        for d in county.divisions
        if d.level is not DivisionLevel.TOWNSHIP and d.code not in have
    ]
    candidates.sort(key=lambda c: (-wanting(c), c))
    return tuple(candidates[: max(0, n)])


def default_scenarios(
    county: County,
    params: SimulationParams,
    close: Sequence[str] | None = None,
    lockers: Sequence[str] | int = 5,
    peak: float = 2.4,
) -> list[Scenario]:
    """Co-delivery (the baseline), each carrier alone, a station closed, a festival peak,
    more lockers (at `lockers` division codes, e.g. from a siting result, or the N places
    most wanting one)."""
    closed = tuple(close) if close is not None else tuple(filter(None, [busiest_station(county)]))
    sites = locker_sites(county, params, lockers) if isinstance(lockers, int) else tuple(lockers)
    out = [
        Scenario("co_delivery", "共同配送 co-delivery (baseline)"),
        Scenario("separate", "各自配送 each carrier alone", separate_fleets=True),
    ]
    if closed:
        out.append(Scenario("station_closed", f"关闭服务站 {', '.join(closed)} closed", closed))
    out.append(Scenario("festival_peak", f"大促高峰 festival peak ×{peak:g}", demand_factor=peak))
    if sites:
        out.append(Scenario("more_lockers", f"新增快件箱 {len(sites)} more lockers",
                            new_lockers=sites))  # fmt: skip
    return out


def _nearest_place(county: County, site_id: str, at: Coordinates) -> Division | None:
    d = county.division(site_id)
    if d is not None and d.level is not DivisionLevel.TOWNSHIP:
        return d
    places = [
        (p.location.distance_km(at), p.code, p)
        for p in county.divisions
        if p.level is not DivisionLevel.TOWNSHIP and p.location is not None
    ]
    return min(places, key=lambda x: (x[0], x[1]))[2] if places else None


def from_siting(county: County, siting: SitingScenario) -> Scenario:
    """The scenario that opens the new sites of a saved siting result (issue 5): a locker
    bank or a village station in the village or community of each site (a candidate that is
    not a division goes to the nearest one)."""
    if siting.kind not in SITED:
        raise InvalidValue(
            "siting",
            f"siting scenario {siting.name!r} places {siting.kind.value}s: the simulation sends "
            "parcels to stations, lockers and outlets only",
        )
    if siting.county != county.code:
        raise InvalidValue("siting", f"siting scenario {siting.name!r} is not of {county.code}")
    codes: list[str] = []
    for site in siting.new_sites:
        d = _nearest_place(county, site.id, site.location)
        if d is not None and d.code not in codes:
            codes.append(d.code)
    if not codes:
        raise InvalidValue("siting", f"siting scenario {siting.name!r} adds no new site")
    label = f"选址方案 siting {siting.name}: +{len(codes)} "
    name, sites = f"siting.{siting.name}", tuple(codes)
    if siting.kind is FacilityKind.LOCKER:
        return Scenario(name, label + "快件箱 lockers", new_lockers=sites)
    if siting.kind is FacilityKind.OUTLET:
        return Scenario(name, label + "驿站 outlets", new_outlets=sites)
    return Scenario(name, label + "服务站 stations", new_stations=sites)


def apply(county: County, scenario: Scenario) -> County:
    """The county as the scenario has it (a copy; the original is not changed)."""
    known = {f.code for f in county.facilities}
    unknown = sorted(set(scenario.closed) - known)
    if unknown:
        raise InvalidValue("closed", f"facilities {unknown} are not in county {county.code}")
    facilities = [
        dataclasses.replace(f, status=FacilityStatus.CLOSED) if f.code in scenario.closed else f
        for f in county.facilities
    ]
    carriers = tuple(c.code for c in county.carriers)
    added = (
        ("new_lockers", scenario.new_lockers, "SCN-LCK", "智能快件箱", FacilityKind.LOCKER,
         {"compartments": SCENARIO_LOCKER}),
        ("new_stations", scenario.new_stations, "SCN-STA", "服务站", FacilityKind.STATION,
         {"five_haves": SCENARIO_STATION}),
        ("new_outlets", scenario.new_outlets, "SCN-OUT", "共配驿站", FacilityKind.OUTLET,
         {"filing": SCENARIO_OUTLET}),
    )  # fmt: skip
    for field_name, codes, prefix, noun, kind, part in added:
        for i, code in enumerate(codes, start=1):
            d = county.division(code)
            if d is None or d.level is DivisionLevel.TOWNSHIP:
                raise InvalidValue(
                    field_name, f"{code} is not a village or community of the county"
                )
            facilities.append(
                Facility(
                    code=f"{prefix}-{i:02d}",
                    name=f"{d.name}{noun} (scenario)",
                    kind=kind,
                    location=d.location,
                    division_code=d.code,
                    operator="scenario",
                    quality=DataQuality.DEMO,
                    carriers=carriers,
                    note="added by a what-if scenario; not a real facility",
                    **part,
                )
            )
    return dataclasses.replace(county, facilities=facilities)


def _coverage(county: County) -> float:
    villages = county.divisions_at(DivisionLevel.VILLAGE)
    served = {f.division_code for f in county.facilities_of(FacilityKind.STATION) if f.is_operating}
    return sum(v.code in served for v in villages) / len(villages) if villages else 0.0


def _fleet(
    county: County,
    trips_by_day: Mapping[dt.date, Sequence[Trip]],
    outcome: Outcome,
    params: SimulationParams,
    estimate: fleet.RouteEstimator,
) -> None:
    centre = next((f for f in county.facilities if f.code == params.centre), None)
    if centre is None or centre.location is None:
        return
    circuity = county.plan.standards.circuity_factor
    by_carrier: dict[str, float] = {}
    by_carrier_trips: Counter[str] = Counter()
    for day, trips in sorted(trips_by_day.items()):
        stops = []
        for t in trips:
            d = county.division(t.division)
            where = d.location if d and d.location else t.location
            stops.append(fleet.Stop(t.division, where, t.parcels_by_carrier))
        if outcome.scenario.separate_fleets:
            f = fleet.separate(centre.location, stops, circuity, estimate)
            for c, (km, n) in f.by_carrier.items():
                by_carrier[c] = by_carrier.get(c, 0.0) + km
                by_carrier_trips[c] += n
        else:
            f = fleet.co_delivery(centre.location, stops, circuity, estimate)
        outcome.vehicle_km += f.km
        outcome.trips += f.trips
        outcome.km_by_day[day.isoformat()] = round(f.km, 1)
    outcome.by_carrier = {c: (round(by_carrier[c], 1), by_carrier_trips[c]) for c in by_carrier}
    outcome.cost = fleet.cost(
        outcome.vehicle_km, outcome.trips, params.costs.van_cost_per_km, params.costs.trip_cost
    )


def from_county(waybill: str, share: float) -> bool:
    """Whether a parcel's goods are stocked in the county (前置仓): a fixed draw per waybill
    (CRC-32 of its number), so `share` of the parcels, the same ones in every run."""
    return share > 0 and zlib.crc32(waybill.encode()) / 2**32 < share


def measure(
    uow_factory: UowFactory, county: County, outcome: Outcome, waybills: Sequence[str] | None = None
) -> None:
    """Fill `outcome` from the ledger (of `waybills`, else of every manifest item): how
    parcels reached receivers, how fast, how many came back unclaimed."""
    lockers = {f.code for f in county.facilities_of(FacilityKind.LOCKER)}
    stations = {f.code for f in county.facilities if f.kind in (FacilityKind.STATION,
                                                               FacilityKind.OUTLET)}  # fmt: skip
    with uow_factory() as uow:
        if waybills is None:
            waybills = [i["waybill_no"] for i in uow.ops.manifest_items(county.code)]
        hours: list[float] = []
        for i in range(0, len(waybills), _MEASURE_CHUNK):
            chunk = waybills[i : i + _MEASURE_CHUNK]
            for waybill, events in uow.ledger.events_of(county.code, chunk).items():
                status = derive(waybill, events)
                arrived = next((e.at for e in status.events if e.kind is ScanKind.ARRIVE), None)
                if any(e.kind is ScanKind.STORE and e.facility in stations for e in events):
                    outcome.stored_at_stations += 1
                if status.state is ParcelState.RETURNED:
                    outcome.returned += 1
                if status.open_exception:
                    outcome.exceptions += 1
                if status.state is not ParcelState.DELIVERED:
                    continue
                outcome.delivered += 1
                if from_county(waybill, outcome.scenario.from_county_share):
                    outcome.from_county += 1
                    outcome.order_days_saved += outcome.scenario.days_saved
                last = status.events[-1]
                if last.payload.get("method") == "door":
                    outcome.by_door += 1
                elif last.facility in lockers:
                    outcome.by_locker += 1
                else:
                    outcome.by_station += 1
                if arrived is not None:
                    hours.append((last.at - arrived).total_seconds() / 3600)
    if hours:
        hours.sort()
        outcome.hours_median = round(statistics.median(hours), 2)
        outcome.hours_mean = round(statistics.fmean(hours), 2)
        outcome.hours_p90 = round(hours[min(len(hours) - 1, int(0.9 * len(hours)))], 2)


def compare(
    workspace: Workspace,
    cipher: Cipher,
    county: County,
    params: SimulationParams,
    start: dt.date,
    days: int,
    scenarios: Sequence[Scenario],
    seed: int = 0,
    scale: float = 1.0,
    estimate: fleet.RouteEstimator = fleet.round_trip_km,
    progress: Callable[[str], Progress | None] | None = None,
    km_note: str = fleet.ESTIMATE_NOTE,
) -> Comparison:
    """Simulate every scenario that changes the flows, measure all of them, side by side.

    Scenarios that only change the vans reuse the baseline run (the first scenario that
    changes nothing else)."""
    if not scenarios:
        raise InvalidValue("scenarios", "give at least one scenario")
    runs: dict[str, tuple[County, RunResult, UowFactory]] = {}
    outcomes: list[Outcome] = []
    for sc in scenarios:
        t0 = time.perf_counter()
        key = sc.name if sc.changes_flows else "__baseline__"
        if key not in runs:
            scenario_county = apply(county, sc)
            factory = workspace(sc.name)
            counties.load_county(factory(), scenario_county)
            run = simulate(
                factory, cipher, scenario_county.code, params, start, days, seed,
                scale * sc.demand_factor, progress(sc.name) if progress else None,
            )  # fmt: skip
            runs[key] = (scenario_county, run, factory)
        scenario_county, run, factory = runs[key]
        outcome = Outcome(sc, parcels=run.total("planned"))
        measure(factory, scenario_county, outcome)
        _fleet(scenario_county, {d.day: d.trips for d in run.stats}, outcome, params, estimate)
        outcome.villages_with_station = round(_coverage(scenario_county), 3)
        outcome.seconds = round(time.perf_counter() - t0, 1)
        outcomes.append(outcome)
    return Comparison(county.code, county.name, start, days, seed, scale, km_note, outcomes)


def _trips_in_database(
    uow_factory: UowFactory, county: County, params: SimulationParams, start: dt.date, days: int
) -> tuple[dict[dt.date, list[Trip]], list[str]]:
    """The route bags dispatched per local day from the county's simulated manifests, and
    the waybills of those days."""
    tz = params.timetable.tz
    since = dt.datetime.combine(start, dt.time(0), tzinfo=tz)
    until = since + dt.timedelta(days=days)
    with uow_factory() as uow:
        items = uow.ops.manifest_items(county.code, since=since, until=until)
    by_day: dict[dt.date, dict[tuple[str, str], Counter[str]]] = {}
    waybills: list[str] = []
    for i in items:
        if not str(i["manifest_id"]).startswith(SIM_PREFIX):
            continue
        waybills.append(i["waybill_no"])
        if not i["vehicle"] or not i["route_bag"]:
            continue
        day = i["received_at"].astimezone(tz).date()
        bag = str(i["route_bag"])
        by_day.setdefault(day, {}).setdefault((bag, i["vehicle"]), Counter())[i["carrier"]] += 1
    facilities = {f.code: f for f in county.facilities}
    trips: dict[dt.date, list[Trip]] = {}
    for day, bags in by_day.items():
        for (bag, vehicle), counts in sorted(bags.items()):
            dest = bag.removeprefix("DOOR-")
            f = facilities.get(dest)
            division = f.division_code if f else dest
            d = county.division(division)
            where = f.location if f and f.location else d.location if d else None
            trips.setdefault(day, []).append(Trip(bag, vehicle, dest, division, where, counts))
    return trips, waybills


def compare_database(
    uow_factory: UowFactory,
    county: County,
    params: SimulationParams,
    start: dt.date,
    days: int,
    estimate: fleet.RouteEstimator = fleet.round_trip_km,
    km_note: str = fleet.ESTIMATE_NOTE,
) -> Comparison:
    """Co-delivery against each carrier alone for days already simulated in the database:
    the same parcels and route bags, no new run."""
    trips, waybills = _trips_in_database(uow_factory, county, params, start, days)
    outcomes = []
    for sc in (
        Scenario("co_delivery", "共同配送 co-delivery (as simulated)"),
        Scenario("separate", "各自配送 each carrier alone", separate_fleets=True),
    ):
        t0 = time.perf_counter()
        outcome = Outcome(sc, parcels=len(waybills))
        if sc.name == "co_delivery":
            measure(uow_factory, county, outcome, waybills)
            first = outcome
        else:
            for name in ("delivered", "by_station", "by_locker", "by_door", "returned",
                         "stored_at_stations", "exceptions", "hours_median", "hours_mean",
                         "hours_p90"):  # fmt: skip
                setattr(outcome, name, getattr(first, name))
        _fleet(county, trips, outcome, params, estimate)
        outcome.villages_with_station = round(_coverage(county), 3)
        outcome.seconds = round(time.perf_counter() - t0, 1)
        outcomes.append(outcome)
    return Comparison(county.code, county.name, start, days, 0, 1.0, km_note, outcomes)


def scenario_of(data: Mapping[str, Any]) -> Scenario:
    """The scenario `dataclasses.asdict` wrote (lists back to tuples)."""
    values = dict(data)
    for key in ("closed", "new_lockers", "new_stations", "new_outlets"):
        values[key] = tuple(values.get(key, ()))
    return Scenario(**values)


def to_record(c: Comparison) -> dict[str, Any]:
    """The comparison as plain data without rounding (JSON-safe): what a stored run keeps."""
    outcomes = []
    for o in c.outcomes:
        data = dataclasses.asdict(o)
        data["scenario"] = dataclasses.asdict(o.scenario)
        data["by_carrier"] = {k: list(v) for k, v in o.by_carrier.items()}
        outcomes.append(data)
    return {
        "county": c.county,
        "county_name": c.county_name,
        "start": c.start.isoformat(),
        "days": c.days,
        "seed": c.seed,
        "scale": c.scale,
        "km_note": c.km_note,
        "outcomes": outcomes,
    }


def from_record(data: dict[str, Any]) -> Comparison:
    """The comparison `to_record` wrote."""
    outcomes = []
    for o in data["outcomes"]:
        values = {k: v for k, v in o.items() if k not in ("scenario", "by_carrier")}
        by_carrier = {k: (float(v[0]), int(v[1])) for k, v in o["by_carrier"].items()}
        outcomes.append(Outcome(scenario_of(o["scenario"]), by_carrier=by_carrier, **values))
    return Comparison(
        data["county"], data["county_name"], dt.date.fromisoformat(data["start"]),
        data["days"], data["seed"], data["scale"], data["km_note"], outcomes,
    )  # fmt: skip
