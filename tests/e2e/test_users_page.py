"""Issue 12: the 用户 page — an administrator adds users bound to a county, a station, a
carrier or a unit (a keeper or a driver through the staff gate, refused in Chinese), disables
and enables them, resets a password (a one-time password shown once); every change is in the
audit log; nobody but an administrator opens it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from countyexpress import bootstrap
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties
from countyexpress.settings import Settings
from support.web import PASSWORD, PEOPLE, add_user, csrf_of, log_in

ID, ID2 = "11010519491231002X", "110105199003071239"
STAFF = ("staff_no,employer,occupation,name,id_number,phone,level,pre_job_trained_on\n"
         f"S1,HS-STA-01,handler,王小明,{ID},13800138000,,\n"
         f"S2,HS-STA-01,handler,李四,{ID2},13800138001,,2026-03-01\n")  # fmt: skip


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[FastAPI, Engine]]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'web.db'}")
    engine = bootstrap.open_engine(settings)
    counties.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo"))
    for who in PEOPLE.values():
        add_user(engine, who)
    app = create_app(settings, engine)
    reg = TestClient(app)
    log_in(reg, PEOPLE["regulator"].name)
    token = csrf_of(reg.get("/counties/652828/staff").text)
    files = {"file": ("staff.csv", STAFF.encode(), "text/csv")}
    done = reg.post("/counties/652828/staff/import", data={"csrf_token": token}, files=files,
                    follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    yield app, engine
    engine.dispose()


def admin(app: FastAPI) -> tuple[TestClient, str]:
    client = TestClient(app)
    log_in(client, "admin")
    page = client.get("/users")
    assert page.status_code == 200
    return client, csrf_of(page.text)


def test_an_administrator_adds_disables_enables_and_resets(
    world: tuple[FastAPI, Engine],
) -> None:
    app, engine = world
    client, token = admin(app)
    page = client.get("/users").text
    assert "<title>用户" in page and 'data-user="keeper"' in page and "站点管理员" in page
    form = {"csrf_token": token, "username": "reg2", "role": "regulator", "county": "652828",
            "password": "another long password"}  # fmt: skip
    added = client.post("/users", data=form)
    assert added.status_code == 200 and 'data-user="reg2"' in added.text
    assert "one-time-password" not in added.text  # a password was given
    other = TestClient(app)
    log_in(other, "reg2", "another long password")
    assert other.get("/", follow_redirects=False).headers["location"].endswith("/overview")

    off = client.post("/users/active", data={"csrf_token": token, "username": "reg2",
                                             "active": "0"})  # fmt: skip
    assert off.status_code == 200 and 'data-user="reg2" data-active="no"' in off.text
    assert other.get("/", follow_redirects=False).headers["location"].startswith("/login")
    on = client.post("/users/active", data={"csrf_token": token, "username": "reg2",
                                            "active": "1"})  # fmt: skip
    assert 'data-user="reg2" data-active="yes"' in on.text

    reset = client.post("/users/password", data={"csrf_token": token, "username": "reg2"})
    assert reset.status_code == 200 and 'id="one-time-password"' in reset.text
    one_time = reset.text.split('id="one-time-password"')[1].split("<code>")[1].split("<")[0]
    assert len(one_time) >= 10
    log_in(TestClient(app), "reg2", one_time)
    assert one_time not in client.get("/users").text  # shown once

    myself = client.post("/users/active", data={"csrf_token": token, "username": "admin",
                                                "active": "0"})  # fmt: skip
    assert myself.status_code == 422 and "不能停用自己的账号" in myself.text
    changes = client.get("/users").text.split('id="user-changes"')[1]
    assert "reg2 · 已停用" in changes and "reg2 · 密码已重置" in changes
    english = client.get("/users?lang=en").text
    assert "Add a user" in english and "Last log-in" in english

    with SqlUnitOfWork(engine) as uow:
        logged = [e.subject for e in uow.accounts.audit_entries(None, 50)]
    assert any(s.endswith(" disable") for s in logged)
    assert any(s.endswith(" password") for s in logged)


def test_a_keeper_needs_pre_job_training_said_in_chinese(
    world: tuple[FastAPI, Engine],
) -> None:
    app, _ = world
    client, token = admin(app)
    form = {"csrf_token": token, "username": "keeper2", "role": "station_keeper",
            "county": "652828", "station": "HS-STA-01", "staff_no": "S1"}  # fmt: skip
    refused = client.post("/users", data=form)
    assert refused.status_code == 422 and 'data-user="keeper2"' not in refused.text
    assert "岗前培训" in refused.text, refused.text
    trained = client.post("/users", data={**form, "staff_no": "S2"})
    assert trained.status_code == 200 and 'data-user="keeper2"' in trained.text
    assert 'id="one-time-password"' in trained.text  # no password given: a one-time one
    missing = client.post("/users", data={**form, "username": "keeper3", "staff_no": "S9"})
    assert missing.status_code == 422 and "未登记" in missing.text
    exists = client.post("/users", data={**form, "staff_no": "S2", "password": PASSWORD})
    assert exists.status_code == 422 and "已存在" in exists.text


def test_only_an_administrator_opens_the_users_page(world: tuple[FastAPI, Engine]) -> None:
    app, _ = world
    for role in ("regulator", "centre_operator", "station_keeper", "driver"):
        client = TestClient(app)
        log_in(client, PEOPLE[role].name)
        assert client.get("/users").status_code == 403
        token = csrf_of(client.get("/login").text)
        form = {"csrf_token": token, "username": "x2", "role": "admin", "password": PASSWORD}
        assert client.post("/users", data=form).status_code == 403
        reset = {"csrf_token": token, "username": "admin"}
        assert client.post("/users/password", data=reset).status_code == 403
    assert 'id="users-link"' not in client.get("/counties/652828/overview").text
    admin_client, _ = admin(app)
    assert 'id="users-link"' in admin_client.get("/counties/652828/overview").text
