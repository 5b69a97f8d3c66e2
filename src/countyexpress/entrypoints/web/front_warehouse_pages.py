"""前置仓 The front-warehouse pages (issue 16, item 4): a planner uploads a county's order
history (`item_id,date,qty[,village]`, CSV or xlsx; all or nothing) or takes the synthetic
demo history (模拟); readers of planning see the stocking list (xlsx export), the year's
festival calendar with each date's source, and each item's history and 28-day forecast
with its interval, the model chosen and its backtest MASE against seasonal naive.

The forecast runs in the request and is kept (adapters/db/front_warehouse.py: one row per
county, so the pages never forecast again); the screen takes up to 50 items
(services.front_warehouse.MAX_ITEMS), the CLI any number.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from countyexpress.adapters.db.front_warehouse import SqlFrontWarehouse
from countyexpress.adapters.demand_files import read_history
from countyexpress.adapters.packs.rows import MAX_TABLE_BYTES, uploaded_table
from countyexpress.adapters.packs.simulation import params_for
from countyexpress.adapters.scenario_files import XLSX_MEDIA_TYPE
from countyexpress.domain.access import Action, Resource, Where, allowed
from countyexpress.domain.county import County
from countyexpress.domain.county_time import county_today
from countyexpress.domain.demand.festivals import Festival
from countyexpress.entrypoints.api.auth import CsrfDep
from countyexpress.entrypoints.api.deps import UowDep
from countyexpress.entrypoints.api.guards import PlannerDep, PlanReaderDep
from countyexpress.entrypoints.web.i18n import N_, gettext_for, reason_of
from countyexpress.entrypoints.web.render import render
from countyexpress.errors import CountyExpressError, PackInvalid, PackProblem
from countyexpress.services import counties, registries
from countyexpress.services import front_warehouse as fw

router = APIRouter(include_in_schema=False)

SERVICE_LEVELS = (0.9, 0.95, 0.98, 0.99)
CLASS_HELP = N_(
    "A: the items making the first 80 percent of forecast demand, B: the next 15 percent, "
    "C: the rest; X/Y/Z: weekly demand steady, variable, erratic."
)
MODEL_LABELS = {
    "SeasonalNaive": N_("seasonal naive (last week again)"),
    "AutoETS": N_("exponential smoothing (ETS)"),
    "CrostonOptimized": N_("Croston (intermittent demand)"),
    "TSB": N_("TSB (intermittent demand)"),
    "ADIDA": N_("ADIDA (intermittent demand)"),
}
SOURCE_LABELS = {fw.VERIFIED: N_("verified"), fw.ESTIMATE: N_("estimate")}
NO_FILE = N_("Choose a file of order history.")
NO_ITEM = N_("No forecast of item %(item)s.")
FESTIVAL_NAMES = {"double11": N_("Double 11"), "618": N_("618 mid-year sales"),
                  "spring": N_("Spring Festival")}  # fmt: skip


def _store(request: Request) -> SqlFrontWarehouse:
    return SqlFrontWarehouse(request.app.state.engine)


def _events(uow: Any, county: County) -> list[Festival]:
    """The pack's own festivals (simulation.toml as stored at load, else the built-in
    pack's): local events of the forecast and the calendar."""
    stored = counties.stored_document(uow, county.code, "simulation")
    return fw.pack_events(params_for(county, None, stored).festivals)


def _page(
    request: Request,
    uow: Any,
    county: County,
    by: Any,
    *,
    problems: list[PackProblem] | None = None,
    error: str = "",
    status_code: int = 200,
) -> Response:
    doc = _store(request).get(county.code)
    year = county_today().year
    return render(
        request,
        "front_warehouse.html",
        {
            "doc": doc,
            "chart": fw.total_chart(doc) if doc else None,
            "calendar": fw.calendar_rows(year, _events(uow, county)),
            "year": year,
            "can_plan": allowed(by, Action.EDIT, Resource.PLANNING, Where(county=county.code)),
            "problems": problems or [],
            "error": error,
            "service_levels": SERVICE_LEVELS,
            "max_items": fw.MAX_ITEMS,
            "demo_items": fw.DEMO_ITEMS,
            "max_mb": MAX_TABLE_BYTES // (1024 * 1024),
            "CLASS_HELP": CLASS_HELP,
            "MODEL_LABELS": MODEL_LABELS,
            "SOURCE_LABELS": SOURCE_LABELS,
            "FESTIVAL_NAMES": FESTIVAL_NAMES,
        },
        county=county,
        active="front_warehouse",
        status_code=status_code,
    )


