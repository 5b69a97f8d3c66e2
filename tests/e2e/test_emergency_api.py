"""/api/v1/counties/{code}/emergency: teams, resources and events over HTTP (task 13).

The regulator adds and steps; the centre's operator reads, without a team's staff numbers;
a step the event's state does not allow is a 409."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from countyexpress import bootstrap
from countyexpress.domain.staff import Occupation, StaffMember
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties as county_service
from countyexpress.settings import Settings
from support.web import PEOPLE, add_key, add_user, csrf_of, log_in

CODE = "652828"
API = f"/api/v1/counties/{CODE}/emergency"
AT = dt.datetime(2026, 11, 30, 4, 0, tzinfo=dt.UTC)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[object]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'em.db'}", data_dir=tmp_path)
    engine = bootstrap.open_engine(settings)
    uow = bootstrap.uow_factory(engine)
    county_service.load_county(uow(), bootstrap.read_pack_source("heshuo"))
    with uow() as u:
        for no in ("E1", "E2"):
            u.staff.put(CODE, StaffMember(no, "zto", Occupation.COURIER), {}, AT)
        u.commit()
    for who in PEOPLE.values():
        add_user(engine, who)
    application = create_app(settings, engine)
    application.state.test_engine = engine
    yield application
    engine.dispose()


def as_(app: object, role: str) -> tuple[TestClient, dict[str, str]]:
    client = TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
    log_in(client, PEOPLE[role].name)
    return client, {"X-CSRF-Token": csrf_of(client.get("/login").text)}


def test_the_regulator_adds_a_team_the_operator_reads_it_without_staff_numbers(
    app: object,
) -> None:
    reg, h = as_(app, "regulator")
    team = {"code": "T1", "name": "一队", "leader": "E1", "members": ["E2"],
            "equipment": ["卫星电话"], "availability": "on_duty"}  # fmt: skip
    assert reg.post(f"{API}/teams", json=team, headers=h).status_code == 201
    unknown = reg.post(f"{API}/teams", json=team | {"members": ["E9"]}, headers=h)
    assert unknown.status_code == 422 and "E9" in unknown.text
    seen = reg.get(f"{API}/teams").json()
    assert seen["min_size"] == 5 and seen["teams"][0]["members"] == ["E2"]
    op, oh = as_(app, "centre_operator")
    other = op.get(f"{API}/teams").json()["teams"][0]
    assert other["size"] == 2 and other["leader"] is None and other["members"] is None
    assert op.post(f"{API}/teams", json=team, headers=oh).status_code == 403


def test_resources_are_added_at_a_facility_and_listed_by_kind(app: object) -> None:
    reg, h = as_(app, "regulator")
    stock = {"kind": "material", "name": "防汛沙袋", "quantity": 200, "unit": "件",
             "location": "HS-CENTER"}  # fmt: skip
    assert reg.post(f"{API}/resources", json=stock, headers=h).status_code == 201
    away = reg.post(f"{API}/resources", json=stock | {"location": "NOWHERE"}, headers=h)
    assert away.status_code == 422 and "NOWHERE" in away.text
    assert [r["name"] for r in reg.get(f"{API}/resources?kind=material").json()] == ["防汛沙袋"]
    assert reg.get(f"{API}/resources?kind=funds").json() == []


def test_an_event_is_reported_in_time_then_closed_and_a_wrong_step_is_409(app: object) -> None:
    reg, h = as_(app, "regulator")
    event = {"grade": "III", "subject": "carrier:zto", "occurred_at": "2026-11-30T08:00+08:00",
             "summary": "停电"}  # fmt: skip
    made = reg.post(f"{API}/events", json=event, headers=h)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["report_due_at"] == "2026-12-01T00:00:00+00:00" and body["verbs"] == ["report"]
    path = f"{API}/events/{body['id']}/steps"
    assert reg.post(path, json={"verb": "close"}, headers=h).status_code == 409
    done = reg.post(path, json={"verb": "report", "at": "2026-11-30T12:00+08:00"}, headers=h)
    assert done.json()["reported_in_time"] is True
    assert reg.post(path, json={"verb": "close"}, headers=h).json()["state"] == "closed"
    (listed,) = reg.get(f"{API}/events").json()
    assert listed["state"] == "closed" and listed["grade"] == "III"


def test_the_page_lists_events_with_the_deadline_and_steps_them(app: object) -> None:
    """应急保障: the regulator records an event from the form, sees its report deadline and
    reports it with the step button; the operator reads the page without buttons or people."""
    reg, h = as_(app, "regulator")
    team = {"code": "T1", "name": "一队", "leader": "E1", "members": ["E2"]}
    assert reg.post(f"{API}/teams", json=team, headers=h).status_code == 201
    form = {"csrf_token": h["X-CSRF-Token"], "grade": "II", "subject": "carrier:zto",
            "occurred_at": "2026-11-30T08:00", "summary": "暴雪"}  # fmt: skip
    made = reg.post(f"/counties/{CODE}/emergency/events", data=form)
    assert made.status_code == 303
    page = reg.get(made.headers["location"]).text
    assert "应急保障" in page and 'data-state="occurred"' in page
    assert "2026-12-01 08:00" in page  # due 24 hours later, county time
    assert 'data-verb="report"' in page and "E2" in page
    (event,) = reg.get(f"{API}/events").json()
    step = {"csrf_token": h["X-CSRF-Token"], "verb": "report"}
    done = reg.post(f"/counties/{CODE}/emergency/events/{event['id']}", data=step)
    assert done.status_code == 303
    assert 'data-state="reported"' in reg.get(f"/counties/{CODE}/emergency").text
    bad = reg.post(f"/counties/{CODE}/emergency/events", data=form | {"grade": "V"})
    assert bad.status_code == 422 and "V" in bad.text
    op, _ = as_(app, "centre_operator")
    seen = op.get(f"/counties/{CODE}/emergency")
    assert seen.status_code == 200 and "data-verb" not in seen.text and "E2" not in seen.text


def test_the_centre_marks_a_parcel_as_emergency_supplies_from_its_screen(app: object) -> None:
    """共配中心: the operator types a waybill in the emergency-supplies form; the parcel is
    marked (its stop will be served first); an unknown waybill is refused and nothing marked."""
    engine = app.state.test_engine  # type: ignore[attr-defined]
    item = {"waybill_no": "ZT7500000000001", "receiver_name": "马丽",
            "receiver_phone": "13512345678",
            "address": "和硕县乌什塔拉回族乡大庄子村7号"}  # fmt: skip
    pushed = TestClient(app).post(  # type: ignore[arg-type]
        "/api/v1/manifests", headers={"X-API-Key": add_key(engine, "zto")},
        json={"county": CODE, "items": [item]},
    )  # fmt: skip
    assert pushed.json()["accepted"] == 1
    op, h = as_(app, "centre_operator")
    page = f"/counties/{CODE}/centre/HS-CENTER"
    assert 'id="centre-priority-form"' in op.get(page).text
    form = {"csrf_token": h["X-CSRF-Token"], "waybill": "ZT7500000000001"}
    done = op.post(f"{page}/priority", data=form)
    assert done.status_code == 200 and 'data-outcome="priority"' in done.text
    unknown = op.post(f"{page}/priority", data=form | {"waybill": "ZT7599999999999"})
    assert 'data-outcome="refused"' in unknown.text
    with bootstrap.uow_factory(engine)() as u:
        marked = u.ops.manifest_items_for(CODE, ["ZT7500000000001"], ("priority",))
    assert marked["ZT7500000000001"]["priority"] is True
