"""The yearly assessment (年度目标责任考核): a scoring sheet as data, and scores from data only.

A county's sheet (pack file `assessment.toml`) puts every task of the plan in a section,
gives it points and says how each of its indicators earns them: tiered thresholds
(`tiers`), progress towards the target (`progress`), all or nothing on the target (`met`)
or deductions per counted problem (`deduction`). `score` turns the indicators' values of a
year (`IndicatorValue`, from the registry) into a score per task with a status and its
reason; a missing figure scores zero and says why. Indicators of a task that the sheet does
not name are shown with the task but earn nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from countyexpress.domain.indicators import Direction, IndicatorValue, Status
from countyexpress.domain.plan import CountyPlan
from countyexpress.domain.supervision.attachments import Attachment
from countyexpress.errors import N_, InvalidValue, Said

__all__ = [
    "Assessment",
    "Basis",
    "FrozenReport",
    "IndicatorScore",
    "Line",
    "Note",
    "Problem",
    "ProblemRule",
    "Rule",
    "Section",
    "SectionScore",
    "Sheet",
    "TaskScore",
    "TaskSheet",
    "TaskStatus",
    "Tier",
    "line_score",
    "score",
]

_EPSILON = 1e-9


class Rule(StrEnum):
    """How an indicator line of the sheet earns its points."""

    TIERS = "tiers"  # thresholds: the best tier reached gives its share of the points
    PROGRESS = "progress"  # points × value / target (higher is better), else met or nothing
    MET = "met"  # all the points when the indicator meets its target, else none
    DEDUCTION = "deduction"  # points − per × value (a count of problems), at most `cap` off


class Basis(StrEnum):
    """What a tier's threshold is compared with."""

    VALUE = "value"
    SHARE_OF_TARGET = "share_of_target"  # value / target


class TaskStatus(StrEnum):
    """Where a task stands in the assessed year."""

    MET = "met"
    BEHIND = "behind"
    OVERDUE = "overdue"  # a target year has passed and the target is not met
    NO_DATA = "no_data"


@dataclass(frozen=True)
class Tier:
    """A threshold and the share of the line's points it earns (0..1)."""

    at: float
    share: float

    def __post_init__(self) -> None:
        if not math.isfinite(self.at):
            raise InvalidValue("tiers.at", f"a threshold must be finite, not {self.at}")
        if not 0 <= self.share <= 1:
            raise InvalidValue("tiers.share", f"share {self.share} must be within 0..1")


@dataclass(frozen=True)
class Line:
    """One indicator of a task on the sheet, its points and how it earns them."""

    indicator: str
    points: float
    rule: Rule = Rule.MET
    tiers: tuple[Tier, ...] = ()
    basis: Basis = Basis.VALUE
    per: float = 0.0
    cap: float | None = None
    quality: str = "estimate"
    source: str = ""

    def __post_init__(self) -> None:
        where = f"indicator {self.indicator}"
        if not math.isfinite(self.points) or self.points < 0:
            raise InvalidValue("points", f"{where}: points {self.points} must be 0 or more")
        if self.rule is Rule.TIERS and not self.tiers:
            raise InvalidValue("tiers", f"{where}: a tiered line needs at least one tier")
        if self.rule is Rule.DEDUCTION and (not math.isfinite(self.per) or self.per <= 0):
            raise InvalidValue("per", f"{where}: a deduction needs points per problem above 0")
        if self.cap is not None and not 0 <= self.cap <= self.points:
            raise InvalidValue("cap", f"{where}: cap {self.cap} must be within 0..points")


@dataclass(frozen=True)
class TaskSheet:
    """A task on the sheet: its points, its indicator lines and the measures to suggest."""

    task: int
    points: float
    lines: tuple[Line, ...] = ()
    measures: str = ""
    quality: str = "estimate"
    source: str = ""

    def __post_init__(self) -> None:
        if not math.isfinite(self.points) or self.points < 0:
            raise InvalidValue("points", f"task {self.task}: points must be 0 or more")
        names = [ln.indicator for ln in self.lines]
        if len(set(names)) != len(names):
            raise InvalidValue("indicators", f"task {self.task}: an indicator is listed twice")
        total = sum(ln.points for ln in self.lines)
        if self.lines and abs(total - self.points) > 1e-6:
            raise InvalidValue(
                "points",
                f"task {self.task}: its indicators' points add up to {total:g}, "
                f"not the task's {self.points:g}",
            )


