"""/api/v1/counties/{code}/… supervision (issue 13): credit and the blacklist, outlet
filings, records of any kind, inspections and complaints.

Regulators and administrators read and write; a carrier's key reads its own credit and
files its own outlets; the services check each call (`Resource.SUPERVISION`).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from countyexpress.adapters.credit_xlsx import write_directory_xlsx
from countyexpress.adapters.supervision_xlsx import MAX_IMPORT_BYTES, read_rows, workbook
from countyexpress.adapters.vault import Vault
from countyexpress.domain.county_time import county_today
from countyexpress.domain.supervision.attachments import MAX_BYTES, Attachment
from countyexpress.domain.supervision.records import SubjectKind
from countyexpress.entrypoints.api.auth import PrincipalDep
from countyexpress.entrypoints.api.deps import RowId, SettingsDep, UowDep
from countyexpress.entrypoints.api.guards import RedactedValidationRoute
from countyexpress.entrypoints.api.schemas import file_problems
from countyexpress.entrypoints.presenters_supervision import (
    clock_json,
    licence_json,
    quality_json,
    record_json,
    standing_json,
)
from countyexpress.errors import InvalidValue, PackInvalid
from countyexpress.services import complaints, inspections, licences
from countyexpress.services import supervision as service
from countyexpress.services import supervision_files as files

router = APIRouter(
    prefix="/api/v1/counties", tags=["supervision"], route_class=RedactedValidationRoute
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUBJECT = r"^(carrier|outlet|station|locker|person|vehicle):[^:\s]{1,60}$"
Day = Annotated[dt.date | None, Field(default=None, description="The day (default today)")]
Note = Annotated[str, Field(default="", max_length=500)]


class StepPublic(BaseModel):
    """One step of a record's trail."""

    verb: str
    on: str
    by: str
    state: str
    note: str


class ClockPublic(BaseModel):
    """A record's clock and its state today."""

    rule: str
    started: str
    due: str
    stopped: str | None
    state: str


class RecordPublic(BaseModel):
    """A supervision record: kind, subject, state, facts, clocks, trail and next verbs."""

    id: int
    kind: str
    subject: str
    state: str
    facts: dict[str, str]
    clocks: list[ClockPublic]
    trail: list[StepPublic]
    next: list[str]


class EntryPublic(BaseModel):
    """A blacklist entry."""

    listed_on: str
    reason: str
    repairable_from: str
    rectified_on: str | None
    removed_on: str | None
    active: bool


class EventPublic(BaseModel):
    """A credit event counted in the score."""

    type: str
    on: str
    note: str
    ref: str


class StandingPublic(BaseModel):
    """A subject's credit on a day."""

    subject: str
    on: str
    score: int
    level: str
    blacklisted: bool
    blacklist: list[EntryPublic]
    events: list[EventPublic]


class CreditEventCreate(BaseModel):
    """A credit event to record against a subject."""

    subject: str = Field(pattern=SUBJECT, max_length=80)
    event: str = Field(pattern=r"^[a-z][a-z0-9_]{0,59}$")
    on: Day
    note: Note
    ref: str = Field(default="", max_length=100)


class RectifyCreate(BaseModel):
    """A blacklisted subject's rectification, accepted."""

    subject: str = Field(pattern=SUBJECT, max_length=80)
    listed_on: dt.date
    on: Day
    note: Note


class FilingClockPublic(BaseModel):
    """An outlet's clock from opening to filing."""

    outlet: str
    name: str
    carriers: list[str]
    opened: str
    due: str
    filed_on: str | None
    filed_by: str
    state: str
    days_left: int


class FilingsPublic(BaseModel):
    """Every outlet's filing clock and the filing records."""

    on: str
    outlets: list[FilingClockPublic]
    records: list[RecordPublic]


class FilingCreate(BaseModel):
    """An outlet filing (快递末端网点备案) by a licensed carrier."""

    carrier: str = Field(pattern=r"^[a-z]{2,20}$")
    outlet: str = Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")
    name: str = Field(min_length=1, max_length=100)
    community: str = Field(pattern=r"^\d{12}$")
    opened: dt.date
    type: str = Field(default="self_run", pattern=r"^(self_run|shared|cooperative)$")
    services: str = Field(default="", max_length=200)
    manager_name: str = Field(default="", max_length=40)
    manager_id: str = Field(default="", max_length=18)
    on: Day


class ReviewCreate(BaseModel):
    """The regulator's decision on a filing."""

    decision: str = Field(pattern=r"^(accept|incomplete|refuse)$")
    missing: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list, max_length=20
    )
    on: Day


