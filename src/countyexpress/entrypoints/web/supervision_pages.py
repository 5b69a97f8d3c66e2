"""The 监管 supervision page (issue 13): what is overdue, outlet filings with their clocks,
complaints with their deadlines, the blacklist and the credit list, inspections — with the
regulator's actions as plain forms (each posts, then returns to the page with the result)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from countyexpress.adapters.supervision_xlsx import MAX_IMPORT_BYTES, read_rows
from countyexpress.adapters.vault import Vault
from countyexpress.domain.access import Action, Principal, Resource, Where, allowed, require
from countyexpress.domain.county_time import county_today
from countyexpress.domain.geography import county_code6
from countyexpress.domain.supervision.attachments import MAX_BYTES
from countyexpress.domain.supervision.clocks import ClockState
from countyexpress.domain.supervision.kinds import COMPLAINT_TYPES, INSPECTION_ITEMS
from countyexpress.domain.supervision.records import SubjectKind
from countyexpress.entrypoints.api.auth import CsrfDep, PrincipalDep
from countyexpress.entrypoints.api.deps import RowId, SettingsDep, UowDep
from countyexpress.entrypoints.web.i18n import N_, gettext_for, reason_of
from countyexpress.entrypoints.web.render import render
from countyexpress.errors import (
    CountyExpressError,
    Forbidden,
    NotAuthenticated,
    NotFound,
    PackInvalid,
)
from countyexpress.services import complaints, inspections, licences, registries
from countyexpress.services import supervision as service
from countyexpress.services import supervision_files as files

router = APIRouter(include_in_schema=False)


def supervisor(code: str, by: PrincipalDep) -> Principal:
    """The page's forms are the regulator's: refused (403) before anything is read."""
    require(by, Action.EDIT, Resource.SUPERVISION, Where(county_code6(code)))
    return by


SupervisorDep = Annotated[Principal, Depends(supervisor)]

STATE_LABELS = {
    "submitted": N_("submitted"),
    "incomplete": N_("incomplete: notice sent"),
    "filed": N_("filed"),
    "refused": N_("refused"),
    "withdrawn": N_("withdrawn"),
    "lapsed": N_("lapsed"),
    "to_draw": N_("to draw"),
    "drawn": N_("drawn"),
    "done": N_("done"),
    "cancelled": N_("not drawn"),
    "open": N_("open"),
    "rectified": N_("rectified, to verify"),
    "closed": N_("closed"),
    "received": N_("received"),
    "answered": N_("answered"),
    "appealed": N_("appealed"),
    "upheld": N_("upheld"),
    "dismissed": N_("dismissed"),
    "occurred": N_("occurred, to report"),
    "reported": N_("reported"),
    "responding": N_("responding"),
    "under_review": N_("under review"),
    "granted": N_("granted"),
}
LICENCE_STATES = {"valid": N_("valid"), "expired": N_("expired"), "cancelled": N_("cancelled")}
CLOCK_LABELS = {
    "running": N_("running"),
    "due_today": N_("due today"),
    "overdue": N_("overdue"),
    "met": N_("met"),
    "met_late": N_("met late"),
}
RULE_LABELS = {
    "filing.file": N_("file within 20 days of opening"),
    "filing.notice": N_("notice of what is missing"),
    "filing.decide": N_("decision on the filing"),
    "complaint.answer": N_("company's answer"),
    "appeal.mediate": N_("mediation of the appeal"),
    "inspection.carry_out": N_("carry out the inspection"),
    "finding.rectify": N_("rectification"),
    "licence.valid": N_("licence valid until"),
    "licence.renewal": N_("renewal asked 30 days before expiry"),
    "licence.annual_report": N_("annual report by 30 April"),
    "emergency.report": N_("report of the emergency event"),
    "support.decide": N_("decision on the support application"),
    "support_request.decide": N_("answer to the staff support request"),
}
VERB_LABELS = {
    "accept": N_("Accept"),
    "notify_incomplete": N_("Notice: incomplete"),
    "refuse": N_("Refuse"),
    "answer": N_("Answered"),
    "close": N_("Close"),
    "appeal": N_("Appeal"),
    "uphold": N_("Uphold"),
    "dismiss": N_("Dismiss"),
    "report_rectified": N_("Rectified"),
    "reject_rectification": N_("Not accepted"),
    "report": N_("Reported"),
    "respond": N_("Responding"),
    "review": N_("Under review"),
    "withdraw": N_("Withdrawn"),
}
DONE = {
    "event": N_("Credit event recorded."),
    "review": N_("Decision recorded."),
    "complaint": N_("Complaint received; the company has 7 days to answer."),
    "step": N_("Recorded."),
    "round": N_("Round planned."),
    "draw": N_("Round drawn."),
    "inspection": N_("Inspection recorded."),
    "attached": N_("File attached."),
    "imported": N_("Workbook imported: every row stored."),
}


def _page(code: str, done: str = "", error: str = "") -> str:
    url = f"/counties/{code}/supervision"
    if done:
        return f"{url}?done={done}"
    return f"{url}?error={quote(error)}" if error else url


@router.get("/counties/{code}/supervision")
def supervision_page(
    code: str,
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    done: str = "",
    error: str = "",
) -> Response:
    """Everything the regulator follows, most urgent first."""
    county = registries.county(uow, by, code)
    today = county_today()
    filings = service.filings(uow, county.code, today, by=by)
    held = licences.licences(uow, county.code, today, by=by)
    every = service.records(uow, county.code, by=by)
    listed = service.blacklist(uow, county.code, today, by=by)
    directory = service.directory(uow, county.code, today, by=by)
    overdue = [v for v in every if v.record.overdue(today)]
    by_kind: dict[str, list[Any]] = {}
    for v in every:
        by_kind.setdefault(v.record.kind.name, []).append(v)
    rounds = sorted(
        {
            v.record.facts.get("round", "")
            for v in by_kind.get("inspection", [])
            if v.record.state == "to_draw"
        }
        - {""}
    )
    gettext = gettext_for(request.state.locale)
    attached = service.attachments_of(uow, county.code, [v.id for v in every], by=by)
    try:
        quality = service.service_quality(uow, county.code, 3, by=by)
    except NotFound:  # the county's rules set no time limits
        quality = []
    ctx = {
        "files": attached,
        "quality": quality,
        "today": today,
        "filing_clocks": filings.clocks,
        "filings_overdue": filings.overdue(),
        "licences": held,
        "LICENCE_STATES": LICENCE_STATES,
        "records": by_kind,
        "overdue": overdue,
        "blacklist": listed,
        "standings": [s for s in directory.standings if s.counted or s.blacklist],
        "names": directory.names,
        "event_types": sorted(service.credit_labels(uow, county.code).items()),
        "complaint_types": COMPLAINT_TYPES,
        "inspection_items": INSPECTION_ITEMS,
        "subject_kinds": [k.value for k in SubjectKind],
        "rounds_to_draw": rounds,
        "importable": list(files.IMPORTS),
        "record_kinds": ["outlet_filing", "complaint", "inspection", "finding"],
        "may_edit": allowed(by, Action.EDIT, Resource.SUPERVISION, Where(county.code)),
        "done": gettext(DONE[done]) if done in DONE else "",
        "error": error[:300],
        "OVERDUE": ClockState.OVERDUE,
        "STATE_LABELS": STATE_LABELS,
        "CLOCK_LABELS": CLOCK_LABELS,
        "RULE_LABELS": RULE_LABELS,
        "VERB_LABELS": VERB_LABELS,
    }
    return render(request, "supervision.html", ctx, county=county, active="supervision")


@router.get("/counties/{code}/supervision/subjects/{subject}")
def subject_page(
    code: str, subject: str, request: Request, uow: UowDep, by: PrincipalDep
) -> Response:
    """A subject's credit history: score, level, blacklist entries, every event, its records."""
    county = registries.county(uow, by, code)
    found = service.history(uow, county.code, subject, by=by)
    names = service.directory(uow, county.code, by=by).names
    ctx = {
        "h": found,
        "today": county_today(),
        "name": names.get(str(found.standing.subject), ""),
        "event_types": service.credit_labels(uow, county.code),
        "STATE_LABELS": STATE_LABELS,
        "CLOCK_LABELS": CLOCK_LABELS,
        "RULE_LABELS": RULE_LABELS,
    }
    return render(request, "supervision_subject.html", ctx, county=county, active="supervision")


