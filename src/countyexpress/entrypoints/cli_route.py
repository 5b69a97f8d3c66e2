"""`countyexpress route …`: solve a VRPLIB instance, compare separate and co-delivery."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from countyexpress.errors import CountyExpressError
from countyexpress.planning.routing import PyVRPPlanner, VehicleKind
from countyexpress.planning.routing.codelivery import (
    CO2_KG_PER_KM,
    Comparison,
    Figures,
    ServiceTimes,
    compare,
    travel_for,
)
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
