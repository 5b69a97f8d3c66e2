"""Scenario runs (issue 7): a policy comparison asked for on the scenario page, run in the
background, its progress and its result stored so they survive a restart.

A planner (EDIT on PLANNING) starts a run; readers of planning (READ) see runs and results.
Two kinds: `simulate` runs `scenarios.compare` (each scenario that changes the flows in a
scratch database of its own), `database` runs `scenarios.compare_database` on the days
already simulated in the county's own database (co-delivery against each carrier alone, no
new simulation). One run at a time per county: a second is refused while one is unfinished.
`Runner` is the one worker thread that executes queued runs, one after the other.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import queue
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from countyexpress.domain.access import Action, Principal, Resource, Where
from countyexpress.domain.county import County
from countyexpress.domain.facilities import FacilityKind
from countyexpress.errors import CountyExpressError, InvalidValue, NotAllowed, NotFound
from countyexpress.planning.simulation.params import SimulationParams
from countyexpress.services import counties, scenarios, simulation
from countyexpress.services.authz import check
from countyexpress.services.ports import Cipher
from countyexpress.services.siting import ScenarioStore
from countyexpress.services.unit_of_work import UnitOfWork

__all__ = [
    "DEFAULT_NAMES",
    "Choice",
    "Runner",
    "ScenarioRun",
    "execute",
    "get_run",
    "list_runs",
    "recover",
    "start_database_run",
    "start_run",
]

SIMULATE, DATABASE = "simulate", "database"
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
DEFAULT_NAMES = ("co_delivery", "separate", "station_closed", "festival_peak", "more_lockers")
"""The scenarios of `scenarios.default_scenarios`, by name; co-delivery is always the baseline."""

MAX_DAYS = 366
MAX_SCALE = 2.0
INTERRUPTED = "the server stopped before the run finished: start it again"


@dataclass(frozen=True)
class ScenarioRun:
    """A comparison asked for: what, how far it got, and its result (`scenarios.to_record`)."""

    run_id: str
    county: str
    kind: str
    status: str
    request: Mapping[str, Any]
    done_steps: int
    total_steps: int
    stage: str
    created_at: dt.datetime
    created_by: str
    result: dict[str, Any] | None = None
    error: str | None = None
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None

    @property
    def finished(self) -> bool:
        """Done or failed: nothing more will happen to it."""
        return self.status in (DONE, FAILED)

    @property
    def fraction(self) -> float:
        """How far the run got, 0 to 1."""
        if self.status == DONE:
            return 1.0
        return self.done_steps / self.total_steps if self.total_steps else 0.0

    @property
    def comparison(self) -> scenarios.Comparison | None:
        """The comparison, once done."""
        return scenarios.from_record(self.result) if self.result is not None else None

    @property
    def scenarios(self) -> list[scenarios.Scenario]:
        """The scenarios asked for (a simulated run), in order."""
        return [scenarios.scenario_of(s) for s in self.request.get("scenarios", ())]


class ScenarioRunStore(Protocol):
    """Where runs are kept (adapters.db.scenario_runs)."""

    def add(self, run: ScenarioRun) -> None: ...
    def update(self, run_id: str, **values: Any) -> None: ...
    def get(self, run_id: str) -> ScenarioRun | None: ...
    def recent(self, county: str, limit: int = 20) -> list[ScenarioRun]: ...
    def unfinished(self, county: str | None = None) -> list[ScenarioRun]: ...


class ScenarioRunsUnitOfWork(UnitOfWork, Protocol):
    """The ordinary unit of work with the scenario runs."""

    @property
    def scenario_runs(self) -> ScenarioRunStore: ...
    @property
    def siting(self) -> ScenarioStore: ...


RunsFactory = Callable[[], ScenarioRunsUnitOfWork]
WorkspaceScope = Callable[[], contextlib.AbstractContextManager[scenarios.Workspace]]
"""Scratch databases for one run's scenarios, removed when the run ends."""
ParamsOf = Callable[[County], SimulationParams]


@dataclass(frozen=True)
class Choice:
    """What the planner chose on the scenario page for a simulated comparison."""

    names: tuple[str, ...]  # of DEFAULT_NAMES; co_delivery is added when missing
    days: int
    seed: int = 0
    scale: float = 0.1
    end: dt.date | None = None  # last day (default: yesterday in the county)
    close: tuple[str, ...] = ()  # station to close (default: the busiest)
    lockers: int = 5  # lockers where most receivers want one
    peak: float = 2.4  # festival-peak demand factor
    siting: tuple[str, ...] = ()  # saved siting scenarios whose new sites open
    front_warehouse: tuple[float, float] | None = None  # 前置仓: (share from county, days saved)

    def __post_init__(self) -> None:
        if not 1 <= self.days <= MAX_DAYS:
            raise InvalidValue("days", f"days: 1 to {MAX_DAYS}")
        if not 0 < self.scale <= MAX_SCALE:
            raise InvalidValue("scale", f"demand scale: more than 0, at most {MAX_SCALE:g}")
        if not 0.1 <= self.peak <= 10:
            raise InvalidValue("peak", "festival-peak factor: 0.1 to 10")
        if not 1 <= self.lockers <= 100:
            raise InvalidValue("lockers", "more lockers: 1 to 100")
        unknown = sorted(set(self.names) - set(DEFAULT_NAMES))
        if unknown:
            raise InvalidValue("scenarios", f"unknown scenarios {unknown}")
        if not (set(self.names) - {"co_delivery"}) and not self.siting and not self.front_warehouse:
            raise InvalidValue("scenarios", "choose at least one scenario to compare")


