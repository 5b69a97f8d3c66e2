"""A scan event's digest: the same content gives the same digest, other content another."""

from __future__ import annotations

import datetime as dt
import time
import uuid

from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.scans import CANONICAL_TIME, ScanEvent, ScanKind
from countyexpress.services.scans import event_id

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


@given(st.from_regex(CANONICAL_TIME, fullmatch=True))
def test_a_canonical_time_text_is_exactly_what_isoformat_writes(text: str) -> None:
    """An upload's own time text is kept for the ledger (and its digest) only in the form
    `isoformat()` writes: then formatting the parsed time again would give the same text."""
    try:
        at = dt.datetime.fromisoformat(text)
    except ValueError:
        return  # not a time at all (month 13, hour 25): the upload is refused before
    assert at.isoformat() == text


offsets = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda m: dt.timedelta(minutes=m))
times = st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 12, 31))


@given(times, offsets)
def test_an_event_given_its_time_text_digests_as_one_formatted_anew(
    when: dt.datetime, offset: dt.timedelta
) -> None:
    at = when.replace(tzinfo=dt.timezone(offset))
    text = at.isoformat()
    told = ScanEvent(ID, "ZT7300000000001", "zto", ScanKind.ARRIVE, "HS", at).given_time_text(text)
    fresh = ScanEvent(ID, "ZT7300000000001", "zto", ScanKind.ARRIVE, "HS", at)
    assert told.texts() == fresh.texts() and told.fingerprint() == fresh.fingerprint()
    other = text.replace("T", " ")  # another spelling of the same time is formatted anew
    spelt = ScanEvent(ID, "ZT7300000000001", "zto", ScanKind.ARRIVE, "HS", at)
    assert spelt.given_time_text(other).texts()[0] == text


def test_a_service_event_id_is_a_fresh_time_ordered_uuid() -> None:
    before = time.time_ns() // 1_000_000
    made = [event_id() for _ in range(2_000)]
    after = time.time_ns() // 1_000_000
    assert len(set(made)) == 2_000
    for text in made:
        parsed = uuid.UUID(text)
        assert str(parsed) == text and parsed.version == 7 and parsed.variant == uuid.RFC_4122
        assert before <= parsed.int >> 80 <= after  # its first 48 bits: the time in ms
    stamps = [uuid.UUID(t).int >> 80 for t in made]
    assert stamps == sorted(stamps)
    text = made[-1]
    assert ScanEvent(text, "ZT7300000000001", "zto", ScanKind.ARRIVE, "HS", AT).event_id == text
