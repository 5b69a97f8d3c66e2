"""Addresses resolve to a village or community, or go to the manual queue with a reason."""

from __future__ import annotations

import pytest

from countyexpress.domain.addresses import resolve_address
from countyexpress.domain.geography import DataQuality, Division, DivisionLevel

T1, T2 = "652828200000", "652828101000"
DIVISIONS = [
    Division(T1, "乌什塔拉回族乡", DivisionLevel.TOWNSHIP, "652828"),
    Division(T2, "塔哈其镇", DivisionLevel.TOWNSHIP, "652828"),
    Division("652828200201", "塔拉村", DivisionLevel.VILLAGE, T1),
    Division("652828200202", "大庄子村", DivisionLevel.VILLAGE, T1),
    Division("652828101201", "大庄子村", DivisionLevel.VILLAGE, T2),
    Division("652828101202", "塔哈其镇-未知村1", DivisionLevel.VILLAGE, T2,
             quality=DataQuality.PLACEHOLDER),
]  # fmt: skip


@pytest.mark.parametrize(
    ("address", "code"),
    [
        ("新疆和硕县乌什塔拉回族乡塔拉村3组12号", "652828200201"),
        ("乌什塔拉回族乡大庄子村", "652828200202"),
        ("塔哈其镇大庄子", "652828101201"),
        ("收件地址 652828200202 附近", "652828200202"),
    ],
)
def test_a_village_named_with_its_township_or_by_code_resolves(address: str, code: str) -> None:
    """The township narrows same-named villages; a 12-digit code is taken at its word."""
    assert resolve_address(address, DIVISIONS).division_code == code


def test_a_village_inside_a_township_name_is_not_matched() -> None:
    """乌什塔拉 contains 塔拉, but 塔拉村 is not named by the township's name."""
    r = resolve_address("乌什塔拉回族乡某某村", DIVISIONS)
    assert r.division_code is None and r.township_code == T1


def test_the_same_village_name_in_two_townships_is_ambiguous() -> None:
    """Without a township, 大庄子村 could be either: a person decides."""
    r = resolve_address("大庄子村5号", DIVISIONS)
    assert r.division_code is None and "ambiguous" in r.reason


def test_placeholders_and_foreign_addresses_go_to_the_manual_queue() -> None:
    """A placeholder name is never matched; an address elsewhere names nothing here."""
    assert not resolve_address("塔哈其镇-未知村1", DIVISIONS).resolved
    r = resolve_address("北京市海淀区中关村", DIVISIONS)
    assert (r.division_code, r.township_code) == (None, None)
