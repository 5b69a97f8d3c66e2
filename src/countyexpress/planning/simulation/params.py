"""The demand model's parameters as data: each checked where it is made.

Every figure comes from a county's optional `simulation.toml` (see the Heshuo pack), where
each line says whether it is a [source], [memory] or [estimate]; nothing here is a
constant a county could not change.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from countyexpress.errors import InvalidValue

SIZES = ("S", "M", "L")
CONSENT_CHOICES = ("station", "locker", "door", "none")
SIGNER_TYPES = ("receiver", "family", "colleague", "neighbour", "guard", "other")


def _shares(name: str, shares: Mapping[str, float], allowed: tuple[str, ...] | None = None) -> None:
    if not shares:
        raise InvalidValue(name, "give at least one share")
    if any(v < 0 or not math.isfinite(v) for v in shares.values()):
        raise InvalidValue(name, "shares cannot be negative")
    if allowed is not None:
        unknown = sorted(set(shares) - set(allowed))
        if unknown:
            raise InvalidValue(name, f"unknown keys {unknown}: use {', '.join(allowed)}")
    total = sum(shares.values())
    if not math.isclose(total, 1.0, abs_tol=0.005):
        raise InvalidValue(name, f"shares add up to {total:.3f}, not 1")


def clock(text: str) -> dt.time:
    """A time of day from "HH:MM"; InvalidValue otherwise."""
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        raise InvalidValue("time", f"{text!r} is not a time of day like 07:30") from None


@dataclass(frozen=True)
class Window:
    """A span of the day, e.g. when the line haul unloads."""

    start: dt.time
    end: dt.time

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise InvalidValue("window", f"{self.start}–{self.end} ends before it starts")

    @classmethod
    def parse(cls, pair: tuple[str, str] | list[str]) -> Window:
        """A window from ["HH:MM", "HH:MM"]."""
        if len(pair) != 2:
            raise InvalidValue("window", "a window is [start, end]")
        return cls(clock(pair[0]), clock(pair[1]))

    def minutes(self) -> tuple[int, int]:
        """Start and end as minutes after midnight."""
        return self.start.hour * 60 + self.start.minute, self.end.hour * 60 + self.end.minute


@dataclass(frozen=True)
class Festival:
    """A shopping festival or holiday: factors for the days from `first_offset` on."""

    name: str
    label: str
    factors: tuple[float, ...]
    first_offset: int = 0
    month_day: tuple[int, int] | None = None  # every year on this day
    dates: tuple[dt.date, ...] = ()  # or on these dates (lunar festivals)

    def __post_init__(self) -> None:
        if not self.factors:
            raise InvalidValue("factors", f"festival {self.name} has no factors")
        if any(f < 0 or not math.isfinite(f) for f in self.factors):
            raise InvalidValue("factors", f"festival {self.name} has a negative factor")
        if (self.month_day is None) == (not self.dates):
            raise InvalidValue("month_day", f"festival {self.name}: give month_day or dates")

    def anchors(self, year: int) -> list[dt.date]:
        """The festival's anchor dates in `year` (and its neighbours, for spill-over)."""
        if self.month_day is not None:
            m, d = self.month_day
            return [dt.date(y, m, d) for y in (year - 1, year, year + 1)]
        return [d for d in self.dates if abs(d.year - year) <= 1]

    def factor(self, day: dt.date) -> float:
        """The factor on `day`, 1 outside the festival's days."""
        for anchor in self.anchors(day.year):
            i = (day - anchor).days - self.first_offset
            if 0 <= i < len(self.factors):
                return self.factors[i]
        return 1.0


@dataclass(frozen=True)
class Product:
    """A farm product sent up to town, parcels per day county-wide by month (Jan first)."""

    category: str
    label: str
    per_day_by_month: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.per_day_by_month) != 12:
            raise InvalidValue("per_day_by_month", f"{self.category}: give 12 months")
        if any(v < 0 for v in self.per_day_by_month):
            raise InvalidValue("per_day_by_month", f"{self.category}: negative parcels")


@dataclass(frozen=True)
class Vehicle:
    """A van that dispatches route bags (demo vehicles say so in their name)."""

    code: str
    name: str


@dataclass(frozen=True)
class Demand:
    """Inbound parcels: rates per resident, receivers, parcel mix, calendar profiles."""

    urban_rate: float
    rural_rate: float
    urban_townships: tuple[str, ...] = ()
    receivers_per_person: float = 0.2
    weight_kg_median: float = 1.2
    weight_kg_sigma: float = 0.8
    size_shares: Mapping[str, float] = field(default_factory=lambda: {"S": 1.0})
    cold_share: float = 0.0
    unmanifested_share: float = 0.0
    township_only_address_share: float = 0.0
    weekday_factors: tuple[float, ...] = (1.0,) * 7
    month_factors: tuple[float, ...] = (1.0,) * 12

    def __post_init__(self) -> None:
        for name in ("urban_rate", "rural_rate", "weight_kg_median"):
            if not getattr(self, name) >= 0:
                raise InvalidValue(name, "must be 0 or more")
        if not 0 < self.receivers_per_person <= 1:
            raise InvalidValue("receivers_per_person", "must be above 0 and at most 1")
        for name in ("cold_share", "unmanifested_share", "township_only_address_share"):
            if not 0 <= getattr(self, name) <= 1:
                raise InvalidValue(name, "a share is between 0 and 1")
        _shares("size_shares", self.size_shares, SIZES)
        if len(self.weekday_factors) != 7 or len(self.month_factors) != 12:
            raise InvalidValue("weekday_factors", "give 7 weekday and 12 month factors")


