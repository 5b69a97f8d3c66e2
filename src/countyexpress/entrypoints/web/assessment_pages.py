"""The 年度考核 page (issue 15): the plan's tasks of a year with their lead and cooperating
units, status, score and reason, the sections' totals, problems found and measures, the
data-quality appendix, and the progress notes; a regulator adds a note with a file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from countyexpress.adapters.reports.assessment_docx import report_docx
from countyexpress.adapters.reports.assessment_pdf import report_pdf
from countyexpress.adapters.reports.assessment_xlsx import report_xlsx
from countyexpress.adapters.vault import Vault
from countyexpress.domain.access import Action, Resource, Where, allowed
from countyexpress.domain.county_time import county_today
from countyexpress.domain.supervision.attachments import MAX_BYTES
from countyexpress.entrypoints.api.auth import CsrfDep, PrincipalDep
from countyexpress.entrypoints.api.deps import SettingsDep, UowDep
from countyexpress.entrypoints.api.supervision import attachment_response
from countyexpress.entrypoints.web.i18n import N_, gettext_for, reason_of
from countyexpress.entrypoints.web.render import render
from countyexpress.entrypoints.web.supervision_pages import SupervisorDep
from countyexpress.errors import CountyExpressError, Forbidden, NotAuthenticated, NotFound
from countyexpress.services import assessment, registries

router = APIRouter(include_in_schema=False)

TASK_STATUS = {
    "met": N_("met"),
    "behind": N_("behind"),
    "overdue": N_("overdue"),
    "no_data": N_("no data"),
    "no_target": N_("no target"),
}
DONE = {"noted": N_("Progress note recorded.")}


SPARK_W, SPARK_H = 96, 24
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FROZEN_FILES = {  # the frozen report's files, made on request from its JSON
    "report.pdf": (report_pdf, "application/pdf"),
    "report.docx": (report_docx, DOCX),
    "report.xlsx": (report_xlsx, XLSX),
}


def spark(months: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A sparkline of an indicator's months: polylines joining consecutive months with a
    snapshot (a month without one breaks the line: nothing is drawn in between), dots for
    lone months, and the months without a snapshot named."""
    values = [m["value"] for m in months if m["snapshot"] and m["value"] is not None]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    span = (high - low) or 1.0
    step = SPARK_W / max(len(months) - 1, 1)
    segments: list[list[str]] = [[]]
    dots = []
    for n, m in enumerate(months):
        if not m["snapshot"] or m["value"] is None:
            segments.append([])
            continue
        x, y = round(n * step, 1), round(SPARK_H - 2 - (m["value"] - low) / span * (SPARK_H - 4), 1)
        segments[-1].append(f"{x},{y}")
        dots.append((x, y))
    return {
        "lines": [" ".join(seg) for seg in segments if len(seg) > 1],
        "dots": dots,
        "missing": [m["month"] for m in months if not m["snapshot"]],
        "stored": len(months) - sum(not m["snapshot"] for m in months),
        "low": low,
        "high": high,
    }


def _sparks(report: Mapping[str, Any]) -> dict[int, dict[str, Any]]:
    out = {}
    for t in report["tasks"]:
        for i in t["indicators"]:
            months = i.get("trend", {}).get("months", [])
            if months:
                out[t["task"]] = spark(months) | {"indicator": i["indicator"]}
                break
    return out


def _page(code: str, year: int, done: str = "", error: str = "") -> str:
    url = f"/counties/{code}/assessment?year={year}"
    if done:
        return f"{url}&done={done}"
    return f"{url}&error={error[:300]}" if error else url


