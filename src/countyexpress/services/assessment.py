"""The yearly assessment (issue 15): score a county's year on its sheet, freeze it as
issued, compare a frozen report with today's figures, and keep the lead units' progress
notes and evidence per task and year.

Scores come from `plan_kpis` (every registered indicator, read generically) and the sheet
the county loaded with its pack. Reading needs the county's read right; freezing and notes
are the regulator's (the supervision edit right) — the plan's lead units are government
units, which the access model does not yet bind a user to (see docs/assessment.md).
"""

from __future__ import annotations

import base64
import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from countyexpress.domain.access import SYSTEM, Action, Principal, Resource, Where
from countyexpress.domain.assessment import Assessment, FrozenReport, Note, Sheet, score
from countyexpress.domain.county import County
from countyexpress.domain.county_time import county_today
from countyexpress.domain.geography import DataQuality, DivisionLevel
from countyexpress.domain.privacy import scrub
from countyexpress.domain.supervision.attachments import MAX_PER_RECORD, Attachment, check_upload
from countyexpress.errors import N_, Bilingual, InvalidValue, NotAllowed, NotFound, Said
from countyexpress.services import accounts, counties, indicators
from countyexpress.services.authz import check
from countyexpress.services.ports import Cipher
from countyexpress.services.supervision import AuditedUnitOfWork
from countyexpress.services.unit_of_work import UnitOfWork

__all__ = [
    "Comparison",
    "QualityNote",
    "Report",
    "add_note",
    "compare",
    "evidence",
    "freeze",
    "frozen",
    "history",
    "load_sheet",
    "notes",
    "report",
    "sheet_of",
    "snapshot",
    "to_json",
    "unit_tasks",
]

MAX_NOTE = 2000


@dataclass(frozen=True)
class QualityNote:
    """A line of the data-quality appendix: what is not sure, how sure, and why."""

    what: str
    quality: str
    detail: str


@dataclass(frozen=True)
class Report:
    """A county's scored year with the sheet it was scored on and the data's quality."""

    county: str
    county_name: str
    year: int
    as_of: dt.date
    sheet_title: str
    sheet_source: str
    assessment: Assessment
    data_quality: tuple[QualityNote, ...]
    notes: Mapping[int, int] = field(default_factory=dict)  # notes per task
    townships: Mapping[str, str] = field(default_factory=dict)  # division code → township
    # indicator → the year's months with their stored value (None: no snapshot that month)
    trend: Mapping[str, tuple[tuple[str, float | None, bool], ...]] = field(default_factory=dict)
    # indicator → (year, value) from each frozen report
    years: Mapping[str, tuple[tuple[int, float | None], ...]] = field(default_factory=dict)


def _read(by: Principal | None, county: str) -> None:
    check(by, Action.READ, Resource.COUNTY, Where(county=county))


def _edit(by: Principal | None, county: str) -> None:
    check(by, Action.EDIT, Resource.SUPERVISION, Where(county=county))


def _year(year: int) -> int:
    if not 1990 <= year <= 2100:
        raise InvalidValue("year", f"year {year} is outside 1990..2100")
    return year


def load_sheet(uow: UnitOfWork, county: str, sheet: Sheet, source: str, by: Principal) -> None:
    """Store the county's scoring sheet (checked against its plan), replacing the one before."""
    c = counties.get_county(uow, county)
    check(by, Action.EDIT, Resource.COUNTY, Where(county=c.code))
    sheet.check_plan(c.plan)
    with uow:
        uow.assessment.save_sheet(c.code, sheet, source)
        uow.commit()


def sheet_of(uow: UnitOfWork, county: str, *, by: Principal | None) -> tuple[Sheet, str]:
    """The county's scoring sheet as stored, and where it came from."""
    c = counties.get_county(uow, county)
    _read(by, c.code)
    with uow:
        return uow.assessment.sheet(c.code, c.plan)


