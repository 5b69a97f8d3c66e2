"""A pack's `assessment.toml`: the yearly assessment's scoring sheet.

The same plain form serves the pack file (TOML), the county's row in the database (JSON)
and the frozen report (`to_data` / `sheet_from_data`). Problems are reported like the pack
reader's: file and field path. A pack without the file gets a sheet that tracks every task
of the plan with no points, and says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from countyexpress.adapters.packs.toml_file import checked, read_toml, write_toml
from countyexpress.domain.assessment import (
    Basis,
    Line,
    ProblemRule,
    Rule,
    Section,
    Sheet,
    TaskSheet,
    Tier,
)
from countyexpress.domain.plan import CountyPlan
from countyexpress.errors import N_, InvalidValue, PackInvalid, PackProblem, Said

__all__ = [
    "FILE",
    "builtin_sheet",
    "pack_sheet",
    "read_sheet",
    "sheet_from_data",
    "to_data",
    "unscored_sheet",
    "write_sheet",
]

FILE = "assessment.toml"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Tier(_Model):
    at: float
    share: float = Field(ge=0, le=1)


class _Line(_Model):
    indicator: str = Field(min_length=2, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")
    points: float = Field(ge=0)
    rule: Rule = Rule.MET
    basis: Basis = Basis.VALUE
    tiers: list[_Tier] = []
    per: float = 0.0
    cap: float | None = None
    quality: str = Field(min_length=1)
    source: str = Field(min_length=1)


class _Task(_Model):
    task: int = Field(ge=1)
    points: float = Field(ge=0)
    quality: str = Field(min_length=1)
    source: str = Field(min_length=1)
    measures: str = ""
    lines: list[_Line] = []


class _Section(_Model):
    code: str = Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1)
    title_en: str = ""
    tasks: list[int]
    source: str = ""


class _Problem(_Model):
    indicator: str = Field(min_length=2, max_length=64)
    text: str = Field(min_length=1)
    measure: str = ""


class _Head(_Model):
    title: str = Field(min_length=1)
    title_en: str = ""
    quality: str = Field(min_length=1)
    source: str = Field(min_length=1)
    source_en: str = ""


class _File(_Model):
    sheet: _Head
    sections: list[_Section] = Field(min_length=1)
    tasks: list[_Task] = Field(min_length=1)
    problems: list[_Problem] = []


def _task(i: int, t: _Task) -> TaskSheet:
    lines = []
    for j, ln in enumerate(t.lines):
        try:
            lines.append(
                Line(
                    ln.indicator,
                    ln.points,
                    ln.rule,
                    tuple(Tier(x.at, x.share) for x in ln.tiers),
                    ln.basis,
                    ln.per,
                    ln.cap,
                    ln.quality,
                    ln.source,
                )
            )
        except InvalidValue as exc:
            raise InvalidValue(f"tasks.{i}.lines.{j}.{exc.field}", exc.reason) from exc
    try:
        return TaskSheet(t.task, t.points, tuple(lines), t.measures, t.quality, t.source)
    except InvalidValue as exc:
        raise InvalidValue(f"tasks.{i}.{exc.field}", exc.reason) from exc


def _sheet(f: _File) -> Sheet:
    numbers = [t.task for t in f.tasks]
    twice = sorted({n for n in numbers if numbers.count(n) > 1})
    if twice:
        raise InvalidValue("tasks", f"task {twice[0]} is given twice")
    return Sheet(
        title=f.sheet.title,
        title_en=f.sheet.title_en,
        quality=f.sheet.quality,
        source=f.sheet.source,
        source_en=f.sheet.source_en,
        sections=tuple(
            Section(s.code, s.title, s.title_en, tuple(s.tasks), s.source) for s in f.sections
        ),
        tasks={t.task: _task(i, t) for i, t in enumerate(f.tasks)},
        problems=tuple(ProblemRule(p.indicator, p.text, p.measure) for p in f.problems),
    )


def sheet_from_data(
    data: Mapping[str, Any], name: str = FILE, plan: CountyPlan | None = None
) -> Sheet:
    """The sheet from its plain form, checked against `plan` when given; PackInvalid lists
    every problem with its file and field path."""
    f = checked(_File, data, name)
    try:
        sheet = _sheet(f)
        if plan is not None:
            sheet.check_plan(plan)
    except InvalidValue as exc:
        raise PackInvalid([PackProblem(name, None, exc.field, exc.reason)]) from exc
    return sheet


def read_sheet(path: Path, plan: CountyPlan | None = None) -> Sheet:
    """Read an `assessment.toml` (or the file in a pack folder)."""
    file = path / FILE if path.is_dir() else path
    data = read_toml(file)
    return sheet_from_data(data, file.name, plan)


def unscored_sheet(plan: CountyPlan) -> Sheet:
    """The sheet of a pack without `assessment.toml`: every task tracked, none scored."""
    numbers = tuple(sorted(t.number for t in plan.tasks))
    why = f"no {FILE} in the pack: the tasks are tracked, not scored"
    return Sheet(
        title="年度目标责任考核（未配置评分表）",
        title_en="Yearly assessment (no scoring sheet)",
        quality="placeholder",
        source=why,
        sections=(Section("tasks", "重点任务", "Tasks", numbers, why),),
        tasks={n: TaskSheet(n, 0.0, (), "", "placeholder", why) for n in numbers},
    )


def pack_sheet(folder: Path, plan: CountyPlan) -> tuple[Sheet, str]:
    """A pack folder's sheet (checked against its plan) and where it came from."""
    file = folder / FILE
    if file.is_file():
        return read_sheet(file, plan), f"{folder.name}/{FILE}"
    return unscored_sheet(plan), "none"