@dataclass(frozen=True)
class Pickup:
    """How receivers collect: delay in days, the unclaimed, wrong phone tails, lockers."""

    delay_day_shares: tuple[float, ...] = (1.0,)
    unclaimed_share: float = 0.0
    wrong_tail_share: float = 0.0
    window: Window = field(default_factory=lambda: Window(dt.time(10), dt.time(21)))
    locker_hours: tuple[float, float] = (0.5, 30.0)

    def __post_init__(self) -> None:
        _shares("delay_day_shares", {str(i): v for i, v in enumerate(self.delay_day_shares)})
        for name in ("unclaimed_share", "wrong_tail_share"):
            if not 0 <= getattr(self, name) <= 1:
                raise InvalidValue(name, "a share is between 0 and 1")
        low, high = self.locker_hours
        if not 0 <= low <= high:
            raise InvalidValue("locker_hours", "give [fewest, most] hours, fewest first")


@dataclass(frozen=True)
class Outbound:
    """Farm products taken in at stations (and a carrier office) and sent up to town."""

    products: tuple[Product, ...] = ()
    carrier_shares: Mapping[str, float] = field(default_factory=lambda: {"ems": 1.0})
    window: Window = field(default_factory=lambda: Window(dt.time(11), dt.time(17)))
    office: str = ""
    office_share: float = 0.0

    def __post_init__(self) -> None:
        _shares("outbound.carrier_shares", self.carrier_shares)
        if not 0 <= self.office_share <= 1:
            raise InvalidValue("office_share", "a share is between 0 and 1")
        if self.office_share and not self.office:
            raise InvalidValue("office", "office_share needs the office's facility code")

    def per_day(self, day: dt.date) -> dict[str, float]:
        """Expected parcels per product category on `day`."""
        return {p.category: p.per_day_by_month[day.month - 1] for p in self.products}


@dataclass(frozen=True)
class Costs:
    """What a van costs, for scenario comparisons (estimates)."""

    van_cost_per_km: float = 2.0
    trip_cost: float = 40.0  # per village visit (a stop on a route)

    def __post_init__(self) -> None:
        if self.van_cost_per_km < 0 or self.trip_cost < 0:
            raise InvalidValue("costs", "costs cannot be negative")


@dataclass(frozen=True)
class Timetable:
    """When things happen on a simulated day, in the county's local time."""

    utc_offset_hours: float = 8
    manifest_time: dt.time = dt.time(5, 30)
    clerk_window: Window = field(default_factory=lambda: Window(dt.time(5, 40), dt.time(6, 50)))
    line_haul_window: Window = field(default_factory=lambda: Window(dt.time(7), dt.time(9)))
    dispatch_time: dt.time = dt.time(9, 30)
    door_window: Window = field(default_factory=lambda: Window(dt.time(10, 30), dt.time(18, 30)))
    end_of_day: dt.time = dt.time(21, 30)
    speed_kmh: float = 40.0
    stop_minutes: float = 12.0

    def __post_init__(self) -> None:
        if not -12 <= self.utc_offset_hours <= 14:
            raise InvalidValue("utc_offset_hours", "must be between -12 and 14")
        if self.speed_kmh <= 0 or self.stop_minutes < 0:
            raise InvalidValue("speed_kmh", "speed must be positive and stops 0 minutes or more")

    @property
    def tz(self) -> dt.timezone:
        """The county's clock."""
        return dt.timezone(dt.timedelta(hours=self.utc_offset_hours))

    def at(self, day: dt.date, time: dt.time, minutes: float = 0.0) -> dt.datetime:
        """A local, offset-aware moment on `day`, `minutes` after `time`."""
        base = dt.datetime.combine(day, time, tzinfo=self.tz)
        return base + dt.timedelta(minutes=minutes)


@dataclass(frozen=True)
class SimulationParams:
    """Everything the simulation of one county reads from its pack."""

    label: str
    centre: str
    demand: Demand
    carrier_shares: Mapping[str, float]
    consent_urban: Mapping[str, float]
    consent_rural: Mapping[str, float]
    festivals: tuple[Festival, ...] = ()
    pickup: Pickup = field(default_factory=Pickup)
    signer_shares: Mapping[str, float] = field(default_factory=lambda: {"receiver": 1.0})
    outbound: Outbound = field(default_factory=Outbound)
    vehicles: tuple[Vehicle, ...] = (Vehicle("DEMO-VAN-1", "demo van 1"),)
    costs: Costs = field(default_factory=Costs)
    timetable: Timetable = field(default_factory=Timetable)

    def __post_init__(self) -> None:
        if not self.centre.strip():
            raise InvalidValue("centre", "name the co-delivery centre's facility code")
        _shares("carrier_shares", self.carrier_shares)
        _shares("consent.urban", self.consent_urban, CONSENT_CHOICES)
        _shares("consent.rural", self.consent_rural, CONSENT_CHOICES)
        _shares("door.signer_shares", self.signer_shares, SIGNER_TYPES)
        if not self.vehicles:
            raise InvalidValue("vehicles", "give at least one vehicle")
        names = [f.name for f in self.festivals]
        if len(set(names)) != len(names):
            raise InvalidValue("festivals", "festival names must be unique")
