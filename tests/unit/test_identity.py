"""Rules of real-name intake: GB 11643 resident IDs, GB 32100 codes, the sender's identity.

Why every single-character change is caught. Write the check character's value as
a₁₈ (X = 10) and w₁₈ = 1: "10X98765432"[S mod 11] is exactly the value that makes
Σ₁¹⁸ wᵢ·aᵢ ≡ 1 (mod 11). Changing one character aᵢ → aᵢ' moves the sum by wᵢ·(aᵢ' − aᵢ).
11 is prime, every weight is 1..10 and 0 < |aᵢ' − aᵢ| ≤ 10, so the move is never
≡ 0 (mod 11): every substitution of one character by another digit (or X in place 18) is
detected, wherever it is. The same holds for swapping two adjacent different characters
i, i+1: wᵢ ≡ 2·wᵢ₊₁ (mod 11), so the move is wᵢ₊₁·(aᵢ₊₁ − aᵢ) ≢ 0. Two changes at once
can cancel out and are not guaranteed to be caught.

GB 32100 is the same argument modulo 31 (prime): weights 3ᵏ mod 31 are 1..30 and two
characters' values differ by 1..30, so every single substitution is detected.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.identity import (
    RESIDENT_ID_CHECK_CHARS,
    RESIDENT_ID_WEIGHTS,
    USCC_CHARSET,
    USCC_WEIGHTS,
    IdType,
    SenderIdentity,
    resident_id_check_char,
    uscc_check_char,
    validate_id,
    validate_resident_id,
    validate_uscc,
)
from countyexpress.errors import InvalidValue

TODAY = date(2026, 1, 15)

# Published codes that pass GB 32100: 91310110666007217T from dromara/hutool's
# CreditCodeUtilTest.java; 91230184MA1BUFLT44 and 92371000MA3MXH0E3W from the examples of
# winjs-dev/cloud-utils, src/isUnifiedSocialCreditCode.ts. 91350211M00013FA1N is a real
# code from an early pilot area that breaks the check character (hutool's test, citing
# bluesky335/IDCheck).
PUBLISHED_USCC = ["91310110666007217T", "91230184MA1BUFLT44", "92371000MA3MXH0E3W"]
PILOT_USCC = "91350211M00013FA1N"


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    """A valid resident ID: any area, a real birth date up to TODAY, any sequence."""
    area = draw(st.integers(100000, 999999))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    seq = draw(st.integers(0, 999))
    body = f"{area}{born:%Y%m%d}{seq:03d}"
    return body + resident_id_check_char(body)


@st.composite
def usccs(draw: st.DrawFn) -> str:
    """A valid USCC: any allowed characters, a 6-digit division code, computed check."""
    head = draw(st.text(alphabet=USCC_CHARSET, min_size=2, max_size=2))
    division = draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    subject = draw(st.text(alphabet=USCC_CHARSET, min_size=9, max_size=9))
    body = head + division + subject
    return body + uscc_check_char(body)


@pytest.mark.parametrize("number", ["360426199101010071", "120103198806018241"])
def test_the_reference_ids_are_valid(number: str) -> None:
    """The two valid samples of the reference pass with no reason."""
    assert validate_resident_id(number, TODAY) is None


def test_a_wrong_check_character_is_refused_naming_both_characters() -> None:
    """360426199101010072 ends in 2 where the digits give 1."""
    reason = validate_resident_id("360426199101010072", TODAY)
    assert reason is not None
    assert "check character is 2" in reason and "give 1" in reason


@pytest.mark.parametrize(
    ("number", "words"),
    [
        ("36042619910101007", "18 characters, this has 17"),
        ("3604261991010100711", "18 characters, this has 19"),
        ("", "this has 0"),
        ("360426910101007", "15-digit first-generation"),
        ("36042619910101A071", "character 15 is 'A'"),
        ("36042619910101007Y", "character 18 is 'Y'"),
        ("360426199102300071", "1991-02-30"),
        ("360426199113010071", "1991-13-01"),
        ("360426199100010071", "1991-00-01"),
        ("360426210001010071", "in the future"),
        ("360426189912310071", "before 1900"),
    ],
)
def test_each_kind_of_bad_id_gets_its_own_reason(number: str, words: str) -> None:
    """Length, characters, impossible, future and implausible birth dates are told apart."""
    reason = validate_resident_id(number, TODAY)
    assert reason is not None and words in reason


@pytest.mark.parametrize(
    ("born", "valid"),
    [(TODAY, True), (TODAY + timedelta(days=1), False), (date(1900, 1, 1), True)],
)
def test_a_birth_date_up_to_today_is_accepted(born: date, valid: bool) -> None:
    """Born today is possible, born tomorrow is not; 1 January 1900 is the earliest."""
    body = f"652828{born:%Y%m%d}001"
    number = body + resident_id_check_char(body)
    assert (validate_resident_id(number, TODAY) is None) is valid


def test_29_february_is_a_date_only_in_a_leap_year() -> None:
    """2000-02-29 is real, 1900-02-29 and 2023-02-29 are not."""
    for born, valid in [("20000229", True), ("19000229", False), ("20230229", False)]:
        body = f"652828{born}001"
        number = body + resident_id_check_char(body)
        assert (validate_resident_id(number, TODAY) is None) is valid


def test_a_lower_case_x_is_read_as_upper_case() -> None:
    """The standard's own sample 11010519491231002X passes typed with x, spaced or full width."""
    for typed in ["11010519491231002X", "11010519491231002x", " 110105 19491231 002x ",
                  "１１０１０５１９４９１２３１００２Ｘ"]:  # fmt: skip
        assert validate_resident_id(typed, TODAY) is None


