"""A county pack's optional vehicle registry: `vehicles.csv` (or `.xlsx`), task 18.

Columns: `code,kind,plate,number,capacity_parcels,capacity_kg,capacity_m3,cost_per_km,
cost_per_hour,refrigerated,new_energy,max_hours` and optionally `cost_per_day,range_km,
shift_start,quality,note`. `kind` is `van` or `etricycle` (`e_tricycle` too); a
vehicle needs its plate or its unified number (统一编号). An empty capacity is no limit.
Problems are located by file, line and field, as in the rest of the pack.
"""

from __future__ import annotations

import csv
import math
import re
import tomllib
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w
from openpyxl.utils.exceptions import InvalidFileException

from countyexpress.adapters.packs.reader import BUILTIN_PACKS, builtin_pack_path
from countyexpress.adapters.packs.rows import Row, read_table
from countyexpress.domain.vehicles import OWNER_CENTRE, RegisteredVehicle, check_fleet
from countyexpress.errors import InvalidValue, PackInvalid, PackProblem
from countyexpress.planning.routing.fleet import Fleet, FleetVehicle
from countyexpress.planning.routing.loads import Capacity
from countyexpress.planning.routing.stops import TimeWindow
from countyexpress.planning.routing.vehicles import VehicleKind

__all__ = [
    "VEHICLES_FILE",
    "VehicleRules",
    "fleet_for",
    "pack_fleet",
    "pack_registry",
    "pack_vehicle_rules",
    "parse_vehicle_rules",
    "read_fleet",
    "read_registry",
    "rules_for",
]  # fmt: skip

VEHICLES_FILE = "vehicles.csv"
VEHICLE_COLUMNS = (
    "code", "kind", "plate", "number", "capacity_parcels", "capacity_kg", "capacity_m3",
    "cost_per_km", "cost_per_hour", "refrigerated", "new_energy", "max_hours",
)  # fmt: skip
KINDS = {"van": VehicleKind.VAN, "refrigerated_van": VehicleKind.VAN,
         "etricycle": VehicleKind.E_TRICYCLE, "e_tricycle": VehicleKind.E_TRICYCLE}  # fmt: skip
RULES_FILE = "vehicle_rules.toml"


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
        row.problem("kind", f"kind {raw_kind!r} is not van, refrigerated_van or etricycle")
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
    refrigerated = refrigerated or raw_kind == "refrigerated_van"
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


def pack_registry(pack: Path) -> list[RegisteredVehicle]:
    """The pack folder's vehicles as the registry keeps them (checked whole), or none."""
    for name in (VEHICLES_FILE, VEHICLES_FILE.replace(".csv", ".xlsx")):
        if (pack / name).is_file():
            return read_registry(pack / name, pack_vehicle_rules(pack))
    return []


def builtin_folder(county_code: str) -> Path | None:
    """The built-in pack folder of the county with `county_code`, if there is one."""
    for name in BUILTIN_PACKS:
        folder = builtin_pack_path(name)
        if folder is None:
            continue
        data = tomllib.loads((folder / "county.toml").read_text(encoding="utf-8"))
        if str(data.get("county", {}).get("code", "")) == county_code:
            return folder
    return None


def rules_for(county_code: str, stored: dict[str, Any] | None = None) -> VehicleRules:
    """The county's vehicle rules: the `vehicle_rules.toml` stored with it at load (`stored`,
    as parsed), else its built-in pack's, else the heshuo pack's."""
    if stored is not None:
        return parse_vehicle_rules(stored, f"{county_code} {RULES_FILE}")
    folder = builtin_folder(county_code) or builtin_pack_path("heshuo") or Path(".")
    return pack_vehicle_rules(folder)


