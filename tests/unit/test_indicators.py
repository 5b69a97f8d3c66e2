"""The plan's indicators: targets by year, status, units, and each network indicator's rule."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import countyexpress.domain.network_indicators as net
from countyexpress.domain.county import County
from countyexpress.domain.facilities import Facility, FacilityStatus, FiveHaves
from countyexpress.domain.indicators import (
    REGISTRY,
    Direction,
    Indicator,
    IndicatorValue,
    Measurement,
    Registry,
    Status,
    evaluate,
    select_target,
)
from countyexpress.domain.plan import Target
from countyexpress.errors import InvalidValue
from support.small_county import (
    C1,
    C2,
    V1,
    V2,
    V3,
    locker,
    outlet,
    small_county,
    station,
)

COVERAGE_TARGETS = (
    Target("village_coverage_rate", 0.95, 2021, 4),
    Target("village_coverage_rate", 1.0, 2022, 4),
)


def kpi(county: County, name: str, year: int = 2022, **inputs: object) -> IndicatorValue:
    """One indicator of `county` for `year`."""
    (value,) = evaluate(county, year, names=[name], inputs=inputs)
    return value


# --- the mechanism -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2021, 0.95), (2022, 1.0), (2026, 1.0), (2020, 0.95)],
    ids=["the year's own", "the year's own 2022", "latest earlier", "earliest when none before"],
)
def test_the_target_is_the_years_else_the_latest_earlier_else_the_earliest(
    year: int, expected: float
) -> None:
    """Target selection: exact year, else the latest year before, else the earliest."""
    chosen = select_target(COVERAGE_TARGETS, "village_coverage_rate", year)
    assert chosen is not None and chosen.value == expected


def test_an_indicator_without_a_target_in_the_pack_has_none() -> None:
    """No target of that name: None."""
    assert select_target(COVERAGE_TARGETS, "urban_outlets", 2022) is None


@pytest.mark.parametrize(
    ("value", "target", "direction", "status"),
    [
        (15, 15, Direction.HIGHER_IS_BETTER, Status.MET),
        (14, 15, Direction.HIGHER_IS_BETTER, Status.BEHIND),
        (0, 0, Direction.LOWER_IS_BETTER, Status.MET),
        (1, 0, Direction.LOWER_IS_BETTER, Status.BEHIND),
        (0.95, 0.95, Direction.HIGHER_IS_BETTER, Status.MET),
        (3, None, Direction.HIGHER_IS_BETTER, Status.NO_TARGET),
        (None, 15, Direction.HIGHER_IS_BETTER, Status.NO_DATA),
    ],
)
def test_status_compares_value_and_target_in_the_indicators_direction(
    value: float | None, target: float | None, direction: Direction, status: Status
) -> None:
    """Met at or past the target in its direction; no data beats no target."""
    ind = Indicator("probe", 2, "things", lambda c, i: Measurement(value), direction)
    probe = small_county(targets=[Target("probe", target, 2022)] if target is not None else [])
    assert evaluate(probe, 2022, registry=Registry(ind))[0].status is status


def test_the_lead_unit_is_the_chinese_name_of_the_tasks_lead_with_cooperating_units() -> None:
    """Lead and cooperating units come from plan.units via the task's lead."""
    v = kpi(small_county(targets=COVERAGE_TARGETS), "village_coverage_rate")
    assert (v.task, v.lead_unit, v.cooperating_units) == (4, "县商工局", ("邮政公司", "县发改委"))


def test_a_packs_target_names_the_task_its_plan_numbers_it_by() -> None:
    """A county whose plan numbers the task differently: the pack's task number wins."""
    county = small_county(targets=[Target("urban_outlets", 3, 2022, task=5)])
    assert kpi(county, "urban_outlets").task == 5


def test_a_second_definition_of_a_registered_name_is_refused() -> None:
    """Two capabilities cannot both define `urban_outlets`."""
    other = replace(REGISTRY["urban_outlets"], unit="kiosks")
    with pytest.raises(InvalidValue, match="registered already"):
        Registry(REGISTRY["urban_outlets"], other)


def test_a_capability_registers_an_indicator_that_needs_extra_inputs() -> None:
    """Without its input the value is no data; with it, computed from it."""
    vans = Indicator(
        "marked_vans_rate", 18, "share",
        lambda c, i: Measurement(float(i["marked_vans"]) / float(i["vans"])),
        needs=("vans", "marked_vans"),
    )  # fmt: skip
    reg = Registry(vans)
    county = small_county()
    assert evaluate(county, 2022, registry=reg)[0].status is Status.NO_DATA
    with_input = evaluate(county, 2022, registry=reg, inputs={"vans": 4, "marked_vans": 3})
    assert with_input[0].value == 0.75


def test_every_network_indicator_is_registered_once_with_a_unit_and_a_rule() -> None:
    """The registry holds the network's indicators, each documented by a rule."""
    for ind in net.NETWORK_INDICATORS:
        assert REGISTRY[ind.name] is ind
        assert ind.rule and ind.unit


