"""The staff gate through the real registry and the real supervision credit: no pre-job
training, or `person:<staff no>` blacklisted, and a person may not work; otherwise they may."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import Engine

from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.domain.access import Principal, Role
from countyexpress.domain.staff import Occupation, StaffMember
from countyexpress.domain.supervision.credit import BlacklistRule
from countyexpress.domain.supervision.records import SubjectKind
from countyexpress.errors import NotAllowed, NotFound
from countyexpress.services import counties, supervision
from countyexpress.services.staff import (
    BOUND_TO_A_STATION,
    PUT_ON_A_RUN,
    create_staff_user,
    may_work,
)

HESHUO = "652828"
DAY = dt.date(2026, 11, 30)
AT = dt.datetime(2026, 11, 30, 4, 0, tzinfo=dt.UTC)


@pytest.fixture
def uow(engine: Engine) -> SqlUnitOfWork:
    path = builtin_pack_path("heshuo")
    assert path is not None
    counties.load_county(SqlUnitOfWork(engine), read_pack(path))
    with SqlUnitOfWork(engine) as u:
        u.staff.put(
            HESHUO,
            StaffMember("S1", "zto", Occupation.COURIER, pre_job_trained_on=dt.date(2026, 3, 1)),
            {},
            AT,
        )
        u.staff.put(HESHUO, StaffMember("S2", "zto", Occupation.HANDLER), {}, AT)
        u.commit()  # fmt: skip
    return SqlUnitOfWork(engine)


def test_a_trained_unlisted_person_passes_both_gates(uow: SqlUnitOfWork) -> None:
    assert may_work(uow, HESHUO, "S1", PUT_ON_A_RUN, DAY).staff_no == "S1"
    assert may_work(uow, HESHUO, "S1", BOUND_TO_A_STATION, DAY).staff_no == "S1"


def test_a_person_without_pre_job_training_is_refused(uow: SqlUnitOfWork) -> None:
    with pytest.raises(NotAllowed, match="S2 cannot be bound to a station: no pre-job"):
        may_work(uow, HESHUO, "S2", BOUND_TO_A_STATION, DAY)


def test_a_blacklisted_person_is_refused(uow: SqlUnitOfWork) -> None:
    """The county's rules put a person on the list for one leak (Heshuo's pack lists
    carriers only, so the test stores a rule that lists people)."""
    with SqlUnitOfWork(uow.engine) as reading:
        rules = supervision.rules_of(reading, HESHUO)
    people = BlacklistRule("personal_data_leak", 1, 12, 12, frozenset({SubjectKind.PERSON}))
    credit = replace(rules.credit, blacklist=(*rules.credit.blacklist, people))
    supervision.load_rules(uow, HESHUO, replace(rules, credit=credit), "test")
    supervision.record_credit_event(uow, HESHUO, "person:S1", "personal_data_leak", DAY)
    with pytest.raises(NotAllowed, match="person:S1 is on the blacklist"):
        may_work(uow, HESHUO, "S1", PUT_ON_A_RUN, DAY)


def test_an_unregistered_person_is_not_found(uow: SqlUnitOfWork) -> None:
    with pytest.raises(NotFound):
        may_work(uow, HESHUO, "S9", PUT_ON_A_RUN, DAY)


ADMIN = Principal("0", "admin", Role.ADMIN)
PASSWORD = "a long enough pass phrase 7"


def test_a_keeper_account_is_bound_to_a_station_only_through_the_gate(
    uow: SqlUnitOfWork,
) -> None:
    with pytest.raises(NotAllowed, match="no pre-job training"):
        create_staff_user(uow, ADMIN, "S2", "keeper2", PASSWORD, Role.STATION_KEEPER,
                          county=HESHUO, station="HS-STA-01")  # fmt: skip
    with SqlUnitOfWork(uow.engine) as reading:
        assert reading.accounts.user_named("keeper2") is None
    user = create_staff_user(uow, ADMIN, "S1", "keeper1", PASSWORD, Role.STATION_KEEPER,
                             county=HESHUO, station="HS-STA-01")  # fmt: skip
    assert user.station == "HS-STA-01"
    with SqlUnitOfWork(uow.engine) as reading:
        linked = reading.staff.by_account(HESHUO, "keeper1")
        assert linked is not None and linked.staff_no == "S1"
