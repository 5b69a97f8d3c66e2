"""`countyexpress route …`: plan the day and store it, show it, print route sheets, follow
progress; solve a VRPLIB instance; compare separate and co-delivery."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from countyexpress.domain.periods import parse_day
from countyexpress.entrypoints.presenters_routes import plan_json, progress_json
from countyexpress.errors import CountyExpressError, InvalidValue
from countyexpress.planning.routing import PyVRPPlanner, VehicleKind
from countyexpress.planning.routing.codelivery import (
    CO2_KG_PER_KM,
    Comparison,
    Figures,
    ServiceTimes,
    compare,
    travel_for,
)
from countyexpress.planning.routing.dayplan import DayPlan
from countyexpress.planning.routing.distances import DEFAULT_CIRCUITY, DEFAULT_SPEED_KMH

route_app = typer.Typer(help="Daily routes: plan, compare co-delivery, solve benchmarks.",
                        no_args_is_help=True)  # fmt: skip

out = Console()
err = Console(stderr=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
SecondsOpt = Annotated[float, typer.Option("--seconds", min=0.01, help="Solver time limit (s).")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed of the solver.")]


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _fail(exc: CountyExpressError) -> typer.Exit:
    err.print(f"[red]{exc}[/red]", highlight=False)
    return typer.Exit(1)


@route_app.command("solve")
def route_solve(
    file: Annotated[Path, typer.Argument(help="A VRPLIB CVRP instance (.vrp)")],
    seconds: SecondsOpt = 10.0,
    seed: SeedOpt = 0,
    as_json: JsonOpt = False,
) -> None:
    """Solve a CVRP benchmark instance; the cost is recomputed from the routes printed."""
    from countyexpress.adapters.routing.vrplib_cvrp import read_cvrp

    try:
        instance = read_cvrp(file)
        plan = PyVRPPlanner(seconds=seconds, seed=seed)(instance.problem)
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    routes = [list(r.stops) for r in plan.routes]
    check = plan.check(instance.problem)
    cost = instance.route_cost(routes)
    if as_json:
        _print_json({"cost": cost, "routes": routes})
    else:
        for i, r in enumerate(routes, 1):
            out.print(f"Route #{i}: {' '.join(r)}", highlight=False)
        out.print(f"Cost {cost}", highlight=False)
    if not check.feasible:
        err.print(f"[red]the plan breaks {len(check.violations)} rule(s):[/red]")
        for v in check.violations[:10]:
            err.print(f"  {v}", markup=False, highlight=False)
        raise typer.Exit(3)


@route_app.command("compare")
def route_compare(
    parcels: Annotated[Path, typer.Option("--parcels", help="Parcel lines CSV")],
    vehicles: Annotated[Path, typer.Option("--vehicles", help="Vehicles CSV")],
    seconds: SecondsOpt = 5.0,
    seed: SeedOpt = 0,
    circuity: Annotated[float, typer.Option(help="Road km per straight-line km")] = (
        DEFAULT_CIRCUITY
    ),
    speed: Annotated[float, typer.Option(help="Average speed, km/h")] = DEFAULT_SPEED_KMH,
    per_stop: Annotated[float, typer.Option(help="Minutes at each stop")] = 5.0,
    per_parcel: Annotated[float, typer.Option(help="Minutes per parcel")] = 0.2,
    co2_van: Annotated[float, typer.Option(help="kg CO₂ per van-km (estimate)")] = (
        CO2_KG_PER_KM[VehicleKind.VAN]
    ),
    co2_e_tricycle: Annotated[float, typer.Option(help="kg CO₂ per tricycle-km (estimate)")] = (
        CO2_KG_PER_KM[VehicleKind.E_TRICYCLE]
    ),
    as_json: JsonOpt = False,
) -> None:
    """Plan the day per carrier and for all carriers together; report what co-delivery saves."""
    from countyexpress.adapters.routing.parcel_files import read_parcels, read_vehicles

    try:
        lines = read_parcels(parcels)
        depots, fleet = read_vehicles(vehicles)
        travel = travel_for(lines, depots, circuity, speed)
        result = compare(
            lines, depots, fleet, travel, PyVRPPlanner(seconds=seconds, seed=seed),
            ServiceTimes(per_stop, per_parcel),
            {VehicleKind.VAN: co2_van, VehicleKind.E_TRICYCLE: co2_e_tricycle},
        )  # fmt: skip
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    if as_json:
        _print_json(_comparison_json(result, circuity, speed))
    else:
        _print_comparison(result)
    if result.separate.violations or result.together.violations:
        raise typer.Exit(3)


def _figures_json(f: Figures) -> dict[str, Any]:
    return {
        "vehicle_km": round(f.vehicle_km, 2),
        "vehicle_hours": round(f.vehicle_hours, 2),
        "cost": round(f.cost, 2),
        "co2_kg": round(f.co2_kg, 2),
        "routes": f.routes,
        "feasible": not f.violations,
        "violations": list(f.violations),
    }


def _comparison_json(c: Comparison, circuity: float, speed: float) -> dict[str, Any]:
    return {
        "separate": _figures_json(c.separate),
        "together": _figures_json(c.together),
        "by_carrier": {k: _figures_json(v) for k, v in c.by_carrier.items()},
        "saving": {k: round(v, 2) for k, v in c.saving().items()},
        "assumptions": {
            "distances": f"great-circle km × circuity {circuity:g}, at {speed:g} km/h",
            "separate": "each carrier runs a fleet like the one given, from the same depot",
            "co2": "vehicle-km × kg per km by vehicle kind; an estimate, not a measurement",
        },
    }


def _print_comparison(c: Comparison) -> None:
    table = Table("plan", "vehicle-km", "vehicle-h", "cost", "CO₂ kg (est.)", "routes")
    rows = [(f"  {k} alone", v) for k, v in c.by_carrier.items()]
    rows += [("separate (sum)", c.separate), ("co-delivery", c.together)]
    for name, f in rows:
        table.add_row(name, f"{f.vehicle_km:.1f}", f"{f.vehicle_hours:.2f}", f"{f.cost:.2f}",
                      f"{f.co2_kg:.1f}", str(f.routes))  # fmt: skip
    out.print(table)
    s = c.saving()
    out.print(
        f"co-delivery saves {s['vehicle_km']:.1f} vehicle-km ({s['vehicle_km_pct']:.0f} %), "
        f"{s['vehicle_hours']:.2f} vehicle-h ({s['vehicle_hours_pct']:.0f} %), "
        f"{s['cost']:.2f} in cost ({s['cost_pct']:.0f} %), "
        f"about {s['co2_kg']:.1f} kg CO₂ ({s['co2_kg_pct']:.0f} %, estimate)"
    )


CountyOpt = Annotated[str, typer.Option("--county", "-c", help="County code, e.g. 652828.")]


def _uow() -> Any:
    from countyexpress import bootstrap
    from countyexpress.settings import get_settings

    return bootstrap.uow_factory(bootstrap.open_engine(get_settings()))()


def _day(text: str | None) -> dt.date:
    if not text:
        return dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    try:
        return parse_day(text)  # years 2000 to 2099
    except InvalidValue as exc:
        raise _fail(exc) from exc


def _print_plan(plan: DayPlan) -> None:
    table = Table("vehicle", "#", "stop", "name", "kind", "parcels", "kg", "pickups", "arrives")
    for run in plan.runs:
        for s in run.stops:
            table.add_row(
                f"{run.vehicle} {run.label}" if s.sequence == 1 else "", str(s.sequence), s.code,
                s.name, s.kind + (" ❄" if s.cold else ""), str(s.parcels), f"{s.kg:.1f}",
                str(s.pickups), s.arrival.strftime("%H:%M"),
            )  # fmt: skip
    out.print(table)
    out.print(
        f"plan {plan.plan_id} for {plan.day}: {len(plan.runs)} vehicle(s), "
        f"{plan.distance_km:.1f} km, {plan.duration_h:.2f} vehicle-h, cost {plan.cost:.2f} "
        f"({plan.basis}; vehicles: {plan.fleet_label})",
        highlight=False,
    )


def _report_check(plan: DayPlan) -> None:
    if plan.feasible:
        return
    err.print(f"[red]the plan breaks {len(plan.violations)} rule(s):[/red]")
    for v in plan.violations[:10]:
        err.print(f"  {v}", markup=False, highlight=False)
    raise typer.Exit(3)


@route_app.command("plan")
def route_plan(
    county: CountyOpt,
    date: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default: today)")] = None,
    seconds: SecondsOpt = 2.0,
    seed: SeedOpt = 0,
    vehicles: Annotated[
        Path | None,
        typer.Option("--vehicles", help="vehicles.csv or a pack folder (default: the pack's)"),
    ] = None,
    roads: Annotated[
        Path | None, typer.Option("--roads", help="road_distances.csv or a pack folder")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Plan today's runs from the centre's sorted parcels and the stations' pickups; store it."""
    from countyexpress.adapters.packs.roads import road_distances_at
    from countyexpress.adapters.packs.vehicles import fleet_for
    from countyexpress.services.routes import plan_day
    from countyexpress.services.vehicles import registry_fleet

    day = _day(date)
    try:
        fleet = fleet_for(county, vehicles) if vehicles else registry_fleet(_uow())
        matrix = road_distances_at(roads) if roads else None
        plan = plan_day(_uow(), county, day, fleet, PyVRPPlanner(seconds=seconds, seed=seed),
                        roads=matrix)  # fmt: skip
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    if as_json:
        _print_json(plan_json(plan))
    else:
        _print_plan(plan)
    _report_check(plan)


