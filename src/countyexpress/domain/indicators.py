"""The plan's indicators as one mechanism: definitions in a registry, values against targets.

An `Indicator` says how to compute one figure from a county (and, for later capabilities,
from extra inputs such as ledger counts, vehicles or staff), which plan task it serves, its
unit and which way is better. `evaluate` computes every registered indicator for a year,
picks the pack's target for that year and the task's lead and cooperating units, and says
whether the target is met. Values come from the data only; nothing here is typed in.

A capability adds its indicators by calling `register(Indicator(...))` in its own module
(see `network_indicators.py`) and importing that module in `services/indicators.py`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from countyexpress.domain.county import County
from countyexpress.domain.plan import Target
from countyexpress.errors import InvalidValue

__all__ = [
    "REGISTRY",
    "Compute",
    "Direction",
    "Indicator",
    "IndicatorValue",
    "Inputs",
    "Measurement",
    "Part",
    "Registry",
    "Scalar",
    "Status",
    "evaluate",
    "register",
    "select_target",
]

Scalar = str | int | float | bool | None
Inputs = Mapping[str, object]
"""Extra inputs beyond the county, by name: ledger counts, vehicles, staff …"""

_NAME = re.compile(r"[a-z][a-z0-9_]{1,63}")
_EPSILON = 1e-9


class Direction(StrEnum):
    """Which way an indicator gets better."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"

    def meets(self, value: float, target: float) -> bool:
        """Whether `value` reaches `target` in this direction."""
        if self is Direction.HIGHER_IS_BETTER:
            return value >= target - _EPSILON
        return value <= target + _EPSILON

    def better(self, a: float, b: float) -> bool:
        """Whether `a` is strictly better than `b`."""
        if self is Direction.HIGHER_IS_BETTER:
            return a > b + _EPSILON
        return a < b - _EPSILON


class Status(StrEnum):
    """Where an indicator stands against its target."""

    MET = "met"
    BEHIND = "behind"
    NO_TARGET = "no_target"
    NO_DATA = "no_data"


def status_of(value: float | None, target: float | None, direction: Direction) -> Status:
    """Met or behind when there is a value and a target; otherwise no data or no target."""
    if value is None:
        return Status.NO_DATA
    if target is None:
        return Status.NO_TARGET
    return Status.MET if direction.meets(value, target) else Status.BEHIND


@dataclass(frozen=True)
class Part:
    """One division's share of an indicator: its value and what the standard asks of it."""

    code: str
    name: str
    level: str
    value: float | None
    required: float | None = None
    status: Status = Status.NO_TARGET
    detail: Mapping[str, Scalar] = field(default_factory=dict)


@dataclass(frozen=True)
class Measurement:
    """What an indicator's computation returns: the value, its breakdown and its workings."""

    value: float | None
    parts: tuple[Part, ...] = ()
    detail: Mapping[str, Scalar] = field(default_factory=dict)
    note: str = ""
    target: Target | None = None
    """The year's target from the capability's own rules (a pack file of its own), used
    where the pack's plan sets none for the indicator."""

    def __post_init__(self) -> None:
        if self.value is not None and not math.isfinite(self.value):
            raise InvalidValue("value", f"an indicator value must be finite, not {self.value}")


Compute = Callable[[County, Inputs], Measurement]


@dataclass(frozen=True)
class Indicator:
    """How one of the plan's figures is computed, which task it serves and which way is better.

    `needs` names the extra inputs without which there is no value (status no_data);
    `coverage` marks an indicator that a facility fewer never makes better (a test holds it);
    `implied_target` is the target a standard implies where the pack sets none (a shortfall
    of 0, say).
    """

    name: str
    task: int | None
    unit: str
    compute: Compute
    direction: Direction = Direction.HIGHER_IS_BETTER
    title: str = ""
    title_en: str = ""
    rule: str = ""
    needs: tuple[str, ...] = ()
    coverage: bool = False
    implied_target: float | None = None

    def __post_init__(self) -> None:
        if not _NAME.fullmatch(self.name):
            raise InvalidValue("name", f"indicator name {self.name!r} must be a lower-case name")
        if self.task is not None and self.task < 1:
            raise InvalidValue("task", f"task {self.task} must be 1 or more")
        if not self.unit.strip():
            raise InvalidValue("unit", f"indicator {self.name} needs a unit")


