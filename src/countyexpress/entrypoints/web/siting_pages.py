"""选址 The siting screen: the form, its result drawn on a map, saved scenarios side by side.

Solving and saving are EDIT on PLANNING (the regulator, the administrator); reading the page,
the scenarios and their comparison is READ on PLANNING. The guards refuse before the form is
read; the service checks again.
"""

from __future__ import annotations

import math
import secrets
import tempfile
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from countyexpress.adapters.packs.registry_xlsx import XLSX_MEDIA_TYPE
from countyexpress.adapters.siting_xlsx import write_comparison_xlsx
from countyexpress.domain.access import Action, Principal, Resource, Where, allowed
from countyexpress.domain.county import County
from countyexpress.domain.coverage import default_radius
from countyexpress.domain.facilities import FacilityKind
from countyexpress.domain.siting_scenarios import SITED_KINDS, Scenario
from countyexpress.entrypoints.api.auth import CsrfDep
from countyexpress.entrypoints.api.deps import UowDep
from countyexpress.entrypoints.api.guards import PlannerDep, PlanReaderDep
from countyexpress.entrypoints.presenters_siting import figures_json
from countyexpress.entrypoints.web.i18n import N_, gettext_for
from countyexpress.entrypoints.web.labels import KIND_LABELS, QUALITY_LABELS
from countyexpress.entrypoints.web.render import render, templates
from countyexpress.entrypoints.web.screens import KIND_COLOURS, QUALITY_COLOURS
from countyexpress.errors import InvalidValue, NotFound
from countyexpress.planning.siting import Objective, SitingRequest, SolveLimits
from countyexpress.services import registries
from countyexpress.services import siting as service
from countyexpress.services.siting import SitePlan

router = APIRouter(include_in_schema=False)

MAX_TIME_LIMIT_S = 60.0
DEFAULT_TIME_LIMIT_S = 20.0
"""Solving takes seconds on a county; the form may not hold a request longer than a minute."""
MAX_P = 200
MAX_RADIUS_KM = 200.0
OBJECTIVE_LABELS = {
    Objective.PMEDIAN.value: N_("p-median: least mean distance with p new sites"),
    Objective.MCLP.value: N_("maximal covering: most residents within the radius with p new sites"),
    Objective.SETCOVER.value: N_(
        "set covering: fewest new sites that bring everyone within the radius"
    ),
}
templates.env.globals["OBJECTIVE_LABELS"] = OBJECTIVE_LABELS
SCENARIO_COLOURS = ("#d9480f", "#1c7ed6", "#7048e8", "#2b8a3e", "#c2255c", "#e67700")


def _may(by: Principal, action: Action, county: County) -> bool:
    return allowed(by, action, Resource.PLANNING, Where(county=county.code))


def _form(county: County, values: dict[str, Any] | None = None) -> dict[str, Any]:
    """The form's choices and the values it shows (the last ones asked, else defaults)."""
    shown = {
        "kind": FacilityKind.LOCKER.value,
        "objective": Objective.MCLP.value,
        "p": 3,
        "radius_km": default_radius(county),
        "time_limit_s": DEFAULT_TIME_LIMIT_S,
        "save": "",
    }
    shown.update({k: v for k, v in (values or {}).items() if v is not None})
    return {
        "shown": shown,
        "kinds": [k.value for k in SITED_KINDS],
        "objectives": [o.value for o in Objective],
        "max_time_limit_s": MAX_TIME_LIMIT_S,
        "max_p": MAX_P,
        "max_radius_km": MAX_RADIUS_KM,
    }


def _places(county: County) -> list[dict[str, Any]]:
    """The county's villages and communities as map points, with their coordinates' quality."""
    return [
        {"code": d.code, "name": d.name, "lat": d.location.lat, "lon": d.location.lon,
         "population": d.population, "quality": d.coord_quality.value}
        for d in county.divisions
        if d.location is not None and d.level.value in ("village", "community")
    ]  # fmt: skip


