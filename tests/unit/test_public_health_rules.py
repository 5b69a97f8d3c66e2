"""Public health: township levels over time, each level's checklist, compliance, contactless."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.adapters.packs.public_health import health_rules_for, read_health, write_health
from countyexpress.domain.county import County
from countyexpress.domain.facilities import Facility, FacilityKind, FiveHaves, LockerCompartments
from countyexpress.domain.geography import Division, DivisionLevel
from countyexpress.domain.indicators import evaluate
from countyexpress.domain.public_health import (
    LIFTED,
    HealthRules,
    LevelChange,
    Measure,
    MeasureLog,
    RiskLevel,
    checklist,
    facility_days,
    level_on,
)
from countyexpress.domain.public_health_indicators import (
    INPUT,
    PUBLIC_HEALTH_INDICATORS,
    Delivery,
    HealthSnapshot,
    contactless_tally,
)
from countyexpress.errors import InvalidValue, PackInvalid

T1, T2 = "652828200000", "652828101000"
V1 = "652828200201"
LEVELS = (RiskLevel("low", "低风险", "Low"), RiskLevel("high", "高风险", "High"))
RULES = HealthRules(
    LEVELS,
    (
        Measure("ventilation", "通风", "Ventilation", frozenset({"low", "high"})),
        Measure("disinfection", "消毒", "Disinfection", frozenset({"low", "high"})),
        Measure("passes", "通行证", "Passes", frozenset({"high"})),
    ),
)


def county() -> County:
    """Two townships; a centre in T1, a station in T1's village, a locker in T2."""
    return County(
        "652828", "和硕县",
        divisions=[
            Division(T1, "乌什塔拉回族乡", DivisionLevel.TOWNSHIP, "652828"),
            Division(T2, "塔哈其镇", DivisionLevel.TOWNSHIP, "652828"),
            Division(V1, "塔拉村", DivisionLevel.VILLAGE, T1),
        ],
        facilities=[
            Facility("C1", "中心", FacilityKind.CENTER, division_code=T1),
            Facility("S1", "站", FacilityKind.STATION, division_code=V1, five_haves=FiveHaves()),
            Facility("L1", "柜", FacilityKind.LOCKER, division_code=T2,
                     compartments=LockerCompartments(4, 0, 0)),
        ],
    )  # fmt: skip


D = dt.date(2022, 5, 1)


def test_a_level_holds_from_its_day_until_changed() -> None:
    """Before any change there is none; each change holds until the next one."""
    changes = [LevelChange(T1, "low", D), LevelChange(T1, "high", D + dt.timedelta(days=3))]
    assert level_on(changes, T1, D - dt.timedelta(days=1)) is None
    assert level_on(changes, T1, D + dt.timedelta(days=2)) == "low"
    assert level_on(changes, T1, D + dt.timedelta(days=30)) == "high"
    assert level_on(changes, T2, D + dt.timedelta(days=30)) is None


@given(st.lists(st.tuples(st.integers(0, 60), st.sampled_from(["low", "high", LIFTED])),
                max_size=8), st.integers(-5, 70))  # fmt: skip
def test_the_level_on_a_day_is_the_latest_change_on_or_before_it(
    steps: list[tuple[int, str]], offset: int
) -> None:
    """Whatever order the changes come in, a day's level is the last one set by that day."""
    by_day = dict(steps)  # one change per day (the store replaces a day's change)
    changes = [LevelChange(T1, level, D + dt.timedelta(days=n)) for n, level in by_day.items()]
    day = D + dt.timedelta(days=offset)
    earlier = [n for n in by_day if n <= offset]
    expected = by_day[max(earlier)] if earlier else None
    assert level_on(reversed(changes), T1, day) == expected


def test_a_level_unknown_to_the_pack_and_unknown_measures_are_refused_by_name() -> None:
    """`moderate` is no level here; `sweeping` and `masks` are named in the refusal."""
    with pytest.raises(InvalidValue, match="moderate"):
        RULES.check_level("moderate")
    assert RULES.check_level(LIFTED) == LIFTED
    with pytest.raises(InvalidValue, match="masks, sweeping"):
        RULES.check_measures(["ventilation", "sweeping", "masks"])


def test_a_measure_naming_a_level_the_pack_lacks_is_refused() -> None:
    """The checklist may only name levels that exist."""
    with pytest.raises(InvalidValue, match="medium"):
        HealthRules(LEVELS, (Measure("x", "某", "X", frozenset({"medium"})),))


