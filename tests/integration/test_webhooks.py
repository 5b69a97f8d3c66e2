"""Carriers' webhooks (issue 12): signed events for the carrier's parcels reach a receiver on
the loopback, at least once each, through an hour of it answering 503."""

from __future__ import annotations

import datetime as dt
import json
import random
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.adapters.vault import Vault
from countyexpress.adapters.webhook_http import post
from countyexpress.domain.access import Principal, Role
from countyexpress.domain.delivery import DeliveryChoice
from countyexpress.domain.webhooks import verify
from countyexpress.entrypoints.webhook_sender import Sender, start_for_serve
from countyexpress.errors import Forbidden, InvalidValue
from countyexpress.services import centre, counties, stations
from countyexpress.services import webhooks as service
from countyexpress.settings import Settings

T0 = dt.datetime(2026, 12, 3, 1, 0, tzinfo=dt.UTC)  # 09:00 in the county
VAULT = Vault(b"test-key-material-of-enough-length")
COUNTY = "652828"
PHONE = "13812345678"
SHELF, DOOR = "ZT7312345678931", "ZT7312345678948"


class Receiver:
    """A carrier's system: 503 until `up_at` on the shared simulated clock, then 200."""

    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC)
        self.up_at = self.now
        self.got: list[tuple[dict[str, str], bytes]] = []
        self.refused = 0


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if state.now < state.up_at:
                state.refused += 1
                self.send_response(503)
            else:
                state.got.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}/hooks"
    server.shutdown()
    server.server_close()


def uow(engine: Engine) -> SqlUnitOfWork:
    return SqlUnitOfWork(engine)


@pytest.fixture
def heshuo(engine: Engine) -> Engine:
    path = builtin_pack_path("heshuo")
    assert path is not None
    counties.load_county(SqlUnitOfWork(engine), read_pack(path))
    centre.record_consent(SqlUnitOfWork(engine), VAULT, COUNTY, PHONE, DeliveryChoice.STATION)
    for n, wb in enumerate((SHELF, DOOR), 1):
        row = {"waybill_no": wb, "receiver_name": "张三", "receiver_phone": PHONE,
               "weight_kg": 1.2, "address": "和硕县乌什塔拉回族乡塔拉村3组12号"}  # fmt: skip
        centre.add_manifest(SqlUnitOfWork(engine), VAULT, COUNTY, "zto", [(n, row)], now=T0)
    return engine


def parcels_move(engine: Engine) -> str:
    """SHELF: sorted, dispatched, stored, handed over; DOOR: delivered at the door."""
    bag = centre.centre_inbound(uow(engine), COUNTY, SHELF, "HS-CENTER", at=T0).route_bag
    assert bag is not None
    centre.dispatch(uow(engine), COUNTY, bag, "VAN-01", "HS-CENTER",
                    at=T0 + dt.timedelta(minutes=20))  # fmt: skip
    stored = stations.station_inbound(uow(engine), VAULT, COUNTY, bag, SHELF,
                                      at=T0 + dt.timedelta(hours=1))  # fmt: skip
    stations.hand_over(uow(engine), VAULT, COUNTY, bag, stored.pickup_code, "5678",
                       at=T0 + dt.timedelta(minutes=99))  # fmt: skip
    stations.deliver_to_door(uow(engine), COUNTY, DOOR, "HS-CENTER", "family", "李四",
                             at=T0 + dt.timedelta(hours=2))  # fmt: skip
    return bag


def test_a_carriers_webhook_gets_signed_events_through_an_hour_down(
    heshuo: Engine, receiver: tuple[Receiver, str]
) -> None:
    state, url = receiver
    hook_id, secret = service.add(
        uow(heshuo), VAULT, None, COUNTY, "zto", url, dt.datetime.now(dt.UTC)
    )
    other, _ = service.add(uow(heshuo), VAULT, None, COUNTY, "sto", url, state.now)
    station = parcels_move(heshuo)
    state.up_at = state.now + dt.timedelta(hours=1)
    draws = random.Random(12)
    policy = service.RetryPolicy(base_seconds=30, cap_seconds=3600, max_attempts=16)
    passes = 0
    while passes < 500:
        done = service.deliver(lambda: uow(heshuo), VAULT, post, state.now, policy, draws.random)
        passes += 1
        assert done.dead == 0
        pending = service.deliveries(uow(heshuo), None, COUNTY, "pending")
        if not pending:
            break
        state.now = min(r["next_try_at"] for r in pending)  # the next wake-up, simulated
    assert state.refused > 0 and state.now >= state.up_at
    kinds = {}
    for headers, body in state.got:
        stamp = headers["x-countyexpress-timestamp"]
        assert verify(secret, stamp, body, headers["x-countyexpress-signature"])
        event = json.loads(body)
        assert event["event_id"] == headers["x-countyexpress-event-id"]
        assert "13812345678" not in body.decode() and "李四" not in body.decode()
        kinds[event["event_id"]] = (event["event"], event["waybill_no"], event["facility"])
    assert sorted(kinds.values()) == sorted([
        ("parcel.stored", SHELF, station),
        ("parcel.handed_over", SHELF, station),
        ("parcel.delivered_at_door", DOOR, "HS-CENTER"),
    ])  # fmt: skip
    rows = service.deliveries(uow(heshuo), None, COUNTY)
    assert {r["webhook_id"] for r in rows} == {hook_id}  # sto has no parcels here
    assert all(r["state"] == "delivered" for r in rows)
    assert other != hook_id