def fleet_for(county_code: str, path: Path | None = None) -> Fleet:
    """The registry in `path` (a file or a pack folder), else the built-in pack's of the same
    county; NotFound-like InvalidValue when there is none."""
    if path is not None:
        fleet = pack_fleet(path) if path.is_dir() else read_fleet(path)
        if fleet is None:
            raise InvalidValue("vehicles", f"{path} has no {VEHICLES_FILE}")
        return fleet
    folder = builtin_folder(county_code)
    fleet = pack_fleet(folder) if folder is not None else None
    if fleet is not None:
        return fleet
    raise InvalidValue(
        "vehicles",
        f"county {county_code} has no vehicle registry: give a {VEHICLES_FILE} (--vehicles)",
    )


@dataclass(frozen=True)
class VehicleRules:
    """A county's registry rules (pack file `vehicle_rules.toml`): the unified number's
    format and each kind's speed and the standard's limits."""

    number_format: str
    kinds: dict[str, dict[str, Any]]
    source: str = RULES_FILE

    def speed_kmh(self, kind: str) -> float | None:
        """The kind's average speed, if the pack gives one."""
        value = self.kinds.get(kind, {}).get("speed_kmh")
        return float(value) if value is not None else None


def pack_vehicle_rules(pack: Path) -> VehicleRules:
    """The pack folder's vehicle rules, else the built-in heshuo pack's; located problems."""
    path = pack / RULES_FILE
    if not path.is_file():
        builtin = builtin_pack_path("heshuo")
        path = builtin / RULES_FILE if builtin is not None else path
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PackInvalid([PackProblem(RULES_FILE, None, "number.format", str(exc))]) from exc
    return parse_vehicle_rules(data, f"{path.parent.name}/{RULES_FILE}")


def parse_vehicle_rules(data: dict[str, Any], origin: str) -> VehicleRules:
    """The rules of a parsed `vehicle_rules.toml` (`origin`: where it came from); located
    problems."""
    try:
        pattern = str(data["number"]["format"])
        re.compile(pattern)
    except (KeyError, TypeError, re.error) as exc:
        raise PackInvalid([PackProblem(RULES_FILE, None, "number.format", str(exc))]) from exc
    kinds = {str(k): dict(v) for k, v in data.get("kinds", {}).items()}
    for kind, limits in kinds.items():
        why = _speed_problem(limits.get("speed_kmh"), limits.get("max_speed_kmh"))
        if why:
            raise PackInvalid([PackProblem(RULES_FILE, None, f"kinds.{kind}.speed_kmh", why)])
    return VehicleRules(pattern, kinds, origin)


def _speed_problem(speed: Any, most: Any) -> str:
    """Why a kind's speed cannot be used by routing ('' when it can or is not given)."""
    if speed is None:
        return ""
    if isinstance(speed, bool) or not isinstance(speed, int | float) or not 0 < speed < math.inf:
        return f"{speed!r} is not a positive speed in km/h"
    if isinstance(most, int | float) and speed > most:
        return f"{speed:g} km/h is over the kind's limit of {most:g} km/h"
    return ""


def read_registry(path: Path, rules: VehicleRules) -> list[RegisteredVehicle]:
    """The vehicles of a CSV or XLSX list as the registry keeps them, all or nothing: any
    problem (a number out of format, a plate twice, a bad cell) refuses the whole file."""
    if not path.is_file():
        raise PackInvalid([PackProblem(path.name, None, None, "not a file")])
    problems: list[PackProblem] = []
    rows: list[tuple[int, RegisteredVehicle]] = []
    try:
        for row in read_table(path, VEHICLE_COLUMNS, problems):
            fleet_vehicle = _vehicle(row)
            registered = _registered(row, fleet_vehicle, rules)
            problems.extend(row.problems)
            if registered is not None and not row.problems:
                rows.append((row.line, registered))
    except (UnicodeDecodeError, zipfile.BadZipFile, InvalidFileException, csv.Error) as exc:
        why = f"not a readable CSV (UTF-8) or XLSX file ({type(exc).__name__})"
        raise PackInvalid([PackProblem(path.name, None, None, why)]) from exc
    if not problems:
        problems += [PackProblem(path.name, p.row or None, p.field or None, p.reason)
                     for p in check_fleet(rows, rules.number_format)]  # fmt: skip
    if problems:
        raise PackInvalid(problems)
    return [vehicle for _, vehicle in rows]


