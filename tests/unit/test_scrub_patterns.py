"""Free text scrubbed of landlines and first-generation (15-digit) ID numbers, as well as
18-character IDs and mobiles: what device uploads' actor and notes carry."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.privacy import scrub


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("座机 0996-1234567 白天", "09961234567"),
        ("电话(0996)1234567", "09961234567"),
        ("call 010-12345678", "01012345678"),
        ("+86 996 1234567", "9961234567"),
        ("0996 1234567", "09961234567"),
        ("旧身份证 652828850101123", "652828850101123"),
        ("ID 652828 850101 123", "652828850101123"),
        ("新证 65282819850101123X", "65282819850101123X"),
        ("手机１３８１２３４５６７８", "13812345678"),
        ("138-1234-5678", "13812345678"),
    ],
)
def test_phones_and_ids_in_free_text_are_masked(text: str, hidden: str) -> None:
    out = scrub(text)
    digits = "".join(ch for ch in out if ch.isdigit() or ch in "Xx")
    assert hidden not in digits
    assert out != text


@pytest.mark.parametrize(
    "text",
    [
        "YT1234567890123",  # a waybill number stays readable
        "shelf A-12",
        "2026-12-05T09:30:00+08:00",
        "route bag DOOR-HS-01-20261205",
        "1234567",  # a bare local number is not recognised (documented)
        "weight 12.5 kg, fee 0.80",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert scrub(text) == text


area = st.sampled_from(["010", "021", "0996", "0991", "0755"])
local = st.integers(2_000_000, 99_999_999).map(str)
sep = st.sampled_from(["-", " ", ""])


@given(area, sep, local, st.sampled_from(["电话", "tel:", "请打 ", ""]))
def test_any_landline_with_its_area_code_keeps_at_most_its_last_four_digits(
    code: str, separator: str, number: str, before: str
) -> None:
    out = scrub(f"{before}{code}{separator}{number} 谢谢")
    assert number not in out and out.endswith(number[-4:] + " 谢谢")
