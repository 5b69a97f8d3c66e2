"""政策支持 The support page and API: the regulator grants an application within its
programme's ceiling on the page; a carrier's key reads its own applications only and may
not decide."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from countyexpress import bootstrap
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.domain.access import SYSTEM, Principal, Role
from countyexpress.domain.supervision.support import Application
from countyexpress.domain.vehicles import RegisteredVehicle
from countyexpress.entrypoints.api.app import create_app
from countyexpress.errors import Forbidden
from countyexpress.services import counties as county_service
from countyexpress.services import support
from countyexpress.settings import Settings
from support.web import PEOPLE, add_key, add_user, csrf_of, log_in

CODE = "652828"
PAGE = f"/counties/{CODE}/support"
API = f"/api/v1/counties/{CODE}/support/applications"
AT = dt.datetime(2026, 1, 5, 4, 0, tzinfo=dt.UTC)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[object]:
    """Heshuo, a user of each role, new-energy vans of zto and sto, an application of each."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'sp.db'}", data_dir=tmp_path)
    engine = bootstrap.open_engine(settings)
    county_service.load_county(bootstrap.uow_factory(engine)(),
                               bootstrap.read_pack_source("heshuo"))  # fmt: skip
    for who in PEOPLE.values():
        add_user(engine, who)
    fleet = [RegisteredVehicle(f"HS-KD-E00{i}", f"新F-E000{i}", "van", owner=c, new_energy=True)
             for i, c in enumerate(("zto", "sto"), start=1)]  # fmt: skip
    with SqlUnitOfWork(engine) as uow:
        uow.vehicles.replace(CODE, fleet, by="test", at=AT, source="test")
        uow.commit()
    for i, carrier in enumerate(("zto", "sto"), start=1):
        support.apply(
            SqlUnitOfWork(engine),
            CODE,
            carrier,
            Application("nev_purchase", 30000, vehicle=f"HS-KD-E00{i}"),
            by=SYSTEM,
        )
    application = create_app(settings, engine)
    application.state.test_engine = engine
    yield application
    engine.dispose()


def test_the_regulator_grants_within_the_ceiling_on_the_page(app: object) -> None:
    reg = TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
    log_in(reg, PEOPLE["regulator"].name)
    page = reg.get(PAGE, headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 200
    assert "政策支持" in page.text and "新能源快递车辆购置补贴" in page.text
    assert re.search(r'<tr data-record="1" data-state="submitted">', page.text)
    token = csrf_of(page.text)
    above = reg.post(f"{PAGE}/applications/1", data={"grant": "40000", "csrf_token": token})
    assert above.status_code == 303 and "error=" in above.headers["location"]
    assert "30000" in reg.get(above.headers["location"]).text
    done = reg.post(f"{PAGE}/applications/1", data={"grant": "30000", "csrf_token": token})
    assert done.headers["location"].endswith("done=decided")
    after = reg.get(done.headers["location"]).text
    assert '<tr data-record="1" data-state="granted">' in after
    refused = reg.post(f"{PAGE}/applications/2", data={"refuse": "预算已用完",
                                                       "csrf_token": token})  # fmt: skip
    assert refused.headers["location"].endswith("done=decided")
    assert reg.get(API).json()[1]["facts"]["reason"] == "预算已用完"


def test_a_carriers_key_reads_its_own_applications_and_may_not_decide(app: object) -> None:
    engine = app.state.test_engine  # type: ignore[attr-defined]
    key = add_key(engine, "zto")
    client = TestClient(app)  # type: ignore[arg-type]
    mine = client.get(API, headers={"X-API-Key": key}).json()
    assert [r["subject"] for r in mine] == ["carrier:zto"]
    r = client.post(f"{API}/1/decision", json={"grant": 30000}, headers={"X-API-Key": key})
    assert r.status_code == 403


def test_a_carrier_applies_for_itself_only() -> None:
    """The service's rule: a carrier's principal may apply for its own carrier."""
    zto = Principal("k1", "zto key", Role.CARRIER, county=CODE, carrier="zto")
    with pytest.raises(Forbidden):
        support.apply(None, CODE, "sto", Application("nev_purchase", 1), by=zto)  # type: ignore[arg-type]


def test_a_carriers_key_applies_for_itself_and_hears_why_not(app: object) -> None:
    engine = app.state.test_engine  # type: ignore[attr-defined]
    key = {"X-API-Key": add_key(engine, "zto")}
    client = TestClient(app)  # type: ignore[arg-type]
    body = {"carrier": "zto", "programme": "warehouse_project", "amount": 150000,
            "investment": 2000000}  # fmt: skip
    r = client.post(API, json=body, headers=key)
    assert r.status_code == 201, r.text
    assert r.json()["check"]["ceiling"] == 200000 and r.json()["record"]["state"] == "submitted"
    assert client.post(API, json={**body, "carrier": "sto"}, headers=key).status_code == 403
    r = client.post(API, json={**body, "investment": 5000}, headers=key)
    assert r.status_code == 409 and "below the programme's 1000000" in r.json()["detail"]


def test_the_regulator_enters_a_paper_application_on_the_page(app: object) -> None:
    reg = TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
    log_in(reg, PEOPLE["regulator"].name)
    token = csrf_of(reg.get(PAGE).text)
    form = {"carrier": "yto", "programme": "sorting_centre", "amount": "1000",
            "facility": "BZ-SORT", "csrf_token": token}  # fmt: skip
    refused = reg.post(f"{PAGE}/applications", data=form)
    page = reg.get(refused.headers["location"], headers={"Accept-Language": "zh-CN"}).text
    assert "不符合 sorting_centre 的条件" in page and "设施 BZ-SORT 不在本县" in page
    form = {"carrier": "yto", "programme": "warehouse_project", "amount": "100000",
            "investment": "1500000", "csrf_token": token}  # fmt: skip
    done = reg.post(f"{PAGE}/applications", data=form)
    assert done.headers["location"].endswith("done=applied")
    assert any(r["subject"] == "carrier:yto" for r in reg.get(API).json())