class StepCreate(BaseModel):
    """A verb applied to a record."""

    verb: str = Field(pattern=r"^[a-z_]{1,40}$")
    note: Note
    on: Day


class RoundCreate(BaseModel):
    """A round of random inspections."""

    round: str = Field(min_length=1, max_length=40)
    seed: int = Field(ge=0, le=2**31 - 1)
    kinds: list[SubjectKind] = Field(
        default_factory=lambda: [SubjectKind.CARRIER, SubjectKind.OUTLET, SubjectKind.STATION],
        min_length=1,
        max_length=3,
    )
    on: Day


class DrawPublic(BaseModel):
    """A round drawn: the inspections to carry out, and how many were not drawn."""

    drawn: list[RecordPublic]
    not_drawn: int


class FindingCreate(BaseModel):
    """What an inspector found."""

    item: str = Field(pattern=r"^[a-z_]{1,40}$")
    text: str = Field(min_length=1, max_length=500)
    deadline_days: int | None = Field(default=None, ge=1, le=180)


class InspectionCreate(BaseModel):
    """A drawn inspection recorded: the items checked (true: in order) and the findings."""

    checked: dict[str, bool] = Field(min_length=1, max_length=20)
    findings: list[FindingCreate] = Field(default_factory=list, max_length=20)
    on: Day


class InspectionPublic(BaseModel):
    """The inspection recorded and the findings it opened."""

    inspection: RecordPublic
    findings: list[RecordPublic]


class ComplaintCreate(BaseModel):
    """A receiver's complaint against a carrier, outlet, station or locker."""

    subject: str = Field(pattern=SUBJECT, max_length=80)
    type: str = Field(pattern=r"^[a-z_]{1,40}$")
    about: str = Field(min_length=1, max_length=1000)
    waybill: str = Field(default="", max_length=40)
    phone: str = Field(default="", max_length=30)
    on: Day


def _record(view: service.RecordView) -> RecordPublic:
    return RecordPublic.model_validate(record_json(view.id, view.record, county_today()))


def _vault(settings: Any) -> Vault:
    return Vault(settings.data_key_bytes())


@router.get("/{code}/credit/{subject}", response_model=StandingPublic)
def get_credit(
    code: str,
    subject: str,
    uow: UowDep,
    by: PrincipalDep,
    on: Annotated[dt.date | None, Query(description="As of this day")] = None,
) -> StandingPublic:
    """A subject's score, level, counted events and blacklist entries (`carrier:zto`)."""
    return StandingPublic.model_validate(
        standing_json(service.credit_of(uow, code, subject, on, by=by))
    )


@router.post("/{code}/credit/events", response_model=StandingPublic, status_code=201)
def post_credit_event(
    code: str, body: CreditEventCreate, uow: UowDep, by: PrincipalDep
) -> StandingPublic:
    """Record a credit event; the subject's standing afterwards."""
    s = service.record_credit_event(
        uow, code, body.subject, body.event, body.on, body.note, body.ref, by=by
    )
    return StandingPublic.model_validate(standing_json(s))


@router.post("/{code}/credit/rectifications", response_model=StandingPublic, status_code=201)
def post_rectification(
    code: str, body: RectifyCreate, uow: UowDep, by: PrincipalDep
) -> StandingPublic:
    """Accept a blacklisted subject's rectification; it comes off after the waiting period."""
    s = service.rectify(uow, code, body.subject, body.listed_on, body.on, body.note, by=by)
    return StandingPublic.model_validate(standing_json(s))


@router.get("/{code}/blacklist", response_model=list[StandingPublic])
def get_blacklist(code: str, uow: UowDep, by: PrincipalDep) -> list[StandingPublic]:
    """Every subject with a blacklist entry, active or past."""
    return [
        StandingPublic.model_validate(standing_json(s)) for s in service.blacklist(uow, code, by=by)
    ]


