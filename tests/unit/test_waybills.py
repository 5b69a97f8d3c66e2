"""Carrier recognition: a ranked, normalised list of candidates that learns from confirmations."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.waybills import (
    Candidate,
    WaybillPattern,
    rank_carriers,
    shape,
)
from countyexpress.errors import InvalidValue

# A small set that's easy to follow: two carriers share 13-digit numbers, one has letters.
YUNDA = WaybillPattern("yunda", r"[0-9]{13}", 0.5, "13 digits")
EMS = WaybillPattern("ems", r"(1[0-2]|5[0-2]|9[5-9])[0-9]{11}", 1.0, "13 digits from 10–12 …")
JT = WaybillPattern("jt", r"JT[0-9]{12,13}", 1.0, "JT + 12–13 digits")
ZTO = WaybillPattern("zto", r"7[3-8][0-9]{10,12}", 1.0, "73–78")
ZTO_WIDE = WaybillPattern("zto", r"7[0-9]{11,13}", 0.4, "any 7")
PATTERNS = [YUNDA, EMS, JT, ZTO, ZTO_WIDE]


def carriers(ranked: list[Candidate]) -> list[str]:
    return [c.carrier for c in ranked]


def test_a_number_that_fits_one_pattern_has_one_candidate_scored_1() -> None:
    """JT0019812345678 is J&T only."""
    assert rank_carriers("JT0019812345678", PATTERNS, {}) == [Candidate("jt", 1.0)]


def test_overlapping_patterns_give_a_ranked_list_not_a_pick() -> None:
    """1240921381750 fits EMS (prior 1) and Yunda (prior 0.5): 2/3 and 1/3."""
    ranked = rank_carriers("1240921381750", PATTERNS, {})
    assert carriers(ranked) == ["ems", "yunda"]
    assert [c.score for c in ranked] == pytest.approx([2 / 3, 1 / 3])


def test_nothing_matching_gives_an_empty_list() -> None:
    """An unknown shape, or nothing typed, has no candidates."""
    assert rank_carriers("HELLO", PATTERNS, {}) == []
    assert rank_carriers("   ", PATTERNS, {}) == []


def test_case_spaces_and_full_width_do_not_matter() -> None:
    """jt 0019 8123 45678 and ＪＴ… are read as JT0019812345678."""
    for typed in ["jt0019812345678", " JT 0019 8123 45678 ", "ＪＴ００１９８１２３４５６７８"]:
        assert carriers(rank_carriers(typed, PATTERNS, {})) == ["jt"]


def test_a_carrier_takes_the_best_of_its_matching_patterns() -> None:
    """751234567890 fits both ZTO patterns; ZTO is listed once, with the larger prior."""
    assert rank_carriers("751234567890", PATTERNS, {}) == [Candidate("zto", 1.0)]
    assert rank_carriers("79105030690097", PATTERNS, {}) == [Candidate("zto", 1.0)]


@pytest.mark.parametrize(
    ("number", "expected"),
    [("JT0019812345678", "JT15:00"), ("79105030690097", "14:79"), ("1240921381750", "13:12"),
     ("jdva11408814483", "JDVA15:11"), ("EA123456789CN", "EA13:12"), ("7", "1:7"), ("", "0:")],
)  # fmt: skip
def test_the_shape_is_leading_letters_length_and_next_two_characters(
    number: str, expected: str
) -> None:
    """Confirmations are counted per shape."""
    assert shape(number) == expected


def test_confirmations_of_the_same_shape_move_a_carrier_up() -> None:
    """Three confirmations of Yunda for 13:12 numbers put Yunda first: (5/3·… + 3)/(5 + 3)."""
    ranked = rank_carriers("1240921381750", PATTERNS, {("13:12", "yunda"): 3})
    assert carriers(ranked) == ["yunda", "ems"]
    assert ranked[0].score == pytest.approx((5 / 3 + 3) / 8)


def test_confirmations_of_another_shape_change_nothing() -> None:
    """Yunda confirmed for 13:39 numbers does not touch a 13:12 number's ranking."""
    learned = rank_carriers("1240921381750", PATTERNS, {("13:39", "yunda"): 50})
    assert learned == rank_carriers("1240921381750", PATTERNS, {})


def test_confirmations_of_a_carrier_whose_pattern_does_not_match_are_ignored() -> None:
    """A count for J&T on a 13-digit shape cannot make J&T a candidate."""
    ranked = rank_carriers("1240921381750", PATTERNS, {("13:12", "jt"): 9})
    assert carriers(ranked) == ["ems", "yunda"]
    assert sum(c.score for c in ranked) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("carrier", "regex", "prior", "field"),
    [("YT", r"YT\d{13}", 1.0, "carrier"), ("yto", r"YT(\d{13}", 1.0, "regex"),
     ("yto", r"\d*", 1.0, "regex"), ("yto", r"YT\d{13}", 0.0, "prior"),
     ("yto", r"YT\d{13}", math.nan, "prior"), ("yto", r"YT\d{13}", -1.0, "prior")],
)  # fmt: skip
def test_a_bad_pattern_is_refused_where_it_is_made(
    carrier: str, regex: str, prior: float, field: str
) -> None:
    """Upper-case code, broken regex, a regex matching nothing at all, a prior ≤ 0 or NaN."""
    with pytest.raises(InvalidValue) as info:
        WaybillPattern(carrier, regex, prior)
    assert info.value.field == field


NUMBERS = st.one_of(
    st.text(alphabet="0123456789", min_size=10, max_size=16),
    st.builds(lambda d: "JT" + d, st.text(alphabet="0123456789", min_size=11, max_size=14)),
    st.builds(lambda d: "7" + d, st.text(alphabet="0123456789", min_size=10, max_size=14)),
    st.text(alphabet="JTYD0123456789", max_size=16),
)
CONFIRMATIONS = st.dictionaries(
    st.tuples(st.sampled_from(["13:12", "13:39", "14:79", "12:75", "JT15:00", "15:10"]),
              st.sampled_from(["yunda", "ems", "jt", "zto"])),
    st.integers(0, 40),
    max_size=8,
)  # fmt: skip


@given(NUMBERS, CONFIRMATIONS)
def test_scores_are_a_ranked_normalised_list_of_exactly_the_matching_carriers(
    number: str, confirmations: dict[tuple[str, str], int]
) -> None:
    """Best first, each score in (0, 1], summing to 1, one entry per matching carrier."""
    ranked = rank_carriers(number, PATTERNS, confirmations)
    assert set(carriers(ranked)) == {p.carrier for p in PATTERNS if p.matches(number)}
    assert len(set(carriers(ranked))) == len(ranked)
    scores = [c.score for c in ranked]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 1 for s in scores)
    if ranked:
        assert math.isclose(sum(scores), 1.0)


@given(NUMBERS, CONFIRMATIONS, st.integers(0, 100))
def test_a_confirmation_never_lowers_the_confirmed_carriers_rank(
    number: str, confirmations: dict[tuple[str, str], int], pick: int
) -> None:
    """Confirming carrier c raises c's score and c stays at its place or moves up."""
    before = rank_carriers(number, PATTERNS, confirmations)
    if not before:
        return
    chosen = before[pick % len(before)].carrier
    key = (shape(number), chosen)
    after = rank_carriers(number, PATTERNS, {**confirmations, key: confirmations.get(key, 0) + 1})
    assert carriers(after).index(chosen) <= carriers(before).index(chosen)
    score = {c.carrier: c.score for c in before}[chosen]
    assert {c.carrier: c.score for c in after}[chosen] > score or score == 1.0