def _month(text: str) -> tuple[int, int]:
    try:
        year, month = (int(part) for part in text.split("-"))
    except ValueError:
        raise InvalidValue("month", f"month {text!r} is not YYYY-MM") from None
    if not 1 <= month <= 12 or len(text) != 7:
        raise InvalidValue("month", f"month {text!r} is not YYYY-MM")
    return _year(year), month


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def _values(values: Sequence[Any]) -> dict[str, float | None]:
    return {v.indicator: v.value for v in values}


def snapshot(
    uow: UnitOfWork,
    county: str,
    month: str,
    *,
    by: Principal | None,
    today: dt.date | None = None,
) -> dict[str, float | None]:
    """Store each indicator's value of a county month (YYYY-MM, the county's), replacing the
    month's snapshot; a month not yet begun is refused. The figures are today's data as of
    the month's last day (or today, in the current month)."""
    c = counties.get_county(uow, county)
    _edit(by, c.code)
    year, number = _month(month)
    day = today or county_today()
    if (year, number) > (day.year, day.month):
        raise InvalidValue("month", f"month {month} has not begun (today is {day:%Y-%m-%d})")
    as_of = min(day, _month_end(year, number))
    found = _values(indicators.plan_kpis(uow, c.code, year, by=by or SYSTEM, today=as_of))
    with uow:
        uow.assessment.save_snapshot(c.code, month, found, dt.datetime.now(dt.UTC))
        uow.commit()
    return found


def _trend(
    stored: Mapping[str, Mapping[str, float | None]], names: Sequence[str], year: int, day: dt.date
) -> dict[str, tuple[tuple[str, float | None, bool], ...]]:
    last = 12 if year < day.year else day.month if year == day.year else 0
    months = [f"{year:04d}-{m:02d}" for m in range(1, last + 1)]
    return {
        name: tuple((m, stored.get(m, {}).get(name), name in stored.get(m, {})) for m in months)
        for name in names
    }


def _years(
    reports: Sequence[FrozenReport], names: Sequence[str]
) -> dict[str, tuple[tuple[int, float | None], ...]]:
    found: dict[str, list[tuple[int, float | None]]] = {name: [] for name in names}
    for f in reports:
        values = {
            i["indicator"]: i.get("value")
            for t in f.report.get("tasks", [])
            for i in t.get("indicators", [])
        }
        for name in names:
            if name in values:
                found[name].append((f.year, values[name]))
    return {name: tuple(rows) for name, rows in found.items()}


def _quality(county: County, sheet: Sheet, origin: str) -> tuple[QualityNote, ...]:
    """The data-quality appendix; `what` and `detail` are `Said` or `Bilingual` where a
    screen says them in its reader's language."""
    out: list[QualityNote] = []
    by_quality = Counter(d.quality for d in county.divisions)
    for q in (DataQuality.PLACEHOLDER, DataQuality.ESTIMATE, DataQuality.DEMO):
        names = [d.name for d in county.divisions if d.quality is q]
        if names:
            shown = "、".join(names[:12]) + (" …" if len(names) > 12 else "")
            what = Said(N_("divisions (%(n)s)"), n=by_quality[q])
            out.append(QualityNote(what, q.value, shown))
    coords = [d.name for d in county.divisions if d.coord_quality is DataQuality.PLACEHOLDER]
    if coords:
        out.append(
            QualityNote(Said(N_("division coordinates (%(n)s)"), n=len(coords)), "placeholder",
                        Said(N_("coverage by distance is indicative only")))
        )  # fmt: skip
    facilities = Counter(f.quality for f in county.facilities)
    for q in (DataQuality.PLACEHOLDER, DataQuality.ESTIMATE, DataQuality.DEMO):
        codes = [f.code for f in county.facilities if f.quality is q]
        if codes:
            shown = " ".join(codes[:12]) + (" …" if len(codes) > 12 else "")
            what = Said(N_("facilities (%(n)s)"), n=facilities[q])
            out.append(QualityNote(what, q.value, shown))
    if county.population_source:
        source = Bilingual(county.population_source, county.population_source_en)
        out.append(QualityNote(Said(N_("population")), "source", source))
    source = Bilingual(f"{origin}：{sheet.source}", f"{origin}: {sheet.source_en or sheet.source}")
    out.append(QualityNote(Said(N_("scoring sheet")), sheet.quality, source))
    return tuple(out)


