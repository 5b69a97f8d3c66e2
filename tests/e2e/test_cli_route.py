"""`countyexpress route …` end to end: VRPLIB benchmarks and the co-delivery comparison."""

from __future__ import annotations

import csv
import itertools
import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from countyexpress.entrypoints.cli import app

runner = CliRunner()
ROUTING = Path(__file__).parents[1] / "fixtures" / "routing"
TINY = ROUTING / "tiny-n6.vrp"
X101 = Path("/work/shared/benchmarks/cvrplib/X-n101-k25.vrp")


def cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def euc_2d_cost(vrp: Path, routes: list[list[str]]) -> int:
    """The objective recomputed straight from the file: nint of Euclidean distances."""
    coords: dict[str, tuple[float, float]] = {}
    depot, section = "", ""
    for line in vrp.read_text().splitlines():
        parts = line.split()
        if not parts:
            continue
        if parts[0].endswith("_SECTION"):
            section = parts[0]
        elif section == "NODE_COORD_SECTION" and len(parts) == 3:
            coords[parts[0]] = (float(parts[1]), float(parts[2]))
        elif section == "DEPOT_SECTION" and parts[0] != "-1" and not depot:
            depot = parts[0]
    total = 0
    for route in routes:
        path = [depot, *route, depot]
        for a, b in itertools.pairwise(path):
            total += int(math.dist(coords[a], coords[b]) + 0.5)
    return total


def test_route_solve_prints_routes_by_file_node_ids_and_their_cost() -> None:
    """On the tiny instance every client (ids 2–6) appears once and the cost is recomputable."""
    code, out, err = cli("route", "solve", str(TINY), "--seconds", "0.5", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert sorted(n for r in data["routes"] for n in r) == ["2", "3", "4", "5", "6"]
    assert data["cost"] == euc_2d_cost(TINY, data["routes"])
    assert data["cost"] == 54  # 2-3 and 4-5 share a run each (20 + 20), 6 alone (14)


@pytest.mark.skipif(not X101.exists(), reason="the shared CVRPLIB instances are not here")
def test_route_solve_on_x_n101_reports_the_cost_of_the_routes_it_prints() -> None:
    """100 clients, each once, within capacity 206, and the EUC_2D cost matches the routes."""
    code, out, err = cli("route", "solve", str(X101), "--seconds", "1", "--json")
    assert code == 0, err
    data = json.loads(out)
    visited = [n for r in data["routes"] for n in r]
    assert sorted(visited, key=int) == [str(i) for i in range(2, 102)]
    assert data["cost"] == euc_2d_cost(X101, data["routes"])
    assert data["cost"] < 27591 * 1.1


def test_route_solve_refuses_a_file_that_is_not_cvrp(tmp_path: Path) -> None:
    """Another edge-weight convention is named in a one-line error, exit 1."""
    bad = tmp_path / "geo.vrp"
    bad.write_text(TINY.read_text().replace("EUC_2D", "GEO"))
    code, _, err = cli("route", "solve", str(bad), "--seconds", "0.1")
    assert code == 1
    assert "EDGE_WEIGHT_TYPE: GEO: use EUC_2D or EXPLICIT" in err


def two_carriers(tmp_path: Path) -> tuple[Path, Path]:
    """Carriers a and b both deliver to the same 4 villages around one centre."""
    parcels = tmp_path / "parcels.csv"
    with parcels.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["stop", "lat", "lon", "carrier", "parcels", "weight_kg"])
        for i, (lat, lon) in enumerate([(42.30, 86.90), (42.32, 86.95), (42.20, 86.80),
                                        (42.18, 86.75)]):  # fmt: skip
            for carrier in ("a", "b"):
                w.writerow([f"V{i}", lat, lon, carrier, 10, 15.5])
    vehicles = tmp_path / "vehicles.csv"
    vehicles.write_text(
        "code,kind,count,capacity_parcels,cost_per_km,cost_per_hour,depot,depot_lat,depot_lon\n"
        "VAN,van,2,200,1.2,35,C,42.263,86.844\n"
    )
    return parcels, vehicles


def test_route_compare_reports_that_co_delivery_saves_kilometres(tmp_path: Path) -> None:
    """Two carriers serving the same villages drive twice what one joint run drives."""
    parcels, vehicles = two_carriers(tmp_path)
    code, out, err = cli("route", "compare", "--parcels", str(parcels), "--vehicles",
                         str(vehicles), "--seconds", "0.2", "--json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert set(data["by_carrier"]) == {"a", "b"}
    assert data["separate"]["feasible"] and data["together"]["feasible"]
    assert data["saving"]["vehicle_km"] > 0
    assert data["separate"]["vehicle_km"] == pytest.approx(2 * data["together"]["vehicle_km"])
    assert "estimate" in data["assumptions"]["co2"]


def test_route_compare_names_the_line_of_a_bad_parcel_row(tmp_path: Path) -> None:
    """A weight that is not a number is refused with file, line and field."""
    parcels, vehicles = two_carriers(tmp_path)
    rows = parcels.read_text().splitlines()
    rows[2] = rows[2].replace("15.5", "heavy")
    parcels.write_text("\n".join(rows) + "\n")
    code, _, err = cli("route", "compare", "--parcels", str(parcels), "--vehicles",
                       str(vehicles), "--seconds", "0.1")  # fmt: skip
    assert code == 1
    assert "parcels.csv line 3: weight_kg: 'heavy' is not a number" in err


def test_the_heshuo_demo_day_is_planned_feasibly_with_a_saving() -> None:
    """The DEMO Heshuo day: both scenarios feasible, co-delivery cheaper than separate."""
    parcels, vehicles = ROUTING / "heshuo_demo_parcels.csv", ROUTING / "heshuo_demo_vehicles.csv"
    code, out, err = cli("route", "compare", "--parcels", str(parcels), "--vehicles",
                         str(vehicles), "--seconds", "0.3", "--json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["together"]["feasible"] and data["separate"]["feasible"]
    assert data["saving"]["cost"] > 0
