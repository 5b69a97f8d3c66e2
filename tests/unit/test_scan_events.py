"""A scan event's digest: the same content gives the same digest, other content another."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.scans import ScanEvent, ScanKind

AT = dt.datetime(2026, 11, 28, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
ID = "0f8fad5b-d9cb-469f-a165-70867728950e"

payloads = st.dictionaries(st.sampled_from(["code", "shelf", "signer", "vehicle"]),
                           st.text(max_size=5) | st.integers(), max_size=3)  # fmt: skip


@given(payloads, st.sampled_from(list(ScanKind)), st.integers(0, 10_000))
def test_the_digest_depends_on_the_content_only(
    payload: dict, kind: ScanKind, minutes: int
) -> None:
    at = AT + dt.timedelta(minutes=minutes)
    event = ScanEvent(ID, "ZT7300000000001", "zto", kind, "HS-STA-01", at, "op", payload)
    again = ScanEvent(ID, "ZT7300000000001", "zto", kind, "HS-STA-01",
                      at.astimezone(dt.UTC).astimezone(at.tzinfo), "op",
                      dict(reversed(list(payload.items()))))  # fmt: skip
    first = event.fingerprint()
    assert event.fingerprint() == first == again.fingerprint()  # cached or not, key order
    assert event == again
    other = ScanEvent(ID, "ZT7300000000001", "zto", kind, "HS-STA-02", at, "op", payload)
    assert other.fingerprint() != first
    later = ScanEvent(ID, "ZT7300000000001", "zto", kind, "HS-STA-01",
                      at + dt.timedelta(seconds=1), "op", payload)  # fmt: skip
    assert later.fingerprint() != first
