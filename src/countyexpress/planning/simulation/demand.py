"""The demand model: who receives how many parcels on a day, and what they do with them.

Pure and seeded: `CountyModel(county, params, seed)` makes the county's synthetic receivers
once; `plan_day(model, day)` draws the day's inbound parcels (per village or community:
population × parcels per person × the day's factor, Poisson) and outbound farm parcels.
The same seed and day always give the same plan.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from countyexpress.domain.county import County
from countyexpress.domain.facilities import Facility, FacilityKind
from countyexpress.domain.geography import DataQuality, Division, DivisionLevel
from countyexpress.errors import InvalidValue
from countyexpress.planning.simulation import synthetic
from countyexpress.planning.simulation.calendar import DayFactor, day_factor
from countyexpress.planning.simulation.params import SimulationParams

_SIZE_WEIGHT = {"S": 0.7, "M": 1.5, "L": 3.0}


class Chooser:
    """Weighted choice of keys with precomputed cumulative weights."""

    def __init__(self, weights: Mapping[str, float]) -> None:
        items = [(k, w) for k, w in weights.items() if w > 0]
        if not items:
            raise InvalidValue("weights", "nothing to choose from")
        self.keys = [k for k, _ in items]
        self.cum = list(itertools.accumulate(w for _, w in items))

    def __call__(self, rng: random.Random) -> str:
        i = bisect.bisect_right(self.cum, rng.random() * self.cum[-1])
        return self.keys[min(i, len(self.keys) - 1)]


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw: exact for small means, the normal approximation above 50."""
    if lam <= 0:
        return 0
    if lam > 50:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


@dataclass(frozen=True)
class Place:
    """A village or community where receivers live."""

    division: Division
    township: Division
    urban: bool
    index: int  # position among the county's places (for phone numbers)

    @property
    def population(self) -> int:
        """Residents; 0 when unknown."""
        return self.division.population or 0


@dataclass(frozen=True)
class Inbound:
    """One parcel coming down to a receiver, and how the receiver will behave."""

    waybill: str
    carrier: str
    receiver: synthetic.Person
    address: str  # as the carrier's manifest writes it
    weight_kg: float
    size: str
    cold: bool
    manifested: bool
    arrive_minute: float  # minutes into the line-haul window
    pickup_delay_days: int | None  # None: never collected (returned when unclaimed)
    pickup_minute: float  # minutes after midnight on the pickup day
    wrong_tail_first: bool
    locker_hours: float
    signer_type: str
    door_minute: float  # minutes into the door window


@dataclass(frozen=True)
class Outbound:
    """One farm-product parcel sent up to town."""

    waybill: str
    carrier: str
    category: str
    facility: str  # the station or carrier office that takes it in
    township_code: str
    sender_name: str
    sender_uscc: str
    take_in_minute: float  # minutes after midnight


@dataclass(frozen=True)
class DayPlan:
    """Everything drawn for one day."""

    day: dt.date
    factor: DayFactor
    inbound: tuple[Inbound, ...]
    outbound: tuple[Outbound, ...]


class CountyModel:
    """A county's places, synthetic receivers and senders under one seed."""

    def __init__(self, county: County, params: SimulationParams, seed: int = 0) -> None:
        self.county = county
        self.params = params
        self.seed = seed
        carriers = {c.code for c in county.carriers}
        unknown = sorted(set(params.carrier_shares) - carriers) if carriers else []
        if unknown:
            raise InvalidValue("carrier_shares", f"carriers {unknown} are not in the county pack")
        townships = {d.code: d for d in county.divisions_at(DivisionLevel.TOWNSHIP)}
        urban_towns = set(params.demand.urban_townships)
        self.places: list[Place] = []
        for d in county.divisions:
            if d.level is DivisionLevel.TOWNSHIP or d.parent_code not in townships:
                continue
            urban = d.level is DivisionLevel.COMMUNITY or d.parent_code in urban_towns
            self.places.append(Place(d, townships[d.parent_code], urban, len(self.places)))
        if not self.places:
            raise InvalidValue("divisions", f"county {county.code} has no villages or communities")
        self.receivers: dict[str, list[synthetic.Person]] = {}
        key = 0
        for place in self.places:
            people = self._people(place, key)
            key += len(people)
            self.receivers[place.division.code] = people
        self.carrier = Chooser(params.carrier_shares)
        self.sizes = Chooser(params.demand.size_shares)
        self.signers = Chooser(params.signer_shares)
        delays = params.pickup.delay_day_shares
        self.delay = Chooser({str(i): s for i, s in enumerate(delays)})
        self.stations = [f for f in county.facilities_of(FacilityKind.STATION) if f.is_operating]
        self.office = next(
            (f for f in county.facilities if f.code == params.outbound.office and f.is_operating),
            None,
        )

    def _people(self, place: Place, first_key: int) -> list[synthetic.Person]:
        rng = random.Random(f"{self.seed}|people|{place.division.code}")
        consent = Chooser(self.params.consent_urban if place.urban else self.params.consent_rural)
        n = max(1, round(place.population * self.params.demand.receivers_per_person))
        return [
            synthetic.Person(
                key=first_key + i,
                division_code=place.division.code,
                township_code=place.township.code,
                urban=place.urban,
                name=synthetic.receiver_name(rng, i),
                phone=synthetic.receiver_phone(place.index, i),
                address=synthetic.address(
                    rng, self.county.name, place.township, place.division, place.urban
                ),
                consent=consent(rng),
            )
            for i in range(n)
        ]

    def expected(self, day: dt.date, scale: float = 1.0) -> float:
        """Expected inbound parcels of the whole county on `day`."""
        d = self.params.demand
        factor = day_factor(day, d, self.params.festivals).value
        return (
            scale
            * factor
            * sum(p.population * (d.urban_rate if p.urban else d.rural_rate) for p in self.places)
        )


