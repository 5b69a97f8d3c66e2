"""Outbound intake records and carrier confirmations on SQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, and_, bindparam, insert, select, update

from countyexpress.adapters.db.ledger import _aware, _chunks
from countyexpress.adapters.db.operations import _utc, _utc_row
from countyexpress.adapters.db.tables_intake import carrier_confirmations, intake_records

Record = dict[str, Any]


def _record(row: Any) -> Record:
    out = dict(row._mapping)
    for key, value in out.items():
        if isinstance(value, dt.datetime):
            out[key] = _aware(value)
    return out


class SqlIntake:
    """Intake records (personal data encrypted) and learned carrier confirmations."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, row: Record) -> None:
        self.connection.execute(insert(intake_records).values(**_utc_row(row, intake_records)))

    def get(self, county: str, waybill: str) -> Record | None:
        c = intake_records.c
        row = self.connection.execute(
            select(intake_records).where(c.county_code == county, c.waybill_no == waybill)
        ).one_or_none()
        return None if row is None else _record(row)

    def add_many(self, rows: Sequence[Record]) -> None:
        """Several intake records in one statement."""
        if rows:
            self.connection.execute(
                insert(intake_records), [_utc_row(r, intake_records) for r in rows]
            )

    def get_many(self, county: str, waybills: Sequence[str]) -> dict[str, Record]:
        """The intake records of these waybills that exist, by waybill."""
        c = intake_records.c
        out: dict[str, Record] = {}
        for chunk in _chunks(sorted(set(waybills))):
            rows = self.connection.execute(
                select(intake_records).where(c.county_code == county, c.waybill_no.in_(chunk))
            )
            out.update({r.waybill_no: _record(r) for r in rows})
        return out

    def set_security_marks(self, county: str, waybills: Sequence[str]) -> None:
        """Mark these parcels screened (the outbound security mark)."""
        if not waybills:
            return
        c = intake_records.c
        stmt = (
            update(intake_records)
            .where(c.county_code == county, c.waybill_no == bindparam("_w"))
            .values(security_mark=True)
        )
        self.connection.execute(stmt, [{"_w": w} for w in waybills])

    def by_id_hash(self, county: str, id_number_hash: str) -> list[Record]:
        c = intake_records.c
        rows = self.connection.execute(
            select(intake_records)
            .where(c.county_code == county, c.id_number_hash == id_number_hash)
            .order_by(c.created_at, c.waybill_no)
        )
        return [_record(r) for r in rows]

    def set_security_mark(self, county: str, waybill: str) -> None:
        c = intake_records.c
        self.connection.execute(
            update(intake_records)
            .where(c.county_code == county, c.waybill_no == waybill)
            .values(security_mark=True)
        )

    def confirmations(self, county: str, shape: str) -> dict[tuple[str, str], int]:
        c = carrier_confirmations.c
        rows = self.connection.execute(
            select(c.carrier, c.times).where(c.county_code == county, c.shape == shape)
        )
        return {(shape, r.carrier): int(r.times) for r in rows}

    def confirm(self, county: str, shape: str, carrier: str, at: dt.datetime) -> int:
        c = carrier_confirmations.c
        where = and_(c.county_code == county, c.shape == shape, c.carrier == carrier)
        done = self.connection.execute(
            update(carrier_confirmations)
            .where(where)
            .values(times=c.times + 1, updated_at=_utc(at))
        )
        if done.rowcount == 0:
            self.connection.execute(
                insert(carrier_confirmations).values(
                    county_code=county, shape=shape, carrier=carrier, times=1, updated_at=_utc(at)
                )
            )
        return int(self.connection.scalar(select(c.times).where(where)) or 0)