def test_the_last_failed_try_is_a_dead_letter_and_replay_sends_it_again(
    heshuo: Engine, receiver: tuple[Receiver, str]
) -> None:
    state, url = receiver
    service.add(uow(heshuo), VAULT, None, COUNTY, "zto", url, state.now)
    parcels_move(heshuo)
    state.up_at = state.now + dt.timedelta(days=30)
    policy = service.RetryPolicy(base_seconds=1, cap_seconds=2, max_attempts=3)
    for _ in range(5):
        service.deliver(lambda: uow(heshuo), VAULT, post, state.now, policy, lambda: 0.5)
        state.now += dt.timedelta(seconds=5)
    dead = service.deliveries(uow(heshuo), None, COUNTY, "dead")
    assert len(dead) == 3 and all(r["attempts"] == 3 and r["last_status"] == 503 for r in dead)
    state.up_at = state.now
    service.replay(uow(heshuo), None, dead[0]["id"], state.now)
    again = service.deliver(lambda: uow(heshuo), VAULT, post, state.now, policy, lambda: 0.5)
    assert again.delivered == 1 and len(state.got) == 1
    assert len(service.deliveries(uow(heshuo), None, COUNTY, "dead")) == 2


def test_a_carriers_key_registers_and_sees_only_its_own(
    heshuo: Engine, receiver: tuple[Receiver, str]
) -> None:
    _, url = receiver
    url = "https://zto.example/cx"  # a carrier's key names a public address
    zto = Principal("k1", "zto key", Role.CARRIER, county=COUNTY, carrier="zto")
    service.add(uow(heshuo), VAULT, zto, COUNTY, "zto", url, T0)
    service.add(uow(heshuo), VAULT, None, COUNTY, "sto", url, T0)
    with pytest.raises(Forbidden):
        service.add(uow(heshuo), VAULT, zto, COUNTY, "sto", url, T0)
    with pytest.raises(InvalidValue, match="url"):
        service.add(uow(heshuo), VAULT, zto, COUNTY, "zto", "ftp://x", T0)
    mine = service.listing(uow(heshuo), zto, COUNTY)
    assert [h["carrier"] for h in mine] == ["zto"] and "secret_enc" not in mine[0]


def _wait_for(condition: Any, within: float = 20.0) -> bool:
    """Poll until `condition()` holds or `within` seconds pass (a bound, not a measure)."""
    stop = time.monotonic() + within
    while time.monotonic() < stop:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_the_servers_sender_thread_delivers_new_events_without_a_second_process(
    heshuo: Engine, receiver: tuple[Receiver, str]
) -> None:
    state, url = receiver
    service.add(uow(heshuo), VAULT, None, COUNTY, "zto", url, dt.datetime.now(dt.UTC))
    sender = Sender(lambda: uow(heshuo), VAULT, 0.05, service.RetryPolicy()).start()
    try:
        parcels_move(heshuo)
        assert _wait_for(lambda: len(state.got) == 3), state.got
        assert _wait_for(lambda: not service.deliveries(uow(heshuo), None, COUNTY, "pending"))
    finally:
        sender.stop()
    assert not sender.running and sender.failures == 0
    events = sorted(json.loads(body)["event"] for _, body in state.got)
    assert events == ["parcel.delivered_at_door", "parcel.handed_over", "parcel.stored"]


def test_a_failing_pass_is_logged_and_the_sender_keeps_going(heshuo: Engine) -> None:
    calls = 0

    def flaky() -> SqlUnitOfWork:
        nonlocal calls
        calls += 1
        if calls <= 2:
            raise OperationalError("SELECT 1", {}, Exception("database is locked"))
        return uow(heshuo)

    sender = Sender(flaky, VAULT, 0.01, service.RetryPolicy()).start()
    try:
        assert _wait_for(lambda: sender.passes >= 4)
    finally:
        sender.stop()
    assert sender.failures == 2 and not sender.running


@pytest.mark.parametrize(("every", "runs"), [(0.0, False), (30.0, True)])
def test_serve_runs_the_sender_unless_the_settings_leave_it_to_a_separate_process(
    engine: Engine, every: float, runs: bool
) -> None:
    settings = Settings(
        environment="test", webhook_send_every_seconds=every,
        secret_key="a-secret-key-for-the-test-of-enough-length",
        data_key="a-data-key-for-the-test-of-enough-length",
    )  # fmt: skip
    sender = start_for_serve(settings, engine)
    assert (sender is not None) is runs
    if sender is not None:
        assert sender.running
        sender.stop()
        assert not sender.running