def builtin_sheet(county_code: str, plan: CountyPlan) -> tuple[Sheet, str]:
    """The sheet of the county's built-in pack (a county loaded before its pack had one),
    else one that tracks the tasks unscored."""
    from countyexpress.adapters.packs.vehicles import builtin_folder

    folder = builtin_folder(county_code)
    if folder is not None and (folder / FILE).is_file():
        built_in = Said(N_("%(file)s (built-in)"), file=f"{folder.name}/{FILE}")
        return read_sheet(folder / FILE, plan), built_in
    return unscored_sheet(plan), "none"


def write_sheet(sheet: Sheet, folder: Path) -> Path:
    """Write `sheet` as the pack's `assessment.toml` (read back equal by `read_sheet`)."""
    header = "The assessment's scoring sheet, exported by County Express (docs/assessment.md)."
    return write_toml(folder, FILE, header, to_data(sheet))


def to_data(sheet: Sheet) -> dict[str, Any]:
    """The plain form of `sheet` (TOML- and JSON-ready), read back by `sheet_from_data`."""
    return {
        "sheet": {
            "title": sheet.title,
            "title_en": sheet.title_en,
            "quality": sheet.quality,
            "source": sheet.source,
            **({"source_en": sheet.source_en} if sheet.source_en else {}),
        },
        "sections": [
            {
                "code": s.code,
                "title": s.title,
                "title_en": s.title_en,
                "tasks": list(s.tasks),
                "source": s.source,
            }
            for s in sheet.sections
        ],
        "tasks": [
            {
                "task": t.task,
                "points": t.points,
                "quality": t.quality,
                "source": t.source,
                "measures": t.measures,
                "lines": [
                    {
                        "indicator": ln.indicator,
                        "points": ln.points,
                        "rule": ln.rule.value,
                        "basis": ln.basis.value,
                        "tiers": [{"at": x.at, "share": x.share} for x in ln.tiers],
                        "per": ln.per,
                        **({"cap": ln.cap} if ln.cap is not None else {}),
                        "quality": ln.quality,
                        "source": ln.source,
                    }
                    for ln in t.lines
                ],
            }
            for t in sheet.tasks.values()
        ],
        "problems": [
            {"indicator": p.indicator, "text": p.text, "measure": p.measure} for p in sheet.problems
        ],
    }
