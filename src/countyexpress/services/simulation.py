"""Simulate a county's parcel flows day by day through the real services (issue 7).

Nothing here writes a parcel's state or a side model: each simulated action is the call a
person or device would make — a carrier's manifest (`centre.add_manifest`), a receiver's
consent, the clerk's manual address queue, centre inbound and sorting, dispatch of each
route bag, station inbound, hand-over against code and phone tail, locker deposits and
pickups, returns of the unclaimed, outbound intake with screening — each at the device
time of the simulated day. Door deliveries and the arrivals of outbound parcels at the
centre and the sorting centre reach the ledger as the couriers' and sorting centre's
handhelds upload them: through `scans.ingest`.

Simulated data is labelled: manifest ids start with `SIM-`, receivers and senders are
synthetic (see planning.simulation.synthetic) and `is_simulated` tells a screen to say so.
Messages to simulated receivers are never queued for sending (`SimulatedNotifier`).
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from countyexpress.domain.addresses import AddressBook
from countyexpress.domain.county import County
from countyexpress.domain.delivery import DeliveryChoice
from countyexpress.domain.facilities import Facility, FacilityKind
from countyexpress.domain.geography import Coordinates, county_code6
from countyexpress.domain.lockers import Size
from countyexpress.domain.privacy import mask_name
from countyexpress.errors import CountyExpressError, InvalidValue, NotFound
from countyexpress.planning.simulation.demand import CountyModel, DayPlan, Inbound, plan_day
from countyexpress.planning.simulation.params import SimulationParams
from countyexpress.services import centre, scans, stations
from countyexpress.services.batch import Batch
from countyexpress.services.ports import Cipher
from countyexpress.services.unit_of_work import UnitOfWork

SIM_PREFIX = "SIM-"
"""Every simulated manifest's id starts with this: `SIM-YYYYMMDD-carrier`."""

BANNER = "模拟数据 · Simulated data — parcels, receivers and senders are generated, not real"
"""What a screen shows while `is_simulated` is true."""

CONSENT_SOURCE = "simulation"
_SIZES = ("S", "M", "L")

UowFactory = Callable[[], UnitOfWork]


def manifest_id(day: dt.date, carrier: str) -> str:
    """The id of a carrier's simulated manifest of `day`."""
    return f"{SIM_PREFIX}{day:%Y%m%d}-{carrier}"


def simulated_days(uow: UnitOfWork, county: str) -> list[dt.date]:
    """The days of the county that carry simulated manifests, oldest first."""
    code = county_code6(county)
    with uow:
        ids = uow.ops.manifest_ids(code, SIM_PREFIX)
    days = set()
    for i in ids:
        try:
            days.add(
                dt.datetime.strptime(i[len(SIM_PREFIX) : len(SIM_PREFIX) + 8], "%Y%m%d").date()
            )
        except ValueError:
            continue
    return sorted(days)


def is_simulated(uow: UnitOfWork, county: str) -> bool:
    """Whether the county holds simulated parcels: screens show a "simulated data" banner."""
    with uow:
        return bool(uow.ops.manifest_ids(county_code6(county), SIM_PREFIX, limit=1))


class SimulatedNotifier:
    """Counts the messages a simulated day would send; never queues one (the receivers'
    phone numbers are synthetic and must not reach an SMS gateway)."""

    def __init__(self) -> None:
        self.sent: Counter[str] = Counter()

    def send(self, county: str, phone: str, template: str, params: Mapping[str, Any]) -> None:
        self.sent[template] += 1


@dataclass(frozen=True)
class Trip:
    """A route bag taken out on a day, for vehicle-km estimates: where, and whose parcels."""

    bag: str
    vehicle: str
    destination: str  # facility or division code
    division: str  # the village or community served
    location: Coordinates | None
    parcels_by_carrier: Mapping[str, int]


