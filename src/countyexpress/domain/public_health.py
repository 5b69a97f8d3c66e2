"""Public health (plan tasks 15-16): township risk levels, the measures each level requires,
daily logs of the measures done, and which deliveries reached the receiver contactless.

A township's risk level is set from a county day and holds until changed: the history of
changes gives the level on any day (`level_on`). The county pack (`health.toml`) says
which levels there are and which measures each requires, daily. A staffed facility
(outlet, station, centre, carrier office) logs each day the measures it did; its
compliance that day is the required measures done / the measures its township's level
requires. Days are the county's (domain.county_time).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from countyexpress.domain.county import County
from countyexpress.domain.facilities import Facility, FacilityKind
from countyexpress.domain.geography import DivisionLevel
from countyexpress.errors import N_, InvalidValue, said

__all__ = [
    "FREQUENCIES",
    "LIFTED",
    "LOGGING_KINDS",
    "FacilityCheck",
    "HealthRules",
    "LevelChange",
    "Measure",
    "MeasureLog",
    "RiskLevel",
    "checklist",
    "facility_days",
    "level_on",
    "levels_on",
    "measure_codes",
    "township_of",
]

_CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")
FREQUENCIES = ("daily",)
"""How often a measure is due; the logs are daily, so every measure is for now."""

LIFTED = "none"
"""The level code that lifts a township's level: no measures are required from that day."""

LOGGING_KINDS = frozenset(
    {FacilityKind.CENTER, FacilityKind.OUTLET, FacilityKind.STATION, FacilityKind.CARRIER_OFFICE}
)
"""Facilities with staff, which log measures (a locker bank or a cold store has none)."""


@dataclass(frozen=True)
class RiskLevel:
    """A risk level a township can be set to (pack `[[levels]]`), lowest first."""

    code: str
    zh: str
    en: str

    def __post_init__(self) -> None:
        if not _CODE.fullmatch(self.code) or self.code == LIFTED:
            raise InvalidValue("code", f"level code {self.code!r} must be a lower-case name")
        if not self.zh.strip():
            raise InvalidValue("zh", f"level {self.code} needs its Chinese name")


@dataclass(frozen=True)
class Measure:
    """A prevention measure, the levels that require it and how often it is due."""

    code: str
    zh: str
    en: str
    levels: frozenset[str]
    frequency: str = "daily"
    quality: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        if not _CODE.fullmatch(self.code):
            raise InvalidValue("code", f"measure code {self.code!r} must be a lower-case name")
        if not self.zh.strip():
            raise InvalidValue("zh", f"measure {self.code} needs its Chinese name")
        if self.frequency not in FREQUENCIES:
            raise InvalidValue(
                "frequency", f"measure {self.code}: frequency must be one of {FREQUENCIES}"
            )


@dataclass(frozen=True)
class HealthRules:
    """A county's risk levels and the measures each requires (pack `health.toml`)."""

    levels: tuple[RiskLevel, ...]
    measures: tuple[Measure, ...]
    quality: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        codes = [lv.code for lv in self.levels]
        if not codes:
            raise InvalidValue("levels", "at least one risk level is needed")
        if len(set(codes)) != len(codes):
            raise InvalidValue("levels", "a level code appears twice")
        seen: set[str] = set()
        for m in self.measures:
            if m.code in seen:
                raise InvalidValue("measures", f"measure {m.code} appears twice")
            seen.add(m.code)
            unknown = sorted(m.levels - set(codes))
            if unknown:
                raise InvalidValue(
                    "levels", f"measure {m.code} names unknown level(s): {', '.join(unknown)}"
                )

    def level(self, code: str) -> RiskLevel | None:
        """The level with this code, or None (also for `LIFTED`)."""
        return next((lv for lv in self.levels if lv.code == code), None)

    def check_level(self, code: str) -> str:
        """`code` if it is a level of these rules or `LIFTED`; InvalidValue naming it if not."""
        code = code.strip()
        if code != LIFTED and self.level(code) is None:
            known = ", ".join([*(lv.code for lv in self.levels), LIFTED])
            raise said(InvalidValue, N_("unknown risk level %(level)s: one of %(known)s"),
                       "level", level=repr(code), known=known)  # fmt: skip
        return code

    def required(self, level: str | None) -> tuple[Measure, ...]:
        """The measures `level` requires, in pack order (none when no level is in force)."""
        if level is None or level == LIFTED:
            return ()
        return tuple(m for m in self.measures if level in m.levels)

    def check_measures(self, codes: Iterable[str]) -> frozenset[str]:
        """The measure codes given, checked: InvalidValue naming every unknown one."""
        given = {c.strip() for c in codes if c.strip()}
        known = {m.code for m in self.measures}
        unknown = sorted(given - known)
        if unknown:
            msgid = N_("unknown measure(s): %(codes)s; known: %(known)s")
            listed = ", ".join(sorted(known))
            raise said(InvalidValue, msgid, "done", codes=", ".join(unknown), known=listed)
        return frozenset(given)