def _map_data(county: County, plan: SitePlan, gettext: Any) -> dict[str, Any]:
    """Villages and communities, the kind's existing sites and the chosen ones, for siting.js."""
    by_code = {d.code: d for d in county.divisions}
    facilities = {f.code: f for f in county.facilities}

    def site(i: str, existing: bool) -> dict[str, Any] | None:
        f = facilities.get(i)
        d = by_code.get(i)
        at = f.location if f is not None else d.location if d is not None else None
        if at is None:
            return None
        quality = f.quality if f is not None else d.coord_quality if d is not None else None
        return {
            "id": i, "name": plan.names.get(i, i), "lat": at.lat, "lon": at.lon,
            "existing": existing, "quality": quality.value if quality else "estimate",
        }  # fmt: skip

    places = _places(county)
    chosen = [s for i in plan.result.chosen if (s := site(i, existing=False)) is not None]
    existing = [s for i in plan.existing if (s := site(i, existing=True)) is not None]
    return {
        "kind": plan.kind.value,
        "colour": KIND_COLOURS.get(plan.kind.value, "#333"),
        "radius_km": plan.radius_km,
        "places": places,
        "existing": existing,
        "chosen": chosen,
        "labels": {
            "places": gettext("Villages and communities"),
            "existing": gettext("existing sites"),
            "chosen": gettext("chosen sites"),
            "kind": gettext(KIND_LABELS[plan.kind.value]),
            "coordinates": gettext("coordinates"),
            "qualities": {k: gettext(v) for k, v in QUALITY_LABELS.items()},
        },
        "quality_colours": QUALITY_COLOURS,
    }


def _result(county: County, plan: SitePlan, asked: dict[str, Any], gettext: Any) -> dict[str, Any]:
    r = plan.result
    return {
        "plan": plan,
        "asked": asked,
        "explanation": plan.explain(),
        "chosen": [{"id": i, "name": plan.names.get(i, i)} for i in r.chosen],
        "gap": r.gap if math.isfinite(r.gap) else None,
        "map": _map_data(county, plan, gettext),
    }


def _scenarios(uow: Any, by: Principal, code: str) -> list[Scenario]:
    return service.list_scenarios(uow, code, by=by)


def _page(
    request: Request,
    uow: Any,
    by: Principal,
    county: County,
    *,
    form: dict[str, Any] | None = None,
    result: dict[str, Any] | None = None,
    error: str = "",
    status_code: int = 200,
) -> Response:
    ctx = {
        "form": _form(county, form),
        "result": result,
        "error": error,
        "scenarios": _scenarios(uow, by, county.code),
        "can_plan": _may(by, Action.EDIT, county),
    }
    return render(
        request, "siting.html", ctx, county=county, active="siting", status_code=status_code
    )


@router.get("/counties/{code}/siting")
def siting_page(code: str, request: Request, uow: UowDep, by: PlanReaderDep) -> Response:
    """选址: the form (planners), saved scenarios and the way to compare them (readers)."""
    county = registries.county(uow, by, code)
    return _page(request, uow, by, county)


@router.post("/counties/{code}/siting", dependencies=[CsrfDep])
def siting_solve(
    code: str,
    request: Request,
    uow: UowDep,
    by: PlannerDep,
    kind: Annotated[FacilityKind, Form()],
    objective: Annotated[Objective, Form()],
    p: Annotated[int | None, Form(ge=1, le=MAX_P)] = None,
    radius_km: Annotated[float | None, Form(gt=0, le=MAX_RADIUS_KM)] = None,
    time_limit_s: Annotated[float, Form(gt=0, le=MAX_TIME_LIMIT_S)] = DEFAULT_TIME_LIMIT_S,
    save: Annotated[str | None, Form(max_length=60)] = None,
    plan_token: Annotated[str | None, Form(max_length=64)] = None,
) -> Response:
    """Solve the siting question; with a name in `save`, keep the result as a scenario.

    A save under an answer just shown names it by `plan_token`: the plan is kept, not
    solved again (a solve stopped by its time limit might choose other sites); when the
    token is gone (a restart, or 30 minutes later) the question is solved again."""
    county = registries.county(uow, by, code)
    gettext = gettext_for(request.state.locale)
    asked = {"kind": kind.value, "objective": objective.value, "p": p, "radius_km": radius_km,
             "time_limit_s": time_limit_s, "save": save or ""}  # fmt: skip
    if objective is Objective.SETCOVER:
        p = None  # set covering chooses how many; a p left in the form means nothing
    name = (save or "").strip() or None
    partial = bool(request.headers.get("HX-Request"))
    plans = _solved(request)
    kept = plans.get(plan_token or "", (by.id, county.code)) if name else None
    token = ""
    try:
        if kept is not None:
            plan = service.save_plan(uow, kept, name or "", by=by)
        else:
            plan = service.plan_sites(
                uow, code, kind, SitingRequest(objective, p, radius_km), by=by, save=name,
                limits=SolveLimits(time_limit_s=time_limit_s),
            )  # fmt: skip
            if name is None:
                token = plans.put((by.id, county.code), plan)
    except (InvalidValue, NotFound) as exc:
        if partial:  # htmx swaps a 200 only: the message takes the result's place
            return render(request, "_siting_result.html", {"result": None, "error": str(exc)})
        return _page(request, uow, by, county, form=asked, error=str(exc), status_code=422)
    result = _result(county, plan, asked, gettext)
    result["token"] = token
    if partial:
        ctx = {
            "result": result, "error": "", "form": _form(county, asked), "can_plan": True,
            "scenarios": _scenarios(uow, by, county.code), "oob": True,
        }  # fmt: skip
        return render(request, "_siting_result.html", ctx, county=county)
    return _page(request, uow, by, county, form=asked, result=result)


