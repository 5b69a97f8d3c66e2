"""`countyexpress simulate …`: simulated days of a county, and policy scenarios compared.

Also `simulate_demo`, which the `serve` command calls after loading the default pack into
an empty database, so a new user sees a working county (labelled simulated).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from sqlalchemy import Engine

from countyexpress import bootstrap
from countyexpress.adapters.db.cached import CountyCachingUnitOfWork
from countyexpress.adapters.db.scenario_runs import scratch_workspace
from countyexpress.adapters.packs.simulation import params_for
from countyexpress.adapters.vault import Vault
from countyexpress.domain.county import County
from countyexpress.errors import CountyExpressError
from countyexpress.planning.simulation.params import SimulationParams
from countyexpress.services import counties, scenarios, simulation
from countyexpress.settings import Settings, get_settings

DEMO_DAYS = 30
DEMO_SCALE = 0.1
"""The first start simulates a tenth of Heshuo's modelled demand, for 30 days (the measured
times, at a tenth and at all of it, are in benchmarks/simulation/README.md)."""

simulate_app = typer.Typer(
    help="Simulated parcel flows (demo data, labelled SIM-) and policy scenarios.",
    invoke_without_command=True,
)

out = Console()
err = Console(stderr=True)

CountyOpt = Annotated[str | None, typer.Option("--county", "-c", help="County code, e.g. 652828")]
DaysOpt = Annotated[int, typer.Option("--days", "-n", min=1, max=3660, help="Days to simulate")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Seed: the same seed gives the same days")]
EndOpt = Annotated[
    dt.datetime | None,
    typer.Option("--end", formats=["%Y-%m-%d"], help="Last day (default: yesterday)"),
]
ScaleOpt = Annotated[
    float, typer.Option("--scale", min=0.0, help="Share of the modelled demand (1 = all of it)")
]
ParamsOpt = Annotated[
    Path | None,
    typer.Option("--params", help="A simulation.toml (default: the county's built-in pack's)"),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON")]


def _engine(settings: Settings) -> Engine:
    return bootstrap.open_engine(settings)


def _county(engine: Engine, code: str) -> County:
    return counties.get_county(bootstrap.uow_factory(engine)(), code)


def _params(engine: Engine, county: County, path: Path | None = None) -> SimulationParams:
    """`path`'s parameters, else the county's `simulation.toml` as stored at load."""
    stored = counties.stored_document(bootstrap.uow_factory(engine)(), county.code, "simulation")
    return params_for(county, path, stored)


def _window(county: County, params: SimulationParams, days: int,
            end: dt.datetime | None) -> tuple[dt.date, dt.date]:  # fmt: skip
    last = end.date() if end else dt.datetime.now(params.timetable.tz).date() - dt.timedelta(1)
    return last - dt.timedelta(days=days - 1), last


def _progress_bar() -> Progress:
    """Short enough for an 80-column terminal: the days done of all and the day being made
    come first (a longer line had rich cut the count of days to '0…')."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        MofNCompleteColumn(),
        TextColumn("days"),
        BarColumn(bar_width=12),
        TextColumn("{task.fields[parcels]:,} parcels · {task.fields[events]:,} events"),
        TimeRemainingColumn(),
        console=err,
        transient=False,
    )