def _county(uow: UnitOfWork, code: str, by: Principal | None, action: Action) -> County:
    county = counties.get_county(uow, code)
    check(by, action, Resource.PLANNING, Where(county=county.code))
    return county


def _new_id(county: str, now: dt.datetime) -> str:
    return f"SR-{county}-{now.astimezone(dt.UTC):%Y%m%d%H%M%S}-{secrets.token_hex(3)}"


def _refuse_second(uow: ScenarioRunsUnitOfWork, county: str) -> None:
    if uow.scenario_runs.unfinished(county):
        raise NotAllowed(
            f"a scenario run of county {county} is not finished yet: wait for it to end"
        )


def plan_scenarios(
    uow: ScenarioRunsUnitOfWork, county: County, params: SimulationParams, choice: Choice
) -> list[scenarios.Scenario]:
    """The scenarios of a choice: co-delivery first, then those chosen, then each siting
    result's sites opened."""
    close = list(choice.close) or None
    if close:
        known = {f.code for f in county.facilities_of(FacilityKind.STATION)}
        if not set(close) <= known:
            raise InvalidValue("close", f"{sorted(set(close) - known)} are not stations")
    defaults = {
        s.name: s for s in scenarios.default_scenarios(county, params, close, choice.lockers,
                                                       choice.peak)
    }  # fmt: skip
    wanted = (
        "co_delivery",
        *[n for n in DEFAULT_NAMES if n in choice.names and n != "co_delivery"],
    )
    missing = [n for n in wanted if n not in defaults]
    if missing:
        raise InvalidValue("scenarios", f"county {county.code} cannot simulate {missing}")
    out = [defaults[n] for n in wanted]
    with uow:
        for name in dict.fromkeys(choice.siting):
            saved = uow.siting.get(county.code, name)
            if saved is None:
                raise NotFound(f"no siting scenario {name!r} in county {county.code}")
            out.append(scenarios.from_siting(county, saved))
    if choice.front_warehouse is not None:
        share, days = choice.front_warehouse
        label = f"前置仓 front warehouse: {share:.0%} from the county, {days:g} days sooner"
        out.append(scenarios.Scenario("front_warehouse", label, from_county_share=share,
                                      days_saved=days))  # fmt: skip
    return out


def start_run(
    uow: ScenarioRunsUnitOfWork,
    county_code: str,
    choice: Choice,
    params: SimulationParams,
    *,
    by: Principal | None,
    now: dt.datetime | None = None,
) -> ScenarioRun:
    """Queue a simulated comparison of the chosen scenarios (one at a time per county)."""
    county = _county(uow, county_code, by, Action.EDIT)
    plan = plan_scenarios(uow, county, params, choice)
    at = now or dt.datetime.now(dt.UTC)
    last = choice.end or at.astimezone(params.timetable.tz).date() - dt.timedelta(days=1)
    start = last - dt.timedelta(days=choice.days - 1)
    runs = len({s.name if s.changes_flows else "" for s in plan})
    request = {
        "start": start.isoformat(), "days": choice.days, "seed": choice.seed,
        "scale": choice.scale, "siting": list(choice.siting),
        "scenarios": [dataclasses.asdict(s) for s in plan],
    }  # fmt: skip
    return _add(uow, county.code, SIMULATE, request, runs * choice.days, by, at)


def start_database_run(
    uow: ScenarioRunsUnitOfWork,
    county_code: str,
    days: int,
    *,
    by: Principal | None,
    now: dt.datetime | None = None,
) -> ScenarioRun:
    """Queue co-delivery against each carrier alone on the last `days` simulated days of the
    county's own database (no new simulation)."""
    county = _county(uow, county_code, by, Action.EDIT)
    if not 1 <= days <= MAX_DAYS:
        raise InvalidValue("days", f"days: 1 to {MAX_DAYS}")
    simulated = simulation.simulated_days(uow, county.code)
    if not simulated:
        raise NotAllowed(
            f"county {county.code} has no simulated days: run `countyexpress simulate` first"
        )
    last = simulated[-1]
    start = max(simulated[0], last - dt.timedelta(days=days - 1))
    request = {"start": start.isoformat(), "days": (last - start).days + 1}
    return _add(uow, county.code, DATABASE, request, 1, by, now or dt.datetime.now(dt.UTC))


def _add(
    uow: ScenarioRunsUnitOfWork,
    county: str,
    kind: str,
    request: dict[str, Any],
    total: int,
    by: Principal | None,
    at: dt.datetime,
) -> ScenarioRun:
    run = ScenarioRun(
        _new_id(county, at), county, kind, QUEUED, request, 0, total, "", at,
        by.name if by is not None else "local",
    )  # fmt: skip
    with uow:
        _refuse_second(uow, county)
        uow.scenario_runs.add(run)
        uow.commit()
    return run