class SolvedPlans:
    """Plans just shown, by a random token, for their save button: at most `size`, each for
    `ttl_s` seconds, only for who solved them in that county."""

    def __init__(self, size: int = 64, ttl_s: float = 1800.0) -> None:
        self.size, self.ttl_s = size, ttl_s
        self._plans: OrderedDict[str, tuple[float, tuple[str, str], SitePlan]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, owner: tuple[str, str], plan: SitePlan) -> str:
        token = secrets.token_urlsafe(16)
        with self._lock:
            self._plans[token] = (time.monotonic(), owner, plan)
            while len(self._plans) > self.size:
                self._plans.popitem(last=False)
        return token

    def get(self, token: str, owner: tuple[str, str]) -> SitePlan | None:
        with self._lock:
            found = self._plans.get(token)
        if found is None or found[1] != owner or time.monotonic() - found[0] > self.ttl_s:
            return None
        return found[2]


def _solved(request: Request) -> SolvedPlans:
    state = request.app.state
    if not hasattr(state, "siting_plans"):
        state.siting_plans = SolvedPlans()
    plans: SolvedPlans = state.siting_plans
    return plans


def _names(names: list[str] | None) -> list[str]:
    """Names from repeated `names=` or one comma-separated value, in order, once each."""
    out = [n.strip() for raw in names or [] for n in raw.split(",")]
    return list(dict.fromkeys(n for n in out if n))


NamesQuery = Annotated[list[str] | None, Query(description="Scenario names")]
RadiusQuery = Annotated[float | None, Query(gt=0, le=MAX_RADIUS_KM)]


@router.get("/counties/{code}/siting/compare")
def siting_compare(
    code: str,
    request: Request,
    uow: UowDep,
    by: PlanReaderDep,
    names: NamesQuery = None,
    radius_km: RadiusQuery = None,
) -> Response:
    """Saved scenarios side by side at one radius: coverage, distance, new sites, cost."""
    county = registries.county(uow, by, code)
    wanted = _names(names)
    scenarios = _scenarios(uow, by, county.code)
    ctx: dict[str, Any] = {
        "names": wanted, "scenarios": scenarios, "figures": [], "error": "", "map": None,
        "radius_km": radius_km or default_radius(county),
    }  # fmt: skip
    try:
        figures = service.compare_scenarios(uow, code, wanted, radius_km, by=by)
    except (InvalidValue, NotFound) as exc:
        ctx["error"] = str(exc)
        return render(request, "siting_compare.html", ctx, county=county, active="siting",
                      status_code=422 if isinstance(exc, InvalidValue) else 404)  # fmt: skip
    ctx["figures"] = [figures_json(f) for f in figures]
    ctx["map"] = _compare_map(county, [s for n in wanted for s in scenarios if s.name == n])
    return render(request, "siting_compare.html", ctx, county=county, active="siting")


def _compare_map(county: County, chosen: list[Scenario]) -> dict[str, Any]:
    """Each compared scenario's new sites in its own colour, the existing ones in grey."""
    places = _places(county)
    layers = []
    for i, s in enumerate(chosen):
        sites = [{"id": x.id, "name": x.name, "lat": x.location.lat, "lon": x.location.lon,
                  "existing": x.existing} for x in s.sites]  # fmt: skip
        layers.append({"name": s.name, "colour": SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)],
                       "sites": sites})  # fmt: skip
    return {"places": places, "scenarios": layers}


@router.get("/counties/{code}/siting/compare.xlsx")
def siting_compare_xlsx(
    code: str,
    uow: UowDep,
    by: PlanReaderDep,
    names: NamesQuery = None,
    radius_km: RadiusQuery = None,
) -> Response:
    """The comparison as an Excel workbook: a row per figure, a column per scenario."""
    try:
        figures = service.compare_scenarios(uow, code, _names(names), radius_km, by=by)
    except InvalidValue as exc:
        return Response(str(exc), status_code=422, media_type="text/plain; charset=utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = write_comparison_xlsx([figures_json(f) for f in figures], Path(tmp) / "c.xlsx")
        data = path.read_bytes()
    return Response(
        data,
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{code}-siting-scenarios.xlsx"'},
    )
