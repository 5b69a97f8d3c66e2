"""A kind's speed in the pack's vehicle_rules.toml (task 18): positive, and within the kind's
own limit (an electric tricycle at most 15 km/h, YZ/T 0136-2014), else the file is refused
naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from countyexpress.adapters.packs.vehicles import pack_vehicle_rules
from countyexpress.errors import PackInvalid

RULES = """[number]
format = "HS-KD-[A-Z0-9-]{{3,16}}"

[kinds.etricycle]
speed_kmh = {speed}
max_speed_kmh = 15.0
min_range_km = 50.0
"""


def rules_with(tmp_path: Path, speed: str) -> Path:
    (tmp_path / "vehicle_rules.toml").write_text(RULES.format(speed=speed), encoding="utf-8")
    return tmp_path


def test_the_tricycles_speed_within_its_limit_is_read(tmp_path: Path) -> None:
    assert pack_vehicle_rules(rules_with(tmp_path, "15.0")).speed_kmh("etricycle") == 15.0


@pytest.mark.parametrize("speed", ["25.0", "0", "-3", '"fast"', "inf", "nan"])
def test_a_speed_over_the_limit_or_not_positive_refuses_the_rules(
    tmp_path: Path, speed: str
) -> None:
    with pytest.raises(PackInvalid) as refused:
        pack_vehicle_rules(rules_with(tmp_path, speed))
    problem = refused.value.problems[0]
    assert (problem.file, problem.field) == ("vehicle_rules.toml", "kinds.etricycle.speed_kmh")