@router.get("/{code}/credit-directory.xlsx")
def get_directory(code: str, uow: UowDep, by: PrincipalDep) -> FileResponse:
    """The county's credit directory (企业信用名录) as xlsx."""
    d = service.directory(uow, code, by=by)
    path = Path(tempfile.mkdtemp()) / f"credit-directory-{code}-{d.on.isoformat()}.xlsx"
    write_directory_xlsx(d.standings, d.names, code, d.on, d.notes, path)
    return FileResponse(
        path,
        filename=path.name,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@router.get("/{code}/filings", response_model=FilingsPublic)
def get_filings(
    code: str,
    uow: UowDep,
    by: PrincipalDep,
    overdue: Annotated[bool, Query(description="Only outlets unfiled past their due day")] = False,
) -> FilingsPublic:
    """Every outlet's filing clock (due the pack's days after opening) and the filings."""
    found = service.filings(uow, code, by=by)
    clocks = found.overdue() if overdue else found.clocks
    return FilingsPublic(
        on=found.today.isoformat(),
        outlets=[FilingClockPublic.model_validate(clock_json(c, found.today)) for c in clocks],
        records=[_record(v) for v in found.records],
    )


@router.post("/{code}/filings", response_model=RecordPublic, status_code=201)
def post_filing(
    code: str, body: FilingCreate, uow: UowDep, by: PrincipalDep, settings: SettingsDep
) -> RecordPublic:
    """File an outlet; 409 when the carrier is blacklisted. The manager's ID number is kept
    encrypted and never answered."""
    view = service.submit_filing(
        uow, _vault(settings), code, body.carrier, body.outlet, body.name, body.community,
        body.opened, body.type, body.services, body.manager_name, body.manager_id, body.on,
        by=by,
    )  # fmt: skip
    return _record(view)


@router.post("/{code}/filings/{record_id}/review", response_model=RecordPublic)
def post_review(
    code: str, record_id: RowId, body: ReviewCreate, uow: UowDep, by: PrincipalDep
) -> RecordPublic:
    """Accept a filing, send the one notice of what is missing, or refuse it."""
    view = service.review_filing(
        uow, code, record_id, body.decision, tuple(body.missing), body.on, by=by
    )
    return _record(view)


class LicenceCreate(BaseModel):
    """An express business licence (快递业务经营许可) granted to a carrier's company or branch."""

    carrier: str = Field(pattern=r"^[a-z]{2,20}$")
    number: str = Field(min_length=1, max_length=40)
    granted: dt.date
    holder: str = Field(default="company", pattern=r"^(company|branch)$")
    holder_name: str = Field(default="", max_length=100)


class LicenceStepCreate(BaseModel):
    """Renew, report on a year (`year`), expire or cancel (`reason`) a licence."""

    verb: str = Field(pattern=r"^(renew|report|expire|cancel)$")
    year: int | None = Field(default=None, ge=2000, le=2100)
    reason: Note
    on: Day


class DueClockPublic(BaseModel):
    """A clock derived for a licence: its due day and state today."""

    due: str
    stopped: str | None
    state: str


class LicencePublic(RecordPublic):
    """A licence with its expiry, renewal clock and annual report clock."""

    number: str
    carrier: str
    expires: str
    renewal: DueClockPublic | None
    annual_report: DueClockPublic | None


class LicencesPublic(BaseModel):
    """The county's licences on a day."""

    on: str
    licences: list[LicencePublic]


@router.get("/{code}/licences", response_model=LicencesPublic)
def get_licences(code: str, uow: UowDep, by: PrincipalDep) -> LicencesPublic:
    """Every licence: expiry (5 years), renewal due (30 days before), annual report due
    (30 April)."""
    day = county_today()
    found = licences.licences(uow, code, day, by=by)
    return LicencesPublic(
        on=day.isoformat(),
        licences=[LicencePublic.model_validate(licence_json(x, day)) for x in found],
    )


@router.post("/{code}/licences", response_model=RecordPublic, status_code=201)
def post_licence(code: str, body: LicenceCreate, uow: UowDep, by: PrincipalDep) -> RecordPublic:
    """Record a licence granted; 409 when its number is already recorded."""
    view = licences.grant(uow, code, body.carrier, body.number, body.granted, body.holder,
                          body.holder_name, by=by)  # fmt: skip
    return _record(view)


@router.post("/{code}/licences/{record_id}/steps", response_model=RecordPublic)
def post_licence_step(
    code: str, record_id: RowId, body: LicenceStepCreate, uow: UowDep, by: PrincipalDep
) -> RecordPublic:
    """Renew, report on a year, expire or cancel a licence; ending it lapses its filings."""
    if body.verb == "renew":
        view = licences.renew(uow, code, record_id, body.on, by=by)
    elif body.verb == "report":
        if body.year is None:
            raise InvalidValue("year", "a report names the year it is on")
        view = licences.report_annual(uow, code, record_id, body.year, body.on, by=by)
    elif body.verb == "expire":
        view = licences.expire(uow, code, record_id, body.on, by=by)
    else:
        view = licences.cancel(uow, code, record_id, body.reason, body.on, by=by)
    return _record(view)


@router.get("/{code}/records", response_model=list[RecordPublic])
def get_records(
    code: str,
    uow: UowDep,
    by: PrincipalDep,
    kind: Annotated[str | None, Query(max_length=40, description="A record kind")] = None,
    subject: Annotated[str | None, Query(pattern=SUBJECT, max_length=80)] = None,
    overdue: Annotated[bool, Query(description="Only records past a clock")] = False,
) -> list[RecordPublic]:
    """The county's supervision records (filings, inspections, findings, complaints …)."""
    views = service.records(uow, code, kind, subject, by=by)
    today = county_today()
    return [_record(v) for v in views if not overdue or v.record.overdue(today)]


@router.post("/{code}/records/{record_id}/steps", response_model=RecordPublic)
def post_step(
    code: str, record_id: RowId, body: StepCreate, uow: UowDep, by: PrincipalDep
) -> RecordPublic:
    """Apply a verb to a record; 409 when its state does not allow it (the answer names the
    verbs that are allowed)."""
    return _record(service.act(uow, code, record_id, body.verb, body.on, body.note, by=by))


@router.post("/{code}/inspection-rounds", response_model=list[RecordPublic], status_code=201)
def post_round(code: str, body: RoundCreate, uow: UowDep, by: PrincipalDep) -> list[RecordPublic]:
    """Plan a round: an inspection task for every subject of the kinds, with its level."""
    views = inspections.plan_round(uow, code, body.round, body.seed, body.kinds, body.on, by=by)
    return [_record(v) for v in views]


@router.post("/{code}/inspection-rounds/{round_name}/draw", response_model=DrawPublic)
def post_draw(code: str, round_name: str, uow: UowDep, by: PrincipalDep) -> DrawPublic:
    """Draw the round with its seed: ⌈ratio × n⌉ of each credit level, the blacklisted most."""
    drawn, cancelled = inspections.draw_round(uow, code, round_name, by=by)
    return DrawPublic(drawn=[_record(v) for v in drawn], not_drawn=len(cancelled))


@router.post("/{code}/inspections/{record_id}", response_model=InspectionPublic)
def post_inspection(
    code: str, record_id: RowId, body: InspectionCreate, uow: UowDep, by: PrincipalDep
) -> InspectionPublic:
    """Record a drawn inspection; each finding opens a finding with its deadline."""
    found = [inspections.Finding(f.item, f.text, f.deadline_days) for f in body.findings]
    done, opened = inspections.record(uow, code, record_id, body.checked, found, body.on, by=by)
    return InspectionPublic(inspection=_record(done), findings=[_record(v) for v in opened])


@router.post("/{code}/complaints", response_model=RecordPublic, status_code=201)
def post_complaint(
    code: str, body: ComplaintCreate, uow: UowDep, by: PrincipalDep, settings: SettingsDep
) -> RecordPublic:
    """A complaint, with its 7-day clock; the contact phone is kept encrypted."""
    view = complaints.add(
        uow, _vault(settings), code, body.subject, body.type, body.about, body.waybill,
        body.phone, body.on, by=by,
    )  # fmt: skip
    return _record(view)


@router.post("/{code}/complaints/{record_id}/steps", response_model=RecordPublic)
def post_complaint_step(
    code: str, record_id: RowId, body: StepCreate, uow: UowDep, by: PrincipalDep
) -> RecordPublic:
    """Answer, close, appeal, uphold or dismiss a complaint; upholding an appeal records its
    credit events."""
    return _record(complaints.decide(uow, code, record_id, body.verb, body.note, body.on, by=by))


class AttachmentPublic(BaseModel):
    """A file attached to a record: a photo of the premises, evidence, a document."""

    id: int
    record_id: int
    name: str
    content_type: str
    size: int
    sha256: str
    added_at: dt.datetime
    added_by: str
    purged: bool


def _attachment(a: Attachment) -> AttachmentPublic:
    return AttachmentPublic.model_validate(a, from_attributes=True)


@router.post(
    "/{code}/records/{record_id}/attachments",
    response_model=AttachmentPublic,
    status_code=201,
)
async def post_attachment(
    code: str,
    record_id: RowId,
    file: UploadFile,
    uow: UowDep,
    by: PrincipalDep,
    settings: SettingsDep,
) -> AttachmentPublic:
    """Attach a photo (JPEG, PNG, WebP) or a PDF of at most 5 MB; the type is read from the
    bytes. Kept encrypted."""
    data = await file.read(MAX_BYTES + 1)
    name = file.filename or "file"
    return _attachment(service.attach(uow, _vault(settings), code, record_id, name, data, by=by))


@router.get("/{code}/records/{record_id}/attachments", response_model=list[AttachmentPublic])
def get_attachments(
    code: str, record_id: RowId, uow: UowDep, by: PrincipalDep
) -> list[AttachmentPublic]:
    """A record's attachments, described."""
    return [_attachment(a) for a in service.attachments(uow, code, record_id, by=by)]


@router.get(
    "/{code}/records/{record_id}/attachments/{attachment_id}",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}, "application/pdf": {}}}},
)
def get_attachment(
    code: str,
    record_id: RowId,
    attachment_id: RowId,
    uow: UowDep,
    by: PrincipalDep,
    settings: SettingsDep,
) -> Response:
    """An attachment's content (the read is audited)."""
    meta, data = service.attachment_bytes(
        uow, _vault(settings), code, record_id, attachment_id, by=by
    )
    return attachment_response(meta, data)