def report(
    uow: UnitOfWork,
    county: str,
    year: int,
    *,
    by: Principal | None,
    today: dt.date | None = None,
) -> Report:
    """The county's year scored on its sheet: the plan's tasks with their units, indicators,
    score, status and reason; problems found; the data-quality appendix. Figures are those
    of the stored data as of `today` (the county's day)."""
    c = counties.get_county(uow, county)
    _read(by, c.code)
    day = today or county_today()
    values = indicators.plan_kpis(uow, c.code, _year(year), by=by or SYSTEM, today=day)
    names = sorted({v.indicator for v in values})
    if year == day.year:  # the current county month's snapshot, upserted
        with uow:
            month = f"{day.year:04d}-{day.month:02d}"
            uow.assessment.save_snapshot(c.code, month, _values(values), dt.datetime.now(dt.UTC))
            uow.commit()
    with uow:
        sheet, origin = uow.assessment.sheet(c.code, c.plan)
        counted = Counter(n.task for n in uow.assessment.notes(c.code, year))
        stored = uow.assessment.snapshots(c.code, year)
        reports = uow.assessment.frozen_all(c.code)
    scored = score(sheet, c.plan, values, year, current_year=day.year)
    return Report(
        county=c.code,
        county_name=c.name,
        year=year,
        as_of=day,
        sheet_title=sheet.title,
        sheet_source=origin,
        assessment=scored,
        data_quality=_quality(c, sheet, origin),
        notes=dict(counted),
        townships=_townships(c),
        trend=_trend(stored, names, year, day),
        years=_years(reports, names),
    )


def _townships(county: County) -> dict[str, str]:
    names = {d.code: d.name for d in county.divisions_at(DivisionLevel.TOWNSHIP)}
    return {d.code: names.get(d.parent_code, d.name) for d in county.divisions}


def _trend_json(r: Report, name: str) -> dict[str, Any]:
    return {
        "months": [
            {"month": m, "value": v, "snapshot": kept} for m, v, kept in r.trend.get(name, ())
        ],
        "years": [{"year": y, "value": v} for y, v in r.years.get(name, ())],
    }


def _indicator_json(s: Any, townships: Mapping[str, str]) -> dict[str, Any]:
    v = s.value
    parts = [
        {
            "code": p.code,
            "name": p.name,
            "level": p.level,
            "township": townships.get(p.code, ""),
            "value": p.value,
            "required": p.required,
            "status": p.status.value,
        }
        for p in v.parts
    ]
    return {
        "indicator": v.indicator,
        "title": v.title,
        "title_en": v.title_en,
        "value": v.value,
        "unit": v.unit,
        "target": v.target,
        "target_year": v.target_year,
        "status": v.status.value,
        "direction": v.direction.value,
        "points": s.points,
        "score": s.score,
        "reason": s.reason,
        "source": v.rule or v.note or "not computed by this platform",
        "note": v.note,
        "parts": parts,
    }


