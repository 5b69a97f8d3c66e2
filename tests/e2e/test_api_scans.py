"""Issue 11 on the scan ingest path, through the real API (and the CLI where it was found):
who may scan which parcel (defects 2, 3), personal data in uploads (4), times out of range
(9), the 422 answer and the batch size (13)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select, update
from typer.testing import CliRunner

from countyexpress import bootstrap
from countyexpress.adapters.db.tables_ledger import scan_personal
from countyexpress.adapters.db.tables_ops import station_slots
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.vault import Vault
from countyexpress.domain.access import Role
from countyexpress.entrypoints.api.app import create_app
from countyexpress.entrypoints.cli import app as cli
from countyexpress.services import counties, stations
from countyexpress.services import scans as service
from countyexpress.settings import Settings, get_settings
from support.web import (
    HESHUO,
    OTHER_STATION,
    PEOPLE,
    RECEIVER_PHONE,
    STATION,
    Someone,
    add_key,
    add_user,
    csrf_of,
    log_in,
    seed_station_parcel,
)

SHELVED = "ZT7312345679001"  # zto, on a shelf at STATION with a pickup code
PHONE, ID = "13987654321", "65282819850101123X"
runner = CliRunner()


@dataclass
class World:
    app: Any
    engine: Engine
    settings: Settings
    db: Path
    code: str  # the shelved parcel's pickup code
    keys: dict[str, str]  # carrier -> API key


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    db = tmp_path / "scans.db"
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("COUNTYEXPRESS_DATA_KEY", "a data key for the scan tests, long enough")
    get_settings.cache_clear()
    s = get_settings()
    engine = bootstrap.open_engine(s)
    counties.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo"))
    assert seed_station_parcel(engine, s, SHELVED) == STATION
    vault = Vault(s.data_key_bytes())
    code = stations.station_inbound(SqlUnitOfWork(engine), vault, HESHUO, STATION, SHELVED)
    add_user(engine, PEOPLE["station_keeper"])
    add_user(engine, Someone("keeper2", Role.STATION_KEEPER, HESHUO, station=OTHER_STATION))
    add_user(engine, PEOPLE["centre_operator"])
    keys = {c: add_key(engine, c) for c in ("zto", "jt")}
    yield World(create_app(s, engine), engine, s, db, code.pickup_code, keys)
    engine.dispose()
    get_settings.cache_clear()


def session(w: World, name: str) -> tuple[TestClient, dict[str, str]]:
    client = TestClient(w.app)
    log_in(client, name)
    return client, {"X-CSRF-Token": csrf_of(client.get("/login").text)}


def ev(kind: str, facility: str, waybill: str = SHELVED, carrier: str = "zto", **more: Any) -> dict:
    at = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)).isoformat()  # after the shelving
    return {"event_id": str(uuid.uuid4()), "waybill_no": waybill, "carrier": carrier,
            "kind": kind, "facility": facility, "at": at, **more}  # fmt: skip


def parcel(w: World) -> dict:
    client, h = session(w, "centre")
    return client.get(f"/api/v1/parcels/{SHELVED}", headers=h).json()


def open_slot(w: World) -> bool:
    with w.engine.connect() as c:
        closed = c.scalar(
            select(station_slots.c.closed_at).where(station_slots.c.waybill_no == SHELVED)
        )
    return closed is None


# defect 2 ---------------------------------------------------------------------------------


def test_a_keeper_cannot_scan_out_another_stations_parcel(world: World) -> None:
    """The keeper of another station: a pickup, a depart, an arrival of the parcel shelved
    at STATION are refused with a reason; the parcel, its slot and its hand-over stay."""
    client, h = session(world, "keeper2")
    events = [ev("pickup", OTHER_STATION), ev("depart", OTHER_STATION),
              ev("exception", OTHER_STATION)]  # fmt: skip
    r = client.post("/api/v1/scans", headers=h, json=events)
    assert r.status_code == 200
    body = r.json()
    assert body["accepted"] == 0 and [x["line"] for x in body["rejected"]] == [1, 2, 3]
    assert all(x["reason"] for x in body["rejected"])
    p = parcel(world)
    assert (p["state"], p["place"], len(p["anomalies"])) == ("stored", STATION, 0)
    assert open_slot(world)
    own, oh = session(world, "keeper")
    handed = own.post(
        f"/api/v1/stations/{STATION}/handover",
        headers=oh,
        json={"county": HESHUO, "pickup_code": world.code, "phone_tail": RECEIVER_PHONE[-4:]},
    )
    assert handed.json()["outcome"] == "ok" and not open_slot(world)


def test_a_raw_pickup_never_skips_the_pickup_code(world: World) -> None:
    """The own keeper is sent to the hand-over; a centre operator's raw pickup of a parcel
    waiting for its code is refused too; nothing changes."""
    client, h = session(world, "keeper")
    r = client.post("/api/v1/scans", headers=h, json=[ev("pickup", STATION)]).json()
    assert r["accepted"] == 0 and "handover" in r["rejected"][0]["reason"]
    centre, ch = session(world, "centre")
    r = centre.post("/api/v1/scans", headers=ch, json=[ev("pickup", STATION)]).json()
    assert r["accepted"] == 0 and "pickup code" in r["rejected"][0]["reason"]
    assert parcel(world)["state"] == "stored" and open_slot(world)


def test_a_scan_that_takes_a_shelved_parcel_away_closes_its_slot(world: World) -> None:
    """The own keeper sends it back (a return at the station): accepted, and the slot is
    closed, so the parcel cannot be handed over a second time."""
    client, h = session(world, "keeper")
    r = client.post("/api/v1/scans", headers=h, json=[ev("return", STATION)]).json()
    assert r["accepted"] == 1
    assert not open_slot(world) and parcel(world)["state"] == "returned"


# defect 3 ---------------------------------------------------------------------------------


def test_a_carrier_key_acts_only_on_its_own_parcels(world: World) -> None:
    """The J&T key cannot scan the ZTO parcel, in its own name or in ZTO's; the ZTO key can."""
    jt = TestClient(world.app)
    h = {"X-API-Key": world.keys["jt"]}
    r = jt.post("/api/v1/scans", headers=h,
                json=[ev("exception", "HS-CENTER", carrier="jt"),
                      ev("exception", "HS-CENTER", carrier="zto")]).json()  # fmt: skip
    assert r["accepted"] == 0 and len(r["rejected"]) == 2
    assert parcel(world)["carrier"] == "zto" and parcel(world)["open_exception"] is False
    zto = TestClient(world.app)
    r = zto.post("/api/v1/scans", headers={"X-API-Key": world.keys["zto"]},
                 json=[ev("exception", "HS-CENTER")]).json()  # fmt: skip
    assert r["accepted"] == 1


