"""`countyexpress region …` (issue 17): a synthetic region for demos and load tests, and every
loaded county planned or simulated at once on a Dask cluster (docs/deploy-postgresql.md,
Region)."""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from countyexpress import bootstrap
from countyexpress.adapters.packs import builtin_pack_path
from countyexpress.adapters.packs.assessment import pack_sheet
from countyexpress.adapters.packs.documents import pack_documents
from countyexpress.adapters.packs.supervision import pack_rules
from countyexpress.adapters.packs.vehicles import pack_registry
from countyexpress.adapters.region_pack import is_synthetic_source, write_synthetic_pack
from countyexpress.domain.access import SYSTEM
from countyexpress.domain.county import County
from countyexpress.domain.county_time import county_today
from countyexpress.errors import CountyExpressError, InvalidValue
from countyexpress.planning.region_synth import MAX_COUNTIES, SyntheticCounty, synthetic_counties
from countyexpress.services import assessment as assessment_service
from countyexpress.services import counties as county_service
from countyexpress.services import region
from countyexpress.services import supervision as supervision_service
from countyexpress.services import vehicles as vehicle_service
from countyexpress.settings import get_settings

region_app = typer.Typer(
    help="A region's counties at once: a synthetic region (模拟), plans and simulations on Dask.",
    no_args_is_help=True,
)

