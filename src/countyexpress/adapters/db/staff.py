"""Staff on SQL (issue 14, tasks 19-20): a county's couriers and handlers by staff number.

The personal data arrive already encrypted (`Personal`: the Vault's ciphertexts) and leave
encrypted; this store never sees them in the clear.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, insert, select, update

from countyexpress.adapters.db.tables_staff import staff
from countyexpress.domain.county_time import county_date
from countyexpress.domain.staff import Occupation, StaffMember

_PERSONAL = ("name_enc", "id_number_enc", "phone_enc")


class SqlStaff:
    """Staff members of each county inside the unit of work's transaction."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def put(
        self, county_code: str, member: StaffMember, personal: dict[str, str], at: dt.datetime
    ) -> None:
        """Add `member` or replace what is held of them; `personal` maps name_enc,
        id_number_enc and phone_enc to ciphertexts (a missing one is kept as it was). The
        day they left is not written here: `leave` records it."""
        values = _row(member) | {k: v for k, v in personal.items() if k in _PERSONAL}
        values["updated_at"] = at.astimezone(dt.UTC)
        key = (staff.c.county_code == county_code) & (staff.c.staff_no == member.staff_no)
        done = self._conn.execute(update(staff).where(key).values(values))
        if not done.rowcount:
            self._conn.execute(insert(staff).values(county_code=county_code, **values))

    def leave(self, county_code: str, staff_no: str, at: dt.datetime) -> bool:
        """Record that the member left at `at` (the personal data's retention clock starts);
        False when there is no such member."""
        key = (staff.c.county_code == county_code) & (staff.c.staff_no == staff_no)
        done = self._conn.execute(update(staff).where(key).values(left_at=at.astimezone(dt.UTC)))
        return bool(done.rowcount)

    def get(self, county_code: str, staff_no: str) -> StaffMember | None:
        """The member with `staff_no`, or None."""
        row = self._conn.execute(
            select(staff).where(staff.c.county_code == county_code, staff.c.staff_no == staff_no)
        ).mappings().first()  # fmt: skip
        return None if row is None else _member(row)

    def personal(self, county_code: str, staff_no: str) -> dict[str, str | None]:
        """The ciphertexts of the member's name, ID number and phone (None: not held/purged)."""
        row = self._conn.execute(
            select(*(staff.c[k] for k in _PERSONAL))
            .where(staff.c.county_code == county_code, staff.c.staff_no == staff_no)
        ).mappings().first()  # fmt: skip
        return {k: None for k in _PERSONAL} if row is None else dict(row)

    def members(self, county_code: str) -> list[StaffMember]:
        """The county's staff by staff number."""
        rows = self._conn.execute(
            select(staff).where(staff.c.county_code == county_code).order_by(staff.c.staff_no)
        ).mappings()
        return [_member(r) for r in rows]

    def by_account(self, county_code: str, account: str) -> StaffMember | None:
        """The member linked to the user account `account`, or None."""
        row = self._conn.execute(
            select(staff).where(staff.c.county_code == county_code, staff.c.account == account)
        ).mappings().first()  # fmt: skip
        return None if row is None else _member(row)


def _row(m: StaffMember) -> dict[str, Any]:
    return {
        "staff_no": m.staff_no, "employer": m.employer, "occupation": m.occupation.value,
        "level": m.level, "pre_job_trained_on": m.pre_job_trained_on, "trained_on": m.trained_on,
        "social_insurance_until": m.social_insurance_until,
        "injury_insurance_until": m.injury_insurance_until, "account": m.username,
    }  # fmt: skip


def _member(row: Any) -> StaffMember:
    return StaffMember(
        row["staff_no"], row["employer"], Occupation(row["occupation"]), row["level"],
        row["pre_job_trained_on"], row["trained_on"], row["social_insurance_until"],
        row["injury_insurance_until"], row["account"],
        None if row["left_at"] is None else county_date(row["left_at"]),
    )  # fmt: skip