def to_json(r: Report) -> dict[str, Any]:
    """The report's plain form: what `--json` prints, the API answers and a freeze keeps."""
    a = r.assessment
    return {
        "county": r.county,
        "county_name": r.county_name,
        "year": r.year,
        "as_of": r.as_of.isoformat(),
        "total_score": a.total_score,
        "max_score": a.max_score,
        "sheet": {"title": r.sheet_title, "source": r.sheet_source},
        "sections": [
            {
                "code": s.section.code,
                "title": s.section.title,
                "title_en": s.section.title_en,
                "tasks": list(s.section.tasks),
                "score": s.score,
                "max_score": s.max_score,
            }
            for s in a.sections
        ],
        "tasks": [
            {
                "task": t.task,
                "title": t.title,
                "title_en": t.title_en,
                "section": t.section,
                "lead_unit": t.lead_unit,
                "lead_units": list(t.lead_units),
                "cooperating_units": list(t.cooperating_units),
                "indicators": [
                    _indicator_json(s, r.townships) | {"trend": _trend_json(r, s.value.indicator)}
                    for s in t.indicators
                ],
                "score": t.score,
                "max_score": t.max_score,
                "status": t.status.value,
                "reason": t.reason,
                "measures": t.measures,
                "notes": r.notes.get(t.task, 0),
            }
            for t in a.tasks
        ],
        "problems": [
            {
                "task": p.task,
                "indicator": p.indicator,
                "text": p.text,
                "measure": p.measure,
                "lead_unit": p.lead_unit,
            }
            for p in a.problems
        ],
        "data_quality": [
            {"what": q.what, "quality": q.quality, "detail": q.detail} for q in r.data_quality
        ],
    }


def freeze(
    uow: UnitOfWork,
    county: str,
    year: int,
    *,
    by: Principal | None,
    replace: bool = False,
    today: dt.date | None = None,
) -> FrozenReport:
    """Freeze the year's report as issued; a second freeze of the year is refused unless
    `replace` (the row then says when it was replaced)."""
    r = report(uow, county, year, by=by, today=today)
    _edit(by, r.county)
    data = to_json(r)
    with uow:
        before = uow.assessment.frozen(r.county, year)
        if before is not None and not replace:
            raise NotAllowed(
                f"the {year} report of {r.county} was frozen on "
                f"{before.frozen_at:%Y-%m-%d %H:%M} UTC by {before.frozen_by}; "
                "give --replace to replace it"
            )
        uow.assessment.freeze(r.county, year, data, _name(by), dt.datetime.now(dt.UTC))
        stored = uow.assessment.frozen(r.county, year)
        uow.commit()
    assert stored is not None
    return stored


def frozen(uow: UnitOfWork, county: str, year: int, *, by: Principal | None) -> FrozenReport:
    """The frozen report of the county's year; NotFound when it was never frozen."""
    c = counties.get_county(uow, county)
    _read(by, c.code)
    with uow:
        found = uow.assessment.frozen(c.code, _year(year))
    if found is None:
        raise NotFound(f"no frozen {year} report of {c.code}: run `assess report --freeze`")
    return found


def history(uow: UnitOfWork, county: str, *, by: Principal | None) -> list[FrozenReport]:
    """The county's frozen (issued) reports, year by year: the assessment's year on year."""
    c = counties.get_county(uow, county)
    _read(by, c.code)
    with uow:
        return uow.assessment.frozen_all(c.code)


@dataclass(frozen=True)
class Comparison:
    """A frozen report beside today's figures of the same year, task by task."""

    frozen: FrozenReport
    now: Mapping[str, Any]
    tasks: Sequence[Mapping[str, Any]]

    @property
    def total_change(self) -> float:
        """Today's total minus the frozen one."""
        return round(float(self.now["total_score"]) - float(self.frozen.report["total_score"]), 2)


