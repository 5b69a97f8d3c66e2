"""情景 The scenario page (issue 7): simulate the same demand under other policies, compare.

A planner (EDIT on PLANNING: regulator, administrator) chooses scenarios, days, demand scale
and seed and starts a run; the app's one worker thread runs it in the background and stores
its progress and result (services.scenario_runs), which htmx polls. Readers of planning see
the runs, their tables and charts, and download each as a workbook. The quick comparison —
co-delivery against each carrier alone on the days already simulated — needs no new run.
"""

from __future__ import annotations

import datetime as dt
import threading
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Engine

from countyexpress.adapters.db.front_warehouse import SqlFrontWarehouse
from countyexpress.adapters.db.scenario_runs import ScenarioRunsUnitOfWork, scratch_workspace
from countyexpress.adapters.packs.simulation import params_for
from countyexpress.adapters.scenario_files import XLSX_MEDIA_TYPE, xlsx_bytes
from countyexpress.adapters.vault import Vault
from countyexpress.domain.access import Action, Principal, Resource, Where, allowed
from countyexpress.domain.county import County
from countyexpress.domain.facilities import FacilityKind
from countyexpress.entrypoints.api.auth import CsrfDep
from countyexpress.entrypoints.api.guards import PlannerDep, PlanReaderDep
from countyexpress.entrypoints.web.i18n import N_, gettext_for
from countyexpress.entrypoints.web.render import render
from countyexpress.errors import InvalidValue, NotAllowed, NotFound
from countyexpress.planning.simulation.params import SimulationParams
from countyexpress.services import counties, registries, scenarios, siting
from countyexpress.services import scenario_runs as runs
from countyexpress.services.scenarios import Comparison, Scenario

router = APIRouter(include_in_schema=False)

DEFAULT_DAYS = 7
DEFAULT_SCALE = 0.1
DEFAULT_LOCKERS = 5
DEFAULT_PEAK = 2.4
POLL_SECONDS = 2
RECENT_RUNS = 20

NAME_LABELS = {
    "co_delivery": N_("Co-delivery (baseline)"),
    "separate": N_("Each carrier alone"),
    "station_closed": N_("A village station closed"),
    "festival_peak": N_("A festival peak"),
    "more_lockers": N_("More lockers where most receivers want one"),
}
STATUS_LABELS = {
    runs.QUEUED: N_("waiting to start"),
    runs.RUNNING: N_("running"),
    runs.DONE: N_("done"),
    runs.FAILED: N_("failed"),
}
KIND_LABELS = {
    runs.SIMULATE: N_("simulated anew"),
    runs.DATABASE: N_("days already simulated"),
}
CHART_COLOURS = ("#0b6e4f", "#d9480f", "#1c7ed6", "#7048e8", "#c2255c", "#e67700", "#0c8599")

_runner_lock = threading.Lock()


def runner_of(app: FastAPI) -> runs.Runner:
    """The app's one scenario worker, made on first use; runs a stopped server left
    unfinished are marked failed then."""
    with _runner_lock:
        runner: runs.Runner | None = getattr(app.state, "scenario_runner", None)
        if runner is None:
            engine, settings = app.state.engine, app.state.settings
            runs.recover(ScenarioRunsUnitOfWork(engine))

            def execute_one(run_id: str) -> runs.ScenarioRun:
                cache: dict[str, County] = {}  # per run: the registry may change in between
                return runs.execute(
                    run_id, lambda: ScenarioRunsUnitOfWork(engine, cache), scratch_workspace,
                    Vault(settings.data_key_bytes()), partial(_params, engine),
                )  # fmt: skip

            runner = runs.Runner(execute_one)
            app.state.scenario_runner = runner
        return runner


def _params(engine: Engine, county: County) -> SimulationParams:
    """The county's simulation parameters: its `simulation.toml` as stored at load, else
    its built-in pack's, else the defaults (adapters/packs/simulation.params_for)."""
    stored = counties.stored_document(ScenarioRunsUnitOfWork(engine), county.code, "simulation")
    return params_for(county, None, stored)


def _uow(request: Request) -> ScenarioRunsUnitOfWork:
    return ScenarioRunsUnitOfWork(request.app.state.engine)


