"""Write a DEMO day of Heshuo parcels and a DEMO fleet for `route compare`.

Everything written is invented for demonstration: the stops are the Heshuo pack's demo
stations, outlets and lockers (placeholder coordinates), parcel counts and weights are
random draws with a fixed seed, and the fleet's capacities and costs are rough estimates.

    uv run python benchmarks/routing/make_heshuo_demo.py tests/fixtures/routing
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

PACK = Path(__file__).resolve().parents[2] / "src/countyexpress/packs/heshuo/facilities.csv"
KINDS = {"station": (4, 25), "outlet": (20, 70), "locker": (3, 15)}  # parcels per carrier
PICKUP_CARRIER = "ems"  # farm products go out through the post-express stations
SEED = 652828


def parcel_rows(rng: random.Random) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    with PACK.open(encoding="utf-8") as fh:
        for f in csv.DictReader(fh):
            if f["kind"] not in KINDS or f["status"] != "open" or not f["lat"]:
                continue
            low, high = KINDS[f["kind"]]
            for carrier in f["carriers"].split():
                parcels = rng.randint(low, high)
                station = f["kind"] == "station"
                pickup = rng.randint(0, 6) if station and carrier == PICKUP_CARRIER else 0
                rows.append({
                    "stop": f["code"], "lat": f["lat"], "lon": f["lon"], "carrier": carrier,
                    "parcels": parcels, "weight_kg": round(parcels * rng.uniform(0.8, 2.5), 1),
                    "volume_m3": round(parcels * rng.uniform(0.004, 0.012), 3),
                    "pickup_parcels": pickup,
                    "pickup_kg": round(pickup * rng.uniform(2, 6), 1),
                    "opens": "09:00" if station else "", "closes": "19:00" if station else "",
                })  # fmt: skip
    return rows


VEHICLES = [
    # code, kind, count, capacity parcels/kg/m3, yuan per km/hour/day, max h, range km
    ("VAN", "van", 4, 500, 1200, 8, 1.2, 35, 120, 9, ""),
    ("TRI", "e_tricycle", 2, 120, 300, 1.5, 0.15, 25, 40, 8, 80),
]


def main(dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    rows = parcel_rows(random.Random(SEED))
    with (dest / "heshuo_demo_parcels.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    with (dest / "heshuo_demo_vehicles.csv").open("w", encoding="utf-8", newline="") as fh:
        w2 = csv.writer(fh)
        w2.writerow(["code", "kind", "count", "capacity_parcels", "capacity_kg", "capacity_m3",
                     "cost_per_km", "cost_per_hour", "cost_per_day", "max_hours", "range_km",
                     "depot", "depot_lat", "depot_lon"])  # fmt: skip
        for v in VEHICLES:
            w2.writerow([*v, "HS-CENTER", "42.2630", "86.8440"])
    print(f"wrote {len(rows)} DEMO parcel lines and {len(VEHICLES)} DEMO vehicle rows to {dest}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/routing"))