def get_run(
    uow: ScenarioRunsUnitOfWork, county_code: str, run_id: str, *, by: Principal | None
) -> ScenarioRun:
    """A run of the county (readers of planning)."""
    county = _county(uow, county_code, by, Action.READ)
    with uow:
        run = uow.scenario_runs.get(run_id)
    if run is None or run.county != county.code:
        raise NotFound(f"no scenario run {run_id!r} in county {county.code}")
    return run


def list_runs(
    uow: ScenarioRunsUnitOfWork, county_code: str, *, by: Principal | None, limit: int = 20
) -> list[ScenarioRun]:
    """The county's newest runs first (readers of planning)."""
    county = _county(uow, county_code, by, Action.READ)
    with uow:
        return uow.scenario_runs.recent(county.code, limit)


def recover(uow: ScenarioRunsUnitOfWork, now: dt.datetime | None = None) -> list[str]:
    """Mark runs left queued or running by a stopped server as failed; their ids."""
    with uow:
        stale = uow.scenario_runs.unfinished()
        for run in stale:
            uow.scenario_runs.update(
                run.run_id, status=FAILED, error=INTERRUPTED,
                finished_at=now or dt.datetime.now(dt.UTC),
            )  # fmt: skip
        uow.commit()
    return [r.run_id for r in stale]


def _set(factory: RunsFactory, run_id: str, **values: Any) -> None:
    with factory() as uow:
        uow.scenario_runs.update(run_id, **values)
        uow.commit()


def execute(
    run_id: str,
    factory: RunsFactory,
    workspace_scope: WorkspaceScope,
    cipher: Cipher,
    params_of: ParamsOf,
) -> ScenarioRun:
    """Run a queued run to its end, storing progress as it goes and the result (or the
    reason it failed). Errors of the project's own kind are kept as the run's error."""
    with factory() as uow:
        run = uow.scenario_runs.get(run_id)
    if run is None:
        raise NotFound(f"no scenario run {run_id!r}")
    if run.status != QUEUED:
        return run
    _set(factory, run_id, status=RUNNING, started_at=dt.datetime.now(dt.UTC))
    try:
        county = counties.get_county(factory(), run.county)
        params = params_of(county)
        start = dt.date.fromisoformat(run.request["start"])
        days = int(run.request["days"])
        if run.kind == DATABASE:
            _set(factory, run_id, stage="measuring")
            result = scenarios.compare_database(factory, county, params, start, days)
        else:
            result = _simulate(run, factory, workspace_scope, cipher, county, params, start, days)
    except CountyExpressError as exc:
        _set(factory, run_id, status=FAILED, error=str(exc),
             finished_at=dt.datetime.now(dt.UTC))  # fmt: skip
    except Exception as exc:  # a run must end, whatever broke; the page shows why
        _set(factory, run_id, status=FAILED, error=f"{type(exc).__name__}: {exc}",
             finished_at=dt.datetime.now(dt.UTC))  # fmt: skip
    else:
        _set(
            factory, run_id, status=DONE, result=scenarios.to_record(result), stage="",
            done_steps=run.total_steps, finished_at=dt.datetime.now(dt.UTC),
        )  # fmt: skip
    with factory() as uow:
        done = uow.scenario_runs.get(run_id)
    assert done is not None
    return done


def _simulate(
    run: ScenarioRun,
    factory: RunsFactory,
    workspace_scope: WorkspaceScope,
    cipher: Cipher,
    county: County,
    params: SimulationParams,
    start: dt.date,
    days: int,
) -> scenarios.Comparison:
    finished = {"steps": 0}

    def progress(name: str) -> simulation.Progress:
        base = finished["steps"]
        finished["steps"] += days

        def tick(done: int, total: int, _stats: simulation.DayStats) -> None:
            _set(factory, run.run_id, done_steps=base + done, stage=name)

        return tick

    with workspace_scope() as workspace:
        return scenarios.compare(
            workspace, cipher, county, params, start, days, run.scenarios,
            seed=int(run.request.get("seed", 0)), scale=float(run.request.get("scale", 1.0)),
            progress=progress,
        )  # fmt: skip


class Runner:
    """One worker thread executing queued runs in turn (a daemon: it never holds the
    server up on exit; a run cut short is marked failed by `recover` at the next start)."""

    def __init__(self, execute_one: Callable[[str], object]) -> None:
        self._execute = execute_one
        self._queue: queue.Queue[str] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, run_id: str) -> None:
        """Queue a run; the worker starts on the first one."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._work, name="scenario-runs", daemon=True
                )
                self._thread.start()
        self._queue.put(run_id)

    def wait(self) -> None:
        """Block until every queued run has ended (for tests and the command line)."""
        self._queue.join()

    def _work(self) -> None:
        while True:
            run_id = self._queue.get()
            try:
                with contextlib.suppress(Exception):  # execute stores its own failures
                    self._execute(run_id)
            finally:
                self._queue.task_done()