def run_simulation(
    engine: Engine,
    settings: Settings,
    county_code: str,
    days: int,
    seed: int = 0,
    end: dt.datetime | None = None,
    scale: float = 1.0,
    params_path: Path | None = None,
    outbound: bool = True,
) -> simulation.RunResult:
    """Simulate with a progress bar on stderr."""
    county = _county(engine, county_code)
    params = _params(engine, county, params_path)
    start, last = _window(county, params, days, end)
    cache: dict[str, County] = {}
    factory = lambda: CountyCachingUnitOfWork(engine, cache)  # noqa: E731
    err.print(f"simulating {county.name} {start}…{last} ({days} days)", highlight=False)
    with _progress_bar() as bar:
        task = bar.add_task(str(start), total=days, parcels=0, events=0)
        totals = {"parcels": 0, "events": 0}

        def tick(done: int, total: int, s: simulation.DayStats) -> None:
            totals["parcels"] += s.planned
            totals["events"] += s.events
            bar.update(task, completed=done, description=str(s.day), parcels=totals["parcels"],
                       events=totals["events"])  # fmt: skip

        result = simulation.simulate(
            factory, Vault(settings.data_key_bytes()), county.code, params, start, days,
            seed=seed, scale=scale, progress=tick, outbound=outbound,
        )  # fmt: skip
        bar.update(task, completed=days)
    return result


def simulate_demo(
    engine: Engine, settings: Settings, county_code: str,
    days: int = DEMO_DAYS, scale: float = DEMO_SCALE,
) -> simulation.RunResult | None:  # fmt: skip
    """For `serve`: simulate the last `days` days of a freshly loaded county (labelled
    simulated); nothing when the county already has simulated days."""
    if simulation.simulated_days(bootstrap.uow_factory(engine)(), county_code):
        return None
    try:
        result = run_simulation(engine, settings, county_code, days, scale=scale)
    except CountyExpressError as exc:  # the server still starts, just without demo days
        err.print(f"[yellow]no simulated days: {exc}[/yellow]", highlight=False)
        return None
    err.print(
        f"simulated {result.total('planned'):,} parcels over {days} days (模拟数据 simulated "
        f"data at {scale:g} of the modelled demand; for all of it, run `countyexpress simulate "
        f"--county {county_code} --days {days}` on an empty database)"
    )
    demo_morning(engine, settings, county_code, scale)
    return result


def demo_morning(
    engine: Engine,
    settings: Settings,
    county_code: str,
    scale: float,
    now: dt.datetime | None = None,
) -> None:
    """Once the centre's vans would have left (09:30 county time), today's morning too: the
    manifests and the line haul sorted into bags, and today's routes planned from them, so
    the centre, the driver screen and the map show a day under way. Before that hour, or
    when it fails, nothing (the server starts all the same)."""
    from countyexpress.adapters.packs.vehicles import fleet_for
    from countyexpress.planning.routing import PyVRPPlanner
    from countyexpress.services.routes import plan_day

    county = _county(engine, county_code)
    params = _params(engine, county)
    now = (now or dt.datetime.now(dt.UTC)).astimezone(params.timetable.tz)
    if now.time() < params.timetable.dispatch_time:
        return
    cache: dict[str, County] = {}

    def factory() -> CountyCachingUnitOfWork:
        return CountyCachingUnitOfWork(engine, cache)

    try:
        morning = simulation.simulate_morning(
            factory, Vault(settings.data_key_bytes()), county.code, params, now.date(),
            scale=scale,
        )  # fmt: skip
        plan = plan_day(factory(), county.code, now.date(), fleet_for(county.code),
                        PyVRPPlanner(seconds=2.0))  # fmt: skip
    except CountyExpressError as exc:
        err.print(f"[yellow]no simulated morning: {exc}[/yellow]", highlight=False)
        return
    err.print(
        f"simulated this morning: {morning.planned:,} parcels sorted at the centre; today's "
        f"routes planned ({len(plan.runs)} runs, {plan.distance_km:,.0f} km)"
    )


def _summary(result: simulation.RunResult) -> dict[str, Any]:
    names = ("planned", "consents", "manifested", "resolved_by_hand", "sorted", "exceptions",
             "dispatched", "stored", "locker", "door", "fallback_door", "picked_up",
             "wrong_tails", "locker_picked_up", "returned", "outbound_taken_in",
             "outbound_refused", "screened", "events", "messages")  # fmt: skip
    return {
        "county": result.county,
        "start": result.start.isoformat(),
        "days": result.days,
        "seed": result.seed,
        "scale": result.scale,
        "simulated_days": len(result.stats),
        "skipped_days": [d.isoformat() for d in result.skipped],
        "seconds": round(sum(s.seconds for s in result.stats), 1),
        "totals": {n: result.total(n) for n in names},
        "states": result.states,
        "outbound": result.outbound_note,
    }