def attachment_response(meta: Attachment, data: bytes) -> Response:
    """A stored file's bytes to download: its name (UTF-8), its sniffed type, never cached."""
    ascii_name = meta.name.encode("ascii", "ignore").decode() or "file"
    return Response(
        data,
        media_type=meta.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{ascii_name}"; '
            f"filename*=UTF-8''{quote(meta.name)}",
            "Cache-Control": "no-store",
        },
    )


class ImportPublic(BaseModel):
    """An import stored: how many rows of which kind."""

    kind: str
    stored: int


@router.get(
    "/{code}/records.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}},
)
def get_records_xlsx(
    code: str,
    uow: UowDep,
    by: PrincipalDep,
    kind: Annotated[str, Query(max_length=40, description="A record kind")],
) -> Response:
    """A kind's records as xlsx: facts, state, each clock's due day and state."""
    header, rows = files.export_rows(uow, code, kind, by=by)
    name = f"{kind}-{code}-{county_today().isoformat()}.xlsx"
    return Response(
        workbook(kind, header, rows),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/{code}/records/import", response_model=ImportPublic, status_code=201)
async def post_records_import(
    code: str,
    file: UploadFile,
    uow: UowDep,
    by: PrincipalDep,
    settings: SettingsDep,
    kind: Annotated[
        str, Query(max_length=40, description="outlet_filing, complaint, credit_event")
    ],
) -> ImportPublic | JSONResponse:
    """Import a workbook of filings, complaints or credit events: every row or none; a
    refusal (422) lists each problem by line and column."""
    spec = files.IMPORTS.get(kind)
    if spec is None:
        raise InvalidValue("kind", f"{kind!r} cannot be imported ({', '.join(files.IMPORTS)})")
    data = await file.read(MAX_IMPORT_BYTES + 1)
    name = file.filename or "records.xlsx"
    rows, problems = read_rows(data, name, spec.required, spec.optional)
    try:
        if problems:
            raise PackInvalid(problems)
        stored = files.import_rows(uow, _vault(settings), code, kind, rows, name, by=by)
    except PackInvalid as exc:
        return file_problems(exc)
    return ImportPublic(kind=kind, stored=stored)


class QualityPublic(BaseModel):
    """A carrier's month (or a township of it): timeliness, losses, complaints."""

    carrier: str
    month: str
    township: str | None
    parcels: int
    delivered: int
    on_time: int
    late: int
    waiting: int
    on_time_rate: float | None
    loss_or_damage: int
    loss_per_10k: float | None
    complaints: int
    complaints_per_million: float | None
    upheld: int
    upheld_per_million: float | None
    unconsented: int
    false_signoffs: int
    by_level: dict[str, int]


@router.get("/{code}/service-quality", response_model=list[QualityPublic])
def get_service_quality(
    code: str,
    uow: UowDep,
    by: PrincipalDep,
    months: Annotated[int, Query(ge=1, le=36, description="The last months")] = 3,
    by_township: Annotated[bool, Query(description="Split by township")] = False,
) -> list[QualityPublic]:
    """Per carrier and month: on-time rate against the pack's limits by destination,
    losses and damages per 10,000, complaints and upheld appeals per million parcels."""
    rows = service.service_quality(uow, code, months, by_township, by=by)
    return [QualityPublic.model_validate(quality_json(r)) for r in rows]