def test_an_unknown_indicator_or_a_year_outside_1990_2100_is_refused() -> None:
    """evaluate names what it cannot do."""
    with pytest.raises(InvalidValue, match="unknown indicator"):
        evaluate(small_county(), 2022, names=["nope"])
    with pytest.raises(InvalidValue, match="year"):
        evaluate(small_county(), 1800)


def test_values_are_sorted_by_task_with_taskless_indicators_last() -> None:
    """Tasks ascending; placeholder_divisions (no task) at the end."""
    tasks = [v.task for v in evaluate(small_county(), 2022)]
    assert tasks[-1] is None
    assert tasks[:-1] == sorted(t for t in tasks if t is not None)


# --- urban outlets and the per-10,000 standard ----------------------------------------------


def test_urban_outlets_counts_open_outlets_only() -> None:
    """Planned and closed outlets do not count."""
    county = small_county(
        [outlet("O1"), outlet("O2", status=FacilityStatus.PLANNED),
         outlet("O3", status=FacilityStatus.CLOSED)],
        [Target("urban_outlets", 15, 2022, 2)],
    )  # fmt: skip
    v = kpi(county, "urban_outlets")
    assert (v.value, v.target, v.status) == (1, 15, Status.BEHIND)


@pytest.mark.parametrize(
    ("population", "per_10k", "required"),
    [(12_000, 4, 5), (2_500, 4, 1), (2_501, 4, 2), (0, 4, 0), (7_500, 4, 3), (50_000, 4.2, 21)],
)
def test_a_community_needs_ceil_population_over_10000_times_the_minimum(
    population: int, per_10k: float, required: int
) -> None:
    """required = ceil(population / 10,000 × min), exact at whole numbers."""
    assert net.required_outlets(population, per_10k) == required


def test_each_community_shows_its_outlets_against_what_the_standard_requires() -> None:
    """C1 (12,000) needs 5 and has 2; C2 (2,500) needs 1 and has 1."""
    county = small_county([outlet("O1", C1), outlet("O2", C1), outlet("O3", C2)])
    parts = {p.code: p for p in kpi(county, "urban_outlets").parts}
    assert (parts[C1].value, parts[C1].required, parts[C1].status) == (2, 5, Status.BEHIND)
    assert (parts[C2].value, parts[C2].required, parts[C2].status) == (1, 1, Status.MET)


def test_the_shortfall_sums_communities_and_an_excess_in_one_does_not_offset_another() -> None:
    """6 outlets where 5 are needed and none where 1 is needed: a shortfall of 1."""
    county = small_county([outlet(f"O{i}", C1) for i in range(6)])
    v = kpi(county, "outlet_standard_shortfall")
    assert (v.value, v.target, v.status) == (1, 0, Status.BEHIND)
    assert v.detail["required_by_standard"] == 6


def test_communities_without_a_population_are_left_out_of_the_shortfall_and_said_so() -> None:
    """A community of unknown population has no requirement; the note says so."""
    county = small_county(populations=(12_000, None))
    v = kpi(county, "outlet_standard_shortfall")
    assert v.value == 5 and "without population" in v.note


def test_outlets_filed_rate_counts_complete_filing_records() -> None:
    """One of two open outlets lacks its filing number: 50 %."""
    county = small_county([outlet("O1"), outlet("O2", filed=False)])
    v = kpi(county, "outlets_filed_rate")
    assert v.value == 0.5 and v.status is Status.NO_TARGET
    assert "filing_no" in str(v.parts[0].detail["O2"])


# --- villages and stations -----------------------------------------------------------------


def test_village_coverage_is_the_share_of_villages_with_an_open_station() -> None:
    """Open stations in 2 of 3 villages; a closed one covers nothing."""
    county = small_county(
        [station("S1", V1), station("S2", V2), station("S3", V3, FacilityStatus.CLOSED)],
        COVERAGE_TARGETS,
    )
    v = kpi(county, "village_coverage_rate", 2021)
    assert v.value == pytest.approx(2 / 3)
    assert (v.target, v.target_year, v.status) == (0.95, 2021, Status.BEHIND)
    assert [p.value for p in v.parts] == [1, 1, 0]


def test_with_the_five_haves_setting_only_a_compliant_station_covers_its_village() -> None:
    """The pack's switch: a station missing its device no longer counts."""
    lacking = FiveHaves(True, True, True, False, True)
    facilities = [station("S1", V1), station("S2", V2, haves=lacking)]
    loose = small_county(facilities)
    strict = small_county(facilities, standards={net.REQUIRES_FIVE_HAVES: True})
    assert kpi(loose, "village_coverage_rate").value == pytest.approx(2 / 3)
    assert kpi(strict, "village_coverage_rate").value == pytest.approx(1 / 3)


