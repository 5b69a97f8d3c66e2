"""The yearly assessment's scoring: sheet lines, task status with reasons, and the sheet file."""

from __future__ import annotations

import datetime as dt
from copy import deepcopy
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.adapters.packs.assessment import read_sheet, sheet_from_data, to_data
from countyexpress.domain.assessment import (
    Basis,
    Line,
    ProblemRule,
    Rule,
    Section,
    Sheet,
    TaskSheet,
    TaskStatus,
    Tier,
    line_score,
    score,
)
from countyexpress.domain.indicators import Direction, IndicatorValue, status_of
from countyexpress.domain.plan import CountyPlan, PlanTask, Unit
from countyexpress.errors import InvalidValue, PackInvalid
from countyexpress.services.assessment import _trend

HESHUO = Path(__file__).resolve().parents[2] / "src/countyexpress/packs/heshuo"
PLAN = CountyPlan(
    units=(Unit("commerce", "县商工局"), Unit("drc", "县发改委")),
    tasks=(
        PlanTask(1, "城市网点", lead=("commerce",), cooperating=("drc",)),
        PlanTask(2, "建制村覆盖", lead=("commerce",)),
        PlanTask(3, "枢纽", lead=("drc", "commerce")),
    ),
)


def value(
    name: str,
    v: float | None,
    target: float | None = None,
    *,
    task: int = 1,
    target_year: int | None = None,
    direction: Direction = Direction.HIGHER_IS_BETTER,
    note: str = "",
) -> IndicatorValue:
    return IndicatorValue(
        indicator=name, task=task, value=v, target=target, unit="share", year=2022,
        target_year=target_year, lead_unit="县商工局", status=status_of(v, target, direction),
        direction=direction, note=note,
    )  # fmt: skip


COVERAGE = Line(
    "village_coverage_rate", 10, Rule.TIERS, (Tier(0.95, 1.0), Tier(0.90, 0.6)), quality="e"
)
OVERDUE = Line("outlets_filing_overdue", 5, Rule.DEDUCTION, per=2, cap=4)
SHEET = Sheet(
    title="t",
    sections=(Section("urban", "城市", tasks=(1,)), Section("other", "其他", tasks=(2, 3))),
    tasks={
        1: TaskSheet(1, 15, (COVERAGE, OVERDUE), measures="补建"),
        2: TaskSheet(2, 5, (Line("urban_outlets", 5, Rule.PROGRESS),)),
        3: TaskSheet(3, 2),
    },
    problems=(ProblemRule("outlets_filing_overdue", "{value:g} 处逾期：{outlets}", "督促备案"),),
)


@pytest.mark.parametrize(
    ("v", "points"),
    [(0.96, 10), (0.95, 10), (0.93, 6), (0.90, 6), (0.89, 0), (0.0, 0)],
)
def test_tiers_give_full_points_from_95_percent_and_part_from_90(v: float, points: float) -> None:
    """Village coverage ≥ 95 % earns all the line's points, 90–95 % its part, below none."""
    assert line_score(COVERAGE, value("village_coverage_rate", v, 1.0))[0] == points


def test_deductions_are_per_problem_and_capped() -> None:
    """Two points off per overdue filing, at most the cap."""
    lower = Direction.LOWER_IS_BETTER
    assert line_score(OVERDUE, value("o", 0, 0, direction=lower))[0] == 5
    assert line_score(OVERDUE, value("o", 1, 0, direction=lower))[0] == 3
    assert line_score(OVERDUE, value("o", 9, 0, direction=lower))[0] == 1


def test_a_missing_figure_scores_zero_and_says_why() -> None:
    """No value (or no such indicator) earns nothing, with the reason."""
    earned, why = line_score(COVERAGE, value("village_coverage_rate", None, note="needs staff"))
    assert earned == 0 and "needs staff" in why
    earned, why = line_score(COVERAGE, None)
    assert earned == 0 and "not computed" in why


def test_tiers_can_compare_the_share_of_the_target() -> None:
    """9 outlets of a target of 15 is 60 % of it."""
    line = Line(
        "urban_outlets", 10, Rule.TIERS, (Tier(1, 1), Tier(0.6, 0.3)), Basis.SHARE_OF_TARGET
    )
    assert line_score(line, value("urban_outlets", 9, 15))[0] == 3
    assert line_score(line, value("urban_outlets", 9, None))[0] == 0


def test_every_task_of_the_plan_is_scored_with_units_status_and_reason() -> None:
    """Met, behind, overdue (a target year passed) and no data each carry their reason."""
    values = [
        value("village_coverage_rate", 0.8, 1.0, target_year=2022),
        value("outlets_filing_overdue", 2, 0, direction=Direction.LOWER_IS_BETTER),
        value("urban_outlets", 15, 15, task=2, target_year=2022),
    ]
    a = score(SHEET, PLAN, values, 2022, current_year=2022)
    by = {t.task: t for t in a.tasks}
    assert [t.task for t in a.tasks] == [1, 2, 3]
    assert by[1].status is TaskStatus.BEHIND and "village_coverage_rate" in by[1].reason
    assert by[1].score == 1 and by[1].max_score == 15 and by[1].lead_units == ("县商工局",)
    assert by[1].cooperating_units == ("县发改委",)
    assert by[2].status is TaskStatus.MET and by[2].score == 5
    assert by[3].status is TaskStatus.NO_DATA and "no indicator" in by[3].reason
    assert by[3].lead_unit == "县发改委、县商工局"
    assert a.total_score == 6 and a.max_score == 22
    assert [(s.section.code, s.score, s.max_score) for s in a.sections] == [
        ("urban", 1, 15),
        ("other", 5, 7),
    ]
    later = score(SHEET, PLAN, values, 2023, current_year=2023)
    assert later.tasks[0].status is TaskStatus.OVERDUE and "2022" in later.tasks[0].reason
    late = value("outlets_filing_overdue", 2, 0, direction=Direction.LOWER_IS_BETTER)
    (problem,) = score(SHEET, PLAN, [late], 2022, current_year=2022).problems
    assert problem.text.startswith("2 处逾期") and problem.measure == "督促备案"


