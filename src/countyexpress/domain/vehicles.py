"""The vehicle registry's rules (issue 14, task 18), pure: one vehicle's facts, the unified
number's (统一编号) format, and a whole list checked all or nothing.

The format is the county pack's data (a regular expression); a list with any wrongly
formatted number or a plate twice is refused whole, each problem by row and field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "KINDS", "KIND_NAMES", "OWNER_CENTRE", "RegisteredVehicle", "VehicleProblem", "check_fleet",
    "vehicle_name",
]  # fmt: skip

KINDS = ("van", "refrigerated_van", "etricycle")
OWNER_CENTRE = "centre"
KIND_NAMES = {
    "van": "厢式货车",
    "refrigerated_van": "冷藏车",
    "etricycle": "电动三轮车",
    "e_tricycle": "电动三轮车",  # routing's name of the same kind
}
"""A kind's name as the county's people call it (a name, like a place's: not translated)."""


def vehicle_name(number: str, plate: str = "", kind: str = "") -> str:
    """The one name of a vehicle everywhere it is named (the centre's screen, route sheets,
    the driver's page): "unified number · plate · kind", the parts it has (an electric
    tricycle may have no plate)."""
    parts = (number.strip(), plate.strip(), KIND_NAMES.get(kind, kind))
    return " · ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class RegisteredVehicle:
    """One vehicle as the registry keeps it; `routing` holds what planning needs."""

    unified_no: str
    plate: str
    kind: str
    owner: str = OWNER_CENTRE
    new_energy: bool = False
    insured_until: dt.date | None = None
    marked: bool = False
    courier_staff_no: str | None = None
    priority_permit: bool = False
    routing: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """Its name everywhere (`vehicle_name`)."""
        return vehicle_name(self.unified_no, self.plate, self.kind)

    def known_as(self, key: str) -> bool:
        """Whether `key` names it: its unified number, plate or routing code."""
        key, code = key.strip(), str(self.routing.get("code") or "")
        return bool(key) and key in (self.unified_no, self.plate, code)


@dataclass(frozen=True, slots=True)
class VehicleProblem:
    """Why a row of a vehicle list is refused."""

    row: int
    field: str
    reason: str


def check_fleet(
    rows: Sequence[tuple[int, RegisteredVehicle]], number_format: str
) -> list[VehicleProblem]:
    """Every problem of a whole list (row numbers as the file counts them); empty = good.
    An electric tricycle may go without a plate: its unified number identifies it."""
    pattern = re.compile(number_format)
    problems: list[VehicleProblem] = []
    plates: dict[str, int] = {}
    numbers: dict[str, int] = {}
    for line, vehicle in rows:
        number, plate = vehicle.unified_no, vehicle.plate
        if not pattern.fullmatch(number):
            why = f"unified number {number!r} is not in the format {number_format}"
            problems.append(VehicleProblem(line, "number", why))
        elif number in numbers:
            why = f"duplicate unified number {number} (row {numbers[number]})"
            problems.append(VehicleProblem(line, "number", why))
        else:
            numbers[number] = line
        if not plate and vehicle.kind != "etricycle":
            problems.append(VehicleProblem(line, "plate", "a plate is required"))
        elif plate and plate in plates:
            why = f"duplicate plate {plate} (row {plates[plate]})"
            problems.append(VehicleProblem(line, "plate", why))
        elif plate:
            plates[plate] = line
        if vehicle.kind not in KINDS:
            why = f"kind {vehicle.kind!r} is not one of {', '.join(KINDS)}"
            problems.append(VehicleProblem(line, "kind", why))
    if not rows:
        problems.append(VehicleProblem(0, "", "no vehicles"))
    return problems