@dataclass
class DayStats:
    """What one simulated day did (counts of service outcomes)."""

    day: dt.date
    factor: float = 1.0
    festivals: tuple[str, ...] = ()
    planned: int = 0
    consents: int = 0
    manifested: int = 0
    resolved_by_hand: int = 0
    sorted: int = 0
    exceptions: int = 0
    dispatched: int = 0
    stored: int = 0
    locker: int = 0
    door: int = 0
    fallback_door: int = 0
    picked_up: int = 0
    wrong_tails: int = 0
    locker_picked_up: int = 0
    returned: int = 0
    outbound_taken_in: int = 0
    outbound_refused: int = 0
    screened: int = 0
    events: int = 0
    messages: int = 0
    trips: list[Trip] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class RunResult:
    """A simulation run: its days, what it skipped, and the parcels by state at the end."""

    county: str
    start: dt.date
    days: int
    seed: int
    scale: float
    stats: list[DayStats]
    skipped: list[dt.date]
    states: dict[str, int]
    outbound_note: str

    def total(self, name: str) -> int:
        """The sum of one DayStats count over the run."""
        return sum(int(getattr(s, name)) for s in self.stats)


Progress = Callable[[int, int, "DayStats"], None]
"""Told after each simulated day: days done, days in all, the day's counts."""


def _intake_module() -> ModuleType | None:
    """services.intake when it is installed (outbound intake, real-name, screening)."""
    try:
        return importlib.import_module("countyexpress.services.intake")
    except ModuleNotFoundError:
        return None


@dataclass
class _Shelved:
    waybill: str
    facility: str
    code: str
    tail: str
    wrong_first: bool
    at: dt.datetime


@dataclass
class _Waiting:
    """An outbound parcel taken in at a station, waiting for the next van."""

    waybill: str
    carrier: str
    station: str