@route_app.command("show")
def route_show(
    plan_id: Annotated[str, typer.Argument(help="A plan id, e.g. RP-652828-20261128-ab12cd")],
    geojson: Annotated[
        Path | None, typer.Option("--geojson", help="Also write the plan as GeoJSON here")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """A stored plan: each vehicle's stops in order, parcels and planned times."""
    from countyexpress.services.routes import get_plan

    try:
        plan = get_plan(_uow(), plan_id)
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    if geojson is not None:
        from countyexpress.adapters.routing.geojson import plan_geojson

        geojson.write_text(
            json.dumps(plan_geojson(plan), ensure_ascii=False, indent=1), encoding="utf-8"
        )
    if as_json:
        _print_json(plan_json(plan))
    else:
        _print_plan(plan)
        if geojson is not None:
            out.print(f"GeoJSON written to {geojson}", highlight=False)


@route_app.command("sheet")
def route_sheet(
    plan_id: Annotated[str, typer.Argument(help="A plan id")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the PDF")] = Path("."),
    as_json: JsonOpt = False,
) -> None:
    """The printable route sheets of a plan: one PDF, one page per vehicle, a QR per stop."""
    from countyexpress.adapters.routing.sheets import sheet_pdf
    from countyexpress.services.routes import get_plan

    try:
        plan = get_plan(_uow(), plan_id)
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{plan.plan_id}.pdf"
    path.write_bytes(sheet_pdf(plan))
    if as_json:
        _print_json({"plan_id": plan.plan_id, "pdf": str(path), "pages": len(plan.runs)})
    else:
        out.print(f"{len(plan.runs)} route sheet(s) written to {path}", highlight=False)


@route_app.command("progress")
def route_progress_cmd(
    plan_id: Annotated[str, typer.Argument(help="A plan id")],
    county: CountyOpt,
    as_json: JsonOpt = False,
) -> None:
    """Drivers' scans against the plan: stops done, partly done, pending, and off-plan scans."""
    from countyexpress.services.routes import route_progress

    try:
        report = route_progress(_uow(), county, plan_id)
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    data = progress_json(report)
    if as_json:
        _print_json(data)
        return
    table = Table("vehicle", "#", "stop", "state", "delivered", "picked up", "planned", "last scan")
    for s in report.stops:
        table.add_row(s.vehicle, str(s.sequence), s.stop, s.state.value,
                      f"{s.delivered}/{s.parcels}", f"{s.picked_up}/{s.pickups}",
                      s.planned.strftime("%H:%M"),
                      s.last_scan.strftime("%H:%M") if s.last_scan else "")  # fmt: skip
    out.print(table)
    for o in report.off_plan:
        out.print(f"off-plan: {o.waybill_no} {o.reason}", highlight=False)
    out.print(", ".join(f"{k} {v}" for k, v in data["counts"].items()), highlight=False)