def test_the_checklist_follows_the_facilitys_township_level_that_day() -> None:
    """A village station follows its township; a locker bank has no staff and no list."""
    changes = [LevelChange(T1, "high", D)]
    logs = {("S1", D): MeasureLog("S1", D, frozenset({"ventilation", "passes"}))}
    checks = {c.facility_code: c for c in checklist(county(), RULES, changes, logs, D)}
    assert set(checks) == {"C1", "S1"}
    s1 = checks["S1"]
    assert s1.required == ("ventilation", "disinfection", "passes")
    assert s1.missing == ("disinfection",) and s1.compliance == pytest.approx(2 / 3)
    assert checks["C1"].compliance == 0 and not checks["C1"].logged


def test_a_lifted_level_requires_nothing_and_counts_no_facility_days() -> None:
    """From the lifting day on, no facility-day is owed."""
    changes = [LevelChange(T1, "low", D), LevelChange(T1, LIFTED, D + dt.timedelta(days=2))]
    days = facility_days(county(), RULES, changes, {}, D, D + dt.timedelta(days=9))
    assert len(days) == 2 * 2  # two facilities, two days


def test_contactless_counts_locker_pickups_by_month_and_township() -> None:
    """A locker pickup is contactless; a station hand-over and a door delivery are not."""
    deliveries = [
        Delivery("W1", D, "L1", "locker"),
        Delivery("W2", D, "S1", "pickup_code+phone_tail"),
        Delivery("W3", D, "C1", "door"),
        Delivery("W4", dt.date(2022, 6, 2), "L1", "locker"),
    ]
    tally = contactless_tally(county(), deliveries)
    assert tally.share() == 0.5
    assert tally.share(month="2022-05") == pytest.approx(1 / 3)
    assert tally.share(township=T2) == 1.0 and tally.share(township=T1) == 0.0


def test_the_indicators_count_the_year_up_to_today() -> None:
    """Compliance over facility-days with a level; the share of facility-days logged."""
    day = dt.date(2022, 12, 30)
    changes = [LevelChange(T1, "low", day)]
    logs = {("C1", day): MeasureLog("C1", day, frozenset({"ventilation", "disinfection"}))}
    snap = HealthSnapshot(dt.date(2026, 1, 1), 2022, RULES, changes, logs,
                          [Delivery("W1", D, "L1", "locker")])  # fmt: skip
    names = [i.name for i in PUBLIC_HEALTH_INDICATORS]
    values = {v.indicator: v for v in evaluate(county(), 2022, inputs={INPUT: snap}, names=names)}
    compliance = values["health_measure_compliance_rate"]
    assert compliance.task == 15 and compliance.value == pytest.approx(2 / 8)
    assert compliance.detail["facility_days"] == 4 and compliance.target == 1.0
    assert values["health_facility_days_logged_share"].value == pytest.approx(1 / 4)
    assert values["contactless_delivery_share"].value == 1.0
    assert values["contactless_delivery_share"].task == 16


def test_the_heshuo_pack_reads_its_levels_and_measures_as_estimates() -> None:
    """Three levels, six daily measures; the file says how sure it is."""
    rules = health_rules_for("652828")
    assert [lv.code for lv in rules.levels] == ["low", "medium", "high"]
    assert [m.code for m in rules.required("high")] == [
        "ventilation", "disinfection", "staff_protection", "supplies_in_stock",
        "contactless_delivery", "passes",
    ]  # fmt: skip
    assert rules.quality == "estimate" and all(m.quality == "estimate" for m in rules.measures)


def test_a_bad_health_file_is_refused_naming_the_field(tmp_path: Path) -> None:
    """A measure naming a level the file lacks, and a measure without its name, located."""
    bad = tmp_path / "health.toml"
    bad.write_text(
        '[[levels]]\ncode = "low"\nzh = "低风险"\nen = "Low"\n'
        '[[measures]]\ncode = "ventilation"\nzh = ""\nen = "V"\nlevels = ["low"]\n'
        '[[measures]]\ncode = "masks"\nzh = "口罩"\nen = "M"\nlevels = ["severe"]\n',
        encoding="utf-8",
    )
    with pytest.raises(PackInvalid) as info:
        read_health(bad)
    fields = [p.field for p in info.value.problems]
    assert fields == ["measures[0].zh"]
    bad.write_text(bad.read_text(encoding="utf-8").replace('zh = ""', 'zh = "通风"'), "utf-8")
    with pytest.raises(PackInvalid, match="severe"):
        read_health(bad)


def test_written_rules_read_back_the_same(tmp_path: Path) -> None:
    """`county export` writes health.toml; reading it gives the same levels and measures."""
    rules = health_rules_for("652828")
    back = read_health(write_health(rules, tmp_path))
    assert (back.levels, back.measures, back.quality) == (rules.levels, rules.measures,
                                                          rules.quality)  # fmt: skip
    assert back.source.split(": ", 1)[1] == rules.source.split(": ", 1)[1]
