"""The pack's vehicle registry (vehicles.csv): the Heshuo DEMO fleet, problems located."""

from __future__ import annotations

from pathlib import Path

import pytest

from countyexpress.adapters.packs.vehicles import fleet_for, read_fleet
from countyexpress.errors import InvalidValue, PackInvalid
from countyexpress.planning.routing import VehicleKind
from packs import copy_pack, edit_line


def test_the_heshuo_fleet_is_demo_data_with_a_refrigerated_van_and_e_tricycles() -> None:
    """The built-in pack's registry loads for its county code and says it is DEMO data."""
    fleet = fleet_for("652828")
    assert "DEMO" in fleet.label
    assert {v.quality for v in fleet.vehicles} == {"demo"}
    assert any(v.refrigerated for v in fleet.vehicles)
    tricycles = [v for v in fleet.vehicles if v.kind is VehicleKind.E_TRICYCLE]
    assert tricycles and all(v.number and v.new_energy for v in tricycles)


def test_a_bad_kind_and_a_vehicle_without_plate_or_number_are_named_by_line(
    tmp_path: Path,
) -> None:
    """Every problem of the file at once, each with its file, line and field."""
    path = copy_pack("heshuo", tmp_path) / "vehicles.csv"
    edit_line(path, 2, "kind", "lorry")
    edit_line(path, 6, "number", "")
    with pytest.raises(PackInvalid) as info:
        read_fleet(path)
    messages = [str(p) for p in info.value.problems]
    assert any(m.startswith("vehicles.csv line 2: kind:") and "lorry" in m for m in messages)
    assert any(m.startswith("vehicles.csv line 6: plate:") for m in messages)


def test_a_county_without_a_registry_is_told_to_give_one() -> None:
    """No built-in pack of that county: the message names the file and the option."""
    with pytest.raises(InvalidValue, match="--vehicles"):
        fleet_for("990101")