def test_a_regular_delivery_stop_covers_a_village_without_a_station() -> None:
    """The optional input of villages with a regular stop counts them as covered."""
    county = small_county([station("S1", V1)])
    v = kpi(county, "village_coverage_rate", **{net.REGULAR_STOP_VILLAGES: [V3]})
    assert v.value == pytest.approx(2 / 3)
    assert {p.code: p.detail["by"] for p in v.parts} == {V1: "station", V2: "", V3: "stop"}


def test_a_county_without_villages_has_no_coverage_figure() -> None:
    """No villages: no data rather than a division by zero."""
    county = small_county()
    county.divisions = [d for d in county.divisions if d.code not in (V1, V2, V3)]
    assert kpi(county, "village_coverage_rate").status is Status.NO_DATA


def test_the_five_haves_rate_uses_the_haves_the_pack_names() -> None:
    """A pack asking only staff and premises: a station without a device meets it."""
    no_device = FiveHaves(True, True, True, False, True)
    stations = [station("S1", V1), station("S2", V2, haves=no_device)]
    assert kpi(small_county(stations), "stations_five_haves_rate").value == 0.5
    fewer = small_county(stations, five_haves=("staff", "premises"))
    assert kpi(fewer, "stations_five_haves_rate").value == 1.0


def test_lockers_per_community_counts_open_lockers_in_communities() -> None:
    """Two open lockers in C1, one planned in C2: 2 lockers over 2 communities."""
    county = small_county(
        [locker("L1", C1), locker("L2", C1), locker("L3", C2, FacilityStatus.PLANNED)]
    )
    v = kpi(county, "lockers_per_community")
    assert v.value == 1.0 and v.detail["communities_without_locker"] == 1


def test_placeholder_divisions_are_counted_and_listed() -> None:
    """One of the villages is a placeholder."""
    v = kpi(small_county(), "placeholder_divisions")
    assert (v.value, [p.code for p in v.parts], v.task) == (1, [V3], None)
    assert v.direction is Direction.LOWER_IS_BETTER


# --- figures move when the data moves -------------------------------------------------------

BASE = (outlet("O1", C1), outlet("O2", C2), station("S1", V1), station("S2", V2), locker("L1"))


@pytest.mark.parametrize(
    ("change", "indicator", "before", "after"),
    [
        ("close station S1", "village_coverage_rate", 2 / 3, 1 / 3),
        ("add an outlet in C1", "urban_outlets", 2, 3),
        ("add an outlet in C1", "outlet_standard_shortfall", 4, 3),
        ("close outlet O2", "outlet_standard_shortfall", 4, 5),
        ("add a station in V3", "village_coverage_rate", 2 / 3, 1.0),
        ("close locker L1", "lockers_per_community", 0.5, 0.0),
    ],
)
def test_changing_the_data_changes_the_figure(
    change: str, indicator: str, before: float, after: float
) -> None:
    """Closing a station or adding an outlet moves the figure by exactly that facility."""
    facilities = list(BASE)
    assert kpi(small_county(facilities), indicator).value == pytest.approx(before)
    verb, _, rest = change.partition(" ")
    if verb == "close":
        code = rest.split()[-1]
        facilities = [replace(f, status=FacilityStatus.CLOSED) if f.code == code else f
                      for f in facilities]  # fmt: skip
    elif "outlet" in rest:
        facilities.append(outlet("O9", C1))
    else:
        facilities.append(station("S9", V3))
    assert kpi(small_county(facilities), indicator).value == pytest.approx(after)


def _facility(kind: str, i: int, place: int, status: FacilityStatus) -> Facility:
    where_c, where_v = (C1, C2)[place % 2], (V1, V2, V3)[place % 3]
    if kind == "outlet":
        return outlet(f"F{i}", where_c, status)
    if kind == "locker":
        return locker(f"F{i}", where_c, status)
    return station(f"F{i}", where_v, status)


facility_sets = st.lists(
    st.tuples(
        st.sampled_from(["outlet", "locker", "station"]),
        st.integers(0, 5),
        st.sampled_from(list(FacilityStatus)),
    ),
    max_size=12,
).map(lambda rows: [_facility(k, i, p, s) for i, (k, p, s) in enumerate(rows)])


@settings(max_examples=150, deadline=None)
@given(facilities=facility_sets, drop=st.integers(0, 100))
def test_removing_a_facility_never_makes_a_coverage_indicator_better(
    facilities: list[Facility], drop: int
) -> None:
    """For every indicator marked `coverage`: a facility fewer is never an improvement."""
    if not facilities:
        return
    fewer = facilities[: drop % len(facilities)] + facilities[drop % len(facilities) + 1 :]
    coverage = [ind for ind in REGISTRY.values() if ind.coverage]
    assert {"urban_outlets", "village_coverage_rate", "lockers_per_community"} <= {
        ind.name for ind in coverage
    }
    for ind in coverage:
        a = kpi(small_county(facilities), ind.name).value
        b = kpi(small_county(fewer), ind.name).value
        if a is not None and b is not None:
            assert not ind.direction.better(b, a), ind.name
