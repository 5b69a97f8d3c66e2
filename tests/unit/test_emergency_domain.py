"""Emergency teams, resources and the order of priority stops (task 13), as pure values."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.emergency import (
    Availability,
    EmergencyRules,
    Resource,
    ResourceKind,
    RouteOrder,
    Team,
    check_team,
    kinds_covered,
    staffed,
)
from countyexpress.errors import InvalidValue

DAY = dt.date(2026, 11, 30)


@given(st.lists(st.lists(st.booleans(), max_size=8), max_size=4))
def test_a_plan_serves_priority_first_exactly_when_no_priority_stop_follows_another(
    runs: list[list[bool]],
) -> None:
    """The rule, stop by stop: on every run, no True after a False."""
    order = RouteOrder("P", DAY, tuple(tuple(r) for r in runs))
    broken = any(r[j] and not r[i] for r in runs for i in range(len(r)) for j in range(i, len(r)))
    assert order.priority_first is not broken
    assert order.has_priority is any(any(r) for r in runs)


def test_a_team_counts_its_leader_and_refuses_people_twice() -> None:
    assert Team("T1", "一队", "E1", ("E2", "E3")).size == 3
    with pytest.raises(InvalidValue, match="leader"):
        Team("T1", "一队", "E1", ("E1",))
    with pytest.raises(InvalidValue, match="twice"):
        Team("T1", "一队", "E1", ("E2", "E2"))
    with pytest.raises(InvalidValue, match="availability"):
        Team("T1", "一队", "E1", availability="asleep")  # type: ignore[arg-type]


def test_a_team_names_the_first_person_or_vehicle_not_registered() -> None:
    team = Team("T1", "一队", "E1", ("E2",), ("HS-KD-1",))
    with pytest.raises(InvalidValue, match="E2"):
        check_team(team, {"E1"}, {"HS-KD-1"})
    with pytest.raises(InvalidValue, match="HS-KD-1"):
        check_team(team, {"E1", "E2"}, set())
    check_team(team, {"E1", "E2"}, {"HS-KD-1"})


@pytest.mark.parametrize(
    ("people", "availability", "least", "ok"),
    [
        (("E1", "E2"), Availability.ON_DUTY, 2, True),
        (("E1", "E2"), Availability.ON_DUTY, 3, False),
        (("E1", "E2"), Availability.UNAVAILABLE, 1, False),
        (("E1", "GONE"), Availability.STANDBY, 2, False),
    ],
)
def test_a_team_is_staffed_with_registered_people_when_it_can_be_called_on(
    people: tuple[str, str], availability: Availability, least: int, ok: bool
) -> None:
    team = Team("T", "队", people[0], people[1:], availability=availability)
    assert staffed(team, {"E1", "E2"}, least) is ok


def test_kinds_are_covered_by_available_stock_and_teams() -> None:
    stock = [
        Resource(ResourceKind.MATERIAL, "沙袋", 10, "件", "HS-CENTER"),
        Resource(ResourceKind.FUNDS, "储备金", 0, "元", "HS-CENTER"),
        Resource(ResourceKind.VEHICLE, "备用车", 1, "辆", "HS-CENTER", Availability.UNAVAILABLE),
    ]
    teams = [Team("T", "队", "E1", availability=Availability.STANDBY)]
    kinds = ("team", "material", "funds", "vehicle")
    assert kinds_covered(kinds, teams, stock) == {
        "team": True, "material": True, "funds": False, "vehicle": False,
    }  # fmt: skip


def test_the_packs_figures_are_checked() -> None:
    with pytest.raises(InvalidValue, match="min_size"):
        EmergencyRules(0, ())
    with pytest.raises(InvalidValue, match="food"):
        EmergencyRules(5, ("food",))
    with pytest.raises(InvalidValue, match="quantity"):
        Resource(ResourceKind.MATERIAL, "沙袋", -1, "件", "HS-CENTER")
