"""What the ledger keeps of a device's upload: the time window around now, and the actor and
payload with phone and ID numbers scrubbed and personal fields taken out."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.scans import PERSONAL_MARK, ScanWindow, redact
from countyexpress.errors import InvalidValue

NOW = dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC)
PHONE = "13812345678"
ID = "65282819850101123X"


@given(st.integers(-40 * 24 * 60, 40 * 24 * 60))
def test_the_window_takes_late_scans_and_refuses_the_far_past_and_the_future(
    minutes: int,
) -> None:
    window = ScanWindow(days_back=30, minutes_ahead=10)
    at = NOW + dt.timedelta(minutes=minutes)
    inside = -30 * 24 * 60 <= minutes <= 10
    assert (window.refusal(at, NOW) is None) == inside


def test_the_window_is_checked_when_made() -> None:
    with pytest.raises(InvalidValue):
        ScanWindow(days_back=0)
    with pytest.raises(InvalidValue):
        ScanWindow(minutes_ahead=-1)


def test_personal_fields_leave_the_payload_and_free_text_is_scrubbed() -> None:
    r = redact(
        f"王师傅 {PHONE}",
        {
            "receiver_phone": PHONE,
            "Receiver-Name": "马丽",
            "note": f"放门口，身份证{ID}，电话 0996-1234567",
            "items": [{"id_number": ID, "shelf": "A"}],
            "code": 13912345678,
            "shelf": "A-12",
            "phone": "",
        },
    )
    stored = r.actor + json.dumps(r.payload, ensure_ascii=False)
    for secret in (PHONE, ID, "马丽", "13912345678", "1234567"):
        assert secret not in stored
    assert r.payload["receiver_phone"] == PERSONAL_MARK
    assert r.payload["items"][0] == {"id_number": PERSONAL_MARK, "shelf": "A"}
    assert r.payload["shelf"] == "A-12" and r.payload["phone"] == ""
    assert {k: json.loads(v) for k, v in r.personal.items()} == {
        "/receiver_phone": PHONE,
        "/Receiver-Name": "马丽",
        "/items/0/id_number": ID,
    }


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["a", "phone", "name", "x/y"]), inner, max_size=3)
    ),
    max_leaves=10,
)


@given(st.dictionaries(st.text(max_size=6), json_values, max_size=4))
def test_redacting_twice_changes_nothing_more(payload: dict) -> None:
    once = redact("", payload)
    twice = redact("", once.payload)
    assert twice.payload == once.payload and twice.personal == {}


def test_a_signers_name_is_personal_unless_already_masked() -> None:
    """A device names who signed: in the clear it is taken out; a mask (the platform's own
    door deliveries send "马*") is no personal data and stays."""
    clear = redact("", {"signer": "马丽", "signer_type": "family", "receiver": {"tel": PHONE}})
    assert clear.payload == {"signer": PERSONAL_MARK, "signer_type": "family",
                             "receiver": PERSONAL_MARK}  # fmt: skip
    assert set(clear.personal) == {"/signer", "/receiver"}
    masked = redact("", {"signer": "马*", "phone": "*******5678"})
    assert masked.payload == {"signer": "马*", "phone": "*******5678"} and masked.personal == {}
