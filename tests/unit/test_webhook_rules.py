"""The webhook rules (domain.webhooks): the retry schedule, the signature, the events."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.webhooks import (
    WebhookEvent,
    body_of,
    ceiling,
    encode,
    event_of,
    next_try,
    signature,
    verify,
)

AT = dt.datetime(2026, 12, 3, 2, 39, tzinfo=dt.UTC)
bases = st.floats(min_value=0.1, max_value=600)
caps = st.floats(min_value=1, max_value=86400)


@given(st.integers(1, 200), bases, caps)
def test_the_ceiling_never_passes_the_cap_and_never_falls(
    retry: int, base: float, cap: float
) -> None:
    assert 0 < ceiling(retry, base, cap) <= cap
    assert ceiling(retry + 1, base, cap) >= ceiling(retry, base, cap)


@given(st.integers(1, 40), bases, caps, st.floats(0, 1, exclude_max=True), st.integers(1, 40))
def test_the_next_try_is_within_zero_and_the_ceiling_or_none_after_the_last(
    attempts: int, base: float, cap: float, draw: float, most: int
) -> None:
    again = next_try(attempts, AT, draw, base, cap, most)
    if attempts >= most:
        assert again is None
    else:
        assert again is not None
        assert AT <= again <= AT + dt.timedelta(seconds=ceiling(attempts, base, cap))


def test_the_ceilings_double_from_the_base() -> None:
    assert [ceiling(n, 30, 3600) for n in range(1, 10)] == [
        30, 60, 120, 240, 480, 960, 1920, 3600, 3600,
    ]  # fmt: skip


@given(st.text(min_size=1), st.binary(), st.integers(0, 2**40))
def test_a_signature_verifies_and_a_changed_body_does_not(secret: str, body: bytes, t: int) -> None:
    header = signature(secret, str(t), body)
    assert header.startswith("sha256=") and verify(secret, str(t), body, header)
    assert not verify(secret, str(t), body + b" ", header)
    assert not verify(secret, str(t + 1), body, header)


def test_the_carrier_is_told_of_store_hand_over_door_and_return_only() -> None:
    assert event_of("store", {}) is WebhookEvent.STORED
    assert event_of("pickup", {}) is WebhookEvent.HANDED_OVER
    assert event_of("pickup", {"method": "door"}) is WebhookEvent.DELIVERED_AT_DOOR
    assert event_of("return", {}) is WebhookEvent.RETURNED
    assert event_of("sort", {}) is None


def test_the_body_gives_county_time_and_utc_and_nothing_else() -> None:
    body = body_of("e1", WebhookEvent.STORED, "ZT1234567", "zto", "HS-STA-01", AT)
    assert body["at"] == "2026-12-03T10:39:00+08:00"
    assert body["at_utc"] == "2026-12-03T02:39:00+00:00"
    assert set(body) == {"event_id", "event", "waybill_no", "carrier", "facility", "at", "at_utc"}
    assert encode(body) == encode(dict(reversed(list(body.items()))))