def measure_codes(text: str) -> list[str]:
    """Measure codes from a comma-separated list ("ventilation,disinfection")."""
    return [c.strip() for c in text.split(",") if c.strip()]


@dataclass(frozen=True)
class LevelChange:
    """A township's level from `from_day` (a county day) until the next change."""

    township_code: str
    level: str
    from_day: dt.date
    set_by: str = ""
    set_at: dt.datetime | None = None


def level_on(changes: Iterable[LevelChange], township_code: str, day: dt.date) -> str | None:
    """The level in force in the township on `day`: the latest change from that day or
    before (None before any; `LIFTED` after a lifting)."""
    best: LevelChange | None = None
    for c in changes:
        mine = c.township_code == township_code and c.from_day <= day
        if mine and (best is None or c.from_day >= best.from_day):
            best = c
    return None if best is None else best.level


def levels_on(changes: Iterable[LevelChange], day: dt.date) -> dict[str, str]:
    """Each township's level in force on `day` (townships without one left out)."""
    ordered = sorted(changes, key=lambda c: c.from_day)
    out: dict[str, str] = {}
    for c in ordered:
        if c.from_day <= day:
            out[c.township_code] = c.level
    return out


@dataclass(frozen=True)
class MeasureLog:
    """The measures a facility did on a county day."""

    facility_code: str
    day: dt.date
    done: frozenset[str]
    logged_by: str = ""
    logged_at: dt.datetime | None = None


def township_of(county: County, facility: Facility) -> str | None:
    """The township a facility is in (its division's, or the division itself), or None
    for a facility outside the county's divisions."""
    division = county.division(facility.division_code)
    if division is None:
        return None
    if division.level is DivisionLevel.TOWNSHIP:
        return division.code
    parent = county.division(division.parent_code)
    return parent.code if parent is not None else None


@dataclass(frozen=True)
class FacilityCheck:
    """One facility's checklist for a day: what its township's level requires, what it did."""

    facility_code: str
    facility_name: str
    facility_kind: str
    township_code: str
    day: dt.date
    level: str | None
    required: tuple[str, ...]
    done: tuple[str, ...]
    logged: bool

    @property
    def missing(self) -> tuple[str, ...]:
        """Required measures not logged as done."""
        return tuple(m for m in self.required if m not in self.done)

    @property
    def done_required(self) -> int:
        """How many required measures were done."""
        return len(self.required) - len(self.missing)

    @property
    def compliance(self) -> float | None:
        """Required measures done / required; None when nothing is required."""
        return self.done_required / len(self.required) if self.required else None


def _logging_facilities(county: County) -> list[tuple[Facility, str]]:
    out = []
    for f in county.facilities:
        township = township_of(county, f) if f.kind in LOGGING_KINDS else None
        if township is not None:
            out.append((f, township))
    return out


def checklist(
    county: County,
    rules: HealthRules,
    changes: Sequence[LevelChange],
    logs: Mapping[tuple[str, dt.date], MeasureLog],
    day: dt.date,
) -> list[FacilityCheck]:
    """Every staffed facility's checklist on `day`, in pack order; `logs` by (facility, day)."""
    levels = levels_on(changes, day)
    out = []
    for f, township in _logging_facilities(county):
        level = levels.get(township)
        log = logs.get((f.code, day))
        done = log.done if log is not None else frozenset()
        out.append(
            FacilityCheck(
                f.code, f.name, f.kind.value, township, day, level,
                tuple(m.code for m in rules.required(level)),
                tuple(m.code for m in rules.measures if m.code in done),
                log is not None,
            )
        )  # fmt: skip
    return out


def facility_days(
    county: County,
    rules: HealthRules,
    changes: Sequence[LevelChange],
    logs: Mapping[tuple[str, dt.date], MeasureLog],
    first: dt.date,
    last: dt.date,
) -> list[FacilityCheck]:
    """The checklists of every day from `first` to `last` (both included) on which a
    facility's township had a level requiring at least one measure."""
    out: list[FacilityCheck] = []
    if not changes or last < first:
        return out
    start = max(first, min(c.from_day for c in changes))
    day = start
    while day <= last:
        out += [c for c in checklist(county, rules, changes, logs, day) if c.required]
        day += dt.timedelta(days=1)
    return out


@dataclass(frozen=True)
class HealthStatus:
    """The levels and checklists of a county day, for the CLI, API and screen."""

    day: dt.date
    levels: Mapping[str, str]
    checks: tuple[FacilityCheck, ...]
    rules: HealthRules
    history: tuple[LevelChange, ...] = field(default=())
