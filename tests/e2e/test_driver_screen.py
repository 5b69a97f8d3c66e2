"""司机 The driver's screen: a vehicle's run stop by stop, door deliveries with proof."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from countyexpress import bootstrap
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs.reader import builtin_pack_path
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties as county_service
from countyexpress.services import scans, vehicles
from countyexpress.settings import Settings
from support.route_day import heshuo_day
from support.web import PEOPLE, add_user, csrf_of, log_in

DAY = "2026-11-28"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Heshuo with a DEMO day sorted and planned by the centre, a user of each role."""
    tmp: Path = tmp_path_factory.mktemp("driver")
    settings = Settings(database_url=f"sqlite:///{tmp / 'driver.db'}")
    engine = bootstrap.open_engine(settings)
    county_service.load_county(bootstrap.uow_factory(engine)(),
                               bootstrap.read_pack_source("heshuo"))  # fmt: skip
    vehicles.load_pack_vehicles(
        bootstrap.uow_factory(engine)(), "652828", builtin_pack_path("heshuo")
    )  # the registry, as county load
    heshuo_day(engine)
    for who in PEOPLE.values():
        add_user(engine, who)
    application = create_app(settings, engine)
    operator = as_(application, "centre_operator")
    r = operator.post(f"/api/v1/counties/652828/routes?date={DAY}&seconds=0.5",
                      headers={"X-CSRF-Token": csrf_of(operator.get("/login").text)})  # fmt: skip
    assert r.status_code == 201, r.text
    yield application
    engine.dispose()


def as_(app: object, role: str) -> TestClient:
    client = TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
    log_in(client, PEOPLE[role].name)
    return client


def door_forms(html: str) -> list[str]:
    return re.findall(r'class="pair door-form" data-waybill="([A-Z0-9]+)"', html)


def test_the_driver_sees_each_run_stop_by_stop_in_planned_order(app: object) -> None:
    driver = as_(app, "driver")
    page = driver.get(f"/counties/652828/driver?day={DAY}")
    assert page.status_code == 200
    times = re.findall(r'data-state="\w+">\s*<p><b>(\d\d:\d\d)</b>', page.text)
    assert times and times == sorted(times)  # in the order the van reaches them
    assert 'href="/counties/652828/driver"' in page.text  # the driver's own menu entry
    assert "/sheet.pdf" in page.text


def test_a_door_delivery_with_proof_marks_the_parcel_delivered_and_leaves_the_list(
    app: object,
) -> None:
    driver = as_(app, "driver")
    csrf = csrf_of(driver.get("/login").text)
    page = driver.get(f"/counties/652828/driver?day={DAY}")
    vehicles = re.findall(r'<option value="([^"]+)"', page.text.split('name="vehicle"')[1])
    due = []
    for v in vehicles:  # the first run with door parcels
        page = driver.get(f"/counties/652828/driver?day={DAY}&vehicle={v}")
        due = door_forms(page.text)
        if due:
            break
    assert due, "the DEMO day has door parcels"
    form = {"csrf_token": csrf, "day": DAY, "vehicle": v, "waybill": due[0]}
    refused = driver.post("/counties/652828/driver/door",
                          data={**form, "signer_type": "family", "signer_name": " "})  # fmt: skip
    assert refused.status_code == 422 and "who signed is required" in refused.text
    done = driver.post("/counties/652828/driver/door",
                       data={**form, "signer_type": "family", "signer_name": "李四"})  # fmt: skip
    assert done.status_code == 200 and 'data-outcome="delivered"' in done.text
    assert door_forms(done.text) == due[1:]
    view = scans.parcel_status(SqlUnitOfWork(app.state.engine), due[0])  # type: ignore[attr-defined]
    assert view.status.state.value == "delivered"
    assert view.status.events[-1].payload["signer_type"] == "family"
    assert "李四" not in str(view.status.events[-1].payload)  # the signer's name is masked


def test_a_regulator_reads_the_runs_but_records_no_delivery(app: object) -> None:
    regulator = as_(app, "regulator")
    page = regulator.get(f"/counties/652828/driver?day={DAY}")
    assert page.status_code == 200 and 'id="stops"' in page.text
    assert door_forms(page.text) == []
    assert as_(app, "station_keeper").get("/counties/652828/driver").status_code == 403


def test_a_day_without_a_plan_says_so(app: object) -> None:
    page = as_(app, "driver").get("/counties/652828/driver?day=2026-01-02")
    assert page.status_code == 200 and 'id="no-plan"' in page.text
