"""Vehicles from the registry: what they carry, what they cost, how long they may run."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from countyexpress.errors import InvalidValue
from countyexpress.planning.routing.loads import Capacity


class VehicleKind(StrEnum):
    """The kinds of vehicle a county delivers with."""

    VAN = "van"  # 厢式货车 light van
    E_TRICYCLE = "e_tricycle"  # 国标电动三轮车 national-standard electric tricycle


@dataclass(frozen=True)
class Vehicle:
    """A vehicle, or `count` identical vehicles, that start and end at `depot`.

    Costs are per kilometre driven, per hour on the road (driver and vehicle time) and per
    vehicle used on the day. A route may start from `shift_start_min` (minutes after
    midnight) and last at most `max_duration_h` hours and `range_km` kilometres. It drives
    at `speed_kmh` (its kind's speed from the registry), else at the travel matrix's.
    """

    code: str
    kind: VehicleKind
    capacity: Capacity
    depot: str
    cost_per_km: float = 0.0
    cost_per_hour: float = 0.0
    cost_per_day: float = 0.0
    max_duration_h: float | None = None
    range_km: float | None = None
    shift_start_min: float = 8 * 60
    refrigerated: bool = False
    count: int = 1
    speed_kmh: float | None = None

    def __post_init__(self) -> None:
        if not self.code or self.code != self.code.strip():
            raise InvalidValue("code", "a vehicle needs a code without leading or trailing spaces")
        if not self.depot:
            raise InvalidValue("depot", f"vehicle {self.code} needs a depot")
        for name in ("cost_per_km", "cost_per_hour", "cost_per_day", "shift_start_min"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise InvalidValue(name, f"{value} must be 0 or more for vehicle {self.code}")
        for name in ("max_duration_h", "range_km", "speed_kmh"):
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and value > 0):
                raise InvalidValue(name, f"{value} must be positive or left empty ({self.code})")
        if self.count < 1:
            raise InvalidValue("count", f"vehicle {self.code} needs a count of 1 or more")
