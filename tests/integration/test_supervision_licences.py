"""Express business licences on the supervision records: granted, renewed, reported on,
expired or cancelled; the filings under a licence lapse when it ends."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.adapters.vault import Vault
from countyexpress.domain.supervision.clocks import ClockState
from countyexpress.errors import InvalidValue, NotAllowed
from countyexpress.services import counties, licences
from countyexpress.services import supervision as service

HESHUO = "652828"
VAULT = Vault(b"0123456789abcdef0123456789abcdef")


@pytest.fixture
def uow(engine: Engine) -> SqlUnitOfWork:
    path = builtin_pack_path("heshuo")
    assert path is not None
    counties.load_county(SqlUnitOfWork(engine), read_pack(path))
    return SqlUnitOfWork(engine)


def _filed(uow: SqlUnitOfWork, outlet: str, on: dt.date, licence: str = "") -> int:
    view = service.submit_filing(uow, VAULT, HESHUO, "zto", outlet, f"中通{outlet}",
                                 "652828100001", on, on=on, licence=licence)  # fmt: skip
    service.review_filing(uow, HESHUO, view.id, "accept", on=on)
    return view.id


def test_a_licence_is_valid_five_years_with_renewal_and_annual_report_clocks(
    uow: SqlUnitOfWork,
) -> None:
    granted = dt.date(2022, 3, 15)
    view = licences.grant(uow, HESHUO, "zto", "快递业务经营许可证 新A-0001", granted)
    [lic] = licences.licences(uow, HESHUO, dt.date(2026, 5, 1))
    assert lic.id == view.id and lic.number == "快递业务经营许可证 新A-0001"
    assert lic.expires == dt.date(2027, 3, 15)
    assert lic.renewal is not None and lic.renewal.due == dt.date(2027, 2, 13)
    assert lic.annual is not None and lic.annual.due == dt.date(2026, 4, 30)
    assert lic.annual.state(dt.date(2026, 5, 1)) is ClockState.OVERDUE
    licences.report_annual(uow, HESHUO, view.id, 2025, dt.date(2026, 4, 20))
    [lic] = licences.licences(uow, HESHUO, dt.date(2026, 5, 1))
    assert lic.annual is not None and lic.annual.state(dt.date(2026, 5, 1)) is ClockState.MET
    [lic] = licences.licences(uow, HESHUO, dt.date(2027, 2, 14))
    assert lic.renewal is not None
    assert lic.renewal.state(dt.date(2027, 2, 14)) is ClockState.OVERDUE
    licences.renew(uow, HESHUO, view.id, dt.date(2027, 2, 20))
    [lic] = licences.licences(uow, HESHUO, dt.date(2027, 2, 21))
    assert lic.expires == dt.date(2032, 2, 20)


def test_refusals_say_why(uow: SqlUnitOfWork) -> None:
    view = licences.grant(uow, HESHUO, "zto", "新A-0002", dt.date(2024, 1, 10))
    with pytest.raises(NotAllowed, match="already recorded"):
        licences.grant(uow, HESHUO, "yto", "新A-0002", dt.date(2024, 1, 10))
    with pytest.raises(InvalidValue, match="carrier"):
        licences.grant(uow, HESHUO, "nosuch", "新A-0003", dt.date(2024, 1, 10))
    with pytest.raises(NotAllowed, match="valid until 2029-01-10"):
        licences.expire(uow, HESHUO, view.id, dt.date(2026, 1, 1))
    with pytest.raises(NotAllowed, match=r"licences\.cancel"):
        service.act(uow, HESHUO, view.id, "cancel")


def test_filings_lapse_when_their_licence_ends(uow: SqlUnitOfWork) -> None:
    day = dt.date(2026, 11, 2)
    company = licences.grant(uow, HESHUO, "zto", "新A-0010", dt.date(2021, 12, 1))
    branch = licences.grant(uow, HESHUO, "zto", "新A-0010-01", dt.date(2024, 6, 1), "branch",
                            "中通快递和硕分公司")  # fmt: skip
    under_branch = _filed(uow, "HS-OUT-91", day, licence="新A-0010-01")
    unnamed = _filed(uow, "HS-OUT-92", day)
    licences.cancel(uow, HESHUO, branch.id, "停业", dt.date(2026, 11, 20))
    states = {v.id: v.record for v in service.records(uow, HESHUO, kind="outlet_filing")}
    assert states[under_branch].state == "lapsed"
    assert states[under_branch].trail[-1].note == "licence 新A-0010-01 cancelled on 2026-11-20"
    assert states[unnamed].state == "filed"  # the company's licence is still valid
    licences.expire(uow, HESHUO, company.id, dt.date(2026, 12, 2))
    states = {v.id: v.record for v in service.records(uow, HESHUO, kind="outlet_filing")}
    assert states[unnamed].state == "lapsed"
    assert "新A-0010 expired" in states[unnamed].trail[-1].note
