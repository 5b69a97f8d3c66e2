"""Issue 12, station keeper: pickup codes in the forms people type; the shelf list's waits.

A code typed in lower case, without the dash or as the number alone hands the parcel over
and counts no failure; the number alone under two shelves is answered "give the shelf
letter", counts no failure either and names no parcel. The shelf list shows how long each
parcel has waited and marks those past the county's holding period as due for return.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, update

from countyexpress import bootstrap
from countyexpress.adapters.db.tables_ops import handover_attempts, station_slots
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.vault import Vault
from countyexpress.domain.access import Role
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties, stations
from countyexpress.settings import Settings
from support.web import (
    HESHUO,
    RECEIVER_PHONE,
    Someone,
    add_user,
    csrf_of,
    log_in,
    seed_station_parcel,
)

PARCELS = ("ZT7312345670011", "ZT7312345670012")
TAIL = RECEIVER_PHONE[-4:]


@dataclass
class Station:
    app: Any
    engine: Engine
    facility: str
    codes: dict[str, str]
    return_after_days: int


@pytest.fixture
def station(tmp_path: Path) -> Iterator[Station]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'forms.db'}")
    engine = bootstrap.open_engine(settings)
    counties.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo"))
    facility = ""
    for waybill in PARCELS:
        facility = seed_station_parcel(engine, settings, waybill)
    vault = Vault(settings.data_key_bytes())
    codes = {
        w: stations.station_inbound(SqlUnitOfWork(engine), vault, HESHUO, facility, w).pickup_code
        for w in PARCELS
    }
    add_user(engine, Someone("keeper", Role.STATION_KEEPER, HESHUO, station=facility))
    county = counties.get_county(SqlUnitOfWork(engine), HESHUO)
    app = create_app(settings, engine)
    yield Station(app, engine, facility, codes, county.operations.return_after_days)
    engine.dispose()


def keeper(s: Station) -> tuple[TestClient, dict[str, str]]:
    client = TestClient(s.app, client=("198.51.100.7", 42000), follow_redirects=False)
    log_in(client, "keeper")
    return client, {"X-CSRF-Token": csrf_of(client.get("/login").text)}


def api_hand_over(client: TestClient, h: dict[str, str], s: Station, code: str) -> Any:
    return client.post(
        f"/api/v1/stations/{s.facility}/handover",
        headers=h,
        json={"county": HESHUO, "pickup_code": code, "phone_tail": TAIL},
    )


def failures(engine: Engine) -> int:
    c = handover_attempts.c
    with engine.connect() as conn:
        return conn.execute(select(func.count()).where(c.ok.is_(False))).scalar_one()


@pytest.mark.parametrize("form", ["lower", "bare", "short", "full-width"])
def test_a_typed_form_hands_over_and_counts_no_failure(station: Station, form: str) -> None:
    s = station
    code = s.codes[PARCELS[0]]
    shelf, number = code.split("-")
    typed = {
        "lower": code.lower(), "bare": f"{shelf.lower()}{number}", "short": number,
        "full-width": "".join(chr(ord(c) + 0xFEE0) for c in code),
    }[form]  # fmt: skip
    client, h = keeper(s)
    done = api_hand_over(client, h, s, typed)
    assert done.status_code == 200
    assert done.json()["outcome"] == "ok"
    assert done.json()["waybill_no"] == PARCELS[0]
    assert failures(s.engine) == 0
    assert len(s.app.state.handovers) == 0  # the throttle counted nothing


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _same_number_on_two_shelves(s: Station) -> str:
    """The second parcel moved to shelf Z under the first one's number; that number."""
    number = s.codes[PARCELS[0]].split("-")[1]
    with s.engine.begin() as conn:
        conn.execute(
            update(station_slots)
            .where(station_slots.c.waybill_no == PARCELS[1])
            .values(shelf="Z", pickup_code=f"Z-{number}")
        )
    return number


def test_the_number_alone_under_two_shelves_asks_for_the_shelf(station: Station) -> None:
    s = station
    number = _same_number_on_two_shelves(s)
    client, h = keeper(s)
    answers = [api_hand_over(client, h, s, number) for _ in range(30)]
    assert {r.status_code for r in answers} == {200}  # never throttled: not a failure
    assert {r.json()["outcome"] for r in answers} == {"ambiguous"}
    assert {r.json()["waybill_no"] for r in answers} == {""}  # names no parcel
    assert answers[0].json()["message"] == "ambiguous: give the shelf letter"
    assert failures(s.engine) == 0
    assert len(s.app.state.handovers) == 0
    done = api_hand_over(client, h, s, f"z{number}")  # the shelf letter settles it
    assert (done.json()["outcome"], done.json()["waybill_no"]) == ("ok", PARCELS[1])
    again = api_hand_over(client, h, s, number)  # now only one waits under it
    assert (again.json()["outcome"], again.json()["waybill_no"]) == ("ok", PARCELS[0])


def test_the_screen_asks_for_the_shelf_in_chinese(station: Station) -> None:
    s = station
    number = _same_number_on_two_shelves(s)
    client, h = keeper(s)
    page = client.post(
        f"/counties/{HESHUO}/stations/{s.facility}/handover",
        headers={**h, "HX-Request": "true"},
        data={"pickup": number, "tail": TAIL},
    )
    assert 'data-outcome="ambiguous"' in page.text
    assert "货架字母" in page.text
    assert PARCELS[0] not in page.text and PARCELS[1] not in page.text


def test_garbage_is_a_wrong_code(station: Station) -> None:
    s = station
    client, h = keeper(s)
    answer = api_hand_over(client, h, s, "'; select")
    assert answer.json()["outcome"] == "not_here"
    assert failures(s.engine) == 1


def test_the_shelf_list_shows_the_wait_and_the_returns_due(station: Station) -> None:
    s = station
    old = _now() - dt.timedelta(days=s.return_after_days, hours=3)
    with s.engine.begin() as conn:
        conn.execute(
            update(station_slots)
            .where(station_slots.c.waybill_no == PARCELS[0])
            .values(stored_at=old)
        )
    client, _ = keeper(s)
    shelf = client.get(f"/counties/{HESHUO}/stations/{s.facility}/shelf").text
    rows = {w: shelf.split(f'data-waybill="{w}"')[1].split("</tr>")[0] for w in PARCELS}
    assert f"{s.return_after_days} 天 3 小时" in rows[PARCELS[0]]
    assert "due-return" in rows[PARCELS[0]] and "应退回" in rows[PARCELS[0]]
    assert "due-return" not in rows[PARCELS[1]]
    assert "0 小时" in rows[PARCELS[1]] or "1 小时" in rows[PARCELS[1]]
    en = client.get(f"/counties/{HESHUO}/stations/{s.facility}/shelf?lang=en").text
    assert "due for return" in en