def scenario_label(s: Scenario, gettext: Any) -> str:
    """The scenario's name on screen, in the reader's language."""
    if s.name == "station_closed":
        return str(gettext("Village station %(codes)s closed")) % {"codes": ", ".join(s.closed)}
    if s.name == "festival_peak":
        return str(gettext("Festival peak: demand ×%(factor)s")) % {
            "factor": f"{s.demand_factor:g}"
        }
    if s.name == "more_lockers":
        return str(gettext("%(n)s more lockers where most receivers want one")) % {
            "n": len(s.new_lockers)
        }
    if s.name.startswith("siting."):
        name = s.name.removeprefix("siting.")
        if s.new_stations:
            text = gettext("Siting result %(name)s: %(n)s new village stations")
            return str(text) % {"name": name, "n": len(s.new_stations)}
        if s.new_outlets:
            text = gettext("Siting result %(name)s: %(n)s new shared outlets")
            return str(text) % {"name": name, "n": len(s.new_outlets)}
        text = gettext("Siting result %(name)s: %(n)s new lockers")
        return str(text) % {"name": name, "n": len(s.new_lockers)}
    if s.name == "front_warehouse":
        text = gettext(
            "Front warehouse: %(share)s of parcels from the county, %(days)s days sooner"
        )
        return str(text) % {"share": f"{s.from_county_share:.0%}", "days": f"{s.days_saved:g}"}
    if s.name in NAME_LABELS:
        return str(gettext(NAME_LABELS[s.name]))
    return s.label


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _change(value: float | None, base: float | None) -> float | None:
    if value is None or not base:
        return None
    return value / base - 1


def table_rows(c: Comparison, gettext: Any) -> list[dict[str, Any]]:
    """Each scenario's figures, with vehicle-km, cost and delivery time against the first
    (the baseline)."""
    base = c.outcomes[0]
    rows = []
    for o in c.outcomes:
        rows.append({
            "name": o.scenario.name, "label": scenario_label(o.scenario, gettext), "o": o,
            "station_share": _share(o.by_station, o.delivered),
            "locker_share": _share(o.by_locker, o.delivered),
            "door_share": o.door_share,
            "km_change": _change(o.vehicle_km, base.vehicle_km),
            "cost_change": _change(o.cost, base.cost),
            "hours_change": _change(o.hours_mean, base.hours_mean),
            "from_county_share": _share(o.from_county, o.delivered),
            "days_saved_per_parcel": o.order_days_saved / o.delivered if o.delivered else None,
        })  # fmt: skip
    return rows


def _short(label: str, room: int = 21) -> str:
    """`label` cut to fit the chart's label column: a CJK character takes two places."""
    used = 0
    for i, ch in enumerate(label):
        used += 2 if ord(ch) > 0x2E80 else 1
        if used > room:
            return label[: max(0, i - 1)].rstrip() + "…"
    return label


def _bars(title: str, unit: str, values: list[tuple[str, float | None]], digits: int,
          percent: bool = False) -> dict[str, Any]:  # fmt: skip
    top = max((v for _, v in values if v is not None), default=0.0) or 1.0
    return {
        "title": title, "unit": unit, "percent": percent, "digits": digits,
        "bars": [
            {"label": label, "short": _short(label), "value": v,
             "width": 0.0 if v is None else max(0.0, v) / top,
             "colour": CHART_COLOURS[i % len(CHART_COLOURS)]}
            for i, (label, v) in enumerate(values)
        ],
    }  # fmt: skip


def charts(c: Comparison, gettext: Any) -> list[dict[str, Any]]:
    """Bar charts of the figures a planner compares first (inline SVG, no script)."""
    labels = [scenario_label(o.scenario, gettext) for o in c.outcomes]

    def of(get: Any) -> list[tuple[str, float | None]]:
        return [(label, get(o)) for label, o in zip(labels, c.outcomes, strict=True)]

    return [
        _bars(gettext("Vehicle-km (estimate)"), gettext("km"), of(lambda o: o.vehicle_km), 0),
        _bars(gettext("Van cost (estimate)"), gettext("CNY"), of(lambda o: o.cost), 0),
        _bars(gettext("Van cost per parcel (estimate)"), gettext("CNY"),
              of(lambda o: o.cost_per_parcel), 2),
        _bars(gettext("Hours from the centre to the receiver, mean"), gettext("h"),
              of(lambda o: o.hours_mean), 1),
        _bars(gettext("Hours from the centre to the receiver, P90"), gettext("h"),
              of(lambda o: o.hours_p90), 1),
        _bars(gettext("Unclaimed share"), "", of(lambda o: o.unclaimed_share), 3, percent=True),
        _bars(gettext("Villages with a station"), "", of(lambda o: o.villages_with_station), 3,
              percent=True),
    ]  # fmt: skip


def _carriers(c: Comparison) -> list[tuple[str, str, float, int]]:
    return [
        (o.scenario.name, code, km, trips)
        for o in c.outcomes
        for code, (km, trips) in sorted(o.by_carrier.items())
    ]


