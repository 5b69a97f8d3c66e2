"""The vehicle registry's use cases (issue 14, task 18): a county's fleet replaced whole from
a file, listed, shown, and given to routing as its source of vehicles."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from countyexpress.adapters.packs.vehicles import (
    VehicleRules,
    pack_registry,
    read_registry,
    rules_for,
)
from countyexpress.domain.access import Action, Principal, Resource, Where
from countyexpress.domain.vehicle_indicators import VehicleSnapshot
from countyexpress.domain.vehicles import RegisteredVehicle
from countyexpress.errors import N_, InvalidValue, NotFound, PackInvalid, PackProblem, said
from countyexpress.planning.routing.fleet import Fleet, FleetVehicle
from countyexpress.planning.routing.loads import Capacity
from countyexpress.planning.routing.vehicles import VehicleKind
from countyexpress.services.authz import check, may, visible
from countyexpress.services.unit_of_work import UnitOfWork, VehicleStore

__all__ = ["fleet_of", "import_fleet", "import_upload", "imports", "list_fleet",
           "load_pack_vehicles", "registry_fleet", "replace_fleet", "rules", "show_vehicle",
           "snapshot"]  # fmt: skip


class VehiclesUnitOfWork(Protocol):
    @property
    def vehicles(self) -> VehicleStore: ...
    def commit(self) -> None: ...
    def __enter__(self) -> Any: ...
    def __exit__(self, a: Any, b: Any, c: Any, /) -> None: ...


def replace_fleet(
    uow: VehiclesUnitOfWork, county_code: str, fleet: Sequence[RegisteredVehicle], *,
    by: str, source: str, now: dt.datetime | None = None,
) -> int:  # fmt: skip
    """Put `fleet` (already checked whole) in place of the county's; the import is audited."""
    with uow:
        count = uow.vehicles.replace(county_code, fleet, by=by, source=source,
                                     at=now or dt.datetime.now(dt.UTC))  # fmt: skip
        uow.commit()
    return count


def rules(uow: UnitOfWork, county_code: str) -> VehicleRules:
    """The county's registry rules: its pack's `vehicle_rules.toml` as stored at load (else
    its built-in pack's, else the heshuo pack's)."""
    with uow:
        found = uow.pack_documents.get(county_code, "vehicle_rules")
    return rules_for(county_code, None if found is None else found.content)


def load_pack_vehicles(uow: VehiclesUnitOfWork, county_code: str, folder: Path) -> int:
    """The pack folder's vehicle list into the county's registry, checked whole (`county
    load`, and `serve` loading its default pack into an empty database); 0 without one."""
    fleet = pack_registry(folder)
    if not fleet:
        return 0
    return replace_fleet(uow, county_code, fleet, by="system", source=f"{folder.name}/vehicles")


def import_fleet(
    uow: VehiclesUnitOfWork, county_code: str, path: Path, rules: VehicleRules, *,
    by: Principal | None = None, who: str | None = None,
) -> int:  # fmt: skip
    """Replace the county's fleet with the vehicles of a CSV/XLSX file, all or nothing:
    PackInvalid naming file, row and field refuses the whole file. `by` must be allowed to
    import vehicles in the county; `who` names the importer in the audit (default: `by`)."""
    check(by, Action.IMPORT, Resource.VEHICLE, Where(county_code))
    fleet = read_registry(path, rules)
    name = who or ("local" if by is None else by.name)
    return replace_fleet(uow, county_code, fleet, by=name, source=path.name)


MAX_UPLOAD_BYTES = 5 * 1024 * 1024
UPLOAD_SUFFIXES = (".csv", ".xlsx")


def import_upload(
    uow: VehiclesUnitOfWork, county_code: str, name: str, data: bytes, rules: VehicleRules,
    *, by: Principal | None,
) -> int:  # fmt: skip
    """An uploaded list (its file name and bytes) imported as `import_fleet` does: refused
    whole (PackInvalid) when it is not a .csv or .xlsx, too large, or has any bad row."""
    check(by, Action.IMPORT, Resource.VEHICLE, Where(county_code))
    name = Path(name).name[:120] or "vehicles.csv"
    why = ""
    if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
        why = "a vehicle list is a .csv (UTF-8) or .xlsx file"
    elif len(data) > MAX_UPLOAD_BYTES:
        why = f"larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"
    if why:
        raise PackInvalid([PackProblem(name, None, None, why)])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        return import_fleet(uow, county_code, path, rules, by=by)