def _after(request: Request, code: str, done: str, action: Any) -> Response:
    """Run `action`; back to the page with its result or its refusal, translated."""
    try:
        action()
    except (Forbidden, NotAuthenticated):
        raise  # 403 / 401, not a message on a page the caller may not see
    except CountyExpressError as exc:
        reason = reason_of(exc, gettext_for(request.state.locale))
        return RedirectResponse(_page(code, error=reason), status_code=303)
    return RedirectResponse(_page(code, done=done), status_code=303)


@router.post("/counties/{code}/supervision/credit-events", dependencies=[CsrfDep])
def post_event(
    code: str,
    request: Request,
    uow: UowDep,
    by: SupervisorDep,
    subject: Annotated[str, Form(max_length=80)],
    event: Annotated[str, Form(max_length=60)],
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Record a credit event against a subject."""
    return _after(
        request,
        code,
        "event",
        lambda: service.record_credit_event(uow, code, subject, event, None, note, by=by),
    )


@router.post("/counties/{code}/supervision/filings/{record_id}", dependencies=[CsrfDep])
def post_review(
    code: str,
    record_id: RowId,
    request: Request,
    uow: UowDep,
    by: SupervisorDep,
    decision: Annotated[str, Form(max_length=20)],
    missing: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    """Accept a filing, send its notice of what is missing, or refuse it."""
    lacking = tuple(m.strip() for m in missing.split(",") if m.strip())
    return _after(
        request,
        code,
        "review",
        lambda: service.review_filing(uow, code, record_id, decision, lacking, by=by),
    )


@router.post("/counties/{code}/supervision/complaints", dependencies=[CsrfDep])
def post_complaint(
    code: str,
    request: Request,
    uow: UowDep,
    by: SupervisorDep,
    settings: SettingsDep,
    subject: Annotated[str, Form(max_length=80)],
    complaint_type: Annotated[str, Form(max_length=40)],
    about: Annotated[str, Form(max_length=1000)],
    waybill: Annotated[str, Form(max_length=40)] = "",
    phone: Annotated[str, Form(max_length=30)] = "",
) -> Response:
    """Receive a complaint (the contact phone kept encrypted)."""
    vault = Vault(settings.data_key_bytes())
    return _after(
        request,
        code,
        "complaint",
        lambda: complaints.add(
            uow, vault, code, subject, complaint_type, about, waybill, phone, by=by
        ),
    )


@router.post("/counties/{code}/supervision/records/{record_id}", dependencies=[CsrfDep])
def post_step(
    code: str,
    record_id: RowId,
    request: Request,
    uow: UowDep,
    by: SupervisorDep,
    kind: Annotated[str, Form(max_length=40)],
    verb: Annotated[str, Form(max_length=40)],
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Move a complaint or a finding on."""
    if kind == "complaint":
        return _after(
            request,
            code,
            "step",
            lambda: complaints.decide(uow, code, record_id, verb, note, by=by),
        )
    return _after(
        request, code, "step", lambda: service.act(uow, code, record_id, verb, None, note, by=by)
    )


@router.post("/counties/{code}/supervision/rounds", dependencies=[CsrfDep])
def post_round(
    code: str,
    request: Request,
    uow: UowDep,
    by: SupervisorDep,
    round_name: Annotated[str, Form(max_length=40)],
    seed: Annotated[int, Form(ge=0, le=2**31 - 1)],
) -> Response:
    """Plan a round of random inspections."""
    return _after(
        request, code, "round", lambda: inspections.plan_round(uow, code, round_name, seed, by=by)
    )


@router.post("/counties/{code}/supervision/rounds/draw", dependencies=[CsrfDep])
def post_draw(
    code: str,
    request: Request,
    uow: UowDep,
    by: SupervisorDep,
    round_name: Annotated[str, Form(max_length=40)],
) -> Response:
    """Draw a planned round with its seed."""
    return _after(
        request, code, "draw", lambda: inspections.draw_round(uow, code, round_name, by=by)
    )


@router.post("/counties/{code}/supervision/inspections/{record_id}", dependencies=[CsrfDep])
async def post_inspection(
    code: str, record_id: RowId, request: Request, uow: UowDep, by: SupervisorDep
) -> Response:
    """Record a drawn inspection: each item in order, or a finding with what was found."""
    form = await request.form()
    checked: dict[str, bool] = {}
    found: list[inspections.Finding] = []
    try:
        for item in INSPECTION_ITEMS:
            verdict = str(form.get(f"item_{item}", ""))
            if verdict == "ok":
                checked[item] = True
            elif verdict == "finding":
                checked[item] = False
                text = str(form.get(f"text_{item}", ""))[:500]
                found.append(inspections.Finding(item, text))
    except CountyExpressError as exc:
        reason = reason_of(exc, gettext_for(request.state.locale))
        return RedirectResponse(_page(code, error=reason), status_code=303)
    return _after(
        request,
        code,
        "inspection",
        lambda: inspections.record(uow, code, record_id, checked, found, by=by),
    )


@router.post("/counties/{code}/supervision/records/{record_id}/attachments", dependencies=[CsrfDep])
async def post_attachment(
    code: str,
    record_id: RowId,
    request: Request,
    uow: UowDep,
    by: SupervisorDep,
    settings: SettingsDep,
    file: UploadFile,
) -> Response:
    """Attach a photo or a PDF to a record."""
    data = await file.read(MAX_BYTES + 1)
    vault = Vault(settings.data_key_bytes())
    name = file.filename or "file"
    return _after(
        request,
        code,
        "attached",
        lambda: service.attach(uow, vault, code, record_id, name, data, by=by),
    )


@router.post("/counties/{code}/supervision/import", dependencies=[CsrfDep])
async def post_import(
    code: str,
    request: Request,
    uow: UowDep,
    by: SupervisorDep,
    settings: SettingsDep,
    file: UploadFile,
    kind: Annotated[str, Form(max_length=40)],
) -> Response:
    """Import a workbook of filings, complaints or credit events, all or nothing; the
    problems come back by line and column."""
    spec = files.IMPORTS.get(kind)
    if spec is None:
        return RedirectResponse(_page(code, error=f"kind: {kind!r} cannot be imported"), 303)
    data = await file.read(MAX_IMPORT_BYTES + 1)
    name = file.filename or "records.xlsx"
    rows, problems = read_rows(data, name, spec.required, spec.optional)
    vault = Vault(settings.data_key_bytes())
    try:
        if problems:
            raise PackInvalid(problems)
        files.import_rows(uow, vault, code, kind, rows, name, by=by)
    except (Forbidden, NotAuthenticated):
        raise
    except PackInvalid as exc:
        listed = "; ".join(str(p) for p in exc.problems[:10])
        more = f" (+{len(exc.problems) - 10})" if len(exc.problems) > 10 else ""
        return RedirectResponse(_page(code, error=f"{listed}{more}"), status_code=303)
    except CountyExpressError as exc:
        reason = reason_of(exc, gettext_for(request.state.locale))
        return RedirectResponse(_page(code, error=reason), status_code=303)
    return RedirectResponse(_page(code, done="imported"), status_code=303)
