"""Staff in the database: a member put, read back, replaced; personal data only as held."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.domain.staff import Occupation, StaffMember

AT = dt.datetime(2026, 12, 6, 2, 0, tzinfo=dt.UTC)


def test_a_member_is_put_read_back_and_replaced(engine: Engine) -> None:
    a = StaffMember("S001", "ZTO", Occupation.COURIER, 4, dt.date(2026, 3, 1),
                    social_insurance_until=dt.date(2027, 1, 31), username="keeper1")  # fmt: skip
    b = StaffMember("S002", "centre", Occupation.HANDLER)
    with SqlUnitOfWork(engine) as uow:
        uow.staff.put("654226", a, {"name_enc": "v1:aaa", "phone_enc": "v1:ppp"}, AT)
        uow.staff.put("654226", b, {}, AT)
        uow.commit()
    trained = StaffMember("S002", "centre", Occupation.HANDLER, 5, dt.date(2026, 12, 1))
    with SqlUnitOfWork(engine) as uow:
        assert uow.staff.members("654226") == [a, b]
        assert uow.staff.by_account("654226", "keeper1") == a
        assert uow.staff.get("000000", "S001") is None
        uow.staff.put("654226", trained, {}, AT)
        uow.staff.put("654226", a, {"phone_enc": "v1:qqq"}, AT)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.staff.get("654226", "S002") == trained
        assert uow.staff.personal("654226", "S001") == {
            "name_enc": "v1:aaa", "id_number_enc": None, "phone_enc": "v1:qqq"}  # fmt: skip
