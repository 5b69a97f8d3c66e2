"""Pickup codes are accepted in the forms people type (issue 12, station keeper)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.pickup_codes import Resolution, Typed, WaitingCodes, parse, resolve
from countyexpress.domain.shelves import pickup_code
from countyexpress.errors import InvalidValue

shelves = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=3)
numbers = st.integers(min_value=0, max_value=9999)


def _full_width(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


def typed_forms(code: str) -> list[str]:
    """How a person types a printed code."""
    bare = code.replace("-", "")
    return [code, code.lower(), bare, bare.lower(), code.replace("-", " "),
            f"  {code}\t", _full_width(code), _full_width(bare.lower())]  # fmt: skip


@given(shelves, numbers)
def test_every_printed_code_round_trips_through_its_typed_forms(shelf: str, n: int) -> None:
    code = pickup_code(shelf, n)
    for form in typed_forms(code):
        assert parse(form) == Typed(shelf, n), form
        assert resolve(form, [code]) == (Resolution.FOUND, code)
    short = code.split("-")[1]
    assert parse(short) == Typed(None, n)
    assert resolve(short, [code]) == (Resolution.FOUND, code)


@given(st.lists(shelves, min_size=2, max_size=4, unique=True), numbers)
def test_the_number_alone_under_two_shelves_is_ambiguous(names: list[str], n: int) -> None:
    codes = [pickup_code(s, n) for s in names]
    assert resolve(f"{n:04d}", codes) == (Resolution.AMBIGUOUS, "")
    for s, code in zip(names, codes, strict=True):  # the shelf letter settles it
        assert resolve(f"{s.lower()}{n:04d}", codes) == (Resolution.FOUND, code)


@given(shelves, numbers, numbers)
def test_another_number_or_shelf_finds_nothing(shelf: str, n: int, m: int) -> None:
    code = pickup_code(shelf, n)
    if m != n:
        assert resolve(pickup_code(shelf, m), [code]) == (Resolution.NONE, "")
    other = "Z" if shelf != "Z" else "Y"
    assert resolve(pickup_code(other, n), [code]) == (Resolution.NONE, "")


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "   ",
        "-",
        "A-",
        "A-01467",
        "12345",
        "A1-0146",
        "ABCD-0146",
        "0146-A",
        "A--0146x",
        "A-01.46",
        "'; drop table",
        "A-٠١٤٦",
    ],
)
def test_garbage_is_refused(garbage: str) -> None:
    with pytest.raises(InvalidValue):
        parse(garbage)
    assert resolve(garbage, ["A-0146"]) == (Resolution.NONE, "")


@given(st.text(max_size=12))
def test_any_text_either_parses_to_a_code_or_is_refused(text: str) -> None:
    try:
        typed = parse(text)
    except InvalidValue:
        return
    assert 0 <= typed.number <= 9999
    assert typed.shelf is None or (typed.shelf.isascii() and typed.shelf.isalpha())


codes_at_a_station = st.lists(st.builds(pickup_code, shelves, numbers), max_size=8)
typed_texts = st.one_of(
    st.builds(pickup_code, shelves, numbers),
    st.builds(lambda n: f"{n:04d}", numbers),
    st.builds(lambda s, n: f"{s.lower()}{n:04d}", shelves, numbers),
    st.text(max_size=8),
)


@given(codes_at_a_station, st.lists(typed_texts, max_size=6), st.data())
def test_the_index_of_waiting_codes_answers_as_resolve(
    codes: list[str], asked: list[str], data: st.DataObject
) -> None:
    """WaitingCodes answers every typed form as `resolve` over the same codes, also after
    codes are taken away (handed over)."""
    waiting = WaitingCodes(codes)
    left = list(codes)
    for text in asked + codes:
        assert waiting.resolve(text) == resolve(text, left), (text, left)
        if left and data.draw(st.booleans()):
            gone = data.draw(st.sampled_from(left))
            left = [c for c in left if c != gone]
            waiting.discard(gone)
