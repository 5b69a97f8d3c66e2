"""Hand-over limits per client at the service (issue 11, defect 8), on SQLite and the test
PostgreSQL: whatever one client tries, it is stopped at its limit, every failure it makes is
recorded, and the receiver served by another client collects."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from countyexpress.adapters.db.tables_ops import handover_attempts
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.adapters.vault import Vault
from countyexpress.domain.delivery import DeliveryChoice
from countyexpress.domain.shelves import HandoverOutcome
from countyexpress.services import centre, counties, stations
from countyexpress.services.handover_guard import HandoverGuard
from countyexpress.services.stations import Client

T0 = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)
PHONE = "13812345678"
VAULT = Vault(b"test-key-material-of-enough-length")
STATION = "HS-STA-01"
_numbers = itertools.count(1)


@pytest.fixture
def heshuo(engine: Engine) -> Engine:
    path = builtin_pack_path("heshuo")
    assert path is not None
    counties.load_county(SqlUnitOfWork(engine), read_pack(path))
    centre.record_consent(SqlUnitOfWork(engine), VAULT, "652828", PHONE, DeliveryChoice.STATION,
                          now=T0)  # fmt: skip
    return engine


def shelved(engine: Engine) -> stations.Stored:
    """A new parcel of PHONE's receiver on HS-STA-01's shelf."""
    waybill = f"ZT77{next(_numbers):011d}"
    item = {"waybill_no": waybill, "receiver_name": "张三", "receiver_phone": PHONE,
            "address": "和硕县乌什塔拉回族乡塔拉村3组12号", "weight_kg": 1.0}  # fmt: skip
    centre.add_manifest(SqlUnitOfWork(engine), VAULT, "652828", "zto", [(1, item)], now=T0)
    return stations.station_inbound(SqlUnitOfWork(engine), VAULT, "652828", STATION, waybill,
                                    at=T0)  # fmt: skip


def failures(engine: Engine) -> int:
    c = handover_attempts.c
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).where(c.ok.is_(False))).scalar_one())


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(tries=st.lists(st.tuples(st.booleans(), st.integers(0, 9999), st.integers(0, 30)),
                      max_size=30))  # fmt: skip
def test_whatever_one_client_tries_the_receiver_at_another_collects(
    heshuo: Engine, tries: list[tuple[bool, int, int]]
) -> None:
    """Right code or not, any wrong tails, any pace within the window: the attacker never
    gets the parcel, at most the window's failures are counted (and each recorded), and the
    counter's client hands it over at once."""
    stored = shelved(heshuo)
    policy = counties.get_county(SqlUnitOfWork(heshuo), "652828").operations.handover
    guard = HandoverGuard()
    attacker, counter = Client("user:9@203.0.113.9", guard), Client("user:1@10.0.0.7", guard)
    before = failures(heshuo)
    at, answered = T0 + dt.timedelta(hours=1), []
    for right_code, tail, gap in tries:
        at += dt.timedelta(seconds=gap)
        code = stored.pickup_code if right_code else "Z-9999"
        guess = f"{tail:04d}" if f"{tail:04d}" != PHONE[-4:] else "0000"
        h = stations.hand_over(SqlUnitOfWork(heshuo), VAULT, "652828", STATION, code, guess,
                               at=at, client=attacker)  # fmt: skip
        assert h.outcome is not HandoverOutcome.OK
        answered.append(h.outcome)
    counting = (HandoverOutcome.WRONG, HandoverOutcome.NOT_HERE)
    counted = [i for i, o in enumerate(answered) if o in counting]
    limit = policy.client_failures_per_window
    assert len(counted) <= limit  # all within one window
    assert failures(heshuo) - before == len(counted)  # each recorded
    if len(counted) == limit:  # stopped: everything after its last failure is refused
        assert {o for o in answered[counted[-1] + 1 :]} <= {HandoverOutcome.THROTTLED}
    done = stations.hand_over(SqlUnitOfWork(heshuo), VAULT, "652828", STATION,
                              stored.pickup_code, PHONE[-4:], at=at, client=counter)  # fmt: skip
    assert (done.outcome, done.waybill_no) == (HandoverOutcome.OK, stored.waybill_no)
