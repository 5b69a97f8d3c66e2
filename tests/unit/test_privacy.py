"""Masking as privacy waybills do (GB/T 41833-2022), and scrubbing IDs and mobiles from logs."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.identity import resident_id_check_char
from countyexpress.domain.privacy import (
    mask_address,
    mask_id_number,
    mask_name,
    mask_phone,
    phone_tail,
    scrub,
)
from countyexpress.errors import InvalidValue

# What the rules forbid in an output, written independently of the module's own patterns.
STANDALONE_ID = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
STANDALONE_MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])")


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三", "张*"), ("欧阳娜娜", "欧***"), ("买买提·艾力", "买*****"), ("张", "*"), ("", ""),
     (" 李  四 ", "李**")],
)  # fmt: skip
def test_a_name_shows_only_its_first_character(name: str, masked: str) -> None:
    """The first character stays, each other one is a star; one character is all star."""
    assert mask_name(name) == masked


@given(st.text(min_size=1, max_size=30).filter(lambda s: s.strip()))
def test_a_masked_name_hides_at_least_one_character_and_shows_at_most_one(name: str) -> None:
    """GB/T 41833: at least one character hidden; we show no more than the first."""
    masked = mask_name(name)
    assert "*" in masked
    assert set(masked[1:]) == {"*"} or masked == "*"


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "*******5678"),
        ("+86 138 1234 5678", "*******5678"),
        ("0086-138-1234-5678", "*******5678"),
        ("8613812345678", "*******5678"),
        ("138 1234 5678", "*******5678"),
        ("0996-1234567", "*******4567"),
        ("(0996) 123 4567", "*******4567"),
        ("１３８１２３４５６７８", "*******5678"),
        ("1234567", "******7"),
        ("12345", "*****"),
        ("", ""),
    ],
)
def test_a_phone_shows_its_last_four_digits_only(phone: str, masked: str) -> None:
    """Mobiles and landlines: six or more digits hidden, at most the last four shown."""
    assert mask_phone(phone) == masked


@given(st.text(alphabet="0123456789 -+()", max_size=20))
def test_a_masked_phone_never_shows_more_than_four_digits_nor_hides_fewer_than_six(
    phone: str,
) -> None:
    """Whatever the input, ≤ 4 digits visible, and all digits hidden when there are ≤ 6."""
    masked = mask_phone(phone)
    shown = sum(ch.isdigit() for ch in masked)
    assert shown <= 4
    assert masked.count("*") >= min(6, len(masked))


def test_the_phone_tail_is_the_last_four_digits() -> None:
    """Hand-over asks for them; fewer than four digits is an error."""
    assert phone_tail("+86 138-1234-5678") == "5678"
    with pytest.raises(InvalidValue):
        phone_tail("12")


@pytest.mark.parametrize(
    ("number", "masked"),
    [("360426199101010071", "3****************1"), ("11010519491231002x", "1****************X"),
     ("E12345678", "E*******8"), ("1234567", "*******"), ("", "")],
)  # fmt: skip
def test_an_id_number_shows_at_most_its_first_and_last_character(number: str, masked: str) -> None:
    """Eight or more characters: first and last shown; shorter: all hidden."""
    assert mask_id_number(number) == masked


@given(st.text(alphabet="0123456789XABC", max_size=40))
def test_a_masked_id_never_shows_more_than_two_characters(number: str) -> None:
    """Never more than 2 visible characters (the rule caps it at 4), length kept."""
    masked = mask_id_number(number)
    assert len(masked) == len(number)
    assert sum(ch != "*" for ch in masked) <= 2


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("新疆巴音郭楞蒙古自治州和硕县特吾里克镇团结路12号3栋2单元501室",
         "新疆巴音郭楞蒙古自治州和硕县特吾里克镇团结路****"),
        ("和硕县乃仁克尔乡某某村3组15号", "和硕县乃仁克尔乡某某村3组****"),
        ("和硕县幸福小区 3-2-501", "和硕县幸福小区****"),
        ("团结路三号楼二单元", "团结路****"),
        ("团结路第3栋", "团结路****"),
        ("幸福小区B座1203", "幸福小区****"),
        ("和硕县特吾里克镇", "和硕县特吾里克镇"),
        ("G314国道旁", "G314国道旁"),
    ],
)  # fmt: skip
def test_an_address_keeps_its_division_and_road_and_hides_the_rest(
    address: str, masked: str
) -> None:
    """From the first house, building, unit or room number on, four stars."""
    assert mask_address(address) == masked


@given(
    st.sampled_from(["和硕县特吾里克镇", "库尔勒市", "和硕县乌什塔拉回族乡"]),
    st.sampled_from(["团结路", "人民东路", "幸福小区", "某某村"]),
    st.lists(st.integers(1, 9999), min_size=1, max_size=4),
    st.lists(st.sampled_from(["号", "栋", "单元", "室", "号楼", "层"]), min_size=4, max_size=4),
)
def test_a_masked_address_shows_no_house_building_unit_or_room_number(
    division: str, road: str, numbers: list[int], keywords: list[str]
) -> None:
    """None of the generated numbers survives; the division and road do."""
    detail = "".join(f"{n}{k}" for n, k in zip(numbers, keywords, strict=False))
    masked = mask_address(division + road + detail)
    assert masked == division + road + "****"


def test_an_address_with_a_phone_in_it_loses_the_phone() -> None:
    """Whatever is kept is scrubbed too."""
    assert mask_address("团结路（电话13812345678）") == "团结路(电话*******5678)"


def test_scrub_masks_ids_and_mobiles_and_leaves_waybill_numbers() -> None:
    """IDs and mobiles standing alone are masked; longer runs such as waybill numbers stay."""
    text = ("寄件人身份证360426199101010071，电话 +86 138 1234 5678；"
            "运单 JT0019812345678 1240921381750 79105030690097 id=11010519491231002x")  # fmt: skip
    assert scrub(text) == (
        "寄件人身份证3****************1，电话 *******5678；"
        "运单 JT0019812345678 1240921381750 79105030690097 id=1****************X"
    )


@st.composite
def mobiles(draw: st.DrawFn) -> str:
    """An 11-digit mobile, sometimes written with +86 or spaces."""
    digits = "1" + draw(st.sampled_from("3456789")) + draw(st.text("0123456789", min_size=9,
                                                                    max_size=9))  # fmt: skip
    style = draw(st.sampled_from(["plain", "spaced", "dashed", "plus86"]))
    if style == "spaced":
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if style == "dashed":
        return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    return "+86" + digits if style == "plus86" else digits


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    """An ID-shaped number, check character valid or not, x sometimes lower case."""
    body = draw(st.text("0123456789", min_size=17, max_size=17))
    check = draw(st.sampled_from([resident_id_check_char(body), "X", "x", "0"]))
    return body + check


WORDS = st.sampled_from(["寄件人", "张三", "电话", "收件", "JT0019812345678", "1240921381750",
                         "79105030690097", "ok", "12", "2024-03-01", "运单"])  # fmt: skip
SEPARATORS = st.sampled_from([" ", ", ", "，", "：", "\n", "=", "(", ")", "/"])


@given(st.lists(st.one_of(mobiles(), resident_ids(), WORDS), max_size=12), SEPARATORS)
def test_scrub_leaves_no_id_or_mobile_in_a_log_line(tokens: list[str], sep: str) -> None:
    """No standalone 18-character ID or 11-digit mobile survives; the other words do."""
    text = sep.join(tokens)
    out = scrub(text)
    assert not STANDALONE_ID.search(out)
    assert not STANDALONE_MOBILE.search(out)
    for token in tokens:
        if token in {"JT0019812345678", "1240921381750", "79105030690097", "张三"}:
            assert token in out
        elif len(re.sub(r"[^0-9]", "", token)) >= 11:  # a mobile or an ID, however written
            assert token not in out


@given(st.text(alphabet="0123456789 Xx+-86电话,a", max_size=60))
def test_scrub_leaves_no_id_or_mobile_in_any_text(text: str) -> None:
    """Fuzzed digit soup: still no standalone ID or mobile afterwards."""
    out = scrub(text)
    assert not STANDALONE_ID.search(out)
    assert not STANDALONE_MOBILE.search(out)