@router.get("/counties/{code}/assessment")
def assessment_page(
    code: str,
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    year: int | None = None,
    done: str = "",
    error: str = "",
) -> Response:
    """The year's task tracker (default: this year) scored on the county's sheet; a unit's
    user sees the tasks its unit leads first, then those it cooperates on."""
    county = registries.county(uow, by, code)
    asked = year if year is not None and 1990 <= year <= 2100 else county_today().year
    data = assessment.to_json(assessment.report(uow, county.code, asked, by=by))
    try:
        frozen = assessment.frozen(uow, county.code, asked, by=by)
    except NotFound:
        frozen = None
    comparison = assessment.compare(uow, county.code, asked, by=by) if frozen else None
    mine = assessment.unit_tasks(county, by.unit)
    rank = {n: i for i, n in enumerate(mine)}
    data["tasks"].sort(key=lambda t: (rank.get(t["task"], len(rank)), t["task"]))
    gettext = gettext_for(request.state.locale)
    ctx = {
        "year": asked,
        "mine": set(mine),
        "unit": county.plan.unit(by.unit) if by.unit else None,
        "report": data,
        "sparks": _sparks(data),
        "SPARK_W": SPARK_W,
        "SPARK_H": SPARK_H,
        "frozen": frozen,
        "comparison": comparison,
        "FROZEN_FILES": tuple(FROZEN_FILES),
        "notes": assessment.notes(uow, county.code, asked, by=by),
        "history": assessment.history(uow, county.code, by=by),
        "may_note": allowed(by, Action.EDIT, Resource.SUPERVISION, Where(county.code)),
        "max_bytes": MAX_BYTES,
        "TASK_STATUS": TASK_STATUS,
        "done": gettext(DONE[done]) if done in DONE else "",
        "error": error[:300],
    }
    return render(request, "assessment.html", ctx, county=county, active="assessment")


@router.post("/counties/{code}/assessment/{year}/notes", dependencies=[CsrfDep])
async def post_note(
    code: str,
    year: int,
    request: Request,
    uow: UowDep,
    by: SupervisorDep,
    settings: SettingsDep,
    task: Annotated[int, Form(ge=1, le=999)],
    text: Annotated[str, Form(max_length=assessment.MAX_NOTE)],
    file: UploadFile | None = None,
) -> Response:
    """A progress note on a task of the year, with a photo or a PDF as evidence."""
    given = []
    if file is not None and file.filename:
        given.append((file.filename, await file.read(MAX_BYTES + 1)))
    vault = Vault(settings.data_key_bytes())
    try:
        assessment.add_note(uow, vault, code, year, task, text, by=by, files=given)
    except (Forbidden, NotAuthenticated):
        raise
    except CountyExpressError as exc:
        reason = reason_of(exc, gettext_for(request.state.locale))
        return RedirectResponse(_page(code, year, error=reason), status_code=303)
    return RedirectResponse(_page(code, year, done="noted"), status_code=303)


@router.get("/counties/{code}/assessment/evidence/{evidence_id}")
def get_evidence(
    code: str, evidence_id: int, uow: UowDep, by: PrincipalDep, settings: SettingsDep
) -> Response:
    """An evidence file of a progress note, decrypted, for those who may note (the read is
    audited); a purged or unknown file answers 404."""
    vault = Vault(settings.data_key_bytes())
    meta, data = assessment.evidence(uow, vault, code, evidence_id, by=by)
    return attachment_response(meta, data)


@router.get("/counties/{code}/assessment/{year}/frozen/{name}")
def get_frozen_file(code: str, year: int, name: str, uow: UowDep, by: PrincipalDep) -> Response:
    """The frozen (issued) report of the year as PDF, Word or Excel, made from its JSON as
    it was frozen (today's figures play no part)."""
    if name not in FROZEN_FILES:
        raise NotFound(f"no file {name!r}: report.pdf, report.docx or report.xlsx")
    stored = assessment.frozen(uow, code, year, by=by)
    render_file, media = FROZEN_FILES[name]
    data = render_file(dict(stored.report))
    stem = f"assessment-{stored.county}-{year}-frozen.{name.rsplit('.', 1)[1]}"
    return Response(data, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{stem}"'})  # fmt: skip