def plan_day(model: CountyModel, day: dt.date, scale: float = 1.0) -> DayPlan:
    """Draw the day's parcels: the same model, day and scale always give the same plan."""
    if scale < 0:
        raise InvalidValue("scale", "the demand scale cannot be negative")
    p = model.params
    d = p.demand
    rng = random.Random(f"{model.seed}|day|{day.isoformat()}")
    factor = day_factor(day, d, p.festivals)
    counters: dict[str, int] = {}
    haul = p.timetable.line_haul_window.minutes()
    door = p.timetable.door_window.minutes()
    window = p.pickup.window.minutes()
    inbound: list[Inbound] = []
    for place in model.places:
        rate = d.urban_rate if place.urban else d.rural_rate
        n = poisson(rng, place.population * rate * factor.value * scale)
        people = model.receivers[place.division.code]
        for _ in range(n):
            person = people[rng.randrange(len(people))]
            carrier = model.carrier(rng)
            counters[carrier] = counters.get(carrier, 0) + 1
            size = model.sizes(rng)
            weight = (
                d.weight_kg_median
                * _SIZE_WEIGHT[size]
                * math.exp(d.weight_kg_sigma * rng.gauss(0, 1))
            )
            sloppy = (
                place.division.quality is not DataQuality.PLACEHOLDER
                and rng.random() < d.township_only_address_share
            )
            unclaimed = rng.random() < p.pickup.unclaimed_share
            inbound.append(
                Inbound(
                    waybill=synthetic.waybill(carrier, day, counters[carrier]),
                    carrier=carrier,
                    receiver=person,
                    address=(
                        synthetic.township_only(rng, model.county.name, place.township)
                        if sloppy
                        else person.address
                    ),
                    weight_kg=round(min(60.0, max(0.05, weight)), 2),
                    size=size,
                    cold=rng.random() < d.cold_share,
                    manifested=rng.random() >= d.unmanifested_share,
                    arrive_minute=rng.uniform(0, haul[1] - haul[0]),
                    pickup_delay_days=None if unclaimed else int(model.delay(rng)),
                    pickup_minute=rng.uniform(window[0], window[1]),
                    wrong_tail_first=rng.random() < p.pickup.wrong_tail_share,
                    locker_hours=rng.uniform(*p.pickup.locker_hours),
                    signer_type=model.signers(rng),
                    door_minute=rng.uniform(0, door[1] - door[0]),
                )
            )
    return DayPlan(day, factor, tuple(inbound), _outbound(model, day, scale, rng))


def _outbound(
    model: CountyModel, day: dt.date, scale: float, rng: random.Random
) -> tuple[Outbound, ...]:
    o = model.params.outbound
    stations = model.stations
    if not o.products or not (stations or model.office):
        return ()
    weights = [_station_population(model, s) for s in stations]
    start, end = o.window.minutes()
    out: list[Outbound] = []
    serial = synthetic.OUTBOUND_SERIAL_BASE
    for category, per_day in sorted(o.per_day(day).items()):
        for _ in range(poisson(rng, per_day * scale)):
            office = model.office is not None and (not stations or rng.random() < o.office_share)
            facility = model.office if office else _pick(rng, stations, weights)
            assert facility is not None
            carrier = _carrier_at(rng, facility, o.carrier_shares)
            township = _township_of(model, facility)
            n = 10 * (model.county.facilities.index(facility) + 1) + rng.randint(1, 3)
            serial += 1
            out.append(
                Outbound(
                    waybill=synthetic.waybill(carrier, day, serial),
                    carrier=carrier,
                    category=category,
                    facility=facility.code,
                    township_code=township.code,
                    sender_name=synthetic.cooperative_name(township, n),
                    sender_uscc=synthetic.cooperative_uscc(model.county.code, n),
                    take_in_minute=rng.uniform(start, end),
                )
            )
    return tuple(out)


def _station_population(model: CountyModel, station: Facility) -> float:
    place = next((p for p in model.places if p.division.code == station.division_code), None)
    return float(place.population) if place and place.population else 1.0


def _pick(rng: random.Random, items: Sequence[Facility], weights: Sequence[float]) -> Facility:
    return rng.choices(items, weights=weights, k=1)[0]


def _carrier_at(rng: random.Random, facility: Facility, shares: Mapping[str, float]) -> str:
    if facility.kind is FacilityKind.CARRIER_OFFICE and facility.carriers:
        return facility.carriers[0]
    here = {c: w for c, w in shares.items() if not facility.carriers or c in facility.carriers}
    if not here:
        return facility.carriers[0] if facility.carriers else next(iter(shares))
    return Chooser(here)(rng)


def _township_of(model: CountyModel, facility: Facility) -> Division:
    division = model.county.division(facility.division_code)
    if division is not None and division.level is not DivisionLevel.TOWNSHIP:
        division = model.county.division(division.parent_code)
    if division is None:
        return model.places[0].township
    return division
