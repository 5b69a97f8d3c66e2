"""Supervision records, credit events and rules on SQL (tables_supervision).

Rows map to the domain's `Record` (with its kind from `domain.supervision.kinds`), its
trail and clocks; a record's personal facts stay a ciphertext here, opened by the service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from sqlalchemy import Connection, delete, insert, select, update

from countyexpress.adapters.db.quality import loss_reports, prohibited_found, quality_trips
from countyexpress.adapters.db.tables_supervision import (
    blacklist_repairs,
    credit_events,
    supervision_attachments,
    supervision_clocks,
    supervision_records,
    supervision_rules,
    supervision_steps,
)
from countyexpress.adapters.packs.supervision import (
    builtin_rules,
    default_rules,
    rules_from_stored,
    to_data,
)
from countyexpress.domain.supervision.attachments import Attachment, Upload
from countyexpress.domain.supervision.clocks import Clock
from countyexpress.domain.supervision.credit import CreditEvent
from countyexpress.domain.supervision.kinds import KINDS
from countyexpress.domain.supervision.ledger_credit import LossReport, ProhibitedFound
from countyexpress.domain.supervision.quality import Trip
from countyexpress.domain.supervision.records import Record, Step, Subject
from countyexpress.domain.supervision.rules import SupervisionRules

__all__ = ["SqlSupervision", "StoredRecord"]


@dataclass(frozen=True)
class StoredRecord:
    """A record with its number and its personal facts still encrypted."""

    id: int
    county: str
    record: Record
    personal_enc: str | None
    closed_at: dt.datetime | None


class SqlSupervision:
    """A county's supervision data, inside the unit of work's transaction."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    # rules -----------------------------------------------------------------------------
    def save_rules(self, county: str, rules: SupervisionRules, source: str) -> None:
        """Store the county's rules (their plain form), replacing those before."""
        t = supervision_rules
        self._c.execute(delete(t).where(t.c.county_code == county))
        now = dt.datetime.now(dt.UTC)
        self._c.execute(
            insert(t).values(county_code=county, rules=to_data(rules), source=source, loaded_at=now)
        )

    def rules(self, county: str) -> SupervisionRules:
        """The county's stored rules; when none were loaded, its built-in pack's, else the
        defaults."""
        t = supervision_rules
        found = self._c.execute(select(t.c.rules).where(t.c.county_code == county)).first()
        if found is not None:
            return rules_from_stored(
                dict(found.rules), lambda: builtin_rules(county) or default_rules()
            )
        return builtin_rules(county) or default_rules()

    def rules_source(self, county: str) -> str:
        """Where the county's rules came from ("defaults" when none were loaded)."""
        t = supervision_rules
        found = self._c.execute(select(t.c.source).where(t.c.county_code == county)).first()
        if found is not None:
            return str(found.source)
        return "built-in pack" if builtin_rules(county) is not None else "defaults"

    # records ---------------------------------------------------------------------------
    def add(self, county: str, record: Record, personal_enc: str | None) -> int:
        """Store a new record with its trail and clocks; its number."""
        now = dt.datetime.now(dt.UTC)
        result = self._c.execute(
            insert(supervision_records).values(
                county_code=county,
                kind=record.kind.name,
                subject=str(record.subject),
                state=record.state,
                facts=dict(record.facts),
                personal_enc=personal_enc,
                opened_on=record.trail[0].on,
                updated_at=now,
                closed_at=now if record.closed else None,
            )
        )
        pk = result.inserted_primary_key
        assert pk is not None
        record_id = int(pk[0])
        self._steps(record_id, record.trail, 0, now)
        self._clocks(record_id, record)
        return record_id

    def save(
        self, record_id: int, before: Record, record: Record, personal_enc: str | None
    ) -> None:
        """Store `record`, the next state of `before`: new steps appended, clocks replaced."""
        now = dt.datetime.now(dt.UTC)
        t = supervision_records
        values: dict[str, object] = {
            "state": record.state,
            "facts": dict(record.facts),
            "personal_enc": personal_enc,
            "updated_at": now,
        }
        if record.closed and not before.closed:
            values["closed_at"] = now
            a = supervision_attachments
            self._c.execute(update(a).where(a.c.record_id == record_id).values(closed_at=now))
        self._c.execute(update(t).where(t.c.id == record_id).values(**values))
        done = len(before.trail)
        self._steps(record_id, record.trail[done:], done, now)
        k = supervision_clocks
        self._c.execute(delete(k).where(k.c.record_id == record_id))
        self._clocks(record_id, record)

    def get(self, county: str, record_id: int) -> StoredRecord | None:
        """The record of this number in the county, if any."""
        found = self.find(county, ids=[record_id])
        return found[0] if found else None

    def find(
        self,
        county: str,
        kind: str | None = None,
        subject: str | None = None,
        states: Sequence[str] | None = None,
        ids: Sequence[int] | None = None,
    ) -> list[StoredRecord]:
        """The county's records matching every filter given, oldest first."""
        t = supervision_records
        query = select(t).where(t.c.county_code == county)
        if kind is not None:
            query = query.where(t.c.kind == kind)
        if subject is not None:
            query = query.where(t.c.subject == subject)
        if states is not None:
            query = query.where(t.c.state.in_(list(states)))
        if ids is not None:
            query = query.where(t.c.id.in_(list(ids)))
        rows = [r._mapping for r in self._c.execute(query.order_by(t.c.id))]
        if not rows:
            return []
        numbers = [int(r["id"]) for r in rows]
        steps: dict[int, list[Step]] = {n: [] for n in numbers}
        s = supervision_steps
        for r in self._c.execute(
            select(s).where(s.c.record_id.in_(numbers)).order_by(s.c.record_id, s.c.seq)
        ):
            steps[r.record_id].append(Step(r.verb, r.on_day, r.by, r.state, r.note))
        clocks: dict[int, dict[str, Clock]] = {n: {} for n in numbers}
        k = supervision_clocks
        for r in self._c.execute(select(k).where(k.c.record_id.in_(numbers))):
            clocks[r.record_id][r.rule] = Clock(r.rule, r.started, r.due, r.stopped)
        return [
            StoredRecord(
                id=int(r["id"]),
                county=county,
                record=Record(
                    kind=KINDS[r["kind"]],
                    subject=Subject.parse(r["subject"]),
                    state=r["state"],
                    clocks=MappingProxyType(clocks[int(r["id"])]),
                    trail=tuple(steps[int(r["id"])]),
                    facts=MappingProxyType(dict(r["facts"] or {})),
                ),
                personal_enc=r["personal_enc"],
                closed_at=_utc(r["closed_at"]),
            )
            for r in rows
        ]

    def _steps(self, record_id: int, trail: Sequence[Step], first: int, now: dt.datetime) -> None:
        if not trail:
            return
        self._c.execute(
            insert(supervision_steps),
            [
                {
                    "record_id": record_id,
                    "seq": first + i,
                    "verb": s.verb,
                    "on_day": s.on,
                    "by": s.by,
                    "state": s.state,
                    "note": s.note,
                    "recorded_at": now,
                }
                for i, s in enumerate(trail)
            ],
        )

    def _clocks(self, record_id: int, record: Record) -> None:
        if not record.clocks:
            return
        self._c.execute(
            insert(supervision_clocks),
            [
                {
                    "record_id": record_id,
                    "rule": c.rule,
                    "started": c.started,
                    "due": c.due,
                    "stopped": c.stopped,
                }
                for c in record.clocks.values()
            ],
        )

    # attachments -----------------------------------------------------------------------
    def add_attachment(
        self, county: str, record_id: int, upload: Upload, content_enc: str, by: str
    ) -> int:
        """Store an attachment of a record; its number."""
        result = self._c.execute(
            insert(supervision_attachments).values(
                record_id=record_id,
                county_code=county,
                file_name=upload.name,
                content_type=upload.content_type,
                size=upload.size,
                sha256=upload.sha256,
                content_enc=content_enc,
                added_at=dt.datetime.now(dt.UTC),
                added_by=by,
            )
        )
        pk = result.inserted_primary_key
        assert pk is not None
        return int(pk[0])

    def attachments(self, county: str, record_ids: Sequence[int]) -> dict[int, list[Attachment]]:
        """The attachments of these records (their contents not read), oldest first."""
        t = supervision_attachments
        out: dict[int, list[Attachment]] = {n: [] for n in record_ids}
        if not record_ids:
            return out
        rows = self._c.execute(
            select(t.c.id, t.c.record_id, t.c.file_name, t.c.content_type, t.c.size,
                   t.c.sha256, t.c.added_at, t.c.added_by, t.c.content_enc.is_(None))
            .where(t.c.county_code == county, t.c.record_id.in_(list(record_ids)))
            .order_by(t.c.id)
        )  # fmt: skip
        for r in rows:
            out[r.record_id].append(
                Attachment(r.id, r.record_id, r.file_name, r.content_type, r.size, r.sha256,
                           _utc(r.added_at) or dt.datetime.now(dt.UTC), r.added_by, bool(r[8]))
            )  # fmt: skip
        return out

    def attachment_content(self, county: str, record_id: int, attachment_id: int) -> str | None:
        """An attachment's encrypted content (None: none such, or purged)."""
        t = supervision_attachments
        return self._c.execute(
            select(t.c.content_enc).where(
                t.c.county_code == county,
                t.c.record_id == record_id,
                t.c.id == attachment_id,
            )
        ).scalar()

    # service quality -------------------------------------------------------------------
    def quality_trips(
        self, county: str, since: dt.datetime, levels: Mapping[str, str]
    ) -> list[Trip]:
        """Inbound parcels first arriving since `since` (see adapters.db.quality)."""
        return quality_trips(self._c, county, since, levels)

    def loss_reports(self, county: str) -> list[LossReport]:
        """Exception scans reporting a loss or a damage (see adapters.db.quality)."""
        return loss_reports(self._c, county)

    def prohibited_found(self, county: str) -> list[ProhibitedFound]:
        """Prohibited items reported in parcels taken in (see adapters.db.quality)."""
        return prohibited_found(self._c, county)

    # credit ----------------------------------------------------------------------------
    def add_credit_event(self, county: str, event: CreditEvent, by: str) -> int:
        """Store a credit event; its number."""
        result = self._c.execute(
            insert(credit_events).values(
                county_code=county,
                subject=str(event.subject),
                type=event.type,
                on_day=event.on,
                note=event.note,
                ref=event.ref,
                recorded_at=dt.datetime.now(dt.UTC),
                recorded_by=by,
            )
        )
        pk = result.inserted_primary_key
        assert pk is not None
        return int(pk[0])

    def credit_events(self, county: str, subject: str | None = None) -> list[CreditEvent]:
        """The county's credit events (of one subject), in the order they happened."""
        t = credit_events
        query = select(t).where(t.c.county_code == county)
        if subject is not None:
            query = query.where(t.c.subject == subject)
        rows = self._c.execute(query.order_by(t.c.on_day, t.c.id))
        return [
            CreditEvent(Subject.parse(r.subject), r.type, r.on_day, r.note, r.ref) for r in rows
        ]

    def add_repair(
        self,
        county: str,
        subject: str,
        listed_on: dt.date,
        rectified_on: dt.date,
        note: str,
        by: str,
    ) -> None:
        """Record that a blacklist entry's subject rectified (replacing an earlier record)."""
        t = blacklist_repairs
        self._c.execute(
            delete(t).where(
                t.c.county_code == county, t.c.subject == subject, t.c.listed_on == listed_on
            )
        )
        self._c.execute(
            insert(t).values(
                county_code=county,
                subject=subject,
                listed_on=listed_on,
                rectified_on=rectified_on,
                note=note,
                recorded_at=dt.datetime.now(dt.UTC),
                recorded_by=by,
            )
        )

    def repairs(self, county: str) -> dict[str, dict[dt.date, dt.date]]:
        """Rectification days by subject and the start day of the entry they repair."""
        t = blacklist_repairs
        out: dict[str, dict[dt.date, dt.date]] = {}
        for r in self._c.execute(select(t).where(t.c.county_code == county)):
            out.setdefault(r.subject, {})[r.listed_on] = r.rectified_on
        return out


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
