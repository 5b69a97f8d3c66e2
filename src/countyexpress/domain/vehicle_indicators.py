"""The vehicle registry's indicators of the plan (task 18, led by the county transport
bureau): shares of new-energy, marked and numbered, and insured vehicles.

They need one input, `vehicles` — a `VehicleSnapshot` of the registry on a day — and say
`no_data` without it. The plan sets no number for any of them (no target: task 18 asks to
standardise and ease vehicles' passage, not for a share), so each is shown without one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from countyexpress.domain.county import County
from countyexpress.domain.indicators import Indicator, Inputs, Measurement, register
from countyexpress.domain.vehicles import RegisteredVehicle
from countyexpress.errors import N_, Said

__all__ = ["INPUT", "VEHICLE_INDICATORS", "VehicleSnapshot", "measure"]

INPUT = "vehicles"


@dataclass(frozen=True)
class VehicleSnapshot:
    """The county's registered vehicles as of `today`."""

    today: dt.date
    vehicles: Sequence[RegisteredVehicle]


def _share(inputs: Inputs, test: str) -> Measurement:
    snap = inputs[INPUT]
    assert isinstance(snap, VehicleSnapshot)
    if not snap.vehicles:
        return Measurement(None, note=Said(N_("no vehicle registered")))

    def passes(v: RegisteredVehicle) -> bool:
        if test == "new_energy":
            return v.new_energy
        if test == "marked":
            return v.marked and bool(v.unified_no)
        return v.insured_until is not None and v.insured_until >= snap.today

    yes = sum(1 for v in snap.vehicles if passes(v))
    return Measurement(yes / len(snap.vehicles), detail={test: yes, "vehicles": len(snap.vehicles)})


def new_energy_vehicle_share(_: County, inputs: Inputs) -> Measurement:
    """New-energy vehicles / registered vehicles."""
    return _share(inputs, "new_energy")


def marked_numbered_vehicle_share(_: County, inputs: Inputs) -> Measurement:
    """Vehicles marked (标识) and with a unified number (统一编号) / registered vehicles."""
    return _share(inputs, "marked")


def insured_vehicle_share(_: County, inputs: Inputs) -> Measurement:
    """Vehicles insured on the day / registered vehicles."""
    return _share(inputs, "insured")


VEHICLE_INDICATORS = (
    Indicator(
        "new_energy_vehicle_share", 18, "share", new_energy_vehicle_share,
        title="新能源快递车辆占比", title_en="New-energy delivery vehicles",
        rule=Said(N_("registered vehicles with new_energy / registered vehicles. No target: the "
                     "plan (task 18) sets no number for it.")),
        needs=(INPUT,),
    ),
    Indicator(
        "marked_numbered_vehicle_share", 18, "share", marked_numbered_vehicle_share,
        title="统一编号和标识车辆占比", title_en="Vehicles numbered and marked",
        rule=Said(N_("registered vehicles with a unified number and marking done / registered "
                     "vehicles. No target: the plan (task 18) sets no number for it.")),
        needs=(INPUT,),
    ),
    Indicator(
        "insured_vehicle_share", 18, "share", insured_vehicle_share,
        title="车辆保险在保率", title_en="Vehicles insured",
        rule=Said(N_("registered vehicles insured until the day or later / registered vehicles. "
                     "No target: the plan (task 18) sets no number for it.")),
        needs=(INPUT,),
    ),
)  # fmt: skip
"""The vehicle indicators, in the order a screen shows them."""

register(*VEHICLE_INDICATORS)


def measure(county: County, snapshot: VehicleSnapshot) -> list[tuple[Indicator, Measurement]]:
    """The three indicators of `snapshot`, for a screen (plan kpis adds targets and status)."""
    return [(i, i.compute(county, {INPUT: snapshot})) for i in VEHICLE_INDICATORS]
