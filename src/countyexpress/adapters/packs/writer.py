"""Write a County back out as a pack folder (a round trip of `read_pack`) and as GeoJSON."""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import tomli_w

from countyexpress.adapters.rules_codec import rules_to_dict
from countyexpress.domain.county import County
from countyexpress.domain.facilities import Facility
from countyexpress.domain.plan import Standards

DIVISION_HEADER = [
    "code", "name", "level", "parent_code", "population", "lat", "lon",
    "quality", "coord_quality", "note",
]  # fmt: skip
FACILITY_HEADER = [
    "code", "name", "kind", "division_code", "lat", "lon", "operator", "status", "quality",
    "carriers", "note",
    "filing_no", "opened_on", "filed_on", "has_storage", "has_communications", "has_shelves",
    "has_cctv", "has_carrier_sign",
    "has_staff", "has_premises", "has_device", "has_sign",
    "compartments_s", "compartments_m", "compartments_l",
    "capacity_t", "min_temp_c",
]  # fmt: skip
CARRIER_HEADER = ["code", "name", "name_en", "note", "note_en"]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _manifest(county: County) -> dict[str, Any]:
    info: dict[str, Any] = {
        "code": county.code,
        "name": county.name,
        "name_en": county.name_en,
        "province": county.province,
        "prefecture": county.prefecture,
        "population_source": county.population_source,
        "coordinate_system": "WGS84",
    }
    if county.population_source_en:
        info["population_source_en"] = county.population_source_en
    if county.population is not None:
        info["population"] = county.population
    if county.seat:
        info["seat"] = {"lat": county.seat.lat, "lon": county.seat.lon}
    plan = county.plan
    std = {f.name: getattr(plan.standards, f.name) for f in fields(Standards) if f.name != "extra"}
    std["five_haves"] = list(plan.standards.five_haves)
    std.update(plan.standards.extra)
    plan_out: dict[str, Any] = {
        "title": plan.title,
        "title_en": plan.title_en,
        "issuer": plan.issuer,
        "units": [asdict(u) for u in plan.units],
        "tasks": [
            {**asdict(t), "lead": list(t.lead), "cooperating": list(t.cooperating)}
            for t in plan.tasks
        ],
        "targets": [{k: v for k, v in asdict(t).items() if v is not None} for t in plan.targets],
        "standards": std,
    }
    if plan.issued_on:
        plan_out["issued_on"] = plan.issued_on
    return {
        "county": info,
        "sources": [asdict(s) for s in county.sources],
        "plan": plan_out,
        "operations": rules_to_dict(county.operations),
    }


def _facility_row(f: Facility) -> dict[str, Any]:
    row: dict[str, Any] = {
        "code": f.code,
        "name": f.name,
        "kind": f.kind.value,
        "division_code": f.division_code,
        "lat": f.location.lat if f.location else None,
        "lon": f.location.lon if f.location else None,
        "operator": f.operator,
        "status": f.status.value,
        "quality": f.quality.value,
        "carriers": " ".join(f.carriers),
        "note": f.note,
    }
    if f.filing:
        row.update(asdict(f.filing))
    if f.five_haves:
        row.update({f"has_{k}": v for k, v in asdict(f.five_haves).items()})
    if f.compartments:
        c = f.compartments
        row.update(compartments_s=c.small, compartments_m=c.medium, compartments_l=c.large)
    if f.cold:
        row.update(asdict(f.cold))
    return row


def _write_csv(path: Path, header: list[str], rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow([_cell(r.get(h)) for h in header])


def write_pack(county: County, dest: Path) -> list[Path]:
    """Write county.toml, divisions.csv, facilities.csv and carriers.csv into `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "county.toml").write_text(tomli_w.dumps(_manifest(county)), encoding="utf-8")
    divisions = [
        {
            "code": d.code,
            "name": d.name,
            "level": d.level.value,
            "parent_code": d.parent_code,
            "population": d.population,
            "lat": d.location.lat if d.location else None,
            "lon": d.location.lon if d.location else None,
            "quality": d.quality.value,
            "coord_quality": d.coord_quality.value,
            "note": d.note,
        }
        for d in county.divisions
    ]
    _write_csv(dest / "divisions.csv", DIVISION_HEADER, divisions)
    _write_csv(
        dest / "facilities.csv", FACILITY_HEADER, [_facility_row(f) for f in county.facilities]
    )
    _write_csv(dest / "carriers.csv", CARRIER_HEADER, [asdict(c) for c in county.carriers])
    return [dest / n for n in ("county.toml", "divisions.csv", "facilities.csv", "carriers.csv")]


def geojson(county: County) -> dict[str, Any]:
    """Divisions and facilities as a GeoJSON FeatureCollection of points (WGS-84)."""
    features: list[dict[str, Any]] = []
    for d in county.divisions:
        if d.location is None:
            continue
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [d.location.lon, d.location.lat]},
            "properties": {
                "layer": "division", "code": d.code, "name": d.name, "level": d.level.value,
                "parent_code": d.parent_code, "population": d.population,
                "quality": d.quality.value, "coord_quality": d.coord_quality.value,
            },
        })  # fmt: skip
    for f in county.facilities:
        if f.location is None:
            continue
        row = _facility_row(f)
        del row["lat"], row["lon"]
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [f.location.lon, f.location.lat]},
            "properties": {"layer": "facility", **{k: v for k, v in row.items() if v != ""}},
        })  # fmt: skip
    return {
        "type": "FeatureCollection",
        "name": f"{county.code} {county.name}",
        "attribution": "; ".join(
            f"{s.name} ({s.licence})" if s.licence else s.name for s in county.sources
        ),
        "features": features,
    }


def write_geojson(county: County, path: Path) -> Path:
    """Write `geojson(county)` to a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(geojson(county), ensure_ascii=False, indent=1, default=str)
    path.write_text(text, encoding="utf-8")
    return path
