"""The county's vehicle registry (task 18): each vehicle as registered, and as routing sees it.

A van carries a licence plate; a national-standard electric tricycle carries the county's
unified number (统一编号) instead, or both. The registry keeps how sure each row is, as
the county pack does (`demo` rows are invented).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from countyexpress.errors import InvalidValue
from countyexpress.planning.routing.loads import Capacity
from countyexpress.planning.routing.vehicles import Vehicle, VehicleKind


@dataclass(frozen=True)
class FleetVehicle:
    """One registered vehicle: what it carries, what it costs, how long it may run."""

    code: str
    kind: VehicleKind
    capacity: Capacity
    plate: str = ""
    number: str = ""
    cost_per_km: float = 0.0
    cost_per_hour: float = 0.0
    cost_per_day: float = 0.0
    max_hours: float | None = None
    range_km: float | None = None
    shift_start_min: float = 8 * 60
    refrigerated: bool = False
    new_energy: bool = False
    quality: str = ""
    note: str = ""
    speed_kmh: float | None = None  # the kind's speed (vehicle_rules.toml); None: the day's

    def __post_init__(self) -> None:
        if not (self.plate or self.number):
            raise InvalidValue(
                "plate", f"vehicle {self.code} needs its plate or its unified number (task 18)"
            )
        self.routing("check")  # the routing checks (costs, hours, range) hold at once

    @property
    def label(self) -> str:
        """What a driver reads on the vehicle: plate and unified number, as registered."""
        return " / ".join(x for x in (self.plate, self.number) if x)

    def routing(self, depot: str) -> Vehicle:
        """The vehicle for a routing problem, starting and ending at `depot`."""
        return Vehicle(
            code=self.code,
            kind=self.kind,
            capacity=self.capacity,
            depot=depot,
            cost_per_km=self.cost_per_km,
            cost_per_hour=self.cost_per_hour,
            cost_per_day=self.cost_per_day,
            max_duration_h=self.max_hours,
            range_km=self.range_km,
            shift_start_min=self.shift_start_min,
            refrigerated=self.refrigerated,
            speed_kmh=self.speed_kmh,
        )


@dataclass(frozen=True)
class Fleet:
    """The vehicles a county plans with, and a label saying where they come from."""

    vehicles: tuple[FleetVehicle, ...]
    label: str = ""

    def __post_init__(self) -> None:
        if not self.vehicles:
            raise InvalidValue("vehicles", "the vehicle registry is empty: add vehicles first")
        seen: set[str] = set()
        for v in self.vehicles:
            if v.code in seen:
                raise InvalidValue("code", f"vehicle code {v.code} appears twice")
            seen.add(v.code)

    def routing(self, depot: str) -> list[Vehicle]:
        """Every vehicle for a routing problem from `depot` (the co-delivery centre)."""
        return [v.routing(depot) for v in self.vehicles]

    def get(self, code: str) -> FleetVehicle | None:
        """The vehicle with `code`, if registered."""
        return next((v for v in self.vehicles if v.code == code), None)

    @classmethod
    def of(cls, vehicles: Sequence[FleetVehicle], label: str = "") -> Fleet:
        """A fleet from any sequence."""
        return cls(tuple(vehicles), label)
