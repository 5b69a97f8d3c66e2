"""Emergency support (plan task 13, 邮政业突发事件应急预案): teams and resources as values.

A **team** (应急救援保障队伍) is a leader and members by staff number (the staff registry's,
never a name or ID number), the vehicles it can call on by unified number (the vehicle
registry's), its equipment and its availability. A **resource** is a stock of materials,
communications equipment, funds or vehicles held at a facility. How big a team must be and
which kinds of resource a county must hold are the pack's (`emergency.toml`), not code.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from countyexpress.errors import InvalidValue

__all__ = [
    "INPUT",
    "TEAM_KIND",
    "Availability",
    "EmergencyRules",
    "EmergencySnapshot",
    "Resource",
    "ResourceKind",
    "RouteOrder",
    "Team",
    "availability_of",
    "check_team",
    "kind_of",
    "kinds_covered",
    "staffed",
]

_E = TypeVar("_E", bound=StrEnum)
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")


class Availability(StrEnum):
    """Whether a team or a resource can be called on now."""

    ON_DUTY = "on_duty"  # 在岗: at work, can leave at once
    STANDBY = "standby"  # 待命: on call
    UNAVAILABLE = "unavailable"  # 不可用: cannot be called on

    @property
    def available(self) -> bool:
        """On duty or on standby."""
        return self is not Availability.UNAVAILABLE


class ResourceKind(StrEnum):
    """What kind of stock a resource is (应急资源)."""

    MATERIAL = "material"  # 物资: tarpaulins, masks, food, fuel …
    COMMUNICATIONS = "communications"  # 通信: satellite phones, radios
    FUNDS = "funds"  # 资金: a reserve in yuan
    VEHICLE = "vehicle"  # 车辆: vehicles set aside for emergencies


TEAM_KIND = "team"
"""A required kind met by an available team, not by a resource row."""


def _named(kinds: type[_E], field_name: str, value: str | _E) -> _E:
    try:
        return kinds(value)
    except ValueError:
        known = ", ".join(k.value for k in kinds)
        raise InvalidValue(field_name, f"{value!r} is not one of: {known}") from None


def availability_of(value: str | Availability) -> Availability:
    """The availability named `value`; InvalidValue lists the known ones."""
    return _named(Availability, "availability", value)


def kind_of(value: str | ResourceKind) -> ResourceKind:
    """The resource kind named `value`; InvalidValue lists the known ones."""
    return _named(ResourceKind, "kind", value)


def _code(field_name: str, value: str) -> str:
    if not _CODE.fullmatch(value):
        raise InvalidValue(
            field_name, f"{value!r} is not a code (letters, digits, - or _, up to 40)"
        )
    return value


@dataclass(frozen=True)
class Team:
    """An emergency-rescue support team: leader and members by staff number."""

    code: str
    name: str
    leader: str
    members: tuple[str, ...] = ()
    vehicles: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()
    availability: Availability = Availability.STANDBY

    def __post_init__(self) -> None:
        _code("code", self.code)
        if not self.name.strip() or len(self.name) > 100:
            raise InvalidValue("name", "a team needs a name (up to 100 characters)")
        if not self.leader.strip():
            raise InvalidValue("leader", "a team needs a leader (a staff number)")
        for name, values in (("member", self.members), ("vehicle", self.vehicles)):
            twice = sorted({v for v in values if values.count(v) > 1})
            if twice:
                raise InvalidValue(name, f"{twice[0]} is given twice")
        if self.leader in self.members:
            raise InvalidValue("member", f"{self.leader} is the leader: do not list them again")
        if any(not e.strip() for e in self.equipment):
            raise InvalidValue("equipment", "an equipment item is empty")
        object.__setattr__(self, "availability", availability_of(self.availability))

    @property
    def people(self) -> tuple[str, ...]:
        """The leader, then the members."""
        return (self.leader, *self.members)

    @property
    def size(self) -> int:
        """How many people the team has, its leader included."""
        return len(self.people)


@dataclass(frozen=True)
class Resource:
    """A stock of one kind held at a facility (`id` None until stored)."""

    kind: ResourceKind
    name: str
    quantity: float
    unit: str
    location: str
    availability: Availability = Availability.ON_DUTY
    id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", kind_of(self.kind))
        if not self.name.strip() or len(self.name) > 100:
            raise InvalidValue("name", "a resource needs a name (up to 100 characters)")
        if not math.isfinite(self.quantity) or self.quantity < 0:
            raise InvalidValue("quantity", f"{self.quantity} is not a quantity (0 or more)")
        if not self.unit.strip() or len(self.unit) > 20:
            raise InvalidValue("unit", "a quantity needs its unit (件, 台, 元 …; up to 20)")
        _code("location", self.location)
        object.__setattr__(self, "availability", availability_of(self.availability))

    @property
    def available(self) -> bool:
        """Some of it, and it can be called on."""
        return self.availability.available and self.quantity > 0


@dataclass(frozen=True)
class EmergencyRules:
    """The pack's figures for emergency support, with where they come from."""

    min_team_size: int
    required_kinds: tuple[str, ...]
    notes: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 1 <= self.min_team_size <= 1000:
            raise InvalidValue("teams.min_size", f"{self.min_team_size} is not 1..1000")
        known = {k.value for k in ResourceKind} | {TEAM_KIND}
        for kind in self.required_kinds:
            if kind not in known:
                listed = ", ".join(sorted(known))
                raise InvalidValue("resources.required_kinds", f"{kind!r} is not one of: {listed}")


def check_team(team: Team, staff: Collection[str], vehicles: Collection[str]) -> None:
    """InvalidValue naming the first person or vehicle of `team` that is not registered."""
    for no in team.people:
        if no not in staff:
            field_name = "leader" if no == team.leader else "member"
            raise InvalidValue(field_name, f"staff number {no} is not in the staff registry")
    for no in team.vehicles:
        if no not in vehicles:
            raise InvalidValue("vehicle", f"unified number {no} is not in the vehicle registry")


def staffed(team: Team, staff: Collection[str], min_size: int) -> bool:
    """Whether the team can be called on with at least `min_size` registered people."""
    present = sum(no in staff for no in team.people)
    return team.availability.available and present >= min_size


def kinds_covered(
    required: Sequence[str], teams: Sequence[Team], resources: Sequence[Resource]
) -> dict[str, bool]:
    """Each required kind: whether an available resource (or, for `team`, team) holds it."""
    held = {r.kind.value for r in resources if r.available}
    if any(t.availability.available for t in teams):
        held.add(TEAM_KIND)
    return {kind: kind in held for kind in required}


@dataclass(frozen=True)
class RouteOrder:
    """A stored route plan's runs as priority flags in the order served."""

    plan_id: str
    day: dt.date
    runs: tuple[tuple[bool, ...], ...]

    @property
    def has_priority(self) -> bool:
        """Whether any stop of the plan holds emergency supplies."""
        return any(any(run) for run in self.runs)

    @property
    def priority_first(self) -> bool:
        """Whether on every run no priority stop comes after a stop without priority."""
        return all(list(run) == sorted(run, reverse=True) for run in self.runs)


INPUT = "emergency"


@dataclass(frozen=True)
class EmergencySnapshot:
    """What task 13's registry indicators read, as of `today`."""

    today: dt.date
    rules: EmergencyRules
    teams: Sequence[Team]
    resources: Sequence[Resource]
    staff: frozenset[str]
    routes: Sequence[RouteOrder]