class Simulator:
    """Runs simulated days for one county, keeping what carries over from day to day
    (parcels on shelves and in lockers awaiting pickup, outbound parcels awaiting the van)."""

    def __init__(
        self,
        uow_factory: UowFactory,
        cipher: Cipher,
        county: County,
        params: SimulationParams,
        seed: int = 0,
        scale: float = 1.0,
        outbound: bool = True,
    ) -> None:
        if scale < 0:
            raise InvalidValue("scale", "the demand scale cannot be negative")
        self.uow = uow_factory
        self.cipher = cipher
        self.county = county
        self.params = params
        self.seed = seed
        self.scale = scale
        self.model = CountyModel(county, params, seed)
        self.notifier = SimulatedNotifier()
        self.facilities = {f.code: f for f in county.facilities}
        if params.centre not in self.facilities:
            raise NotFound(f"centre {params.centre} is not a facility of county {county.code}")
        self.centre = self.facilities[params.centre]
        self.intake = _intake_module() if outbound else None
        self.outbound_note = (
            "outbound intake and screening through services.intake"
            if self.intake
            else "outbound not simulated: services.intake is not installed"
            if outbound
            else "outbound not simulated (switched off)"
        )
        self._consented: set[int] = set()
        self._resolved: dict[tuple[str, bool], bool] = {}
        self._book = AddressBook(county.divisions)
        self._shelf: dict[dt.date, list[_Shelved]] = defaultdict(list)
        self._lockers: dict[dt.date, list[tuple[str, str, dt.datetime]]] = defaultdict(list)
        self._waiting: dict[dt.date, list[_Waiting]] = defaultdict(list)
        self._vans = self._assign_vans()

    # helpers ----------------------------------------------------------------------------
    def _at(self, day: dt.date, time: dt.time, minutes: float = 0.0) -> dt.datetime:
        return self.params.timetable.at(day, time, minutes)

    def _location(self, code: str) -> Coordinates | None:
        f = self.facilities.get(code)
        if f is not None and f.location is not None:
            return f.location
        d = self.county.division(code)
        return d.location if d else None

    def _minutes_to(self, code: str) -> float:
        """Driving minutes from the centre to a bag's destination, plus the stop."""
        t = self.params.timetable
        a, b = self.centre.location, self._location(code)
        km = 0.0
        if a is not None and b is not None:
            km = a.distance_km(b) * self.county.plan.standards.circuity_factor
        return 60.0 * km / t.speed_kmh + t.stop_minutes

    def _assign_vans(self) -> dict[str, str]:
        """Townships west to east, shared out among the vans in turn."""
        towns = sorted(
            {p.township for p in self.model.places},
            key=lambda d: (d.location.lon if d.location else 0.0, d.code),
        )
        vans = self.params.vehicles
        return {t.code: vans[i % len(vans)].code for i, t in enumerate(towns)}

    def _destination(self, bag: str) -> str:
        return bag.removeprefix("DOOR-")

    def _van_for(self, bag: str) -> str:
        dest = self._destination(bag)
        f = self.facilities.get(dest)
        division = self.county.division(f.division_code if f else dest)
        township = division.parent_code if division and division.parent_code else ""
        if division is not None and division.parent_code == self.county.code:
            township = division.code
        return self._vans.get(township, self.params.vehicles[0].code)

    def _event_id(self, rng: random.Random) -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    def _resolvable(self, p: Inbound) -> bool:
        """Whether the centre resolves the parcel's address by itself. Addresses of one
        place differ only in the house number, so one resolution per place and form."""
        key = (p.receiver.division_code, p.address == p.receiver.address)
        known = self._resolved.get(key)
        if known is None:
            known = self._book.resolve(p.address).division_code is not None
            self._resolved[key] = known
        return known

    # the day ----------------------------------------------------------------------------
    def run_morning(self, day: dt.date) -> DayStats:
        """The first hours of a day only: receivers' consents, the carriers' manifests and
        the line haul sorted at the centre — the bags wait for their vans (and for the day's
        route plan)."""
        plan = plan_day(self.model, day, self.scale)
        stats = DayStats(day, plan.factor.value, plan.factor.festivals, len(plan.inbound))
        self._consents(plan, stats)
        self._manifests(plan, stats)
        self._centre_inbound(plan, stats)
        return stats

    def run_day(self, day: dt.date) -> DayStats:
        """Simulate one day; the day's plan comes from the seed, everything else from the
        services' answers."""
        plan = plan_day(self.model, day, self.scale)
        stats = DayStats(day, plan.factor.value, plan.factor.festivals, len(plan.inbound))
        rng = random.Random(f"{self.seed}|run|{day.isoformat()}")
        by_waybill = {p.waybill: p for p in plan.inbound}
        self._consents(plan, stats)
        self._manifests(plan, stats)
        bags = self._centre_inbound(plan, stats)
        # receivers who come before the vans arrive free shelves and compartments first
        self._pickups(day, stats, before=self._at(day, self.params.timetable.dispatch_time))
        doors: list[tuple[Inbound | None, str, str, dt.datetime]] = []
        # 09:30 every route bag leaves on its van (one dispatch for the day's bags)
        order = sorted(bags)
        sent = centre.dispatch_many(
            self.uow(),
            self.county.code,
            [(bag, self._van_for(bag)) for bag in order],
            self.centre.code,
            "sim-driver",
            at=self._at(day, self.params.timetable.dispatch_time),
        )
        # the vans reach their stations: each station's parcels shelved (one call for all),
        # and the couriers fill the lockers (one round of them)
        shelved = self._station_inbound(day, [(bag, sent[bag]) for bag in order])
        lockers = self._lockers_run(day, [(bag, sent[bag]) for bag in order])
        for bag in order:
            self._deliver_bag(day, bag, sent[bag], by_waybill, stats, doors, shelved, lockers)
        self._door_scans(doors, rng, stats)
        self._pickups(day, stats)
        stats.returned = len(
            stations.return_unclaimed(
                self.uow(),
                self.county.code,
                at=self._at(day, self.params.timetable.end_of_day),
                actor="sim-station",
            )
        )
        stats.events += stats.returned
        if self.intake is not None:
            self._outbound(day, plan, rng, stats)
        stats.messages = sum(self.notifier.sent.values())
        self.notifier.sent.clear()
        return stats

    def _consents(self, plan: DayPlan, stats: DayStats) -> None:
        when = self._at(plan.day, self.params.timetable.manifest_time, -60)
        choices: list[tuple[str, DeliveryChoice]] = []
        for p in plan.inbound:
            person = p.receiver
            if person.consent == "none" or person.key in self._consented:
                continue
            self._consented.add(person.key)
            choices.append((person.phone, DeliveryChoice(person.consent)))
        if choices:
            centre.record_consents(
                self.uow(),
                self.cipher,
                self.county.code,
                choices,
                source=CONSENT_SOURCE,
                now=when,
                synthetic=True,
            )
        stats.consents += len(choices)

    def _manifests(self, plan: DayPlan, stats: DayStats) -> None:
        by_carrier: dict[str, list[Inbound]] = defaultdict(list)
        for p in plan.inbound:
            if p.manifested:
                by_carrier[p.carrier].append(p)
        t = self.params.timetable
        for i, (carrier, items) in enumerate(sorted(by_carrier.items())):
            records = [
                (
                    n,
                    {
                        "waybill_no": p.waybill,
                        "receiver_name": p.receiver.name,
                        "receiver_phone": p.receiver.phone,
                        "address": p.address,
                        "weight_kg": p.weight_kg,
                        "size": p.size,
                        "cold": p.cold,
                    },
                )
                for n, p in enumerate(items, start=1)
            ]
            result = centre.add_manifest(
                self.uow(),
                self.cipher,
                self.county.code,
                carrier,
                records,
                manifest_id=manifest_id(plan.day, carrier),
                now=self._at(plan.day, t.manifest_time, i * 0.5),
                synthetic=True,
            )
            if result.rejected:
                first = result.rejected[0]
                raise CountyExpressError(
                    f"simulated manifest {manifest_id(plan.day, carrier)} refused: "
                    f"line {first.line}: {first.reason}"
                )
            stats.manifested += result.accepted
        # the clerk works the manual address queue before the line haul unloads
        queue = [
            (p.waybill, p.receiver.division_code)
            for p in plan.inbound
            if p.manifested and not self._resolvable(p)
        ]
        if queue:
            centre.resolve_manually_many(self.uow(), self.county.code, queue)
        stats.resolved_by_hand += len(queue)

    def _centre_inbound(self, plan: DayPlan, stats: DayStats) -> dict[str, list[str]]:
        t = self.params.timetable
        by_carrier: dict[str, list[Inbound]] = defaultdict(list)
        for p in plan.inbound:
            by_carrier[p.carrier].append(p)
        bags: dict[str, list[str]] = defaultdict(list)
        batch: list[tuple[str, dt.datetime | None]] = []  # the morning's scans, one upload
        for _carrier, items in sorted(by_carrier.items()):  # carrier by carrier, as unloaded
            items.sort(key=lambda p: p.arrive_minute)
            batch += [
                (p.waybill, self._at(plan.day, t.line_haul_window.start, p.arrive_minute))
                for p in items
            ]
        if not batch:
            return bags
        for r in centre.centre_inbound_many(
            self.uow(), self.county.code, batch, self.centre.code, actor="sim-centre"
        ):
            if r.route_bag is None:
                stats.exceptions += 1
            else:
                bags[r.route_bag].append(r.waybill_no)
                stats.sorted += 1
        stats.events += 2 * len(batch)
        return bags

    def _arrival(self, day: dt.date, bag: str) -> dt.datetime:
        """When the van with `bag` reaches its place."""
        left = self._at(day, self.params.timetable.dispatch_time)
        return left + dt.timedelta(minutes=self._minutes_to(self._destination(bag)))

    def _station_inbound(
        self, day: dt.date, bags: Sequence[tuple[str, list[str]]]
    ) -> dict[str, stations.InboundResult]:
        """入库 at every station and outlet the day's bags go to, in one call; by station."""
        stops = []
        for bag, out in bags:
            facility = self.facilities.get(self._destination(bag))
            if facility is not None and facility.kind is not FacilityKind.LOCKER:
                stops.append((facility.code, [(w, self._arrival(day, bag)) for w in out]))
        if not stops:
            return {}
        results = stations.station_inbound_run(
            self.uow(),
            self.cipher,
            self.county.code,
            stops,
            actor="sim-station",
            notifier=self.notifier,
        )
        return {code: r for (code, _), r in zip(stops, results, strict=True)}

    def _deliver_bag(
        self,
        day: dt.date,
        bag: str,
        out: list[str],
        plans: Mapping[str, Inbound],
        stats: DayStats,
        doors: list[tuple[Inbound | None, str, str, dt.datetime]],
        shelved: Mapping[str, stations.InboundResult],
        lockers: Mapping[str, Batch[stations.Stored]],
    ) -> None:
        """The van takes a dispatched bag (`out`: its waybills) to its place; a station's
        parcels were shelved already (`shelved`), a locker's put in (`lockers`)."""
        vehicle = self._van_for(bag)
        stats.dispatched += len(out)
        stats.events += len(out)
        dest = self._destination(bag)
        carriers = Counter(plans[w].carrier if w in plans else "unknown" for w in out)
        facility = self.facilities.get(dest)
        division = facility.division_code if facility else dest
        stats.trips.append(Trip(bag, vehicle, dest, division, self._location(dest), dict(carriers)))
        arrive = self._arrival(day, bag)
        if facility is None:  # a door bag of a village or community
            for w in out:
                doors.append((plans.get(w), w, self.centre.code, arrive))
            return
        if facility.kind is FacilityKind.LOCKER:
            self._lockers_in(facility, out, plans, arrive, stats, doors, lockers[facility.code])
            return
        result = shelved[facility.code]
        stats.stored += len(result.stored)
        stats.events += 2 * len(result.stored)
        for s in result.stored:
            p = plans.get(s.waybill_no)
            if p is None or p.pickup_delay_days is None:
                continue  # never collected: returned when unclaimed
            when = self._at(day, dt.time(0), p.pickup_minute) + dt.timedelta(
                days=p.pickup_delay_days
            )
            when = max(when, arrive + dt.timedelta(minutes=20))
            self._shelf[when.date()].append(
                _Shelved(
                    s.waybill_no,
                    facility.code,
                    s.pickup_code,
                    p.receiver.tail,
                    p.wrong_tail_first,
                    when,
                )
            )
        for w, _reason in result.refused:  # shelves full: the keeper takes it to the door
            doors.append((plans.get(w), w, facility.code, arrive))
            stats.fallback_door += 1

    @staticmethod
    def _deposit_times(arrive: dt.datetime, n: int) -> list[dt.datetime]:
        """When the courier puts each of a locker's `n` parcels in: one every 20 s."""
        return [arrive + dt.timedelta(seconds=20 * i) for i in range(n)]

    def _lockers_run(
        self, day: dt.date, bags: Sequence[tuple[str, list[str]]]
    ) -> dict[str, Batch[stations.Stored]]:
        """投柜 at every locker the day's bags go to, in one call; by locker."""
        stops: list[tuple[str, Sequence[tuple[str, Size | None, dt.datetime | None]]]] = []
        for bag, out in bags:
            facility = self.facilities.get(self._destination(bag))
            if facility is not None and facility.kind is FacilityKind.LOCKER:
                times = self._deposit_times(self._arrival(day, bag), len(out))
                stops.append(
                    (facility.code, [(w, None, at) for w, at in zip(out, times, strict=True)])
                )
        if not stops:
            return {}
        results = stations.locker_deposit_run(
            self.uow(),
            self.cipher,
            self.county.code,
            stops,
            actor="sim-courier",
            notifier=self.notifier,
        )
        return {code: r for (code, _), r in zip(stops, results, strict=True)}

    def _lockers_in(
        self,
        locker: Facility,
        waybills: Sequence[str],
        plans: Mapping[str, Inbound],
        arrive: dt.datetime,
        stats: DayStats,
        doors: list[tuple[Inbound | None, str, str, dt.datetime]],
        result: Batch[stations.Stored],
    ) -> None:
        """A locker's parcels as put in (`result`): the refused go to the door."""
        times = self._deposit_times(arrive, len(waybills))
        for r in result.refused:  # no free compartment: the courier goes to the door
            w = waybills[r.position]
            doors.append((plans.get(w), w, locker.code, times[r.position]))
            stats.fallback_door += 1
        at_of = dict(zip(waybills, times, strict=True))
        for stored in result.done:
            p = plans.get(stored.waybill_no)
            stats.locker += 1
            stats.events += 1
            hours = p.locker_hours if p else 12.0
            when = at_of[stored.waybill_no] + dt.timedelta(hours=hours)
            self._lockers[when.date()].append((locker.code, stored.pickup_code, when))

    def _door_scans(
        self,
        doors: list[tuple[Inbound | None, str, str, dt.datetime]],
        rng: random.Random,
        stats: DayStats,
    ) -> None:
        """Couriers' handhelds upload the day's door deliveries (proof: who signed)."""
        t = self.params.timetable
        records: list[tuple[int, Mapping[str, Any]]] = []
        for n, (p, waybill, facility, earliest) in enumerate(doors, start=1):
            if p is None:  # left over from an interrupted run: people look at it
                stats.exceptions += 1
                continue
            planned = self._at(earliest.date(), t.door_window.start, p.door_minute)
            when = max(earliest + dt.timedelta(minutes=15), planned)
            records.append(
                (
                    n,
                    {
                        "event_id": self._event_id(rng),
                        "waybill_no": waybill,
                        "carrier": p.carrier,
                        "kind": "pickup",
                        "facility": facility,
                        "at": when.isoformat(),
                        "actor": "sim-courier",
                        "payload": {
                            "method": "door",
                            "signer_type": p.signer_type,
                            "signer": mask_name(p.receiver.name),
                        },
                    },
                )
            )
        if not records:
            return
        result = scans.ingest(self.uow(), records, county=self.county.code)
        if result.rejected:
            first = result.rejected[0]
            raise CountyExpressError(f"simulated door scans refused: {first.reason}")
        stats.door += result.accepted
        stats.events += result.accepted

    def _pickups(self, day: dt.date, stats: DayStats, before: dt.datetime | None = None) -> None:
        """Hand-overs and locker pickups due on `day` (only those before `before`, if given)."""
        due = self._shelf.pop(day, [])
        later = [s for s in due if before is not None and s.at >= before]
        if later:
            self._shelf[day] = later
        by_station: dict[str, list[_Shelved]] = defaultdict(list)
        for s in due:
            if before is None or s.at < before:
                by_station[s.facility].append(s)
        asked: list[tuple[str, Sequence[tuple[str, str, dt.datetime | None]]]] = []
        for station, waiting in sorted(by_station.items()):
            waiting.sort(key=lambda s: s.at)
            attempts: list[tuple[str, str, dt.datetime | None]] = []
            for s in waiting:
                if s.wrong_first:
                    wrong = f"{(int(s.tail) + 1111) % 10000:04d}"
                    attempts.append((s.code, wrong, s.at - dt.timedelta(minutes=2)))
                    stats.wrong_tails += 1
                attempts.append((s.code, s.tail, s.at))
            asked.append((station, attempts))
        replies = (
            stations.hand_over_at_stations(
                self.uow(), self.cipher, self.county.code, asked, actor="sim-station"
            )
            if asked
            else []
        )
        for (_station, waiting), answers in zip(sorted(by_station.items()), replies, strict=True):
            done = {a.waybill_no for a in answers if a.waybill_no}
            stats.picked_up += len(done)
            stats.events += len(done)
            for s in waiting:  # locked out or throttled: they come back tomorrow
                if s.waybill not in done:
                    s.at += dt.timedelta(days=1)
                    s.wrong_first = False
                    self._shelf[s.at.date()].append(s)
        lockers = self._lockers.pop(day, [])
        later_lockers = [x for x in lockers if before is not None and x[2] >= before]
        if later_lockers:
            self._lockers[day] = later_lockers
        by_locker: dict[str, list[tuple[str, dt.datetime | None]]] = defaultdict(list)
        for locker, code, at in sorted(
            (x for x in lockers if before is None or x[2] < before), key=lambda x: x[2]
        ):
            by_locker[locker].append((code, at))
        if by_locker:  # the lockers' pickups, one upload of them all
            for got in stations.locker_pickup_run(
                self.uow(), self.county.code, sorted(by_locker.items()), actor="sim-receiver"
            ):
                stats.locker_picked_up += len(got.done)  # a code not found: nothing collected
                stats.events += len(got.done)

    # outbound (农产品进城) ------------------------------------------------------------
    def _outbound(self, day: dt.date, plan: DayPlan, rng: random.Random, stats: DayStats) -> None:
        from countyexpress.services.simulation_outbound import OutboundRun

        run = OutboundRun(self, day, rng, stats)
        run.collect(self._waiting.pop(day, []))
        for w in run.take_in(plan.outbound):
            self._waiting[day + dt.timedelta(days=1)].append(w)


