"""The yearly assessment on SQL (tables_assessment): the county's sheet as loaded, frozen
reports, progress notes and their evidence files (content kept as the Vault's ciphertext)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from countyexpress.adapters.db.tables_assessment import (
    assessment_evidence,
    assessment_notes,
    assessment_reports,
    assessment_sheets,
    assessment_snapshots,
)
from countyexpress.adapters.packs.assessment import builtin_sheet, sheet_from_data, to_data
from countyexpress.domain.assessment import FrozenReport, Note, Sheet
from countyexpress.domain.plan import CountyPlan
from countyexpress.domain.supervision.attachments import Attachment, Upload

__all__ = ["SqlAssessment"]


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class SqlAssessment:
    """A county's assessment data, inside the unit of work's transaction."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    # the sheet -------------------------------------------------------------------------
    def save_sheet(self, county: str, sheet: Sheet, source: str) -> None:
        """Store the county's sheet (its plain form), replacing the one before."""
        t = assessment_sheets
        self._c.execute(delete(t).where(t.c.county_code == county))
        self._c.execute(
            insert(t).values(county_code=county, sheet=to_data(sheet), source=source,
                             loaded_at=dt.datetime.now(dt.UTC))
        )  # fmt: skip

    def sheet(self, county: str, plan: CountyPlan) -> tuple[Sheet, str]:
        """The county's stored sheet and its source; when none was loaded, its built-in
        pack's, else one that tracks every task unscored."""
        t = assessment_sheets
        found = self._c.execute(
            select(t.c.sheet, t.c.source).where(t.c.county_code == county)
        ).first()
        if found is not None:
            return sheet_from_data(dict(found.sheet), str(found.source)), str(found.source)
        return builtin_sheet(county, plan)

    # frozen reports --------------------------------------------------------------------
    def frozen(self, county: str, year: int) -> FrozenReport | None:
        """The frozen report of the county's year, if any."""
        t = assessment_reports
        r = self._c.execute(select(t).where(t.c.county_code == county, t.c.year == year)).first()
        if r is None:
            return None
        replaced = _utc(r.replaced_at) if r.replaced_at is not None else None
        return FrozenReport(r.county_code, r.year, _utc(r.frozen_at), r.frozen_by, replaced,
                            dict(r.report))  # fmt: skip

    def frozen_all(self, county: str) -> list[FrozenReport]:
        """Every frozen report of the county, by year."""
        t = assessment_reports
        rows = self._c.execute(select(t.c.year).where(t.c.county_code == county))
        found = (self.frozen(county, int(r.year)) for r in rows)
        return sorted((f for f in found if f is not None), key=lambda f: f.year)

    def freeze(
        self, county: str, year: int, report: Mapping[str, Any], by: str, at: dt.datetime
    ) -> None:
        """Store the year's report as issued, replacing a frozen one (the caller decides)."""
        t = assessment_reports
        where = (t.c.county_code == county, t.c.year == year)
        if self._c.execute(select(t.c.year).where(*where)).first() is not None:
            self._c.execute(
                update(t).where(*where).values(
                    frozen_at=at, frozen_by=by, replaced_at=at, report=dict(report))
            )  # fmt: skip
            return
        self._c.execute(
            insert(t).values(county_code=county, year=year, frozen_at=at, frozen_by=by,
                             replaced_at=None, report=dict(report))
        )  # fmt: skip

    # notes and evidence ----------------------------------------------------------------
    def add_note(self, county: str, year: int, task: int, text: str, by: str) -> int:
        """Store a progress note (never changed afterwards); its number."""
        result = self._c.execute(
            insert(assessment_notes).values(county_code=county, year=year, task=task,
                                            text=text, added_at=dt.datetime.now(dt.UTC),
                                            added_by=by)
        )  # fmt: skip
        pk = result.inserted_primary_key
        assert pk is not None
        return int(pk[0])

    def add_evidence(
        self, county: str, note_id: int, upload: Upload, content_enc: str, by: str
    ) -> int:
        """Store a file of a note, its content encrypted; its number."""
        result = self._c.execute(
            insert(assessment_evidence).values(
                note_id=note_id, county_code=county, file_name=upload.name,
                content_type=upload.content_type, size=upload.size, sha256=upload.sha256,
                content_enc=content_enc, added_at=dt.datetime.now(dt.UTC), added_by=by)
        )  # fmt: skip
        pk = result.inserted_primary_key
        assert pk is not None
        return int(pk[0])

    def notes(self, county: str, year: int, task: int | None = None) -> list[Note]:
        """The notes of the county's year (of one task), oldest first, with their files."""
        t = assessment_notes
        query = select(t).where(t.c.county_code == county, t.c.year == year)
        if task is not None:
            query = query.where(t.c.task == task)
        rows = list(self._c.execute(query.order_by(t.c.id)))
        files = self._files(county, [r.id for r in rows])
        return [
            Note(r.id, r.year, r.task, r.text, _utc(r.added_at), r.added_by,
                 tuple(files.get(r.id, ())))
            for r in rows
        ]  # fmt: skip

    def _files(self, county: str, note_ids: Sequence[int]) -> dict[int, list[Attachment]]:
        t = assessment_evidence
        out: dict[int, list[Attachment]] = {}
        if not note_ids:
            return out
        rows = self._c.execute(
            select(t.c.id, t.c.note_id, t.c.file_name, t.c.content_type, t.c.size,
                   t.c.sha256, t.c.added_at, t.c.added_by, t.c.content_enc.is_(None))
            .where(t.c.county_code == county, t.c.note_id.in_(list(note_ids)))
            .order_by(t.c.id)
        )  # fmt: skip
        for r in rows:
            out.setdefault(r.note_id, []).append(
                Attachment(r.id, r.note_id, r.file_name, r.content_type, r.size, r.sha256,
                           _utc(r.added_at), r.added_by, bool(r[8]))
            )  # fmt: skip
        return out

    def evidence_content(self, county: str, evidence_id: int) -> tuple[Attachment, str] | None:
        """A file's description and encrypted content (None: none such, or purged)."""
        t = assessment_evidence
        r = self._c.execute(
            select(t).where(t.c.county_code == county, t.c.id == evidence_id)
        ).first()
        if r is None or r.content_enc is None:
            return None
        meta = Attachment(r.id, r.note_id, r.file_name, r.content_type, r.size, r.sha256,
                          _utc(r.added_at), r.added_by, False)  # fmt: skip
        return meta, str(r.content_enc)

    # monthly snapshots -----------------------------------------------------------------
    def save_snapshot(
        self, county: str, month: str, values: Mapping[str, float | None], at: dt.datetime
    ) -> None:
        """Store the indicators' values of a county month, replacing that month's."""
        t = assessment_snapshots
        self._c.execute(delete(t).where(t.c.county_code == county, t.c.month == month))
        rows = [
            {"county_code": county, "month": month, "indicator": name, "value": value,
             "taken_at": at}
            for name, value in sorted(values.items())
        ]  # fmt: skip
        if rows:
            self._c.execute(insert(t), rows)

    def snapshots(self, county: str, year: int | None = None) -> dict[str, dict[str, float | None]]:
        """The stored months of the county (of one year): month → indicator → value."""
        t = assessment_snapshots
        query = select(t.c.month, t.c.indicator, t.c.value).where(t.c.county_code == county)
        if year is not None:
            query = query.where(t.c.month.like(f"{year:04d}-%"))
        out: dict[str, dict[str, float | None]] = {}
        for r in self._c.execute(query.order_by(t.c.month, t.c.indicator)):
            out.setdefault(r.month, {})[r.indicator] = None if r.value is None else float(r.value)
        return out
