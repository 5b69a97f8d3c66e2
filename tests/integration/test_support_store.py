"""Support applications and staff requests on SQLite and PostgreSQL: facts round-trip, the
check runs again at the decision (a carrier blacklisted since is not granted), request
details are stored encrypted."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import Engine

from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.adapters.vault import Vault
from countyexpress.domain.staff import Occupation, StaffMember
from countyexpress.domain.supervision.support import Application
from countyexpress.errors import NotAllowed
from countyexpress.services import counties, support
from countyexpress.services import supervision as service

HESHUO = "652828"
VAULT = Vault(b"0123456789abcdef0123456789abcdef")
DAY = dt.date(2026, 3, 2)


@pytest.fixture
def uow(engine: Engine) -> SqlUnitOfWork:
    path = builtin_pack_path("heshuo")
    assert path is not None
    counties.load_county(SqlUnitOfWork(engine), read_pack(path))
    return SqlUnitOfWork(engine)


def test_a_project_is_granted_by_its_investment_and_counted_in_its_year(
    uow: SqlUnitOfWork,
) -> None:
    a = Application("warehouse_project", 250_000, investment=2_500_000)
    view, e = support.apply(uow, HESHUO, "zto", a, on=DAY)
    assert e.ceiling == 250_000 and view.record.facts["investment"] == "2500000"
    with pytest.raises(NotAllowed, match="at most 250000"):
        support.decide(uow, HESHUO, view.id, grant=250_001, on=DAY)
    support.decide(uow, HESHUO, view.id, grant=240_000, on=dt.date(2026, 3, 20))
    [stored] = support.applications(uow, HESHUO)
    assert stored.record.state == "granted" and stored.record.facts["granted"] == "240000"
    snap = support.snapshot(uow, HESHUO, dt.date(2026, 4, 1), 2026)
    assert [r.state for r in snap.records] == ["granted"]


def test_a_carrier_blacklisted_after_applying_is_not_granted_but_may_be_refused(
    uow: SqlUnitOfWork,
) -> None:
    a = Application("warehouse_project", 100_000, investment=2_000_000)
    view, _ = support.apply(uow, HESHUO, "zto", a, on=DAY)
    service.record_credit_event(uow, HESHUO, "carrier:zto", "personal_data_leak", DAY)
    with pytest.raises(NotAllowed, match="blacklist"):
        support.decide(uow, HESHUO, view.id, grant=100_000, on=DAY)
    done = support.decide(uow, HESHUO, view.id, refuse="blacklisted since the application")
    assert done.record.state == "refused"


def test_a_request_keeps_its_details_encrypted(uow: SqlUnitOfWork) -> None:
    at = dt.datetime(2026, 1, 5, 4, 0, tzinfo=dt.UTC)
    with uow:
        uow.staff.put(HESHUO, StaffMember("S7", "yto", Occupation.COURIER), {}, at)
        uow.commit()
    view = support.request(uow, VAULT, HESHUO, "S7", "housing", "a room near the centre",
                           on=DAY)  # fmt: skip
    with uow:
        stored = uow.supervision.get(HESHUO, view.id)
    assert stored is not None and stored.personal_enc is not None
    assert "room" not in stored.personal_enc
    assert json.loads(VAULT.decrypt(stored.personal_enc)) == {"details": "a room near the centre"}
    assert dict(stored.record.facts) == {"type": "housing", "employer": "yto"}
