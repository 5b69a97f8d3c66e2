"""A county pack's optional vehicle registry: `vehicles.csv` (or `.xlsx`), task 18.

Columns: `code,kind,plate,number,capacity_parcels,capacity_kg,capacity_m3,cost_per_km,
cost_per_hour,refrigerated,new_energy,max_hours` and optionally `cost_per_day,range_km,
shift_start,quality,note`. `kind` is `van` or `etricycle` (`e_tricycle` too); a
vehicle needs its plate or its unified number (统一编号). An empty capacity is no limit.
Problems are located by file, line and field, as in the rest of the pack.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from countyexpress.adapters.packs.reader import BUILTIN_PACKS, builtin_pack_path
from countyexpress.adapters.packs.rows import Row, read_table
from countyexpress.errors import InvalidValue, PackInvalid, PackProblem
from countyexpress.planning.routing.fleet import Fleet, FleetVehicle
from countyexpress.planning.routing.loads import Capacity
from countyexpress.planning.routing.stops import TimeWindow
from countyexpress.planning.routing.vehicles import VehicleKind

__all__ = ["VEHICLES_FILE", "fleet_for", "pack_fleet", "read_fleet"]

VEHICLES_FILE = "vehicles.csv"
VEHICLE_COLUMNS = (
    "code", "kind", "plate", "number", "capacity_parcels", "capacity_kg", "capacity_m3",
    "cost_per_km", "cost_per_hour", "refrigerated", "new_energy", "max_hours",
)  # fmt: skip
KINDS = {"van": VehicleKind.VAN, "etricycle": VehicleKind.E_TRICYCLE,
         "e_tricycle": VehicleKind.E_TRICYCLE}  # fmt: skip


def read_fleet(path: Path) -> Fleet:
    """The vehicles of a CSV or XLSX registry file; every problem located."""
    if not path.is_file():
        raise PackInvalid([PackProblem(path.name, None, None, "not a file")])
    problems: list[PackProblem] = []
    vehicles: list[FleetVehicle] = []
    first: dict[str, int] = {}
    quality: set[str] = set()
    for row in read_table(path, VEHICLE_COLUMNS, problems):
        vehicle = _vehicle(row)
        if vehicle is not None and vehicle.code in first:
            row.problem("code", f"duplicate code {vehicle.code} (line {first[vehicle.code]})")
        problems.extend(row.problems)
        if vehicle is not None and not row.problems:
            first[vehicle.code] = row.line
            vehicles.append(vehicle)
            quality.add(vehicle.quality)
    if not problems and not vehicles:
        problems.append(PackProblem(path.name, None, None, "no vehicles"))
    if problems:
        raise PackInvalid(problems)
    label = f"{path.name}: DEMO data" if "demo" in quality else path.name
    return Fleet.of(vehicles, label)


def _vehicle(row: Row) -> FleetVehicle | None:
    code = row.text("code", required=True)
    raw_kind = row.text("kind", required=True).lower()
    kind = KINDS.get(raw_kind)
    if raw_kind and kind is None:
        row.problem("kind", f"kind {raw_kind!r} is not van or etricycle")
    shift = row.text("shift_start") or "08:00"
    try:
        start = TimeWindow.parse(shift, shift).opens
    except InvalidValue as exc:
        row.problem("shift_start", exc.reason)
        start = 480.0
    values = {
        name: row.number(name)
        for name in ("capacity_kg", "capacity_m3", "cost_per_km", "cost_per_hour",
                     "cost_per_day", "max_hours", "range_km")
    }  # fmt: skip
    parcels = row.integer("capacity_parcels")
    refrigerated, new_energy = row.boolean("refrigerated"), row.boolean("new_energy")
    if row.problems or kind is None or not code:
        return None
    try:
        return FleetVehicle(
            code=code,
            kind=kind,
            capacity=Capacity(parcels, values["capacity_kg"], values["capacity_m3"]),
            plate=row.text("plate"),
            number=row.text("number"),
            cost_per_km=values["cost_per_km"] or 0.0,
            cost_per_hour=values["cost_per_hour"] or 0.0,
            cost_per_day=values["cost_per_day"] or 0.0,
            max_hours=values["max_hours"],
            range_km=values["range_km"],
            shift_start_min=start,
            refrigerated=refrigerated,
            new_energy=new_energy,
            quality=row.text("quality").lower(),
            note=row.text("note"),
        )
    except InvalidValue as exc:
        row.problem(exc.field, exc.reason)
        return None


def pack_fleet(pack: Path) -> Fleet | None:
    """The pack folder's vehicle registry, or None when it has none."""
    for name in (VEHICLES_FILE, VEHICLES_FILE.replace(".csv", ".xlsx")):
        if (pack / name).is_file():
            return read_fleet(pack / name)
    return None


def fleet_for(county_code: str, path: Path | None = None) -> Fleet:
    """The registry in `path` (a file or a pack folder), else the built-in pack's of the same
    county; NotFound-like InvalidValue when there is none."""
    if path is not None:
        fleet = pack_fleet(path) if path.is_dir() else read_fleet(path)
        if fleet is None:
            raise InvalidValue("vehicles", f"{path} has no {VEHICLES_FILE}")
        return fleet
    for name in BUILTIN_PACKS:
        folder = builtin_pack_path(name)
        if folder is None:
            continue
        data = tomllib.loads((folder / "county.toml").read_text(encoding="utf-8"))
        if str(data.get("county", {}).get("code", "")) == county_code:
            fleet = pack_fleet(folder)
            if fleet is not None:
                return fleet
    raise InvalidValue(
        "vehicles",
        f"county {county_code} has no vehicle registry: give a {VEHICLES_FILE} (--vehicles)",
    )