def test_an_indicator_off_the_sheet_is_shown_and_earns_nothing() -> None:
    """The registry's other indicators of a task are listed with the task, unscored."""
    a = score(SHEET, PLAN, [value("lockers", 0.5, task=3)], 2022, current_year=2022)
    task3 = a.tasks[2]
    assert [s.value.indicator for s in task3.indicators] == ["lockers"]
    assert task3.score == 0 and task3.indicators[0].reason == "not on the scoring sheet"


lines = st.builds(
    Line,
    indicator=st.just("x"),
    points=st.floats(0, 50),
    rule=st.sampled_from(list(Rule)),
    tiers=st.lists(
        st.builds(Tier, at=st.floats(-10, 10), share=st.floats(0, 1)), min_size=1, max_size=4
    ).map(tuple),
    basis=st.sampled_from(list(Basis)),
    per=st.floats(0.01, 10),
)
finite = st.floats(-1e6, 1e6)
targets = st.none() | st.floats(-100, 100)


@given(lines, finite, targets, st.sampled_from(list(Direction)))
def test_a_score_is_never_negative_and_never_above_the_line_s_points(
    line: Line, v: float, target: float | None, direction: Direction
) -> None:
    """0 ≤ score ≤ points, whatever the value."""
    earned, why = line_score(line, value("x", v, target, direction=direction))
    assert 0 <= earned <= line.points + 1e-6 and why


@given(lines, finite, finite, st.floats(0.01, 100))
def test_a_higher_value_never_scores_less_when_higher_is_better(
    line: Line, a: float, b: float, target: float
) -> None:
    """Monotone: raising a higher-is-better value never lowers the score."""
    if line.rule is Rule.DEDUCTION:
        return  # deductions count problems: lower is better
    lo, hi = sorted((a, b))
    s_lo = line_score(line, value("x", lo, target))[0]
    s_hi = line_score(line, value("x", hi, target))[0]
    assert s_lo <= s_hi + 1e-6


def test_heshuo_sheet_puts_all_20_tasks_in_sections_with_100_points() -> None:
    """The default sheet: the plan's three areas and the others, every number an estimate."""
    from countyexpress import bootstrap

    county = bootstrap.read_pack_source("heshuo")
    sheet = read_sheet(HESHUO, county.plan)
    assert sheet.max_score == 100 and sorted(sheet.tasks) == list(range(1, 21))
    assert [s.title for s in sheet.sections[:3]] == [
        "完善城市快递末端基础设施",
        "推进农村快递网络建设",
        "加强邮政快递业监管力量配置",
    ]
    assert all(t.quality == "estimate" for t in sheet.tasks.values())
    assert all(ln.quality == "estimate" for t in sheet.tasks.values() for ln in t.lines)
    assert sheet_from_data(to_data(sheet)) == sheet


def test_a_bad_sheet_is_refused_naming_file_and_field(tmp_path: Path) -> None:
    """Points that do not add up, or a task of no section, name the file and the field."""
    sheet = to_data(read_sheet(HESHUO))
    data = deepcopy(sheet)
    data["tasks"][1]["points"] = 99
    with pytest.raises(PackInvalid) as err:
        sheet_from_data(data, "assessment.toml")
    assert "assessment.toml" in str(err.value) and "tasks.1.points" in str(err.value)
    data = deepcopy(sheet)
    data["tasks"][1]["lines"][0]["tiers"][0]["share"] = 2
    data["tasks"][1]["lines"][1]["source"] = ""
    with pytest.raises(PackInvalid) as err:
        sheet_from_data(data, "assessment.toml")
    assert "tasks.1.lines.0.tiers.0.share" in str(err.value)
    assert "tasks.1.lines.1.source" in str(err.value)
    data = deepcopy(sheet)
    data["sections"][0]["tasks"] = [1, 2]
    with pytest.raises(PackInvalid) as err:
        sheet_from_data(data)
    assert "task 3 is in no section" in str(err.value)
    file = tmp_path / "assessment.toml"
    file.write_text("[sheet\n", encoding="utf-8")
    with pytest.raises(PackInvalid) as err:
        read_sheet(file)
    assert "assessment.toml" in str(err.value)
    with pytest.raises(InvalidValue):
        Line("x", 1, Rule.DEDUCTION, per=0)


@given(
    stored=st.dictionaries(
        st.integers(1, 12).map(lambda m: f"2026-{m:02d}"),
        st.dictionaries(st.sampled_from(["a", "b"]), st.none() | st.floats(0, 1)),
    ),
    month=st.integers(1, 12),
)
def test_a_trend_lists_the_years_months_and_makes_no_value_up(
    stored: dict[str, dict[str, float | None]], month: int
) -> None:
    """Every month of the year up to today; a month without the indicator's snapshot has no
    value and says so; a stored one is given as stored."""
    trend = _trend(stored, ["a", "b"], 2026, dt.date(2026, month, 1))
    for name in ("a", "b"):
        months = trend[name]
        assert [m for m, _, _ in months] == [f"2026-{n:02d}" for n in range(1, month + 1)]
        for m, value, kept in months:
            assert kept == (name in stored.get(m, {}))
            assert value == (stored[m][name] if kept else None)
    assert _trend(stored, ["a"], 2027, dt.date(2026, month, 1)) == {"a": ()}
    assert len(_trend(stored, ["a"], 2025, dt.date(2026, month, 1))["a"]) == 12
