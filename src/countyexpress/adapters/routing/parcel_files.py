"""Parcel and vehicle CSV files for route planning, refused with the file, line and field.

parcels.csv: stop, lat, lon, carrier, parcels, weight_kg; optional volume_m3,
pickup_parcels, pickup_kg, opens, closes (HH:MM), cold_chain (1/0).

vehicles.csv: code, kind (van, e_tricycle), depot, depot_lat, depot_lon; optional count,
capacity_parcels, capacity_kg, capacity_m3, cost_per_km, cost_per_hour, cost_per_day,
max_hours, range_km, shift_start (HH:MM), refrigerated (1/0). An empty capacity is no limit.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from countyexpress.domain.geography import Coordinates
from countyexpress.errors import InvalidValue
from countyexpress.planning.routing import (
    Capacity,
    Depot,
    Load,
    TimeWindow,
    Vehicle,
    VehicleKind,
)
from countyexpress.planning.routing.codelivery import ParcelLine

__all__ = ["read_parcels", "read_vehicles"]

PARCEL_COLUMNS = ("stop", "lat", "lon", "carrier", "parcels", "weight_kg")
VEHICLE_COLUMNS = ("code", "kind", "depot", "depot_lat", "depot_lon")
T = TypeVar("T")


def read_parcels(path: Path) -> list[ParcelLine]:
    """Every parcel line of the file."""
    lines = []
    for where, row in _rows(path, PARCEL_COLUMNS):
        field = "stop"
        try:
            window = None
            if row.get("opens") or row.get("closes"):
                field = "opens"
                window = TimeWindow.parse(row.get("opens") or "00:00", row.get("closes") or "23:59")
            field = "lat"
            location = Coordinates(_num(row, "lat", float), _num(row, "lon", float))
            lines.append(
                ParcelLine(
                    stop=row["stop"].strip(),
                    location=location,
                    carrier=row["carrier"].strip(),
                    delivery=Load(
                        _num(row, "parcels", int),
                        _num(row, "weight_kg", float),
                        _num(row, "volume_m3", float, 0.0),
                    ),
                    pickup=Load(
                        _num(row, "pickup_parcels", int, 0), _num(row, "pickup_kg", float, 0.0)
                    ),
                    window=window,
                    cold_chain=_flag(row, "cold_chain"),
                )
            )
        except InvalidValue as exc:
            raise InvalidValue(f"{where}: {exc.field or field}", exc.reason) from exc
    if not lines:
        raise InvalidValue(path.name, "no parcel lines")
    return lines


def read_vehicles(path: Path) -> tuple[list[Depot], list[Vehicle]]:
    """The depots the vehicles start from, and the vehicles."""
    depots: dict[str, Depot] = {}
    vehicles = []
    for where, row in _rows(path, VEHICLE_COLUMNS):
        try:
            code = row["depot"].strip()
            location = Coordinates(_num(row, "depot_lat", float), _num(row, "depot_lon", float))
            depots.setdefault(code, Depot(code, location=location))
            kind = row["kind"].strip()
            if kind not in set(VehicleKind):
                raise InvalidValue("kind", f"{kind!r} is not one of van, e_tricycle")
            shift = row.get("shift_start") or "08:00"
            vehicles.append(
                Vehicle(
                    code=row["code"].strip(),
                    kind=VehicleKind(kind),
                    capacity=Capacity(
                        _num(row, "capacity_parcels", int, None),
                        _num(row, "capacity_kg", float, None),
                        _num(row, "capacity_m3", float, None),
                    ),
                    depot=code,
                    cost_per_km=_num(row, "cost_per_km", float, 0.0),
                    cost_per_hour=_num(row, "cost_per_hour", float, 0.0),
                    cost_per_day=_num(row, "cost_per_day", float, 0.0),
                    max_duration_h=_num(row, "max_hours", float, None),
                    range_km=_num(row, "range_km", float, None),
                    shift_start_min=TimeWindow.parse(shift, shift).opens,
                    refrigerated=_flag(row, "refrigerated"),
                    count=_num(row, "count", int, 1),
                )
            )
        except InvalidValue as exc:
            raise InvalidValue(f"{where}: {exc.field}", exc.reason) from exc
    if not vehicles:
        raise InvalidValue(path.name, "no vehicles")
    return list(depots.values()), vehicles


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[str, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise InvalidValue(path.name, f"missing column(s): {', '.join(missing)}")
            for row in reader:
                yield (
                    f"{path.name} line {reader.line_num}",
                    {k: (v or "").strip() for k, v in row.items() if k},
                )
    except OSError as exc:
        raise InvalidValue(path.name, f"cannot read the file: {exc.strerror}") from exc


_MISSING = object()


def _num(row: dict[str, str], name: str, kind: Callable[[str], T], default: object = _MISSING) -> T:
    text = row.get(name, "")
    if text == "":
        if default is _MISSING:
            raise InvalidValue(name, "is empty")
        return default  # type: ignore[return-value]
    try:
        return kind(text)
    except ValueError as exc:
        raise InvalidValue(name, f"{text!r} is not a number") from exc


def _flag(row: dict[str, str], name: str) -> bool:
    text = row.get(name, "").lower()
    if text in ("", "0", "false", "no"):
        return False
    if text in ("1", "true", "yes"):
        return True
    raise InvalidValue(name, f"{text!r} is not 1 or 0")