@router.get("/counties/{code}/front-warehouse")
def front_warehouse_page(code: str, request: Request, uow: UowDep, by: PlanReaderDep) -> Response:
    """前置仓: the stocking list, the chart of all items, the festival calendar."""
    return _page(request, uow, registries.county(uow, by, code), by)


@router.post("/counties/{code}/front-warehouse", dependencies=[CsrfDep])
async def front_warehouse_upload(
    code: str,
    request: Request,
    uow: UowDep,
    by: PlannerDep,
    file: UploadFile | None = None,
    demo: Annotated[str, Form()] = "",
    service_level: Annotated[float, Form()] = 0.95,
    lead_days: Annotated[int, Form()] = 2,
    days_saved: Annotated[float, Form()] = 2.0,
) -> Response:
    """Forecast an uploaded order history (all or nothing: every bad row by file, line
    and field) or the synthetic demo history, and keep the result for the pages."""
    county = registries.county(uow, by, code)
    events = _events(uow, county)
    try:
        if demo:
            series, source, name = fw.demo_history(county_today()), fw.SYNTHETIC, ""
        elif file is None or not file.filename:
            error = gettext_for(request.state.locale)(NO_FILE)
            return _page(request, uow, county, by, error=error)
        else:
            data = await file.read(MAX_TABLE_BYTES + 1)
            name = Path(file.filename).name
            with uploaded_table(name, data, "an order history") as path:
                series = read_history(path)
            if len(series) > fw.MAX_ITEMS:
                raise PackInvalid([PackProblem(name, None, "item_id",
                    f"{len(series)} items: this screen forecasts up to {fw.MAX_ITEMS}; "
                    "use `countyexpress forecast stock` for more")])  # fmt: skip
            source = fw.UPLOAD
        doc = fw.run(series, source=source, file=name, service=service_level,
                     lead_days=lead_days, days_saved=days_saved, events=events)  # fmt: skip
    except PackInvalid as exc:
        return _page(request, uow, county, by, problems=exc.problems)
    except CountyExpressError as exc:
        error = reason_of(exc, gettext_for(request.state.locale))
        return _page(request, uow, county, by, error=error)
    _store(request).save(county.code, source, doc, by.id)
    return RedirectResponse(f"/counties/{county.code}/front-warehouse", status_code=303)


def _stored(request: Request, code: str) -> dict[str, Any] | None:
    return _store(request).get(code)


@router.get("/counties/{code}/front-warehouse/stocking.xlsx")
def front_warehouse_xlsx(code: str, request: Request, uow: UowDep, by: PlanReaderDep) -> Response:
    """The stocking list as a workbook: the list, and a sheet of its settings and summary."""
    county = registries.county(uow, by, code)
    doc = _stored(request, county.code)
    if doc is None:
        return Response("no stocking list yet: upload an order history first", status_code=404)
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "stocking"
    ws.append(list(fw.STOCK_HEADER))
    for row in fw.stocking_rows(doc):
        ws.append(row)
    about = wb.create_sheet("about")
    s = doc["summary"]
    for k, v in (("county", county.code), ("source", doc["source"]), ("file", doc["file"]),
                 ("service_level", doc["service"]), ("lead_time_days", doc["lead_days"]),
                 ("days_saved_per_order_from_county", doc["days_saved"]),
                 ("horizon_days", doc["horizon"]), *s.items()):  # fmt: skip
        about.append([k, v])
    for sheet in (ws, about):
        for cell in sheet[1] if sheet is ws else sheet["A"]:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    name = f"stocking-{county.code}.xlsx"
    return Response(buffer.getvalue(), media_type=XLSX_MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@router.get("/counties/{code}/front-warehouse/items/{item}")
def front_warehouse_item(
    code: str, item: str, request: Request, uow: UowDep, by: PlanReaderDep
) -> Response:
    """An item: its history and 28-day forecast with the interval, its model and MASE."""
    county = registries.county(uow, by, code)
    doc = _stored(request, county.code)
    if doc is None or item not in doc["items"]:
        message = gettext_for(request.state.locale)(NO_ITEM)
        return render(request, "not_found.html", {"message": message % {"item": item}},
                      county=county, status_code=404)  # fmt: skip
    advice = next((a for a in doc["advice"] if a["item"] == item), None)
    return render(
        request,
        "front_warehouse_item.html",
        {
            "doc": doc,
            "item": item,
            "info": doc["items"][item],
            "advice": advice,
            "chart": fw.item_chart(doc, item),
            "MODEL_LABELS": MODEL_LABELS,
        },
        county=county,
        active="front_warehouse",
    )