def _stations(county: County) -> list[tuple[str, str]]:
    return [(f.code, f.name) for f in county.facilities_of(FacilityKind.STATION) if f.is_operating]


def _form(request: Request, county: County, by: Principal, values: dict[str, Any] | None) -> Any:
    uow = _uow(request)
    shown: dict[str, Any] = {
        "scenarios": ["separate", "station_closed", "festival_peak", "more_lockers"],
        "siting": [], "days": DEFAULT_DAYS, "seed": 0, "scale": DEFAULT_SCALE, "end": "",
        "close": scenarios.busiest_station(county) or "", "lockers": DEFAULT_LOCKERS,
        "peak": DEFAULT_PEAK, "quick_days": 30,
    }  # fmt: skip
    shown.update(values or {})
    saved = siting.list_scenarios(uow, county.code, by=by)
    return {
        "shown": shown,
        "names": [n for n in runs.DEFAULT_NAMES if n != "co_delivery"],
        "stations": _stations(county),
        "siting": [s for s in saved if s.kind in scenarios.SITED],
        "max_days": runs.MAX_DAYS,
        "max_scale": runs.MAX_SCALE,
        "front_warehouse": _front_warehouse(request, county.code),
    }


def _front_warehouse(request: Request, code: str) -> tuple[float, float] | None:
    """The county's 前置仓 stocking list as a scenario: (share of parcels from the county,
    days each arrives sooner), None before a history is forecast on the 前置仓 page."""
    doc = SqlFrontWarehouse(request.app.state.engine).get(code)
    if doc is None:
        return None
    return float(doc["summary"]["county_share"]), float(doc["days_saved"])


def _page(
    request: Request,
    county: County,
    by: Principal,
    *,
    values: dict[str, Any] | None = None,
    error: str = "",
    status_code: int = 200,
) -> Response:
    gettext = gettext_for(request.state.locale)
    listed = runs.list_runs(_uow(request), county.code, by=by, limit=RECENT_RUNS)
    ctx = {
        "form": _form(request, county, by, values),
        "runs": listed,
        "run_labels": {r.run_id: [scenario_label(s, gettext) for s in r.scenarios] for r in listed},
        "can_plan": allowed(by, Action.EDIT, Resource.PLANNING, Where(county=county.code)),
        "error": error,
        "STATUS_LABELS": STATUS_LABELS,
        "RUN_KIND_LABELS": KIND_LABELS,
        "NAME_LABELS": NAME_LABELS,
    }
    return render(
        request, "scenarios.html", ctx, county=county, active="scenarios", status_code=status_code
    )


@router.get("/counties/{code}/scenarios")
def scenarios_page(code: str, request: Request, by: PlanReaderDep) -> Response:
    """情景: the form (planners) and the county's runs (readers of planning)."""
    runner_of(request.app)  # marks runs a stopped server left unfinished
    county = registries.county(_uow(request), by, code)
    return _page(request, county, by)


@router.post("/counties/{code}/scenarios", dependencies=[CsrfDep])
def scenarios_start(
    code: str,
    request: Request,
    by: PlannerDep,
    days: Annotated[int, Form()],
    scenario: Annotated[list[str] | None, Form()] = None,
    siting_scenario: Annotated[list[str] | None, Form()] = None,
    seed: Annotated[int, Form()] = 0,
    scale: Annotated[float, Form()] = DEFAULT_SCALE,
    end: Annotated[str, Form()] = "",
    close: Annotated[str, Form()] = "",
    lockers: Annotated[int, Form()] = DEFAULT_LOCKERS,
    peak: Annotated[float, Form()] = DEFAULT_PEAK,
    front_warehouse: Annotated[str, Form()] = "",
) -> Response:
    """Start a simulated comparison of the chosen scenarios in the background."""
    county = registries.county(_uow(request), by, code)
    values = {
        "scenarios": scenario or [], "siting": siting_scenario or [], "days": days,
        "seed": seed, "scale": scale, "end": end, "close": close, "lockers": lockers,
        "peak": peak,
    }  # fmt: skip
    try:
        last = dt.date.fromisoformat(end) if end.strip() else None
    except ValueError:
        gettext = gettext_for(request.state.locale)
        return _page(request, county, by, values=values, status_code=422,
                     error=gettext("The last day is not a date."))  # fmt: skip
    try:
        choice = runs.Choice(
            tuple(scenario or ()), days, seed, scale, last,
            (close,) if close.strip() else (), lockers, peak, tuple(siting_scenario or ()),
            _front_warehouse(request, county.code) if front_warehouse else None,
        )  # fmt: skip
        params = _params(request.app.state.engine, county)
        run = runs.start_run(_uow(request), county.code, choice, params, by=by)
    except (InvalidValue, NotFound, NotAllowed) as exc:
        status = 409 if isinstance(exc, NotAllowed) else 422
        return _page(request, county, by, values=values, error=str(exc), status_code=status)
    runner_of(request.app).submit(run.run_id)
    return RedirectResponse(f"/counties/{county.code}/scenarios/{run.run_id}", status_code=303)