def simulate_morning(
    uow_factory: UowFactory,
    cipher: Cipher,
    county_code: str,
    params: SimulationParams,
    day: dt.date,
    seed: int = 0,
    scale: float = 1.0,
) -> DayStats:
    """Simulate the morning of `day` up to the sorted bags waiting at the centre (see
    `Simulator.run_morning`); refused for a day already simulated. The day then counts as
    simulated: `simulate` skips it."""
    code = county_code6(county_code)
    with uow_factory() as uow:
        county = uow.counties.get(code)
    if county is None:
        raise NotFound(f"county {code} is not loaded: run `countyexpress county load PATH`")
    if day in set(simulated_days(uow_factory(), code)):
        raise InvalidValue("day", f"{day.isoformat()} is simulated already")
    t0 = time.perf_counter()
    stats = Simulator(uow_factory, cipher, county, params, seed, scale, False).run_morning(day)
    stats.seconds = time.perf_counter() - t0
    return stats


def simulate(
    uow_factory: UowFactory,
    cipher: Cipher,
    county_code: str,
    params: SimulationParams,
    start: dt.date,
    days: int,
    seed: int = 0,
    scale: float = 1.0,
    progress: Progress | None = None,
    outbound: bool = True,
) -> RunResult:
    """Simulate `days` days from `start`; days already simulated in the county are skipped.

    `scale` multiplies the demand (0.1: a tenth of the parcels) for quick demos and tests.
    """
    if days < 1:
        raise InvalidValue("days", "simulate at least one day")
    code = county_code6(county_code)
    with uow_factory() as uow:
        county = uow.counties.get(code)
    if county is None:
        raise NotFound(f"county {code} is not loaded: run `countyexpress county load PATH`")
    done = set(simulated_days(uow_factory(), code))
    sim = Simulator(uow_factory, cipher, county, params, seed, scale, outbound)
    stats: list[DayStats] = []
    skipped: list[dt.date] = []
    for i in range(days):
        day = start + dt.timedelta(days=i)
        if day in done:
            skipped.append(day)
            continue
        t0 = time.perf_counter()
        s = sim.run_day(day)
        s.seconds = time.perf_counter() - t0
        stats.append(s)
        if progress is not None:
            progress(i + 1, days, s)
    states = scans.counts_by_state(uow_factory(), code)
    return RunResult(code, start, days, seed, scale, stats, skipped, states, sim.outbound_note)
