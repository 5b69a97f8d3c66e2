"""绿色包装 The green packaging page and API (issue 14 item 3): the regulator uploads carriers'
reports and sees task 17's indicators against the targets; a refused file shows every row's
problem and stores nothing; a carrier's key uploads its own carrier's reports only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from countyexpress import bootstrap
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties as county_service
from countyexpress.settings import Settings
from support.web import PEOPLE, add_key, add_user, csrf_of, log_in

CODE = "652828"
PAGE = f"/counties/{CODE}/packaging"
API = f"/api/v1/counties/{CODE}/packaging"
GOOD = (
    b"carrier,outlet,month,parcels,slim_tape,not_reboxed,transit_bags,reusable_transit_bags\n"
    b"zto,HS-OUT-01,2022-03,1000,950,700,40,36\n"
    b"sto,,2022-03,500,400,300,10,10\n"
)
BAD = (
    b"carrier,outlet,month,parcels,slim_tape\n"
    b"zto,HS-OUT-01,2022-04,10,9\n"
    b"zto,HS-OUT-01,2022-04,10,9\n"
    b"sto,,2022-04,10,12\n"
)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[object]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'pk.db'}", data_dir=tmp_path)
    engine = bootstrap.open_engine(settings)
    county_service.load_county(bootstrap.uow_factory(engine)(),
                               bootstrap.read_pack_source("heshuo"))  # fmt: skip
    for who in PEOPLE.values():
        add_user(engine, who)
    application = create_app(settings, engine)
    application.state.test_engine = engine
    yield application
    engine.dispose()


def as_(app: object, role: str) -> TestClient:
    client = TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
    log_in(client, PEOPLE[role].name)
    return client


def test_the_regulator_uploads_on_the_page_and_sees_the_indicators_against_targets(
    app: object,
) -> None:
    reg = as_(app, "regulator")
    page = reg.get(PAGE)
    assert page.status_code == 200 and 'id="packaging-upload"' in page.text
    assert 'id="packaging-link"' in reg.get(f"/counties/{CODE}/supervision").text
    token = csrf_of(page.text)
    refused = reg.post(f"{PAGE}/import", data={"csrf_token": token},
                       files={"file": ("bad.csv", BAD, "text/csv")})  # fmt: skip
    assert refused.status_code == 422
    assert 'data-line="3" data-field="month"' in refused.text
    assert 'data-line="4" data-field="slim_tape"' in refused.text
    assert reg.get(API).json()["reports"] == []  # nothing stored, not even line 2
    done = reg.post(f"{PAGE}/import", data={"csrf_token": token},
                    files={"file": ("good.csv", GOOD, "text/csv")})  # fmt: skip
    assert done.status_code == 303
    shown = reg.get(done.headers["location"])
    assert 'id="packaging-done"' in shown.text
    assert 'data-indicator="slim_tape_share" data-status="met"' in shown.text  # 90% ≥ 90%
    assert 'data-indicator="not_reboxed_share" data-status="behind"' in shown.text  # 67% < 80%
    assert '<tr data-key="zto">' in shown.text and '<tr data-key="sto">' in shown.text
    by_outlet = reg.get(PAGE, params={"month": "2022-03", "by": "outlet"})
    assert '<tr data-key="HS-OUT-01">' in by_outlet.text


def test_the_api_answers_indicators_and_a_carriers_key_uploads_only_its_own(app: object) -> None:
    engine = app.state.test_engine  # type: ignore[attr-defined]
    key = {"X-API-Key": add_key(engine, "zto")}
    client = TestClient(app)  # type: ignore[arg-type]
    own = client.post(f"{API}/import", headers=key,
                      files={"file": ("zto.csv", b"carrier,month,parcels,slim_tape\n"
                                      b"zto,2022-05,100,80\n", "text/csv")})  # fmt: skip
    assert own.status_code == 201 and own.json()["stored"] == 1
    other = client.post(f"{API}/import", headers=key,
                        files={"file": ("sto.csv", b"carrier,month,parcels\nsto,2022-05,10\n",
                                        "text/csv")})  # fmt: skip
    assert other.status_code == 403
    assert client.get(API, headers=key).status_code == 403  # the regulator's view
    reg = as_(app, "regulator")
    data = reg.get(API, params={"year": 2022}).json()
    slim = {i["indicator"]: i for i in data["indicators"]}["slim_tape_share"]
    assert slim["value"] == 0.8 and slim["target"] == 0.9 and slim["status"] == "behind"
    assert slim["lead_unit"] and data["tape_width_max_mm"] == 45
    assert [r["carrier"] for r in data["reports"]] == ["zto"]
    bad = reg.post(f"{API}/import", headers={"X-CSRF-Token": csrf_of(reg.get(PAGE).text)},
                   files={"file": ("b.csv", b"carrier,month,parcels\nzto,2022-13,1\n",
                                   "text/csv")})  # fmt: skip
    assert bad.status_code == 422
    assert bad.json()["problems"] == [
        {"file": "b.csv", "line": 2, "field": "month", "reason": "month 13 is outside 1 to 12"}
    ]


def test_packaging_given_at_intake_over_the_api_counts_in_the_month(app: object) -> None:
    engine = app.state.test_engine  # type: ignore[attr-defined]
    key = {"X-API-Key": add_key(engine, "zto")}
    client = TestClient(app)  # type: ignore[arg-type]
    body = {"county": CODE, "facility": "HS-STA-01", "carrier": "zto",
            "waybill_no": "73100000000011", "id_type": "resident_id",
            "id_number": "360426199101010071", "name": "阿依古丽", "category": "dried_fruit",
            "at": "2026-11-20T10:00:00+08:00",
            "packaging": {"bag_type": "non_degradable_bag", "tape_width_mm": 60}}  # fmt: skip
    taken = client.post("/api/v1/intake", headers=key, json=body)
    assert taken.status_code == 201, taken.text
    wrong = client.post("/api/v1/intake", headers=key, json={
        **body, "waybill_no": "73100000000012", "packaging": {"bag_type": "plastic"}})  # fmt: skip
    assert wrong.status_code == 422 and "bag_type" in wrong.text
    reg = as_(app, "regulator")
    data = reg.get(API, params={"year": 2026, "by": "outlet"}).json()
    values = {i["indicator"]: i for i in data["indicators"]}
    assert values["slim_tape_share"]["value"] == 0  # 60 mm is wider than 45
    assert values["prohibited_bag_share"]["value"] == 1
    assert [r["key"] for r in data["rows"]] == ["HS-STA-01"]