def _registered(
    row: Row, vehicle: FleetVehicle | None, rules: VehicleRules
) -> RegisteredVehicle | None:
    owner = row.text("owner") or OWNER_CENTRE
    insured = row.date("insured_until")
    marked, permit = row.boolean("marked"), row.boolean("priority_permit")
    courier = row.text("courier_staff_no") or None
    if vehicle is None or row.problems:
        return None
    kind = "etricycle" if vehicle.kind is VehicleKind.E_TRICYCLE else (
        "refrigerated_van" if vehicle.refrigerated else "van")  # fmt: skip
    limits = rules.kinds.get(kind, {})
    least = limits.get("min_range_km")
    if least is not None and vehicle.range_km is not None and vehicle.range_km < float(least):
        standard = limits.get("standard", "the standard")
        row.problem("range_km", f"range {vehicle.range_km:g} km is below {least} km ({standard})")
        return None
    routing = {
        "code": vehicle.code,
        "capacity_parcels": vehicle.capacity.parcels,
        "capacity_kg": vehicle.capacity.kg,
        "capacity_m3": vehicle.capacity.m3,
        "cost_per_km": vehicle.cost_per_km,
        "cost_per_hour": vehicle.cost_per_hour,
        "cost_per_day": vehicle.cost_per_day,
        "max_hours": vehicle.max_hours,
        "range_km": vehicle.range_km,
        "shift_start_min": vehicle.shift_start_min,
        "speed_kmh": rules.speed_kmh(kind),
        "quality": vehicle.quality,
        "note": vehicle.note,
    }
    return RegisteredVehicle(
        unified_no=vehicle.number, plate=vehicle.plate, kind=kind, owner=owner,
        new_energy=vehicle.new_energy, insured_until=insured, marked=marked,
        courier_staff_no=courier, priority_permit=permit, routing=routing,
    )  # fmt: skip


REGISTRY_COLUMNS = (
    *VEHICLE_COLUMNS, "cost_per_day", "range_km", "shift_start", "quality", "note",
    "owner", "insured_until", "marked", "courier_staff_no", "priority_permit",
)  # fmt: skip


def write_registry(
    vehicles: Sequence[RegisteredVehicle], rules: VehicleRules, dest: Path
) -> list[Path]:
    """Write the registry as the pack's vehicles.csv and vehicle_rules.toml, so that
    `county load` of `dest` gives the same registry back."""
    dest.mkdir(parents=True, exist_ok=True)
    path = dest / VEHICLES_FILE
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(REGISTRY_COLUMNS)
        for v in vehicles:
            r = v.routing
            start = float(r.get("shift_start_min") or 480.0)
            cells = {
                "code": r.get("code") or v.unified_no, "kind": v.kind, "plate": v.plate,
                "number": v.unified_no, "capacity_parcels": r.get("capacity_parcels"),
                "capacity_kg": r.get("capacity_kg"), "capacity_m3": r.get("capacity_m3"),
                "cost_per_km": r.get("cost_per_km"), "cost_per_hour": r.get("cost_per_hour"),
                "refrigerated": int(v.kind == "refrigerated_van"),
                "new_energy": int(v.new_energy), "max_hours": r.get("max_hours"),
                "cost_per_day": r.get("cost_per_day"), "range_km": r.get("range_km"),
                "shift_start": f"{int(start // 60):02d}:{int(start % 60):02d}",
                "quality": r.get("quality"), "note": r.get("note"), "owner": v.owner,
                "insured_until": v.insured_until.isoformat() if v.insured_until else "",
                "marked": int(v.marked), "courier_staff_no": v.courier_staff_no or "",
                "priority_permit": int(v.priority_permit),
            }  # fmt: skip
            writer.writerow(["" if cells[c] is None else cells[c] for c in REGISTRY_COLUMNS])
    rules_path = dest / RULES_FILE
    data = {"number": {"format": rules.number_format}, "kinds": rules.kinds}
    rules_path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return [path, rules_path]