out = Console()
err = Console(stderr=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Seed: the same seed, the same results")]
SchedulerOpt = Annotated[
    str,
    typer.Option("--scheduler", help="`local` (a local Dask cluster) or tcp://HOST:8786"),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option("--workers", min=1, help="Worker processes of the local cluster (default: cores)"),
]
CountiesOpt = Annotated[
    list[str] | None,
    typer.Option("--county", "-c", help="Only this county (repeat it; default: every loaded one)"),
]


def _engine() -> Any:
    try:
        return bootstrap.open_engine(get_settings())
    except ValueError as exc:
        err.print(f"[red]settings: {exc}[/red]", highlight=False)
        raise typer.Exit(2) from exc


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _fail(exc: CountyExpressError) -> typer.Exit:
    err.print(f"[red]{exc}[/red]", highlight=False)
    return typer.Exit(1)


# synth ------------------------------------------------------------------------------------
def is_synthetic(county: County) -> bool:
    """Whether a loaded county is one `region synth` made (its source entry says so)."""
    return any(is_synthetic_source(s.name, s.licence) for s in county.sources)


def _load_folder(engine: Any, folder: Path) -> County:
    """Load a pack folder as `county load` does: county, rule files, supervision rules,
    assessment sheet and vehicle registry, each checked before anything is stored."""
    uow = bootstrap.uow_factory(engine)
    county = bootstrap.read_pack_source(str(folder))
    rules, origin = pack_rules(folder)
    fleet = pack_registry(folder)
    sheet, sheet_origin = pack_sheet(folder, county.plan)
    documents = pack_documents(folder, county)
    county_service.load_county(uow(), county, documents)
    supervision_service.load_rules(uow(), county.code, rules, origin, by=SYSTEM)
    assessment_service.load_sheet(uow(), county.code, sheet, sheet_origin, by=SYSTEM)
    if fleet:
        vehicle_service.replace_fleet(uow(), county.code, fleet, by=SYSTEM.id,
                                      source=f"region synth {county.code}")  # fmt: skip
    return county


def _synth_row(spec: SyntheticCounty, county: County, status: str) -> dict[str, Any]:
    s = county.summary()
    return {
        "code": county.code, "name": county.name, "name_en": county.name_en,
        "synthetic": True, "modelled_on": spec.model.code, "status": status,
        "population": county.population, "villages": s.villages,
        "facilities": sum(s.facilities.values()),
    }  # fmt: skip


@region_app.command("synth")
def synth(
    counties: Annotated[
        int, typer.Option("--counties", "-n", min=1, max=MAX_COUNTIES, help="How many counties")
    ],
    seed: SeedOpt = 0,
    template: Annotated[str, typer.Option(help="The pack to copy: built-in name or folder")] = (
        "heshuo"
    ),
    replace: Annotated[
        bool, typer.Option("--replace", help="Load again the synthetic counties already there")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Create and load N synthetic counties (模拟县 NN, codes 990001…) from a template pack,
    each moved to a Bayingolin county's seat with seeded spread, population and facilities.
    Running it again keeps the counties already there (idempotent)."""
    folder = builtin_pack_path(template) or Path(template)
    engine = _engine()
    uow = bootstrap.uow_factory(engine)
    rows: list[dict[str, Any]] = []
    failed: list[dict[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="region-synth-") as tmp:
        for spec in synthetic_counties(counties, seed):
            try:
                there = county_service.get_county(uow(), spec.code)
            except CountyExpressError:
                there = None
            if there is not None and not is_synthetic(there):
                failed.append({"code": spec.code, "name": spec.name,
                               "reason": f"{spec.code} is taken by {there.name}, not a "
                                         "synthetic county: left alone"})  # fmt: skip
                continue
            if there is not None and not replace:
                rows.append(_synth_row(spec, there, "kept"))
                continue
            try:
                pack = write_synthetic_pack(folder, spec, Path(tmp) / spec.code)
                loaded = _load_folder(engine, pack)
            except CountyExpressError as exc:
                failed.append({"code": spec.code, "name": spec.name, "reason": str(exc)})
                continue
            rows.append(_synth_row(spec, loaded, "replaced" if there else "loaded"))
            if not as_json:
                err.print(f"{rows[-1]['status']} {spec.code} {spec.name}", highlight=False)
    if as_json:
        _print_json({"counties": rows, "failed": failed})
    else:
        table = Table("code", "name", "modelled on", "population", "villages", "facilities",
                      "status", title="模拟 synthetic counties")  # fmt: skip
        for r in rows:
            table.add_row(r["code"], r["name"], r["modelled_on"], f"{r['population']:,}",
                          str(r["villages"]), str(r["facilities"]), r["status"])  # fmt: skip
        out.print(table)
        _print_failed(failed)
    if failed:
        raise typer.Exit(3)


# plan and simulate on the cluster ---------------------------------------------------------
def _print_failed(failed: list[dict[str, str]]) -> None:
    for f in failed:
        err.print(f"[red]failed: {f['code']} {f.get('name', '')}: {f['reason']}[/red]",
                  highlight=False)  # fmt: skip


@contextmanager
def _progress(title: str, total: int) -> Iterator[Callable[[int, int, str], None]]:
    bar = Progress(TextColumn(f"[bold]{title}"), MofNCompleteColumn(), TextColumn("counties"),
                   BarColumn(bar_width=20), TextColumn("{task.description}"),
                   TimeElapsedColumn(), console=err)  # fmt: skip
    with bar:
        task = bar.add_task("", total=total)

        def tick(done: int, _total: int, code: str) -> None:
            bar.update(task, completed=done, description=code)

        yield tick


def _chosen(engine: Any, only: list[str] | None) -> list[tuple[str, str]]:
    loaded = region.loaded_counties(bootstrap.uow_factory(engine)())
    if only:
        wanted = set(only)
        loaded = [(c, n) for c, n in loaded if c in wanted]
        missing = wanted - {c for c, _ in loaded}
        if missing:
            raise _fail(InvalidValue("county", f"not loaded: {', '.join(sorted(missing))}"))
    if not loaded:
        raise _fail(InvalidValue("county", "no county is loaded: run `region synth` first"))
    return loaded


@contextmanager
def _cluster(scheduler: str, workers: int | None) -> Iterator[Any]:
    from countyexpress.adapters.dask_cluster import cluster

    with ExitStack() as stack:
        try:
            fanout = stack.enter_context(cluster(scheduler, workers))
        except CountyExpressError as exc:
            raise _fail(exc) from exc
        except OSError as exc:  # no scheduler there (the client's timeout is an OSError)
            err.print(f"[red]no Dask scheduler at {scheduler}: {exc}[/red]", highlight=False)
            raise typer.Exit(1) from exc
        err.print(f"Dask: {fanout.workers} worker(s) at {scheduler}", highlight=False)
        yield fanout


def _finish(result: region.RegionResult, as_json: bool, columns: tuple[str, ...]) -> None:
    data = result.as_dict()
    if as_json:
        _print_json(data)
    else:
        table = Table(*columns)
        for c in data["counties"]:
            table.add_row(*[str(c.get(k, "")) for k in columns])
        out.print(table)
        _print_failed(data["failed"])
    if data["failed"]:
        raise typer.Exit(3)


@region_app.command("plan")
def plan(
    date: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default: today)")] = None,
    scheduler: SchedulerOpt = "local",
    workers: WorkersOpt = None,
    seed: SeedOpt = 0,
    iterations: Annotated[
        int, typer.Option("--iterations", min=1, help="Solver iterations per county")
    ] = 2000,
    seconds: Annotated[
        float, typer.Option("--seconds", min=0.1, help="Solver time cap per county (s)")
    ] = 120.0,
    only: CountiesOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Plan day D's routes in every loaded county in parallel and store each plan.

    Each county is solved on a worker for a fixed number of iterations (the time cap only
    guards a stuck solve), so the same seed gives the same plans on any cluster."""
    from countyexpress.domain.periods import parse_day
    from countyexpress.planning.routing import PyVRPPlanner
    from countyexpress.services.vehicles import registry_fleet

    try:
        day = parse_day(date) if date else county_today()
        planner = PyVRPPlanner(seconds=seconds, seed=seed, max_iterations=iterations)
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    engine = _engine()
    chosen = _chosen(engine, only)
    uow = bootstrap.uow_factory(engine)
    with _cluster(scheduler, workers) as fanout, _progress(f"plan {day}", len(chosen)) as tick:
        result = region.plan_region(uow, fanout, chosen, day, registry_fleet(uow()), planner,
                                    tick)  # fmt: skip
    _finish(result, as_json, ("code", "name", "vehicles", "stops", "parcels", "distance_km",
                              "cost", "feasible", "seconds"))  # fmt: skip


@region_app.command("simulate")
def simulate(
    days: Annotated[int, typer.Option("--days", "-n", min=1, max=3660, help="Days to simulate")],
    seed: SeedOpt = 0,
    end: Annotated[
        str | None, typer.Option("--end", help="Last day, YYYY-MM-DD (default: yesterday)")
    ] = None,
    scale: Annotated[
        float, typer.Option("--scale", min=0.0, help="Share of each county's modelled demand")
    ] = 0.1,
    morning: Annotated[
        bool,
        typer.Option(
            "--morning/--no-morning",
            help="Also the next day's morning: bags sorted, ready for `region plan`",
        ),
    ] = False,
    no_outbound: Annotated[bool, typer.Option("--no-outbound", help="No farm parcels")] = False,
    scheduler: SchedulerOpt = "local",
    workers: WorkersOpt = None,
    only: CountiesOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Simulate N days in every loaded county in parallel (模拟数据, labelled SIM-).

    Each worker simulates its county through the services against the database its own
    settings name; each county's seed is drawn from --seed and its code."""
    from countyexpress.domain.periods import parse_day
    from countyexpress.entrypoints.region_worker import simulate_county

    try:
        last = parse_day(end) if end else county_today() - dt.timedelta(days=1)
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    engine = _engine()
    chosen = _chosen(engine, only)
    args = (days, last, seed, scale, not no_outbound, morning)
    with _cluster(scheduler, workers) as fanout, _progress(f"simulate {days} d", len(chosen)) as t:
        result = region.simulate_region(fanout, chosen, simulate_county, args, t)
    _finish(result, as_json, ("code", "name", "simulated_days", "planned", "events",
                              "morning_sorted", "seconds"))  # fmt: skip
