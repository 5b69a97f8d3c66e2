"""Simulated days through the real services on SQLite: reproducible, labelled, and every
parcel's state derived from the ledger."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from countyexpress.adapters.db.cached import CountyCachingUnitOfWork
from countyexpress.adapters.db.engine import make_engine
from countyexpress.adapters.db.migrate import upgrade
from countyexpress.adapters.db.tables_ops import manifest_items, outbox
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.adapters.packs.simulation import params_for, read_simulation
from countyexpress.adapters.vault import Vault
from countyexpress.domain.county import County
from countyexpress.domain.lifecycle import ParcelState
from countyexpress.errors import InvalidValue, PackInvalid
from countyexpress.planning.simulation.params import SimulationParams
from countyexpress.services import counties, scans, scenarios, simulation

VAULT = Vault(b"test-key-material-of-enough-length")
START = dt.date(2026, 11, 9)
SCALE = 0.03  # about 100 parcels a day: enough for every path, quick


def _heshuo(return_after_days: int = 7) -> County:
    path = builtin_pack_path("heshuo")
    assert path is not None
    county = read_pack(path)
    rules = dataclasses.replace(county.operations, return_after_days=return_after_days)
    return dataclasses.replace(county, operations=rules)


def _database(tmp_path: Path, name: str, county: County) -> tuple[Engine, simulation.UowFactory]:
    engine = make_engine(f"sqlite:///{tmp_path / name}.db")
    upgrade(engine)
    cache: dict[str, County] = {}
    factory: Callable[[], CountyCachingUnitOfWork] = lambda: CountyCachingUnitOfWork(  # noqa: E731
        engine, cache
    )
    counties.load_county(factory(), county)
    return engine, factory


@pytest.fixture(scope="module")
def params() -> SimulationParams:
    return params_for(_heshuo())


def _run(factory: simulation.UowFactory, params: SimulationParams, days: int, seed: int = 1,
         start: dt.date = START) -> simulation.RunResult:  # fmt: skip
    return simulation.simulate(
        factory, VAULT, "652828", params, start, days, seed=seed, scale=SCALE
    )


def test_the_same_seed_gives_the_same_counts(tmp_path: Path, params: SimulationParams) -> None:
    """Two databases, one seed: the same outcomes day by day and the same states at the end."""
    _, a = _database(tmp_path, "a", _heshuo())
    _, b = _database(tmp_path, "b", _heshuo())
    ra, rb = _run(a, params, 2), _run(b, params, 2)
    strip = [
        {k: v for k, v in dataclasses.asdict(s).items() if k not in {"seconds", "trips"}}
        for s in ra.stats
    ]
    assert strip == [
        {k: v for k, v in dataclasses.asdict(s).items() if k not in {"seconds", "trips"}}
        for s in rb.stats
    ]
    assert ra.states == rb.states
    assert ra.total("planned") > 100


def test_three_days_end_with_parcels_in_every_state_the_days_imply(
    tmp_path: Path, params: SimulationParams
) -> None:
    """Delivered, on a shelf, returned unclaimed (return after 1 day here), farm parcels on
    their way out — as the ledger's state machine derives them."""
    _, factory = _database(tmp_path, "s", _heshuo(return_after_days=1))
    result = _run(factory, params, 3)
    states = scans.counts_by_state(factory(), "652828")
    assert states == result.states
    for state in (ParcelState.DELIVERED, ParcelState.STORED, ParcelState.RETURNED):
        assert states.get(state.value, 0) > 0, state
    if "intake" in result.outbound_note:
        assert states.get(ParcelState.IN_TRANSIT.value, 0) > 0
        assert result.total("screened") > 0
    assert result.total("picked_up") > 0 and result.total("door") > 0
    assert result.total("resolved_by_hand") > 0  # placeholder villages go to the clerk


def test_a_station_parcel_has_the_whole_story_in_its_events(
    tmp_path: Path, params: SimulationParams
) -> None:
    """A parcel collected at a station: arrive, sort, depart, arrive, store, pickup."""
    engine, factory = _database(tmp_path, "p", _heshuo())
    _run(factory, params, 2)
    with engine.connect() as c:
        waybills = [r.waybill_no for r in c.execute(select(manifest_items.c.waybill_no))]
    found = False
    for w in waybills:
        view = scans.parcel_status(factory(), w, "652828")
        kinds = [e.kind.value for e in view.status.events]
        if kinds == ["arrive", "sort", "depart", "arrive", "store", "pickup"]:
            found = True
            assert not view.status.anomalies
            break
    assert found


def test_simulated_data_is_labelled_and_never_texts_anyone(
    tmp_path: Path, params: SimulationParams
) -> None:
    """Manifests are SIM-…, the county says it is simulated, no SMS is queued."""
    engine, factory = _database(tmp_path, "l", _heshuo())
    assert not simulation.is_simulated(factory(), "652828")
    _run(factory, params, 1)
    assert simulation.is_simulated(factory(), "652828")
    assert simulation.simulated_days(factory(), "652828") == [START]
    with engine.connect() as c:
        ids = {r.manifest_id for r in c.execute(select(manifest_items.c.manifest_id))}
        queued = c.execute(select(outbox)).all()
    assert ids and all(i.startswith("SIM-20261109-") for i in ids)
    assert queued == []