@dataclass(frozen=True)
class IndicatorValue:
    """An indicator's value for a year, against the pack's target, with who leads the task."""

    indicator: str
    task: int | None
    value: float | None
    target: float | None
    unit: str
    year: int
    target_year: int | None
    lead_unit: str
    status: Status
    direction: Direction
    lead_units: tuple[str, ...] = ()
    cooperating_units: tuple[str, ...] = ()
    title: str = ""
    title_en: str = ""
    rule: str = ""
    target_note: str = ""
    """The target's note in the county's language (Chinese); `target_note_en` in English."""
    note: str = ""
    """Why there is no figure, or what to know about it: an `errors.Said` or
    `errors.Bilingual` where the indicator says it in both languages."""
    parts: tuple[Part, ...] = ()
    detail: Mapping[str, Scalar] = field(default_factory=dict)
    target_note_en: str = ""


class Registry(Mapping[str, Indicator]):
    """Indicators by name, in the order they were registered."""

    def __init__(self, *indicators: Indicator) -> None:
        self._items: dict[str, Indicator] = {}
        self.add(*indicators)

    def add(self, *indicators: Indicator) -> None:
        """Register indicators; a second, different definition of a name is refused."""
        for ind in indicators:
            known = self._items.get(ind.name)
            if known is not None and known != ind:
                raise InvalidValue("name", f"indicator {ind.name} is registered already")
            self._items[ind.name] = ind

    def __getitem__(self, name: str) -> Indicator:
        return self._items[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


REGISTRY = Registry()
"""The platform's indicators; each capability registers its own."""


def register(*indicators: Indicator) -> None:
    """Add indicators to the platform's registry."""
    REGISTRY.add(*indicators)


def select_target(targets: Iterable[Target], indicator: str, year: int) -> Target | None:
    """The target of `year`; else the latest of an earlier year; else the earliest there is."""
    mine = sorted((t for t in targets if t.indicator == indicator), key=lambda t: t.year)
    if not mine:
        return None
    exact = [t for t in mine if t.year == year]
    if exact:
        return exact[-1]
    earlier = [t for t in mine if t.year < year]
    return earlier[-1] if earlier else mine[0]


def _unit_names(county: County, codes: Iterable[str]) -> tuple[str, ...]:
    names = []
    for code in codes:
        unit = county.plan.unit(code)
        names.append(unit.name if unit is not None else code)
    return tuple(names)


def evaluate_one(
    indicator: Indicator, county: County, year: int, inputs: Inputs | None = None
) -> IndicatorValue:
    """One indicator of `county` for `year`."""
    inputs = inputs or {}
    missing = [n for n in indicator.needs if n not in inputs]
    if missing:
        m = Measurement(None, note=f"needs {', '.join(missing)}")
    else:
        m = indicator.compute(county, inputs)
    chosen = select_target(county.plan.targets, indicator.name, year) or m.target
    target = chosen.value if chosen is not None else indicator.implied_target
    task_no = chosen.task if chosen is not None and chosen.task is not None else indicator.task
    task = county.plan.task(task_no) if task_no is not None else None
    leads = _unit_names(county, task.lead) if task is not None else ()
    return IndicatorValue(
        indicator=indicator.name,
        task=task_no,
        value=m.value,
        target=target,
        unit=indicator.unit,
        year=year,
        target_year=chosen.year if chosen is not None else None,
        lead_unit="、".join(leads),
        status=status_of(m.value, target, indicator.direction),
        direction=indicator.direction,
        lead_units=leads,
        cooperating_units=_unit_names(county, task.cooperating) if task is not None else (),
        title=indicator.title,
        title_en=indicator.title_en,
        rule=indicator.rule,
        target_note=chosen.note if chosen is not None else "",
        target_note_en=chosen.note_en if chosen is not None else "",
        note=m.note,
        parts=m.parts,
        detail=m.detail,
    )


def evaluate(
    county: County,
    year: int,
    *,
    inputs: Inputs | None = None,
    registry: Mapping[str, Indicator] | None = None,
    names: Iterable[str] | None = None,
) -> list[IndicatorValue]:
    """Every indicator of `registry` (or those `names`) for `county` in `year`, by task."""
    if not 1990 <= year <= 2100:
        raise InvalidValue("year", f"year {year} is outside 1990..2100")
    reg = REGISTRY if registry is None else registry
    chosen = list(reg) if names is None else list(names)
    unknown = [n for n in chosen if n not in reg]
    if unknown:
        raise InvalidValue("indicator", f"unknown indicator(s): {', '.join(unknown)}")
    values = [evaluate_one(reg[n], county, year, inputs) for n in chosen]
    return sorted(values, key=lambda v: v.task if v.task is not None else 10**6)
