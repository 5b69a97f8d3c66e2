"""Scenario runs in the background: stored with progress and the same figures `compare` gives,
on SQLite and PostgreSQL (the scenarios' scratch databases are SQLite files)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from countyexpress.adapters.db.engine import make_engine
from countyexpress.adapters.db.migrate import alembic_config, downgrade, upgrade
from countyexpress.adapters.db.scenario_runs import ScenarioRunsUnitOfWork, scratch_workspace
from countyexpress.adapters.packs.simulation import params_for
from countyexpress.adapters.vault import Vault
from countyexpress.domain.access import Principal, Role
from countyexpress.domain.county import County
from countyexpress.domain.delivery import pickup_point
from countyexpress.domain.facilities import Carrier, Facility, FacilityKind
from countyexpress.domain.geography import Coordinates
from countyexpress.domain.siting_scenarios import Scenario as SitingScenario
from countyexpress.domain.siting_scenarios import ScenarioSite
from countyexpress.errors import Forbidden, InvalidValue, NotAllowed
from countyexpress.services import counties, scenarios, simulation
from countyexpress.services import scenario_runs as runs
from support.small_county import AT, C1, C2, V1, V2, V3, locker, small_county, station

VAULT = Vault(b"test-key-material-of-enough-length")
DAY = dt.date(2026, 11, 9)
SCALE = 0.05  # about 60 parcels a day in the small county
CODE = "990101"


def _county() -> County:
    """The small county with a centre, two carriers, two village stations and a locker."""
    centre = Facility("T-CENTER", "测试共配中心", FacilityKind.CENTER, AT[C1], C1)
    county = small_county([centre, station("T-STA-1", V1), station("T-STA-2", V2),
                           locker("T-LCK-1", C1)])  # fmt: skip
    return dataclasses.replace(county, carriers=[Carrier("zto", "中通"), Carrier("sto", "申通")])


@pytest.fixture
def world(engine: Engine, tmp_path: Path) -> dict[str, Any]:
    """The county loaded, a unit-of-work factory and a runner on the database."""
    county = _county()
    counties.load_county(ScenarioRunsUnitOfWork(engine), county)
    cache: dict[str, County] = {}
    factory = lambda: ScenarioRunsUnitOfWork(engine, cache)  # noqa: E731
    execute = functools.partial(
        runs.execute, factory=factory, workspace_scope=scratch_workspace,
        cipher=VAULT, params_of=params_for,
    )  # fmt: skip
    return {"county": county, "factory": factory, "runner": runs.Runner(execute), "tmp": tmp_path}


def _figures(c: scenarios.Comparison) -> list[dict[str, Any]]:
    record = scenarios.to_record(c)
    return [{k: v for k, v in o.items() if k != "seconds"} for o in record["outcomes"]]


def test_a_background_run_stores_the_figures_compare_gives(world: dict[str, Any]) -> None:
    """Queued, run on the worker thread, stored done: the same figures as `compare` for the
    same scenarios, days, seed and scale; the steps counted one per simulated day."""
    factory, county = world["factory"], world["county"]
    choice = runs.Choice(("separate", "festival_peak"), days=1, seed=3, scale=SCALE, end=DAY)
    run = runs.start_run(factory(), CODE, choice, params_for(county), by=None)
    assert run.status == runs.QUEUED and run.total_steps == 2  # baseline and peak, 1 day each
    assert [s.name for s in run.scenarios] == ["co_delivery", "separate", "festival_peak"]
    world["runner"].submit(run.run_id)
    world["runner"].wait()
    stored = runs.get_run(factory(), CODE, run.run_id, by=None)
    assert stored.status == runs.DONE, stored.error
    assert stored.done_steps == stored.total_steps == 2 and stored.finished_at is not None
    with scratch_workspace() as workspace:
        direct = scenarios.compare(
            workspace, VAULT, county, params_for(county), DAY, 1, run.scenarios,
            seed=3, scale=SCALE,
        )  # fmt: skip
    assert stored.comparison is not None
    assert _figures(stored.comparison) == _figures(direct)
    assert stored.comparison.outcomes[0].parcels > 0


def test_a_second_run_waits_for_the_first(world: dict[str, Any]) -> None:
    """One unfinished run per county: another is refused until it ends."""
    factory, county = world["factory"], world["county"]
    choice = runs.Choice(("separate",), days=1, scale=SCALE, end=DAY)
    runs.start_run(factory(), CODE, choice, params_for(county), by=None)
    with pytest.raises(NotAllowed):
        runs.start_run(factory(), CODE, choice, params_for(county), by=None)


def test_a_reader_of_planning_cannot_start_a_run(world: dict[str, Any]) -> None:
    """A centre operator reads scenario runs; only a planner (regulator, admin) starts one."""
    factory, county = world["factory"], world["county"]
    reader = Principal("u1", "centre", Role.CENTRE_OPERATOR, CODE)
    choice = runs.Choice(("separate",), days=1, scale=SCALE, end=DAY)
    with pytest.raises(Forbidden):
        runs.start_run(factory(), CODE, choice, params_for(county), by=reader)
    with pytest.raises(Forbidden):
        runs.start_database_run(factory(), CODE, 30, by=reader)
    assert runs.list_runs(factory(), CODE, by=reader) == []


def test_a_run_cut_short_by_a_restart_is_marked_failed(world: dict[str, Any]) -> None:
    """Left queued by a stopped server: `recover` says so, and a new run may start."""
    factory, county = world["factory"], world["county"]
    choice = runs.Choice(("separate",), days=1, scale=SCALE, end=DAY)
    run = runs.start_run(factory(), CODE, choice, params_for(county), by=None)
    assert runs.recover(factory()) == [run.run_id]
    stored = runs.get_run(factory(), CODE, run.run_id, by=None)
    assert stored.status == runs.FAILED and stored.error == runs.INTERRUPTED
    runs.start_run(factory(), CODE, choice, params_for(county), by=None)


def test_the_quick_comparison_measures_the_days_already_simulated(world: dict[str, Any]) -> None:
    """No simulated days: refused; after one: the same figures as `compare_database`."""
    factory, county = world["factory"], world["county"]
    with pytest.raises(NotAllowed):
        runs.start_database_run(factory(), CODE, 30, by=None)
    params = params_for(county)
    simulation.simulate(factory, VAULT, CODE, params, DAY, 1, seed=1, scale=SCALE)
    run = runs.start_database_run(factory(), CODE, 30, by=None)
    assert run.request == {"start": DAY.isoformat(), "days": 1}
    done = runs.execute(run.run_id, factory, scratch_workspace, VAULT, params_for)
    assert done.status == runs.DONE, done.error
    direct = scenarios.compare_database(factory, county, params, DAY, 1)
    assert done.comparison is not None
    assert _figures(done.comparison) == _figures(direct)
    assert [o.scenario.name for o in done.comparison.outcomes] == ["co_delivery", "separate"]


def test_a_saved_siting_result_opens_its_new_sites(world: dict[str, Any]) -> None:
    """A station siting result adds a station in each new site's village; a candidate that is
    not a division goes to the nearest place."""
    factory, county = world["factory"], world["county"]
    sites = (
        ScenarioSite("T-STA-1", "一号村站", AT[V1], True),
        ScenarioSite(V3, "未知村", AT[V3], False),
        ScenarioSite("X-1", "somewhere", Coordinates(0.0, 0.011), False),
    )
    saved = SitingScenario(CODE, "more-stations", FacilityKind.STATION, "mclp", 2, 2.0, sites,
                           "two new stations", True, dt.datetime.now(dt.UTC))  # fmt: skip
    with factory() as uow:
        uow.siting.save(saved)
        uow.commit()
    choice = runs.Choice(("co_delivery",), days=1, scale=SCALE, end=DAY, siting=(saved.name,))
    run = runs.start_run(factory(), CODE, choice, params_for(county), by=None)
    added = run.scenarios[-1]
    assert added.name == "siting.more-stations" and added.new_stations == (V3, C2)
    opened = scenarios.apply(county, added)
    assert {f.division_code for f in opened.facilities_of(FacilityKind.STATION)} >= {V3, C2}


def test_a_choice_outside_its_bounds_is_refused() -> None:
    """Days, scale and peak within bounds; at least one scenario besides the baseline."""
    with pytest.raises(InvalidValue):
        runs.Choice(("separate",), days=0)
    with pytest.raises(InvalidValue):
        runs.Choice(("separate",), days=1, scale=0)
    with pytest.raises(InvalidValue):
        runs.Choice(("co_delivery",), days=1)
    with pytest.raises(InvalidValue):
        runs.Choice(("nonsense",), days=1)


def test_the_scenario_runs_migration_goes_down_and_up_again(database_url: str) -> None:
    """0010 adds the table; downgrading below it removes it; upgrading restores it."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    below = script.get_revision("0010").down_revision
    assert isinstance(below, str)
    engine = make_engine(database_url)
    upgrade(engine)
    assert inspect(engine).has_table("scenario_runs")
    downgrade(engine, below)
    assert not inspect(engine).has_table("scenario_runs")
    upgrade(engine)
    assert inspect(engine).has_table("scenario_runs")
    engine.dispose()