def test_days_already_simulated_are_skipped(tmp_path: Path, params: SimulationParams) -> None:
    """Simulating an overlapping window leaves the days done alone."""
    _, factory = _database(tmp_path, "k", _heshuo())
    _run(factory, params, 1)
    again = _run(factory, params, 2)
    assert again.skipped == [START]
    assert [s.day for s in again.stats] == [START + dt.timedelta(days=1)]


def test_a_scenario_comparison_reports_fewer_vehicle_km_for_co_delivery(
    tmp_path: Path, params: SimulationParams
) -> None:
    """Same parcels, same day: co-delivery needs fewer vehicle-km and costs less."""
    county = _heshuo()

    def workspace(name: str) -> simulation.UowFactory:
        engine = make_engine(f"sqlite:///{tmp_path / name}.db")
        upgrade(engine)
        cache: dict[str, County] = {}
        return lambda: CountyCachingUnitOfWork(engine, cache)

    plan = [
        scenarios.Scenario("co_delivery", "co-delivery"),
        scenarios.Scenario("separate", "each alone", separate_fleets=True),
    ]
    result = scenarios.compare(workspace, VAULT, county, params, START, 1, plan, 1, SCALE)
    shared, alone = result.outcomes
    assert shared.parcels == alone.parcels > 0
    assert shared.vehicle_km < alone.vehicle_km
    assert shared.cost < alone.cost
    assert shared.delivered == alone.delivered > 0
    assert set(alone.by_carrier) >= {"ems", "zto"}


def test_a_closed_station_sends_its_village_to_the_door(params: SimulationParams) -> None:
    """Closing a station lowers coverage; the copy leaves the county itself alone."""
    county = _heshuo()
    closed = scenarios.apply(county, scenarios.Scenario("x", "x", closed=("HS-STA-01",)))
    assert not next(f for f in closed.facilities if f.code == "HS-STA-01").is_operating
    assert next(f for f in county.facilities if f.code == "HS-STA-01").is_operating
    more = scenarios.apply(county, scenarios.Scenario("y", "y", new_lockers=("652828100003",)))
    assert len(more.facilities) == len(county.facilities) + 1


def test_a_simulation_file_with_unknown_keys_is_refused(tmp_path: Path) -> None:
    """Like county.toml, simulation.toml names its problems by field."""
    path = builtin_pack_path("heshuo")
    assert path is not None
    text = (path / "simulation.toml").read_text(encoding="utf-8")
    bad = tmp_path / "simulation.toml"
    bad.write_text(text.replace("[demand]", "[demand]\nsurprise = 1"), encoding="utf-8")
    with pytest.raises(PackInvalid, match=r"demand\.surprise"):
        read_simulation(bad)


def test_days_already_simulated_compare_without_a_new_run(
    tmp_path: Path, params: SimulationParams
) -> None:
    """The database's own simulated day: co-delivery needs fewer vehicle-km, same parcels."""
    county = _heshuo()
    _, factory = _database(tmp_path, "d", county)
    run = _run(factory, params, 1)
    result = scenarios.compare_database(factory, county, params, START, 1)
    shared, alone = result.outcomes
    assert shared.parcels == alone.parcels == run.total("manifested")
    assert shared.trips == len({t.division for t in run.stats[0].trips})
    assert shared.vehicle_km < alone.vehicle_km
    assert shared.delivered > 0


def test_a_simulated_morning_leaves_sorted_bags_that_todays_routes_take(
    tmp_path: Path, params: SimulationParams
) -> None:
    """The morning after simulated days: manifests and the line haul sorted, nothing sent
    out; the day's route plan takes every sorted parcel; the day counts as simulated."""
    from countyexpress.adapters.packs.vehicles import fleet_for
    from countyexpress.planning.routing import PyVRPPlanner
    from countyexpress.services.routes import plan_day

    engine, factory = _database(tmp_path, "morning", _heshuo())
    _run(factory, params, 1)
    today = START + dt.timedelta(days=1)
    morning = simulation.simulate_morning(factory, VAULT, "652828", params, today, seed=1,
                                          scale=SCALE)  # fmt: skip
    with engine.connect() as conn:
        waiting = conn.execute(
            select(manifest_items.c.waybill_no).where(
                manifest_items.c.route_bag.is_not(None), manifest_items.c.vehicle.is_(None)
            )
        ).all()
    states = scans.counts_by_state(factory(), "652828")
    assert morning.planned > 0 and len(waiting) >= morning.sorted > 0
    assert states["sorted"] == morning.sorted  # yesterday's all left on their vans
    assert today in simulation.simulated_days(factory(), "652828")
    with pytest.raises(InvalidValue, match="simulated already"):
        simulation.simulate_morning(factory, VAULT, "652828", params, today, scale=SCALE)
    plan = plan_day(factory(), "652828", today, fleet_for("652828"), PyVRPPlanner(seconds=0.5))
    assert sum(r.parcels for r in plan.runs) + len(plan.unserved) >= len(waiting)
    assert plan.runs and not plan.violations
