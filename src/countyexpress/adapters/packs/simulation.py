"""A pack's optional `simulation.toml`: the demand model's parameters (issue 7).

`county.toml`'s schema forbids unknown keys, so the simulation lives in a file of its own;
a pack without it simulates with neutral defaults derived from the county
(`default_params`). Problems are reported like the pack reader's: file and field path.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from countyexpress.adapters.packs.reader import BUILTIN_PACKS, builtin_pack_path
from countyexpress.adapters.packs.toml_file import checked, read_toml
from countyexpress.domain.county import County
from countyexpress.domain.facilities import FacilityKind
from countyexpress.errors import InvalidValue, PackInvalid, PackProblem
from countyexpress.planning.simulation.params import (
    Costs,
    Demand,
    Festival,
    Outbound,
    Pickup,
    Product,
    SimulationParams,
    Timetable,
    Vehicle,
    Window,
    clock,
)

FILE = "simulation.toml"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Simulation(_Model):
    label: str = "模拟数据 Simulated data"
    utc_offset_hours: float = 8
    centre: str = ""
    manifest_time: str = "05:30"
    line_haul_window: list[str] = ["07:00", "09:00"]
    clerk_window: list[str] = ["05:40", "06:50"]
    dispatch_time: str = "09:30"
    door_window: list[str] = ["10:30", "18:30"]
    end_of_day: str = "21:30"
    speed_kmh: float = 40
    stop_minutes: float = 12


class _Vehicle(_Model):
    code: str = Field(min_length=1, max_length=40)
    name: str = ""


class _Demand(_Model):
    urban_parcels_per_person_day: float = Field(ge=0)
    rural_parcels_per_person_day: float = Field(ge=0)
    urban_townships: list[str] = []
    receivers_per_person: float = 0.2
    weight_kg_median: float = 1.2
    weight_kg_sigma: float = 0.8
    size_shares: dict[str, float] = {"S": 1.0}
    cold_share: float = 0.0
    unmanifested_share: float = 0.0
    township_only_address_share: float = 0.0
    weekday_factors: list[float] = [1.0] * 7
    month_factors: list[float] = [1.0] * 12


class _Festival(_Model):
    name: str = Field(min_length=1)
    label: str = ""
    month_day: str | None = None
    dates: list[dt.date] = []
    first_offset: int = 0
    factors: list[float]


class _Consent(_Model):
    station: float = 0.0
    locker: float = 0.0
    door: float = 0.0
    none: float = 0.0


class _ConsentSection(_Model):
    urban: _Consent
    rural: _Consent


class _Pickup(_Model):
    delay_day_shares: list[float] = [1.0]
    unclaimed_share: float = 0.0
    wrong_tail_share: float = 0.0
    window: list[str] = ["10:00", "21:00"]
    locker_hours: list[float] = [0.5, 30.0]


class _Door(_Model):
    signer_shares: dict[str, float] = {"receiver": 1.0}


class _OutboundSection(_Model):
    window: list[str] = ["11:00", "17:00"]
    office: str = ""
    office_share: float = 0.0
    carrier_shares: dict[str, float] = {"ems": 1.0}


class _Product(_Model):
    category: str = Field(min_length=1)
    label: str = ""
    per_day_by_month: list[float]


class _Costs(_Model):
    van_cost_per_km: float = 2.0
    trip_cost: float = 40.0
    circuity_from_pack: bool = True


class _File(_Model):
    simulation: _Simulation = _Simulation()
    vehicles: list[_Vehicle] = []
    demand: _Demand
    carrier_shares: dict[str, float]
    festivals: list[_Festival] = []
    consent: _ConsentSection
    pickup: _Pickup = _Pickup()
    door: _Door = _Door()
    outbound: _OutboundSection = _OutboundSection()
    products: list[_Product] = []
    costs: _Costs = _Costs()


def read_simulation(path: Path, county: County | None = None) -> SimulationParams:
    """Read a `simulation.toml`; PackInvalid lists every problem with its field path."""
    return parse_simulation(read_toml(path), county, path.name)


def parse_simulation(
    data: dict[str, Any], county: County | None = None, name: str = FILE
) -> SimulationParams:
    """The parameters of a parsed `simulation.toml`; PackInvalid lists every problem."""
    f = checked(_File, data, name)
    try:
        return _params(f, county)
    except InvalidValue as exc:
        raise PackInvalid([PackProblem(name, None, exc.field, exc.reason)]) from exc


def _month_day(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    try:
        m, d = (int(x) for x in text.split("-"))
        dt.date(2000, m, d)
    except ValueError:
        raise InvalidValue("month_day", f"{text!r} is not a month-day like 11-11") from None
    return m, d


def _params(f: _File, county: County | None) -> SimulationParams:
    s, d = f.simulation, f.demand
    centre = s.centre or (_centre_of(county) if county else "")
    timetable = Timetable(
        utc_offset_hours=s.utc_offset_hours,
        manifest_time=clock(s.manifest_time),
        clerk_window=Window.parse(s.clerk_window),
        line_haul_window=Window.parse(s.line_haul_window),
        dispatch_time=clock(s.dispatch_time),
        door_window=Window.parse(s.door_window),
        end_of_day=clock(s.end_of_day),
        speed_kmh=s.speed_kmh,
        stop_minutes=s.stop_minutes,
    )
    low, high = [*f.pickup.locker_hours, 0.0, 0.0][:2]
    return SimulationParams(
        label=s.label,
        centre=centre,
        demand=Demand(
            urban_rate=d.urban_parcels_per_person_day,
            rural_rate=d.rural_parcels_per_person_day,
            urban_townships=tuple(d.urban_townships),
            receivers_per_person=d.receivers_per_person,
            weight_kg_median=d.weight_kg_median,
            weight_kg_sigma=d.weight_kg_sigma,
            size_shares=dict(d.size_shares),
            cold_share=d.cold_share,
            unmanifested_share=d.unmanifested_share,
            township_only_address_share=d.township_only_address_share,
            weekday_factors=tuple(d.weekday_factors),
            month_factors=tuple(d.month_factors),
        ),
        carrier_shares=dict(f.carrier_shares),
        consent_urban=f.consent.urban.model_dump(),
        consent_rural=f.consent.rural.model_dump(),
        festivals=tuple(
            Festival(
                name=x.name,
                label=x.label or x.name,
                factors=tuple(x.factors),
                first_offset=x.first_offset,
                month_day=_month_day(x.month_day),
                dates=tuple(x.dates),
            )
            for x in f.festivals
        ),
        pickup=Pickup(
            delay_day_shares=tuple(f.pickup.delay_day_shares),
            unclaimed_share=f.pickup.unclaimed_share,
            wrong_tail_share=f.pickup.wrong_tail_share,
            window=Window.parse(f.pickup.window),
            locker_hours=(low, high),
        ),
        signer_shares=dict(f.door.signer_shares),
        outbound=Outbound(
            products=tuple(
                Product(p.category, p.label or p.category, tuple(p.per_day_by_month))
                for p in f.products
            ),
            carrier_shares=dict(f.outbound.carrier_shares),
            window=Window.parse(f.outbound.window),
            office=f.outbound.office,
            office_share=f.outbound.office_share,
        ),
        vehicles=tuple(Vehicle(v.code, v.name or v.code) for v in f.vehicles)
        or (Vehicle("DEMO-VAN-1", "demo van 1"),),
        costs=Costs(f.costs.van_cost_per_km, f.costs.trip_cost),
        timetable=timetable,
    )


def _centre_of(county: County) -> str:
    centres = county.facilities_of(FacilityKind.CENTER)
    return centres[0].code if centres else ""


def default_params(county: County) -> SimulationParams:
    """Neutral parameters for a pack without `simulation.toml` (all [estimate]s): equal
    carrier shares, everyone consenting to a station, no festivals or farm parcels."""
    carriers = [c.code for c in county.carriers] or ["ems"]
    share = 1.0 / len(carriers)
    shares = {c: share for c in carriers}
    shares[carriers[-1]] = 1.0 - share * (len(carriers) - 1)
    return SimulationParams(
        label="模拟数据 Simulated data (default parameters: the pack has no simulation.toml)",
        centre=_centre_of(county),
        demand=Demand(urban_rate=0.08, rural_rate=0.035),
        carrier_shares=shares,
        consent_urban={"station": 0.5, "door": 0.5},
        consent_rural={"station": 0.9, "door": 0.1},
    )


def params_for(
    county: County, path: Path | None = None, stored: dict[str, Any] | None = None
) -> SimulationParams:
    """The county's parameters: `path` if given, else the `simulation.toml` stored with the
    county at load (`stored`, as parsed), else the built-in pack of the same county code,
    else `default_params`."""
    if path is not None:
        return read_simulation(path if path.is_file() else path / FILE, county)
    if stored is not None:
        return parse_simulation(stored, county)
    for name in BUILTIN_PACKS:
        folder = builtin_pack_path(name)
        if folder is None or not (folder / FILE).is_file():
            continue
        data = tomllib.loads((folder / "county.toml").read_text(encoding="utf-8"))
        if str(data.get("county", {}).get("code", "")) == county.code:
            return read_simulation(folder / FILE, county)
    return default_params(county)