def test_no_scan_changes_a_parcels_carrier(world: World) -> None:
    """Not from a centre operator, not from the trusted local caller: refused with a reason."""
    client, h = session(world, "centre")
    r = client.post("/api/v1/scans", headers=h,
                    json=[ev("arrive", "HS-CENTER", carrier="jt")]).json()  # fmt: skip
    assert r["accepted"] == 0 and "carrier" in r["rejected"][0]["reason"]
    local = service.ingest(SqlUnitOfWork(world.engine), [(1, ev("arrive", "HS-CENTER",
                                                                carrier="yto"))])  # fmt: skip
    assert local.accepted == 0 and parcel(world)["carrier"] == "zto"


# defect 4 ---------------------------------------------------------------------------------

SECRETS = (PHONE, ID, "0996-7654321", "马丽")


def personal_event(**overrides: Any) -> dict:
    return ev(
        "exception",
        "HS-CENTER",
        actor=f"王师傅 {PHONE}",
        payload={"receiver_phone": PHONE, "id_number": ID, "name": "马丽",
                 "note": f"收件人身份证{ID}，座机0996-7654321，手机 {PHONE}"},
        **overrides,
    )  # fmt: skip


def test_personal_data_in_an_upload_is_readable_nowhere(
    world: World, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    client, h = session(world, "centre")
    sent = personal_event()
    r = client.post("/api/v1/scans", headers=h, json=[sent])
    assert r.json()["accepted"] == 1
    answers = [r.text, client.get(f"/api/v1/parcels/{SHELVED}", headers=h).text]
    shown = runner.invoke(cli, ["parcel", "show", SHELVED, "--json"])
    table = runner.invoke(cli, ["parcel", "show", SHELVED])
    assert shown.exit_code == 0 and table.exit_code == 0
    logged = capfd.readouterr()
    assert '"route": "/api/v1/scans"' in logged.err  # the server's JSON log, read here
    answers += [shown.stdout, table.stdout, caplog.text, logged.out, logged.err]
    world.engine.dispose()  # everything on disk, the WAL checkpointed
    files = b"".join(p.read_bytes() for p in world.db.parent.glob("scans.db*"))
    for secret in SECRETS:
        assert all(secret not in text for text in answers), secret
        assert secret.encode() not in files, secret
    # the values are kept, encrypted: the event points to them
    with world.engine.connect() as c:
        rows = c.execute(select(scan_personal).where(scan_personal.c.event_id == sent["event_id"]))
        kept = {r.path: r.value_enc for r in rows}
    vault = Vault(world.settings.data_key_bytes())
    assert {p: json.loads(vault.decrypt(v)) for p, v in kept.items()} == {
        "/receiver_phone": PHONE, "/id_number": ID, "/name": "马丽",
    }  # fmt: skip


def test_a_resent_upload_is_a_repeat_and_changed_personal_data_a_conflict(world: World) -> None:
    client, h = session(world, "centre")
    sent = personal_event()
    assert client.post("/api/v1/scans", headers=h, json=[sent]).json()["accepted"] == 1
    again = client.post("/api/v1/scans", headers=h, json=[sent]).json()
    assert (again["accepted"], again["duplicates"]) == (0, 1)
    other = dict(sent, payload={**sent["payload"], "receiver_phone": "13900000000"})
    changed = client.post("/api/v1/scans", headers=h, json=[other]).json()
    assert changed["duplicates"] == 0 and "conflicts" in changed["rejected"][0]["reason"]


def test_repeats_are_still_recognised_after_the_data_key_is_rotated(world: World) -> None:
    """A rotation per the personal-column contract (ciphertext re-encrypted, digest made
    again from its plaintext under the new key) leaves the ledger's fingerprints valid."""
    old = Vault(world.settings.data_key_bytes())
    new = Vault(b"the next data key, after a rotation")
    sent = personal_event()
    first = service.ingest(SqlUnitOfWork(world.engine), [(1, sent)], cipher=old)
    assert first.accepted == 1
    cols = scan_personal.c
    with world.engine.begin() as c:
        for r in c.execute(select(cols.event_id, cols.path, cols.value_enc)).all():
            plain = old.decrypt(r.value_enc)
            c.execute(
                update(scan_personal)
                .where(cols.event_id == r.event_id, cols.path == r.path)
                .values(value_enc=new.encrypt(plain), value_hash=new.digest(plain))
            )
    again = service.ingest(SqlUnitOfWork(world.engine), [(1, sent)], cipher=new)
    assert (again.accepted, again.duplicates) == (0, 1)
    other = dict(sent, payload={**sent["payload"], "id_number": "652828198501011230"})
    assert service.ingest(SqlUnitOfWork(world.engine), [(1, other)], cipher=new).rejected


# defect 9 ---------------------------------------------------------------------------------


def test_times_out_of_range_are_refused_line_by_line_and_the_rest_kept(world: World) -> None:
    client, h = session(world, "centre")
    now = dt.datetime.now(dt.UTC)
    bad = ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-12:00", "2026-13-01T00:00:00Z",
           "2026-12-05T09:30:00", (now - dt.timedelta(days=31)).isoformat(),
           (now + dt.timedelta(hours=1)).isoformat(), "yesterday"]  # fmt: skip
    events = [ev("depart", "HS-CENTER", at=at) for at in bad] + [ev("exception", "HS-CENTER")]
    r = client.post("/api/v1/scans", headers=h, json=events)
    assert r.status_code == 200
    body = r.json()
    assert body["accepted"] == 1
    assert [x["line"] for x in body["rejected"]] == list(range(1, len(bad) + 1))
    assert all(x["reason"].startswith("at") for x in body["rejected"])
    p = parcel(world)
    assert (p["state"], p["open_exception"]) == ("stored", True)  # no depart froze it


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=40) | st.datetimes().map(lambda d: d.isoformat())
       | st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()))  # fmt: skip