def compare(
    uow: UnitOfWork,
    county: str,
    year: int,
    *,
    by: Principal | None,
    today: dt.date | None = None,
) -> Comparison:
    """The frozen report of `year` against the same year scored on today's data."""
    then = frozen(uow, county, year, by=by)
    now = to_json(report(uow, county, year, by=by, today=today))
    old = {t["task"]: t for t in then.report.get("tasks", [])}
    rows = []
    for t in now["tasks"]:
        o = old.get(t["task"], {})
        values = {i["indicator"]: i["value"] for i in o.get("indicators", [])}
        changed = [
            {"indicator": i["indicator"], "frozen": values.get(i["indicator"]), "now": i["value"]}
            for i in t["indicators"]
            if values.get(i["indicator"]) != i["value"]
        ]
        rows.append(
            {
                "task": t["task"],
                "title": t["title"],
                "lead_unit": t["lead_unit"],
                "frozen_score": o.get("score"),
                "score": t["score"],
                "frozen_status": o.get("status"),
                "status": t["status"],
                "changed": changed,
            }
        )
    return Comparison(then, now, rows)


def unit_tasks(county: County, unit: str | None) -> tuple[int, ...]:
    """The tasks a unit leads, then those it cooperates on (none without a unit)."""
    if not unit:
        return ()
    tasks = county.plan.tasks
    leads = [t.number for t in tasks if unit in t.lead]
    return (*leads, *(t.number for t in tasks if unit in t.cooperating and t.number not in leads))


def _name(by: Principal | None) -> str:
    return "local" if by is None else by.name


def add_note(
    uow: UnitOfWork,
    cipher: Cipher,
    county: str,
    year: int,
    task: int,
    text: str,
    *,
    by: Principal | None,
    files: Sequence[tuple[str, bytes]] = (),
) -> Note:
    """A progress note on a task of a year, with evidence files (photos or PDF, kept
    encrypted); the text is scrubbed of phone and ID numbers. All or nothing."""
    c = counties.get_county(uow, county)
    _edit(by, c.code)
    _year(year)
    planned = c.plan.task(task)
    if planned is None:
        raise InvalidValue("task", f"task {task} is not a task of the county's plan")
    if by is not None and by.unit and by.unit not in (*planned.lead, *planned.cooperating):
        raise NotAllowed(
            f"task {task} is not a task of your unit ({by.unit}): it neither leads nor cooperates"
        )
    body = scrub(text.strip())
    if not body:
        raise InvalidValue("text", "a progress note needs a text")
    if len(body) > MAX_NOTE:
        raise InvalidValue("text", f"a progress note is at most {MAX_NOTE} characters")
    if len(files) > MAX_PER_RECORD:
        raise InvalidValue("file", f"at most {MAX_PER_RECORD} files per note")
    uploads = [(check_upload(name, data), data) for name, data in files]
    with uow:
        number = uow.assessment.add_note(c.code, year, task, body, _name(by))
        for upload, data in uploads:
            sealed = cipher.encrypt(base64.b64encode(data).decode("ascii"))
            uow.assessment.add_evidence(c.code, number, upload, sealed, _name(by))
        note = next(n for n in uow.assessment.notes(c.code, year, task) if n.id == number)
        uow.commit()
    return note


def notes(
    uow: UnitOfWork, county: str, year: int, *, by: Principal | None, task: int | None = None
) -> list[Note]:
    """The progress notes of the county's year (of one task), oldest first."""
    c = counties.get_county(uow, county)
    _read(by, c.code)
    with uow:
        return uow.assessment.notes(c.code, _year(year), task)


def evidence(
    uow: AuditedUnitOfWork,
    cipher: Cipher,
    county: str,
    evidence_id: int,
    *,
    by: Principal | None,
) -> tuple[Attachment, bytes]:
    """An evidence file's description and bytes, for those who may note (a photo may show a
    person): the read is noted in the audit log like other personal reads. NotFound when
    none such or purged."""
    c = counties.get_county(uow, county)
    _edit(by, c.code)
    with uow:
        found = uow.assessment.evidence_content(c.code, evidence_id)
    if found is None:
        raise NotFound("no such evidence file in the county (or purged)")
    if by is not None:
        accounts.record_personal_read(uow, by, c.code, f"assessment evidence {evidence_id}")
    meta, sealed = found
    return meta, base64.b64decode(cipher.decrypt(sealed))
