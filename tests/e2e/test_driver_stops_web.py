"""Issue 12, driver: door stops show the address and the receiver masked, a tap-to-reveal
phone that is audited, the stop order on a small map, and each answer inside its stop."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine, select

from countyexpress import bootstrap
from countyexpress.adapters.db.tables_auth import audit_log
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs.reader import builtin_pack_path
from countyexpress.domain.access import Role
from countyexpress.domain.staff import Occupation, StaffMember
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties as county_service
from countyexpress.services import vehicles
from countyexpress.settings import Settings
from support.route_day import heshuo_day
from support.web import PEOPLE, Someone, add_user, csrf_of, log_in

DAY = "2026-11-28"
GREEDY = Someone("driver-greedy", Role.DRIVER, "652828")
OTHER = Someone("driver-other", Role.DRIVER, "652828")


@dataclass
class Day:
    app: object
    engine: Engine


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Day]:
    tmp: Path = tmp_path_factory.mktemp("stops")
    settings = Settings(
        database_url=f"sqlite:///{tmp / 'stops.db'}",
        data_key=SecretStr("test-key-material-of-enough-length"),  # as support.route_day
    )
    engine = bootstrap.open_engine(settings)
    county_service.load_county(bootstrap.uow_factory(engine)(),
                               bootstrap.read_pack_source("heshuo"))  # fmt: skip
    vehicles.load_pack_vehicles(
        bootstrap.uow_factory(engine)(), "652828", builtin_pack_path("heshuo")
    )
    heshuo_day(engine)
    for who in [*PEOPLE.values(), GREEDY, OTHER]:
        add_user(engine, who)
    application = create_app(settings, engine)
    operator = as_(application, "centre")
    r = operator.post(f"/api/v1/counties/652828/routes?date={DAY}&seconds=0.5",
                      headers={"X-CSRF-Token": csrf_of(operator.get("/login").text)})  # fmt: skip
    assert r.status_code == 201, r.text
    yield Day(application, engine)
    engine.dispose()


def as_(app: object, name: str) -> TestClient:
    client = TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
    log_in(client, name)
    return client


@dataclass
class Door:
    page: str
    waybill: str
    stop: str
    form: dict[str, str]


def a_door(client: TestClient) -> Door:
    """The first run with a parcel due at a door: the page, that parcel and its stop."""
    page = client.get(f"/counties/652828/driver?day={DAY}")
    vehicles_ = re.findall(r'<option value="([^"]+)"', page.text.split('name="vehicle"')[1])
    for v in vehicles_:
        text = client.get(f"/counties/652828/driver?day={DAY}&vehicle={v}").text
        found = re.search(r'class="pair door-form" data-waybill="([A-Z0-9]+)"', text)
        if found:
            stop = re.findall(r'id="stop-([^"]+)"', text[: found.start()])[-1]
            plan = re.search(r'name="plan" value="([^"]+)"', text)
            assert plan
            form = {"day": DAY, "plan": plan.group(1), "vehicle": v, "waybill": found.group(1)}
            return Door(text, found.group(1), stop, form)
    raise AssertionError("no door parcel on any run")


def reveal(client: TestClient, form: dict[str, str], hx: bool = True) -> object:
    headers = {"X-CSRF-Token": csrf_of(client.get("/login").text)}
    if hx:
        headers["HX-Request"] = "true"
    return client.post("/counties/652828/driver/phone", data=form, headers=headers)


def test_a_door_stop_shows_the_address_and_the_receiver_masked_and_the_stop_map(
    day: Day,
) -> None:
    driver = as_(day.app, "driver")
    door = a_door(driver)
    form = door.page.split(f'data-waybill="{door.waybill}"')[1].split("</form>")[0]
    address = re.search(r'class="door-address">([^<]*)<', form)
    receiver = re.search(r'class="receiver">([^<]*)<', form)
    phone = re.search(r'id="phone-[A-Z0-9]+">([^<]*)<', form)
    assert address and "****" in address.group(1)
    assert receiver and "*" in receiver.group(1)
    assert phone and "****" in phone.group(1)
    assert 'hx-post="/counties/652828/driver/phone"' in form
    assert 'id="map"' in door.page and 'id="map-data"' in door.page
    assert "/static/map.js" in door.page and "tile" not in door.page.split('id="map-data"')[1][:200]


def test_the_driver_reveals_the_phone_and_the_read_is_audited(day: Day) -> None:
    driver = as_(day.app, "driver")
    door = a_door(driver)
    answer = reveal(driver, door.form)
    assert answer.status_code == 200  # type: ignore[attr-defined]
    shown = re.search(r'href="tel:(\d{11})"', answer.text)  # type: ignore[attr-defined]
    assert shown, answer.text  # type: ignore[attr-defined]
    with day.engine.connect() as conn:
        rows = conn.execute(select(audit_log)).mappings().all()
    mine = [r for r in rows if door.waybill in r["subject"]]
    assert mine and mine[-1]["resource"] == "personal_data"
    assert shown.group(1) not in str(rows)  # the audit names the parcel, not the number


@pytest.mark.parametrize("who", ["centre", "keeper", "reg"])
def test_anyone_else_is_refused_alike_whether_or_not_the_parcel_exists(day: Day, who: str) -> None:
    door = a_door(as_(day.app, "driver"))
    other = as_(day.app, who)
    real = reveal(other, door.form)
    made_up = reveal(other, {**door.form, "waybill": "ZT9999999999999"})
    assert [real.status_code, made_up.status_code] == [403, 403]  # type: ignore[attr-defined]
    assert real.text == made_up.text  # type: ignore[attr-defined]
    assert "tel:" not in real.text  # type: ignore[attr-defined]


def test_a_parcel_not_due_on_the_run_is_one_answer_real_or_not(day: Day) -> None:
    driver = as_(day.app, "driver")
    door = a_door(driver)
    elsewhere = {**door.form, "vehicle": "NO-SUCH-VAN"}  # the real parcel, not this run
    made_up = {**door.form, "waybill": "ZT9999999999999"}
    answers = [reveal(driver, elsewhere), reveal(driver, made_up)]
    texts = {re.sub(r'id="phone-[A-Z0-9]*"', "", a.text) for a in answers}  # type: ignore[attr-defined]
    assert len(texts) == 1 and "tel:" not in texts.pop()
    assert 'data-outcome="refused"' in answers[0].text  # type: ignore[attr-defined]


def test_reveals_are_throttled(day: Day) -> None:
    door = a_door(as_(day.app, "driver"))
    greedy = as_(day.app, GREEDY.name)
    codes = [reveal(greedy, door.form).status_code for _ in range(31)]  # type: ignore[attr-defined]
    assert codes[:30] == [200] * 30
    assert codes[30] == 429


def test_a_door_delivery_answers_inside_its_stop(day: Day) -> None:
    driver = as_(day.app, "driver")
    door = a_door(driver)
    headers = {"X-CSRF-Token": csrf_of(driver.get("/login").text), "HX-Request": "true"}
    done = driver.post(
        "/counties/652828/driver/door",
        data={**door.form, "signer_type": "receiver", "signer_name": "张三"},
        headers=headers,
    )
    assert done.status_code == 200
    assert done.text.lstrip().startswith('<li class="card stop')
    assert f'id="stop-{door.stop}"' in done.text
    assert 'data-outcome="delivered"' in done.text and door.waybill in done.text
    assert 'id="stops"' not in done.text  # only the stop, not the whole run


def test_once_the_registry_assigns_the_van_a_courier_only_that_driver_reveals(day: Day) -> None:
    """The vehicle registry's courier (`courier_staff_no`, linked to the user "driver"):
    another driver of the county is refused with the answer a made-up parcel gets."""
    driver = as_(day.app, "driver")
    door = a_door(driver)
    uow = SqlUnitOfWork(day.engine)
    with uow:
        fleet = uow.vehicles.fleet("652828")
    known = [
        v
        for v in fleet
        if door.form["vehicle"] in (v.unified_no, v.plate, str(v.routing.get("code") or ""))
    ]
    assert known, "the run's van is in the registry"
    now = dt.datetime.now(dt.UTC)
    assigned = [replace(v, courier_staff_no="D-001") if v in known else v for v in fleet]
    with uow:
        uow.staff.put("652828", StaffMember("D-001", "HS-CENTER", Occupation.COURIER,
                                            username="driver"), {}, now)  # fmt: skip
        uow.vehicles.replace("652828", assigned, by="test", at=now, source="test")
        uow.commit()
    try:
        other = as_(day.app, OTHER.name)
        real = reveal(other, door.form)
        made_up = reveal(other, {**door.form, "waybill": "ZT9999999999999"})
        texts = {re.sub(r'id="phone-[A-Z0-9]*"', "", a.text) for a in (real, made_up)}  # type: ignore[attr-defined]
        assert len(texts) == 1 and "tel:" not in texts.pop()
        assert "tel:" in reveal(driver, door.form).text  # type: ignore[attr-defined]
    finally:
        with uow:
            uow.vehicles.replace("652828", fleet, by="test", at=now, source="test")
            uow.commit()