@simulate_app.callback(invoke_without_command=True)
def simulate(
    ctx: typer.Context,
    county: CountyOpt = None,
    days: DaysOpt = 30,
    seed: SeedOpt = 0,
    end: EndOpt = None,
    scale: ScaleOpt = 1.0,
    params: ParamsOpt = None,
    no_outbound: Annotated[bool, typer.Option("--no-outbound", help="No farm parcels")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Simulate N days of a county through the real services (demo data, manifests SIM-…).

    Days already simulated are skipped; the same seed gives the same days."""
    if ctx.invoked_subcommand is not None:
        return
    if county is None:
        err.print("[red]give the county: --county CODE[/red]")
        raise typer.Exit(2)
    settings = get_settings()
    try:
        result = run_simulation(_engine(settings), settings, county, days, seed, end, scale,
                                params, not no_outbound)  # fmt: skip
    except CountyExpressError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(1) from exc
    data = _summary(result)
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    t = data["totals"]
    out.print(
        f"[bold]{result.county}[/bold] {data['simulated_days']} days simulated "
        f"(skipped {len(result.skipped)} already simulated) in {data['seconds']} s: "
        f"{t['planned']:,} parcels, {t['events']:,} events; "
        f"{t['door']:,} to the door, {t['stored']:,} shelved, {t['locker']:,} in lockers, "
        f"{t['returned']:,} returned; {t['outbound_taken_in']:,} farm parcels sent"
    )
    out.print(
        "parcels by state: " + ", ".join(f"{k} {v:,}" for k, v in sorted(data["states"].items()))
    )
    out.print(f"[dim]{result.outbound_note}; 模拟数据 — simulated data[/dim]")


@simulate_app.command("compare")
def compare(
    county: Annotated[str, typer.Option("--county", "-c", help="County code, e.g. 652828")],
    days: Annotated[int, typer.Option("--days", "-n", min=1, max=3660)] = 7,
    seed: SeedOpt = 0,
    end: EndOpt = None,
    scale: Annotated[float, typer.Option("--scale", min=0.0)] = 0.1,
    close: Annotated[
        list[str] | None, typer.Option("--close", help="Facility to close (default: busiest)")
    ] = None,
    lockers: Annotated[int, typer.Option("--lockers", help="Add N lockers where most wanted")] = 5,
    lockers_at: Annotated[
        str | None, typer.Option("--lockers-at", help="Division codes for lockers, e.g. siting")
    ] = None,
    peak: Annotated[
        float, typer.Option("--peak", min=0.1, help="Festival-peak demand factor")
    ] = 2.4,
    routes: Annotated[
        str, typer.Option("--routes", help="Vehicle-km: estimate (round trips) or planner (PyVRP)")
    ] = "estimate",
    route_seconds: Annotated[
        float, typer.Option("--route-seconds", min=0.01, help="Planner time per day and fleet")
    ] = 0.5,
    from_database: Annotated[
        bool,
        typer.Option(
            "--from-database",
            help="Co-delivery vs each carrier alone on the days already simulated (no new run)",
        ),
    ] = False,
    params: ParamsOpt = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Write the comparison here")] = None,
    json_file: Annotated[Path | None, typer.Option("--json-file", help="Write JSON here")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Simulate the same demand under policies — co-delivery vs each carrier alone, a station
    closed, a festival peak, more lockers — each in a scratch database, and compare."""
    from countyexpress.adapters.scenario_files import row, to_dict, write_json, write_xlsx

    if routes not in ("estimate", "planner"):
        err.print("[red]--routes is estimate or planner[/red]")
        raise typer.Exit(2)
    settings = get_settings()
    try:
        engine = _engine(settings)
        c = _county(engine, county)
        p = _params(engine, c, params)
        start, _last = _window(c, p, days, end)
        sites: list[str] | int = (
            [s.strip() for s in lockers_at.split(",") if s.strip()] if lockers_at else lockers
        )
        plan = scenarios.default_scenarios(c, p, close or None, sites, peak)
        extra: dict[str, Any] = {}
        if routes == "planner":
            from countyexpress.planning.routing import PyVRPPlanner
            from countyexpress.planning.simulation.routed import PLANNED_NOTE, PlannedRoutes

            extra = {
                "estimate": PlannedRoutes(PyVRPPlanner(seconds=route_seconds, seed=seed)),
                "km_note": PLANNED_NOTE,
            }
        if from_database:
            shared: dict[str, County] = {}
            result = scenarios.compare_database(
                lambda: CountyCachingUnitOfWork(engine, shared), c, p, start, days, **extra
            )
        else:
            with scratch_workspace() as workspace, _progress_bar() as bar:

                def progress(name: str) -> simulation.Progress:
                    task = bar.add_task(name, total=days, parcels=0, events=0)
                    totals = {"parcels": 0, "events": 0}

                    def tick(done: int, total: int, s: simulation.DayStats) -> None:
                        totals["parcels"] += s.planned
                        totals["events"] += s.events
                        bar.update(
                            task, completed=done, parcels=totals["parcels"], events=totals["events"]
                        )

                    return tick

                result = scenarios.compare(
                    workspace, Vault(settings.data_key_bytes()), c, p, start, days, plan,
                    seed=seed, scale=scale, progress=progress, **extra,
                )  # fmt: skip
    except CountyExpressError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(1) from exc
    if xlsx:
        write_xlsx(result, xlsx)
        err.print(f"wrote {xlsx}", highlight=False)
    if json_file:
        write_json(result, json_file)
        err.print(f"wrote {json_file}", highlight=False)
    if as_json:
        sys.stdout.write(json.dumps(to_dict(result), ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(title=f"{result.county_name} {result.start} + {days} days, scale {scale:g} "
                        "(模拟数据 simulated)")  # fmt: skip
    for name in ("scenario", "parcels", "door share", "hours median", "hours p90",
                 "unclaimed", "villages w/ station", "vehicle-km*", "visits", "cost CNY*",
                 "CNY/parcel"):  # fmt: skip
        table.add_column(name, justify="left" if name == "scenario" else "right")

    def f(v: Any, fmt: str = "{:,.2f}") -> str:
        return "—" if v is None else fmt.format(v)

    for o in result.outcomes:
        r = row(o)
        table.add_row(
            o.scenario.label, f(r["parcels"], "{:,}"), f(r["door_share"], "{:.1%}"),
            f(r["hours_median"]), f(r["hours_p90"]), f(r["unclaimed_share"], "{:.1%}"),
            f(r["villages_with_station"], "{:.0%}"), f(r["vehicle_km"], "{:,.0f}"),
            f(r["trips"], "{:,}"), f(r["cost"], "{:,.0f}"), f(r["cost_per_parcel"]),
        )  # fmt: skip
    out.print(table)
    base = next((o for o in result.outcomes if o.scenario.name == "co_delivery"), None)
    alone = next((o for o in result.outcomes if o.scenario.name == "separate"), None)
    if base and alone and alone.vehicle_km:
        saved = alone.vehicle_km - base.vehicle_km
        out.print(
            f"co-delivery saves {saved:,.0f} vehicle-km ({saved / alone.vehicle_km:.0%}) and "
            f"¥{alone.cost - base.cost:,.0f} against each carrier alone"
        )
    out.print(f"[dim]* {result.km_note}[/dim]")