@dataclass(frozen=True)
class Section:
    """An assessed area of the plan (one of section 3's three, or the other tasks)."""

    code: str
    title: str
    title_en: str = ""
    tasks: tuple[int, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class ProblemRule:
    """A problem the report names when an indicator shows it, with the measure to suggest.

    `text` is a template: `{value}`, `{target}`, `{parts}` (the parts behind) and the keys
    of the indicator's detail."""

    indicator: str
    text: str
    measure: str = ""


@dataclass(frozen=True)
class Sheet:
    """A county's scoring sheet: sections of tasks, their points and rules, and problems."""

    title: str
    sections: tuple[Section, ...]
    tasks: Mapping[int, TaskSheet]
    problems: tuple[ProblemRule, ...] = ()
    title_en: str = ""
    quality: str = "estimate"
    source: str = ""
    """Where the sheet's points come from, in the county's language (Chinese)."""
    source_en: str = ""

    def __post_init__(self) -> None:
        codes = [s.code for s in self.sections]
        if len(set(codes)) != len(codes):
            raise InvalidValue("sections", "a section code is given twice")
        placed = [n for s in self.sections for n in s.tasks]
        twice = sorted({n for n in placed if placed.count(n) > 1})
        if twice:
            raise InvalidValue("sections", f"task {twice[0]} is in two sections")
        unplaced = sorted(set(self.tasks) - set(placed))
        if unplaced:
            raise InvalidValue("sections", f"task {unplaced[0]} is in no section")
        for n in placed:
            if n not in self.tasks:
                raise InvalidValue("tasks", f"task {n} of a section has no points on the sheet")

    @property
    def max_score(self) -> float:
        """The points of every task on the sheet."""
        return sum(t.points for t in self.tasks.values())

    def check_plan(self, plan: CountyPlan) -> None:
        """Every task of the plan is on the sheet and the sheet names no other."""
        numbers = {t.number for t in plan.tasks}
        missing = sorted(numbers - set(self.tasks))
        if missing:
            raise InvalidValue("tasks", f"task {missing[0]} of the plan is not on the sheet")
        unknown = sorted(set(self.tasks) - numbers)
        if unknown and numbers:
            raise InvalidValue("tasks", f"task {unknown[0]} is not a task of the plan")

    def section_of(self, task: int) -> Section | None:
        """The section holding `task`."""
        return next((s for s in self.sections if task in s.tasks), None)


@dataclass(frozen=True)
class IndicatorScore:
    """An indicator's value of the year with what it earned on the sheet and why."""

    value: IndicatorValue
    points: float
    score: float
    reason: str
    line: Line | None = None


@dataclass(frozen=True)
class TaskScore:
    """A task's score, status and reason, with its units and indicators."""

    task: int
    title: str
    title_en: str
    section: str
    lead_units: tuple[str, ...]
    cooperating_units: tuple[str, ...]
    indicators: tuple[IndicatorScore, ...]
    score: float
    max_score: float
    status: TaskStatus
    reason: str
    measures: str = ""

    @property
    def lead_unit(self) -> str:
        """The lead units as one name."""
        return "、".join(self.lead_units)


@dataclass(frozen=True)
class SectionScore:
    """A section's tasks and their total."""

    section: Section
    score: float
    max_score: float


@dataclass(frozen=True)
class Problem:
    """A problem found in the year's figures, with its task, indicator and measure."""

    task: int | None
    indicator: str
    text: str
    measure: str
    lead_unit: str


@dataclass(frozen=True)
class Assessment:
    """The scored year: tasks, sections, total, problems found."""

    year: int
    tasks: tuple[TaskScore, ...]
    sections: tuple[SectionScore, ...]
    problems: tuple[Problem, ...] = field(default_factory=tuple)

    @property
    def total_score(self) -> float:
        """The sum of the tasks' scores."""
        return round(sum(t.score for t in self.tasks), 2)

    @property
    def max_score(self) -> float:
        """The sum of the tasks' points."""
        return round(sum(t.max_score for t in self.tasks), 2)


@dataclass(frozen=True)
class FrozenReport:
    """An issued report of a county's year, as it was when frozen."""

    county: str
    year: int
    frozen_at: dt.datetime
    frozen_by: str
    replaced_at: dt.datetime | None
    report: Mapping[str, Any]


@dataclass(frozen=True)
class Note:
    """A progress note on a task of a year, with who wrote it and when, and its files
    (`Attachment.record_id` is the note's number)."""

    id: int
    year: int
    task: int
    text: str
    added_at: dt.datetime
    added_by: str
    files: tuple[Attachment, ...] = ()


def _clamp(x: float) -> float:
    return min(1.0, max(0.0, x))


def _round(x: float, points: float) -> float:
    """Two decimals, never outside 0..points."""
    return min(points, max(0.0, round(x, 2)))


def _reached(x: float, at: float, direction: Direction) -> bool:
    if direction is Direction.HIGHER_IS_BETTER:
        return x >= at - _EPSILON
    return x <= at + _EPSILON


def line_score(line: Line, value: IndicatorValue | None) -> tuple[float, str]:
    """What `value` earns on `line` (0..points) and why; a missing figure earns 0."""
    if value is None:
        return 0.0, f"no figure: indicator {line.indicator} is not computed by this platform"
    if value.value is None:
        why = value.note or "no data"
        return 0.0, f"no figure ({why}): scores 0"
    v, target, pts = value.value, value.target, line.points
    if line.rule is Rule.MET:
        if target is None:
            return 0.0, "no target to meet: scores 0"
        ok = value.direction.meets(v, target)
        return (pts, f"meets the target {target:g}") if ok else (0.0, f"short of {target:g}")
    if line.rule is Rule.PROGRESS:
        if target is None:
            return 0.0, "no target to measure progress against: scores 0"
        if value.direction is Direction.HIGHER_IS_BETTER:
            share = 1.0 if target <= 0 else _clamp(v / target)
            return _round(pts * share, pts), f"{v:g} of {target:g} ({share:.0%} of the points)"
        ok = value.direction.meets(v, target)
        return (pts, f"within {target:g}") if ok else (0.0, f"{v:g} above {target:g}")
    if line.rule is Rule.DEDUCTION:
        off = line.per * max(0.0, v)
        cap = line.cap if line.cap is not None else pts
        off = min(off, cap, pts)
        return _round(pts - off, pts), f"{v:g} × {line.per:g} off (at most {cap:g}): −{off:g}"
    x = v
    if line.basis is Basis.SHARE_OF_TARGET:
        if target is None or target == 0:
            return 0.0, "tiers against the target, but there is no target: scores 0"
        x = v / target
    for tier in sorted(line.tiers, key=lambda t: t.share, reverse=True):
        if _reached(x, tier.at, value.direction):
            sign = "≥" if value.direction is Direction.HIGHER_IS_BETTER else "≤"
            return _round(pts * tier.share, pts), f"{x:g} {sign} {tier.at:g}: {tier.share:.0%}"
    return 0.0, f"{x:g} reaches no tier: scores 0"


def _status(
    values: Sequence[IndicatorValue],
    earned: float,
    points: float,
    current_year: int,
    scored: frozenset[str] = frozenset(),
) -> tuple[TaskStatus, str]:
    """Overdue, behind or met against the plan's targets; else by the sheet's points. The
    reason is an `errors.Said`: English as a string, said in the reader's language on screen."""
    with_data = [v for v in values if v.value is not None]
    if not values:
        return TaskStatus.NO_DATA, Said(N_("no indicator computes this task yet"))
    if not with_data:
        notes = sorted({
            Said(N_("%(indicator)s: %(note)s"), indicator=v.indicator,
                 note=v.note or Said(N_("no data")))
            for v in values
        })  # fmt: skip
        return TaskStatus.NO_DATA, Said(N_("no figure yet (%(notes)s)"), notes=Said.joined(notes))
    behind = [v for v in with_data if v.status is Status.BEHIND]
    overdue = [v for v in behind if v.target_year is not None and v.target_year < current_year]
    if overdue:
        what = [
            Said(N_("%(indicator)s %(value)s short of %(target)s due %(year)s"),
                 indicator=v.indicator, value=f"{v.value:g}", target=f"{v.target:g}",
                 year=v.target_year)
            for v in overdue
            if v.value is not None and v.target is not None
        ]  # fmt: skip
        return TaskStatus.OVERDUE, Said(N_("target year passed: %(what)s"), what=Said.joined(what))
    if behind:
        what = [
            Said(N_("%(indicator)s %(value)s against %(target)s"), indicator=v.indicator,
                 value=f"{v.value:g}", target=f"{v.target:g}")
            for v in behind
            if v.value is not None and v.target is not None
        ]  # fmt: skip
        return TaskStatus.BEHIND, Said(N_("behind target: %(what)s"), what=Said.joined(what))
    met = [v for v in with_data if v.status is Status.MET]
    if met:
        return TaskStatus.MET, Said(
            N_("every target of the task met: %(indicators)s"),
            indicators=", ".join(v.indicator for v in met),
        )
    if points <= 0 or not any(v.indicator in scored for v in with_data):
        return TaskStatus.NO_DATA, Said(
            N_("figures, but no target, and the sheet scores none of them")
        )
    if earned >= points - 1e-6:
        return TaskStatus.MET, Said(N_("no target in the plan; full points by the sheet"))
    return TaskStatus.BEHIND, Said(
        N_("no target in the plan; %(earned)s of %(points)s by the sheet"),
        earned=f"{earned:g}",
        points=f"{points:g}",
    )


class _Fields(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _problem_text(rule: ProblemRule, v: IndicatorValue) -> str:
    behind = [p.name for p in v.parts if p.status is Status.BEHIND]
    fields = _Fields(v.detail)
    fields.update(value=v.value, target=v.target, parts="、".join(behind) or "—")
    try:
        return string.Formatter().vformat(rule.text, (), fields)
    except (ValueError, TypeError, IndexError):
        return f"{rule.text} ({v.indicator} = {v.value})"


def _shows_problem(v: IndicatorValue) -> bool:
    if v.value is None:
        return False
    if v.status is Status.BEHIND:
        return True
    return v.direction is Direction.LOWER_IS_BETTER and v.value > 0


def score(
    sheet: Sheet,
    plan: CountyPlan,
    values: Iterable[IndicatorValue],
    year: int,
    *,
    current_year: int,
) -> Assessment:
    """Score the year's indicator values on `sheet`: every task of the plan, its status with
    the reason (overdue when a target's year is before `current_year` and not met), the
    sections' totals and the problems the sheet names."""
    by_task: dict[int, list[IndicatorValue]] = {}
    by_name: dict[str, IndicatorValue] = {}
    for v in values:
        by_name[v.indicator] = v
        if v.task is not None:
            by_task.setdefault(v.task, []).append(v)
    tasks: list[TaskScore] = []
    for pt in sorted(plan.tasks, key=lambda t: t.number):
        ts = sheet.tasks.get(pt.number, TaskSheet(pt.number, 0.0))
        scored: list[IndicatorScore] = []
        named = set()
        for line in ts.lines:
            found = by_name.get(line.indicator)
            named.add(line.indicator)
            earned, why = line_score(line, found)
            shown = found if found is not None else _absent(line, pt.number, year)
            scored.append(IndicatorScore(shown, line.points, earned, why, line))
        for v in by_task.get(pt.number, []):
            if v.indicator not in named:
                scored.append(IndicatorScore(v, 0.0, 0.0, "not on the scoring sheet"))
        earned_total = round(sum(s.score for s in scored), 2)
        on_sheet = frozenset(ln.indicator for ln in ts.lines)
        status, reason = _status(
            [s.value for s in scored], earned_total, ts.points, current_year, on_sheet
        )
        if not ts.lines and ts.points > 0:
            reason = Said(
                N_("%(reason)s; no indicator on the sheet for its points (%(points)s)"),
                reason=reason,
                points=f"{ts.points:g}",
            )
        section = sheet.section_of(pt.number)
        leads = tuple(_unit(plan, c) for c in pt.lead)
        tasks.append(
            TaskScore(
                task=pt.number,
                title=pt.title,
                title_en=pt.title_en,
                section=section.code if section is not None else "",
                lead_units=leads,
                cooperating_units=tuple(_unit(plan, c) for c in pt.cooperating),
                indicators=tuple(scored),
                score=earned_total,
                max_score=ts.points,
                status=status,
                reason=reason,
                measures=ts.measures,
            )
        )
    sections = tuple(
        SectionScore(
            s,
            round(sum(t.score for t in tasks if t.task in s.tasks), 2),
            round(sum(t.max_score for t in tasks if t.task in s.tasks), 2),
        )
        for s in sheet.sections
    )
    problems = []
    for rule in sheet.problems:
        seen = by_name.get(rule.indicator)
        if seen is not None and _shows_problem(seen):
            text = _problem_text(rule, seen)
            problems.append(Problem(seen.task, seen.indicator, text, rule.measure, seen.lead_unit))
    return Assessment(year, tuple(tasks), sections, tuple(problems))


def _unit(plan: CountyPlan, code: str) -> str:
    unit = plan.unit(code)
    return unit.name if unit is not None else code


def _absent(line: Line, task: int, year: int) -> IndicatorValue:
    return IndicatorValue(
        indicator=line.indicator,
        task=task,
        value=None,
        target=None,
        unit="",
        year=year,
        target_year=None,
        lead_unit="",
        status=Status.NO_DATA,
        direction=Direction.HIGHER_IS_BETTER,
        note="not computed by this platform",
    )
