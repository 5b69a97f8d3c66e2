"""T8 of issue 11: guessing hand-overs through the real API and the station screen.

A driver's session (any station of the county) guesses from one address; the station's
keeper hands parcels over from another. Defect 8: every failure counts, wrong codes too,
per client and per parcel; an attempt over the limit answers 429 with Retry-After; the
station stays usable for everyone else and the right receiver still collects.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from countyexpress import bootstrap
from countyexpress.adapters.db.tables_ops import handover_attempts
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.vault import Vault
from countyexpress.domain.access import Role
from countyexpress.domain.shelves import HandoverPolicy
from countyexpress.entrypoints.api.app import create_app
from countyexpress.entrypoints.web.i18n import gettext_for
from countyexpress.services import counties, stations
from countyexpress.settings import Settings
from support.web import (
    HESHUO,
    PEOPLE,
    RECEIVER_PHONE,
    Someone,
    add_user,
    csrf_of,
    log_in,
    seed_station_parcel,
)

PARCELS = ("ZT7312345670001", "ZT7312345670002")
ATTACKER_AT, COUNTER_AT = ("203.0.113.9", 41000), ("198.51.100.7", 42000)


@dataclass
class Station:
    app: Any
    engine: Engine
    facility: str
    codes: dict[str, str]  # waybill -> pickup code
    policy: HandoverPolicy


@pytest.fixture
def station(tmp_path: Path) -> Iterator[Station]:
    """Heshuo with two parcels shelved at one village station, its keeper and a driver."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'brute.db'}")
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
    add_user(engine, Someone("counter", Role.STATION_KEEPER, HESHUO, station=facility))
    add_user(engine, PEOPLE["driver"])
    county = counties.get_county(SqlUnitOfWork(engine), HESHUO)
    yield Station(create_app(settings, engine), engine, facility, codes, county.operations.handover)
    engine.dispose()


def session(s: Station, name: str, address: tuple[str, int]) -> tuple[TestClient, dict[str, str]]:
    client = TestClient(s.app, client=address, follow_redirects=False)
    log_in(client, name)
    return client, {"X-CSRF-Token": csrf_of(client.get("/login").text)}


def hand_over(client: TestClient, headers: dict[str, str], s: Station, code: str, tail: str) -> Any:
    return client.post(
        f"/api/v1/stations/{s.facility}/handover",
        headers=headers,
        json={"county": HESHUO, "pickup_code": code, "phone_tail": tail},
    )


def recorded(engine: Engine) -> dict[bool, int]:
    c = handover_attempts.c
    with engine.connect() as conn:
        rows = conn.execute(select(c.ok, func.count()).group_by(c.ok)).all()
    return {bool(ok): n for ok, n in rows}


def test_a_thousand_guesses_from_one_client_are_stopped_and_the_receiver_collects(
    station: Station,
) -> None:
    """1,000 guesses — the right pickup code with wrong tails, and wrong codes — from one
    client: the limit's worth are answered and recorded, every later one is 429 with
    Retry-After, nothing is handed over; the receiver at the counter then collects."""
    s = station
    attacker, h = session(s, PEOPLE["driver"].name, ATTACKER_AT)
    target = s.codes[PARCELS[0]]
    answers = []
    for i in range(1000):
        code = f"Z-{i:04d}" if i % 3 == 0 else target
        answers.append(hand_over(attacker, h, s, code, f"{i:04d}"))
    counted = [r for r in answers if r.status_code == 200]
    stopped = [r for r in answers if r.status_code == 429]
    assert len(counted) + len(stopped) == 1000
    assert len(counted) == s.policy.client_failures_per_window
    assert all(r.json()["outcome"] in ("wrong", "not_here") for r in counted)
    assert answers[-1].status_code == 429
    window = s.policy.client_window.total_seconds()
    waits = [int(r.headers["Retry-After"]) for r in stopped]
    assert all(0 < w <= window for w in waits)
    assert recorded(s.engine) == {False: len(counted)}  # every failure in the database
    receiver, hk = session(s, "counter", COUNTER_AT)
    done = hand_over(receiver, hk, s, target, RECEIVER_PHONE[-4:])
    assert done.status_code == 200
    assert done.json() == {
        "outcome": "ok", "waybill_no": PARCELS[0], "message": "handed over", "retry_after_s": 0
    }  # fmt: skip
    assert hand_over(attacker, h, s, s.codes[PARCELS[1]], RECEIVER_PHONE[-4:]).status_code == 429


def test_a_parcel_locks_for_the_client_that_guessed_it_not_for_the_others(
    station: Station,
) -> None:
    """Five wrong tails on one parcel lock that client out of it (429, even with the right
    tail) while it may still try the station's other parcels; another client collects."""
    s = station
    attacker, h = session(s, PEOPLE["driver"].name, ATTACKER_AT)
    target = s.codes[PARCELS[0]]
    tries = [hand_over(attacker, h, s, target, "0000") for _ in range(s.policy.max_failures)]
    assert [r.json()["outcome"] for r in tries] == ["wrong"] * s.policy.max_failures
    locked = hand_over(attacker, h, s, target, RECEIVER_PHONE[-4:])
    assert locked.status_code == 429
    assert 0 < int(locked.headers["Retry-After"]) <= s.policy.lockout.total_seconds()
    assert (
        hand_over(attacker, h, s, s.codes[PARCELS[1]], RECEIVER_PHONE[-4:]).json()["outcome"]
        == "ok"
    )  # the station, and its other parcels, still work for this client
    same_person_elsewhere, h2 = session(s, PEOPLE["driver"].name, COUNTER_AT)
    assert (
        hand_over(same_person_elsewhere, h2, s, target, RECEIVER_PHONE[-4:]).json()["outcome"]
        == "ok"
    )


def test_the_station_screen_says_why_in_the_readers_language(station: Station) -> None:
    """Wrong codes typed at the keeper's screen count; over the limit the screen answers
    429 with Retry-After and says so in Chinese; the parcel stays on the shelf."""
    s = station
    keeper, _ = session(s, "counter", COUNTER_AT)
    url = f"/counties/{HESHUO}/stations/{s.facility}"
    page = keeper.get(url)
    token = csrf_of(page.text)
    for i in range(s.policy.client_failures_per_window):
        r = keeper.post(f"{url}/handover", data={"pickup": f"Z-{i:04d}", "tail": "0000",
                                                  "csrf_token": token})  # fmt: skip
        assert r.status_code == 422 and 'data-outcome="not_here"' in r.text
    right = {"pickup": s.codes[PARCELS[0]], "tail": RECEIVER_PHONE[-4:], "csrf_token": token}
    r = keeper.post(f"{url}/handover", data=right)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert 'data-outcome="throttled"' in r.text
    msgid = "too many wrong attempts from this device: try again in %(minutes)s min"
    zh = gettext_for("zh_CN")(msgid)
    assert zh != msgid  # translated
    assert zh % {"minutes": -(-int(r.headers["Retry-After"]) // 60)} in r.text
    assert s.codes[PARCELS[0]] in keeper.get(f"{url}/shelf").text