def test_no_at_ever_gives_a_server_error(world: World, at: str) -> None:
    client = TestClient(world.app)
    r = client.post("/api/v1/scans", headers={"X-API-Key": world.keys["zto"]},
                    json=[ev("exception", "HS-CENTER", at=at)])  # fmt: skip
    assert r.status_code == 200
    assert r.json()["accepted"] + len(r.json()["rejected"]) == 1


def test_the_cli_keeps_the_valid_lines_of_a_file_with_bad_times(
    world: World, tmp_path: Path
) -> None:
    lines = [ev("depart", "HS-CENTER", at="9999-12-31T00:00:00+08:00"),
             ev("exception", "HS-CENTER"),
             ev("depart", "HS-CENTER", at="0001-01-01T00:00:00+08:00")]  # fmt: skip
    f = tmp_path / "device.jsonl"
    f.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    r = runner.invoke(cli, ["scans", "ingest", str(f), "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["accepted"] == 1 and [x["line"] for x in out["rejected"]] == [1, 3]
    assert parcel(world)["state"] == "stored"


# defect 13 --------------------------------------------------------------------------------


def test_a_malformed_body_is_named_without_echoing_it(world: World) -> None:
    client = TestClient(world.app)
    h = {"X-API-Key": world.keys["zto"]}
    for body in ({"phone": PHONE, "id": ID}, f"{PHONE} {ID}", [f"{PHONE}"]):
        r = client.post("/api/v1/scans", headers=h, json=body)
        assert r.status_code == 422
        assert PHONE not in r.text and ID not in r.text


def test_a_refusal_never_echoes_a_phone_or_an_id(world: World) -> None:
    client = TestClient(world.app)
    r = client.post("/api/v1/scans", headers={"X-API-Key": world.keys["zto"]},
                    json=[ev(PHONE, "HS-CENTER"), ev("arrive", "HS-CENTER", waybill=f"{ID}!"),
                          ev("arrive", "HS-CENTER", at=f"{PHONE}")])  # fmt: skip
    assert len(r.json()["rejected"]) == 3
    assert PHONE not in r.text and ID not in r.text


def test_a_batch_over_the_limit_is_refused_saying_the_limit(world: World) -> None:
    client = TestClient(world.app)
    one = ev("exception", "HS-CENTER")
    r = client.post("/api/v1/scans", headers={"X-API-Key": world.keys["zto"]},
                    json=[one] * (service.MAX_BATCH + 1))  # fmt: skip
    assert r.status_code == 413 and str(service.MAX_BATCH) in r.json()["detail"]
    assert parcel(world)["open_exception"] is False


def test_the_cli_sends_a_big_file_in_batches(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes: list[int] = []
    real = service.ingest

    def spy(uow: Any, records: Any, *a: Any, **k: Any) -> service.IngestResult:
        sizes.append(len(records))
        return real(uow, records, *a, **k)

    monkeypatch.setattr(service, "MAX_BATCH", 3)
    monkeypatch.setattr(service, "ingest", spy)
    f = tmp_path / "big.jsonl"
    f.write_text("\n".join(json.dumps(ev("exception", "HS-CENTER")) for _ in range(7)) + "\n",
                 encoding="utf-8")  # fmt: skip
    out = json.loads(runner.invoke(cli, ["scans", "ingest", str(f), "--json"]).stdout)
    assert out["accepted"] == 7 and sizes == [3, 3, 1]


def test_text_that_is_not_valid_unicode_refuses_its_line_only(world: World) -> None:
    """JSON can escape a lone surrogate ("\\ud800"), which no database stores."""
    good = ev("exception", "HS-CENTER")
    bad = (
        json.dumps(ev("exception", "HS-CENTER", actor="X"))[:-1] + ', "payload": {"n": "\\ud800"}}'
    )
    odd_actor = json.dumps(ev("exception", "HS-CENTER")).replace(
        '"kind"', '"actor": "\\udfff", "kind"'
    )
    odd_place = json.dumps(ev("exception", "HS-CENTER")).replace("HS-CENTER", "HS-\\ud800")
    body = f"[{bad}, {odd_actor}, {odd_place}, {json.dumps(good)}]"
    r = TestClient(world.app).post(
        "/api/v1/scans",
        headers={"X-API-Key": world.keys["zto"], "Content-Type": "application/json"},
        content=body.encode(),
    )
    assert r.status_code == 200, r.text
    assert r.json()["accepted"] == 1 and [x["line"] for x in r.json()["rejected"]] == [1, 2, 3]


def test_a_stored_event_sent_again_after_its_window_is_a_repeat_not_a_refusal(
    world: World,
) -> None:
    """A device whose acknowledgement was lost resends weeks later: counted as a repeat;
    a new event of the same age is refused."""
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(days=45)).isoformat()
    sent = ev("exception", "HS-CENTER", at=old)
    assert service.ingest(SqlUnitOfWork(world.engine), [(1, sent)]).accepted == 1  # local
    again = [sent, ev("exception", "HS-CENTER", at=old)]
    h = {"X-API-Key": world.keys["zto"]}
    r = TestClient(world.app).post("/api/v1/scans", headers=h, json=again).json()
    assert r["duplicates"] == 1 and [x["line"] for x in r["rejected"]] == [2]
    assert "days ago" in r["rejected"][0]["reason"]