def test_an_outlet_siting_result_opens_shared_outlets_that_take_town_parcels(
    world: dict[str, Any],
) -> None:
    """An outlet siting result adds a shared outlet (every carrier) in each new site's
    community; a receiver there who chose 自取 now collects at it, whatever the carrier."""
    county = world["county"]
    sites = (ScenarioSite(C2, "社区", AT[C2], False),)
    saved = SitingScenario(CODE, "more-outlets", FacilityKind.OUTLET, "mclp", 1, 2.0, sites,
                           "one new outlet", True, dt.datetime.now(dt.UTC))  # fmt: skip
    added = scenarios.from_siting(county, saved)
    assert added.new_outlets == (C2,) and added.changes_flows
    assert scenarios.scenario_of(dataclasses.asdict(added)) == added  # stored and read back
    opened = scenarios.apply(county, added)
    [outlet] = [f for f in opened.facilities_of(FacilityKind.OUTLET) if f.division_code == C2]
    assert outlet.is_operating and len(outlet.carriers) == len(county.carriers)
    assert county.carriers and not [f for f in county.facilities if f.division_code == C2]
    for carrier in county.carriers:
        assert pickup_point(county.facilities, C2, carrier.code) is None
        assert pickup_point(opened.facilities, C2, carrier.code) == outlet
