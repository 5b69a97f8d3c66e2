"""Strict mainland mobile numbers (issue 11, defect 10): 11 digits 1[3-9]…, written with an
optional +86 / 0086 / 86 prefix and spaces, hyphens, dots or brackets; nothing else. The
simulation's synthetic numbers (100 + 8 digits, no real number starts so) only where asked."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.manifests import Receiver
from countyexpress.domain.privacy import SYNTHETIC_PHONE_PREFIX, mobile_number, phone_tail
from countyexpress.errors import InvalidValue

MOBILE = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
SEPARATOR = st.sampled_from(["", " ", "-", ".", "  ", " - "])
PREFIX = st.sampled_from(["", "+86", "+86 ", "0086", "0086-", "86", "86 ", "+86-", "(+86) "])
FULL_WIDTH = str.maketrans("0123456789+-", "０１２３４５６７８９＋－")


@st.composite
def written(draw: st.DrawFn) -> tuple[str, str]:
    """A mobile number and one way a person or a carrier's system writes it."""
    digits = draw(MOBILE)
    sep = draw(SEPARATOR)
    text = draw(PREFIX) + sep.join((digits[:3], digits[3:7], digits[7:]))
    if draw(st.booleans()):
        text = text.translate(FULL_WIDTH)
    return digits, text


@given(written())
def test_every_usual_way_of_writing_a_mobile_gives_its_11_digits(case: tuple[str, str]) -> None:
    digits, text = case
    assert mobile_number(text) == digits
    assert phone_tail(text) == digits[-4:]


@pytest.mark.parametrize(
    "text",
    ["1395555777", "139555577771", "13955557777 ext 1", "13955557777转1", "abc", "", "   ",
     "12955557777", "10955557777", "23955557777", "+1 13955557777", "+86 1395555777",
     "0991-1234567", "139-5555-7777-1", "139５５５５7777x", "+8613955557777+", "1395555777７7",
     "86 86 13955557777", "13955557777;13955557778"],
)  # fmt: skip
def test_anything_else_is_refused_without_echoing_it(text: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        mobile_number(text)
    assert refused.value.field == "phone"
    assert text.strip() == "" or text not in str(refused.value)


@given(st.text(max_size=20))
def test_whatever_is_accepted_is_exactly_a_mobile(text: str) -> None:
    try:
        digits = mobile_number(text)
    except InvalidValue:
        return
    assert len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789"
    assert digits.isascii() and digits.isdigit()


@given(st.from_regex(r"100[0-9]{8}", fullmatch=True))
def test_synthetic_numbers_only_where_the_caller_allows_them(digits: str) -> None:
    assert digits.startswith(SYNTHETIC_PHONE_PREFIX)
    with pytest.raises(InvalidValue):
        mobile_number(digits)
    assert mobile_number(digits, synthetic=True) == digits


def test_a_receiver_keeps_the_11_digits_and_refuses_a_loose_number() -> None:
    assert Receiver("张三", "+86 139-5555-7777", "某村").phone == "13955557777"
    with pytest.raises(InvalidValue, match="receiver_phone"):
        Receiver("张三", "13955557777 ext 1", "某村")
    with pytest.raises(InvalidValue, match="receiver_phone"):
        Receiver("张三", "1395555777", "某村")
    with pytest.raises(InvalidValue, match="receiver_phone"):
        Receiver("王模拟001", "10012345678", "某村")
    assert Receiver("王模拟001", "10012345678", "某村", synthetic=True).phone == "10012345678"
