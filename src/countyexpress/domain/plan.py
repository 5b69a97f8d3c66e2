"""The county's plan as data: units, tasks, targets and standards."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from countyexpress.errors import InvalidValue

StandardValue = bool | int | float | str | list[str] | list[int] | list[float]


@dataclass(frozen=True)
class Unit:
    """A government unit that leads or cooperates on tasks (牵头单位 / 配合单位)."""

    code: str
    name: str
    name_en: str = ""


@dataclass(frozen=True)
class PlanTask:
    """One task of the plan with its lead and cooperating units."""

    number: int
    title: str
    title_en: str = ""
    section: str = ""
    lead: tuple[str, ...] = ()
    cooperating: tuple[str, ...] = ()


@dataclass(frozen=True)
class Target:
    """A quantified target: an indicator's value by a year; `note` in the county's language
    (Chinese), `note_en` its English."""

    indicator: str
    value: float
    year: int
    task: int | None = None
    unit: str = ""
    note: str = ""
    note_en: str = ""

    def __post_init__(self) -> None:
        if not 1990 <= self.year <= 2100:
            raise InvalidValue("year", f"year {self.year} is outside 1990..2100")


@dataclass(frozen=True)
class Standards:
    """The plan's rules as numbers: outlets per 10,000 residents, the five haves, tape …"""

    outlets_per_10k_residents_min: float = 4
    outlets_per_10k_residents_max: float = 5
    five_haves: tuple[str, ...] = ("staff", "premises", "shelves", "device", "sign")
    tape_width_max_mm: float = 45
    circuity_factor: float = 1.3
    extra: Mapping[str, StandardValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 0 < self.outlets_per_10k_residents_min <= self.outlets_per_10k_residents_max:
            raise InvalidValue(
                "outlets_per_10k_residents_min", "must be positive and at most the maximum"
            )
        if self.circuity_factor < 1:
            raise InvalidValue("circuity_factor", "a road is never shorter than a straight line")
        if self.tape_width_max_mm <= 0:
            raise InvalidValue("tape_width_max_mm", "must be positive")


@dataclass(frozen=True)
class CountyPlan:
    """The plan a county works to."""

    title: str = ""
    title_en: str = ""
    issued_on: date | None = None
    issuer: str = ""
    units: tuple[Unit, ...] = ()
    tasks: tuple[PlanTask, ...] = ()
    targets: tuple[Target, ...] = ()
    standards: Standards = field(default_factory=Standards)

    def __post_init__(self) -> None:
        codes = {u.code for u in self.units}
        if len(codes) != len(self.units):
            raise InvalidValue("units", "unit codes must be unique")
        numbers = [t.number for t in self.tasks]
        if len(set(numbers)) != len(numbers):
            raise InvalidValue("tasks", "task numbers must be unique")
        for t in self.tasks:
            for c in (*t.lead, *t.cooperating):
                if c not in codes:
                    raise InvalidValue(f"tasks[{t.number}]", f"unknown unit {c!r}")
        known = set(numbers)
        for tg in self.targets:
            if tg.task is not None and known and tg.task not in known:
                raise InvalidValue(f"targets.{tg.indicator}", f"unknown task {tg.task}")

    def unit(self, code: str) -> Unit | None:
        """The unit with this code, if any."""
        return next((u for u in self.units if u.code == code), None)

    def task(self, number: int) -> PlanTask | None:
        """The task with this number, if any."""
        return next((t for t in self.tasks if t.number == number), None)