def test_any_area_prefix_is_accepted() -> None:
    """The prefix is where the ID was issued: a Jiangxi or a made-up area is not refused."""
    for area in ["360426", "652828", "999999", "000000"]:
        body = f"{area}19910101007"
        assert validate_resident_id(body + resident_id_check_char(body), TODAY) is None


def test_the_weights_are_powers_of_two_modulo_11() -> None:
    """wᵢ = 2^(18 − i) mod 11, and each check character fixes Σ wᵢaᵢ to 1 mod 11."""
    assert tuple(pow(2, 17 - i, 11) for i in range(17)) == RESIDENT_ID_WEIGHTS
    for total, check in enumerate(RESIDENT_ID_CHECK_CHARS):
        assert (total + (10 if check == "X" else int(check))) % 11 == 1


@given(resident_ids())
def test_a_generated_valid_id_always_validates(number: str) -> None:
    """Random area, real past date, random sequence and the computed check char: valid."""
    assert validate_resident_id(number, TODAY) is None


@given(resident_ids(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_changing_any_single_character_is_always_detected(
    number: str, position: int, new: str
) -> None:
    """Any one character replaced by another allowed one makes the ID invalid (see above)."""
    if position < 17 and new == "X":
        new = "0"
    if number[position] == new:
        return
    changed = number[:position] + new + number[position + 1 :]
    assert validate_resident_id(changed, TODAY) is not None


@given(resident_ids(), st.integers(0, 16))
def test_swapping_two_adjacent_characters_is_always_detected(number: str, i: int) -> None:
    """Any two neighbouring different characters swapped make the ID invalid."""
    a, b = number[i], number[i + 1]
    if a == b or "X" in (a, b):
        return
    swapped = number[:i] + b + a + number[i + 2 :]
    assert validate_resident_id(swapped, TODAY) is not None


@given(st.text(max_size=25))
def test_validation_answers_any_text_with_a_reason_and_never_raises(text: str) -> None:
    """Whatever is typed, the answer is None or a one-line reason."""
    reason = validate_resident_id(text, TODAY)
    assert reason is None or (reason and "\n" not in reason)


@pytest.mark.parametrize("code", PUBLISHED_USCC)
def test_published_unified_social_credit_codes_are_valid(code: str) -> None:
    """Codes published as valid pass GB 32100, also typed in lower case."""
    assert validate_uscc(code) is None
    assert validate_uscc(code.lower()) is None


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (PILOT_USCC, "check character is N, the code gives 3"),
        ("91310110666007217", "18 characters, this has 17"),
        ("9131011066600721OT", "character 17 is 'O'"),
        ("91310110666007S17T", "character 15 is 'S'"),
        ("913A0110666007217T", "character 4 is 'A'"),
    ],
)
def test_a_bad_unified_social_credit_code_is_refused_with_its_reason(code: str, words: str) -> None:
    """Check character, length, forbidden letters and the digits of the division code."""
    reason = validate_uscc(code)
    assert reason is not None and words in reason