def _reader(by: Principal | None, county_code: str) -> Where:
    """Where a read is asked: the county, and a carrier's key's own carrier."""
    return Where(county_code, carrier=by.carrier if by is not None else None)


def list_fleet(
    uow: VehiclesUnitOfWork, county_code: str, by: Principal | None = None
) -> list[RegisteredVehicle]:
    """The county's registered vehicles by unified number; a carrier's key gets its own."""
    check(by, Action.READ, Resource.VEHICLE, _reader(by, county_code))
    with uow:
        fleet = uow.vehicles.fleet(county_code)
    read = Action.READ
    return [
        v for v in fleet if may(by, read, Resource.VEHICLE, Where(county_code, carrier=v.owner))
    ]


def show_vehicle(
    uow: VehiclesUnitOfWork, county_code: str, key: str, by: Principal | None = None
) -> RegisteredVehicle:
    """One vehicle by unified number or plate; another carrier's is as if not registered."""
    check(by, Action.READ, Resource.VEHICLE, _reader(by, county_code))
    missing = NotFound(f"vehicle {key} is not registered")
    with uow:
        fleet = uow.vehicles.fleet(county_code)
    for vehicle in fleet:
        if key in (vehicle.unified_no, vehicle.plate):
            where = Where(county_code, carrier=vehicle.owner)
            visible(by, Action.READ, Resource.VEHICLE, where, missing)
            return vehicle
    raise missing


def imports(
    uow: VehiclesUnitOfWork, county_code: str, by: Principal | None = None
) -> list[dict[str, Any]]:
    """The county's imports, latest first: who, when, from what file, how many vehicles
    (the county's readers; not a carrier's key)."""
    check(by, Action.READ, Resource.VEHICLE, Where(county_code))
    with uow:
        return uow.vehicles.imports(county_code)


def fleet_of(vehicles: Sequence[RegisteredVehicle], label: str) -> Fleet:
    """The registered vehicles as routing plans with them (capacities, kinds, costs)."""
    out = []
    for v in vehicles:
        r = v.routing
        out.append(FleetVehicle(
            code=str(r.get("code") or v.unified_no),
            kind=VehicleKind.E_TRICYCLE if v.kind == "etricycle" else VehicleKind.VAN,
            capacity=Capacity(r.get("capacity_parcels"), r.get("capacity_kg"),
                              r.get("capacity_m3")),
            plate=v.plate, number=v.unified_no,
            cost_per_km=r.get("cost_per_km") or 0.0,
            cost_per_hour=r.get("cost_per_hour") or 0.0,
            cost_per_day=r.get("cost_per_day") or 0.0,
            max_hours=r.get("max_hours"), range_km=r.get("range_km"),
            shift_start_min=r.get("shift_start_min") or 480.0,
            refrigerated=v.kind == "refrigerated_van", new_energy=v.new_energy,
            quality=str(r.get("quality") or ""), note=str(r.get("note") or ""),
            speed_kmh=r.get("speed_kmh"),
        ))  # fmt: skip
    if not out:
        raise said(InvalidValue, EMPTY, "vehicles", county=label)
    demo = any(v.quality == "demo" for v in out)
    return Fleet.of(out, f"{label}: DEMO data" if demo else label)


EMPTY = N_("no vehicles registered (%(county)s); import a list with `countyexpress vehicle "
           "import FILE --county CODE`")  # fmt: skip


def registry_fleet(uow: VehiclesUnitOfWork) -> Callable[[str], Fleet]:
    """Routing's source of vehicles: a county code's fleet from the registry, the only one
    (`county load` and `serve` fill it from the pack); an empty registry is refused."""

    def source(county_code: str) -> Fleet:
        registered = list_fleet(uow, county_code)
        return fleet_of(registered, "vehicle registry" if registered else county_code)

    return source


def snapshot(uow: VehiclesUnitOfWork, county_code: str, today: dt.date) -> VehicleSnapshot:
    """What the vehicle indicators read (no principal: the caller has checked the read)."""
    return VehicleSnapshot(today, list_fleet(uow, county_code))