@router.post("/counties/{code}/scenarios/quick", dependencies=[CsrfDep])
def scenarios_quick(
    code: str, request: Request, by: PlannerDep, days: Annotated[int, Form()]
) -> Response:
    """Co-delivery against each carrier alone on the days already simulated (no new run)."""
    county = registries.county(_uow(request), by, code)
    try:
        run = runs.start_database_run(_uow(request), county.code, days, by=by)
    except (InvalidValue, NotAllowed) as exc:
        status = 409 if isinstance(exc, NotAllowed) else 422
        return _page(request, county, by, values={"quick_days": days}, error=str(exc),
                     status_code=status)  # fmt: skip
    runner_of(request.app).submit(run.run_id)
    return RedirectResponse(f"/counties/{county.code}/scenarios/{run.run_id}", status_code=303)


def _stage(run: runs.ScenarioRun, gettext: Any) -> str:
    if run.stage == "measuring":
        return str(gettext("measuring the days already simulated"))
    found = next((s for s in run.scenarios if s.name == run.stage), None)
    return scenario_label(found, gettext) if found else run.stage


def _closed_same(c: Comparison) -> list[str]:
    """The closed stations of scenarios whose vehicle-km and village visits equal the
    baseline's: their villages are still stops (parcels to the door instead), which the
    page explains."""
    base = c.outcomes[0]
    return [code for o in c.outcomes[1:] if o.scenario.closed
            and round(o.vehicle_km, 1) == round(base.vehicle_km, 1) and o.trips == base.trips
            for code in o.scenario.closed]  # fmt: skip


def _run_context(run: runs.ScenarioRun, gettext: Any) -> dict[str, Any]:
    c = run.comparison
    return {
        "run": run,
        "labels": [scenario_label(s, gettext) for s in run.scenarios],
        "stage": _stage(run, gettext),
        "c": c,
        "rows": table_rows(c, gettext) if c else [],
        "charts": charts(c, gettext) if c else [],
        "carriers": _carriers(c) if c else [],
        "km_estimate": c is not None and c.km_note.startswith("estimate:"),
        "closed_same": _closed_same(c) if c else [],
        "poll_seconds": POLL_SECONDS,
        "STATUS_LABELS": STATUS_LABELS,
        "RUN_KIND_LABELS": KIND_LABELS,
    }


@router.get("/counties/{code}/scenarios/{run_id}")
def scenario_run_page(code: str, run_id: str, request: Request, by: PlanReaderDep) -> Response:
    """One run: its progress while it runs, then its table, charts and workbook."""
    runner_of(request.app)  # a run a stopped server left unfinished is marked so first
    county = registries.county(_uow(request), by, code)
    try:
        run = runs.get_run(_uow(request), county.code, run_id, by=by)
    except NotFound as exc:
        return render(request, "not_found.html", {"message": str(exc)}, county=county,
                      status_code=404)  # fmt: skip
    ctx = _run_context(run, gettext_for(request.state.locale))
    return render(request, "scenario_run.html", ctx, county=county, active="scenarios")


@router.get("/counties/{code}/scenarios/{run_id}/progress")
def scenario_run_progress(code: str, run_id: str, request: Request, by: PlanReaderDep) -> Response:
    """The progress bar alone, for htmx to poll; once the run has ended, the page reloads."""
    runner_of(request.app)
    run = runs.get_run(_uow(request), code, run_id, by=by)
    response = render(
        request, "_scenario_progress.html", _run_context(run, gettext_for(request.state.locale))
    )
    if run.finished:
        response.headers["HX-Refresh"] = "true"
    return response


@router.get("/counties/{code}/scenarios/{run_id}/comparison.xlsx")
def scenario_run_xlsx(code: str, run_id: str, request: Request, by: PlanReaderDep) -> Response:
    """The comparison as a workbook: table, each carrier alone, km per day, notes, charts."""
    run = runs.get_run(_uow(request), code, run_id, by=by)
    c = run.comparison
    if c is None:
        raise NotFound(f"scenario run {run_id} has no result yet")
    return Response(
        xlsx_bytes(c),
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{run.run_id}.xlsx"'},
    )