def test_the_uscc_check_maps_31_to_0() -> None:
    """The check value is 31 − (Σ mod 31), and 31 itself becomes 0."""
    assert tuple(pow(3, i, 31) for i in range(17)) == USCC_WEIGHTS
    body = "0" * 17
    assert uscc_check_char(body) == "0"


@given(usccs(), st.integers(0, 17), st.sampled_from(USCC_CHARSET))
def test_changing_any_single_uscc_character_is_always_detected(
    code: str, position: int, new: str
) -> None:
    """A generated code is valid; any one character replaced makes it invalid."""
    assert validate_uscc(code) is None
    if code[position] == new:
        return
    assert validate_uscc(code[:position] + new + code[position + 1 :]) is not None


def test_every_id_type_has_a_chinese_label() -> None:
    """A station keeper sees 居民身份证, 外国公民护照 … never a code."""
    assert IdType.RESIDENT_ID.label == "居民身份证"
    assert all(t.label and not t.label.isascii() for t in IdType)


def test_residence_permits_are_checked_like_resident_ids() -> None:
    """HK/Macao/Taiwan residence permits carry GB 11643 numbers; travel permits do not."""
    assert validate_id(IdType.HK_MACAO_RESIDENCE_PERMIT, "360426199101010072", TODAY)
    assert validate_id(IdType.TAIWAN_TRAVEL_PERMIT, "12345678", TODAY) is None


@pytest.mark.parametrize(
    ("id_type", "number", "valid"),
    [
        (IdType.FOREIGN_PASSPORT, "E12345678", True),
        (IdType.FOREIGN_PASSPORT, "E1", False),
        (IdType.MILITARY_ID, "南字第1234567号", True),
        (IdType.OTHER, "A" * 33, False),
        (IdType.OTHER, "AB<12>", False),
        (IdType.USCC, PUBLISHED_USCC[0], True),
    ],
)
def test_other_documents_are_only_checked_for_plausibility(
    id_type: IdType, number: str, valid: bool
) -> None:
    """4 to 32 letters, digits or Chinese characters: formats we could not confirm."""
    assert (validate_id(id_type, number, TODAY) is None) is valid


def test_a_sender_identity_stores_the_number_normalised() -> None:
    """Lower-case x and spaces are normalised; the name's spaces are collapsed."""
    who = SenderIdentity(IdType.RESIDENT_ID, "110105 19491231002x", " 张  三 ", TODAY)
    assert who.number == "11010519491231002X"
    assert who.name == "张 三"


@pytest.mark.parametrize(
    ("number", "name", "field"),
    [("360426199101010072", "张三", "number"), ("360426199101010071", "  ", "name"),
     ("360426199101010071", "张" * 101, "name")],
)  # fmt: skip
def test_a_sender_identity_refuses_a_bad_number_or_name(number: str, name: str, field: str) -> None:
    """The constructor raises InvalidValue naming the field."""
    with pytest.raises(InvalidValue) as info:
        SenderIdentity(IdType.RESIDENT_ID, number, name, TODAY)
    assert info.value.field == field


def test_a_sender_identity_never_prints_the_full_number() -> None:
    """repr and str show the masked number and name only."""
    who = SenderIdentity(IdType.RESIDENT_ID, "360426199101010071", "张三", TODAY)
    for text in (repr(who), str(who), f"{who}"):
        assert "360426199101010071" not in text and "张三" not in text
        assert "3****************1" in text
