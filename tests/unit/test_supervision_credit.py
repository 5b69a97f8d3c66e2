"""Credit: points, levels, the blacklist and its repair; random inspections by credit."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.supervision.credit import (
    BlacklistRule,
    CreditEvent,
    CreditEventType,
    CreditRules,
    Level,
    standing,
)
from countyexpress.domain.supervision.draws import Candidate, InspectionRatios, draw
from countyexpress.domain.supervision.records import Subject, SubjectKind
from countyexpress.errors import InvalidValue

ZTO = Subject.parse("carrier:zto")
JT = Subject.parse("carrier:jt")
RULES = CreditRules(
    levels=(Level("A", 90), Level("B", 75), Level("C", 60), Level("D", 0)),
    events={
        "prohibited_item_accepted": CreditEventType("prohibited_item_accepted", 10, 12),
        "personal_data_leak": CreditEventType("personal_data_leak", 20, 24),
        "finding": CreditEventType("finding", 3, 12),
    },
    blacklist=(
        BlacklistRule("personal_data_leak", 1, 12, 12, frozenset({SubjectKind.CARRIER})),
        BlacklistRule("prohibited_item_accepted", 2, 12, 6, frozenset({SubjectKind.CARRIER})),
    ),
)


def ev(subject: Subject, kind: str, on: str) -> CreditEvent:
    return CreditEvent(subject, kind, dt.date.fromisoformat(on))


def test_points_count_while_the_event_is_valid() -> None:
    """A finding deducts 3 points for 12 months, then no more."""
    events = [ev(ZTO, "finding", "2026-01-15")]
    assert standing(RULES, ZTO, events, dt.date(2027, 1, 14)).score == 97
    assert standing(RULES, ZTO, events, dt.date(2027, 1, 15)).score == 100


def test_the_score_gives_the_level() -> None:
    """Two prohibited items (−20) put a carrier at 80, level B; a year on, one has lapsed."""
    events = [ev(ZTO, "prohibited_item_accepted", d) for d in ("2026-03-01", "2026-06-01")]
    both = standing(RULES, ZTO, events, dt.date(2026, 7, 1))
    assert (both.score, both.level) == (80, "B")
    one = standing(RULES, ZTO, events, dt.date(2027, 3, 1))
    assert (one.score, one.level) == (90, "A")


def test_two_prohibited_items_within_twelve_months_blacklist_a_carrier() -> None:
    """The Heshuo default: the second within 12 months puts it on the list that day."""
    events = [
        ev(ZTO, "prohibited_item_accepted", "2026-02-10"),
        ev(ZTO, "prohibited_item_accepted", "2026-11-20"),
        ev(JT, "prohibited_item_accepted", "2026-11-21"),
    ]
    assert not standing(RULES, ZTO, events, dt.date(2026, 11, 19)).blacklisted
    s = standing(RULES, ZTO, events, dt.date(2026, 11, 20))
    assert s.blacklisted
    (entry,) = s.blacklist
    assert entry.start == dt.date(2026, 11, 20)
    assert entry.reason == "2 × prohibited_item_accepted within 12 months"
    assert not standing(RULES, JT, events, dt.date(2026, 12, 1)).blacklisted


def test_two_prohibited_items_more_than_twelve_months_apart_do_not() -> None:
    """The window slides: 13 months apart is not a blacklist."""
    events = [
        ev(ZTO, "prohibited_item_accepted", "2025-10-01"),
        ev(ZTO, "prohibited_item_accepted", "2026-11-01"),
    ]
    assert not standing(RULES, ZTO, events, dt.date(2026, 11, 2)).blacklisted


def test_one_personal_data_leak_blacklists_until_rectified_and_the_wait_is_over() -> None:
    """Repair: rectified, and not before 12 months from the listing."""
    events = [ev(ZTO, "personal_data_leak", "2026-03-01")]
    listed = dt.date(2026, 3, 1)
    unrepaired = standing(RULES, ZTO, events, dt.date(2030, 1, 1))
    assert unrepaired.blacklisted  # never rectified: stays
    rectified = {listed: dt.date(2026, 5, 1)}
    assert standing(RULES, ZTO, events, dt.date(2027, 2, 28), rectified).blacklisted
    assert not standing(RULES, ZTO, events, dt.date(2027, 3, 1), rectified).blacklisted
    late = {listed: dt.date(2027, 8, 1)}
    assert standing(RULES, ZTO, events, dt.date(2027, 7, 31), late).blacklisted
    assert not standing(RULES, ZTO, events, dt.date(2027, 8, 1), late).blacklisted


def test_a_rule_for_carriers_does_not_list_a_station() -> None:
    """Blacklist rules name the subjects they apply to."""
    station = Subject.parse("station:HS-STA-01")
    events = [ev(station, "personal_data_leak", "2026-03-01")]
    assert not standing(RULES, station, events, dt.date(2026, 3, 2)).blacklisted


def test_unknown_event_types_and_bad_rules_are_refused() -> None:
    """The pack's rules are checked when loaded; events name known types."""
    with pytest.raises(InvalidValue, match="not a credit event type"):
        standing(RULES, ZTO, [ev(ZTO, "late_lunch", "2026-01-01")], dt.date(2026, 2, 1))
    with pytest.raises(InvalidValue, match="repair_months"):
        BlacklistRule("personal_data_leak", 1, 12, 48)
    with pytest.raises(InvalidValue, match="highest"):
        CreditRules(levels=(Level("B", 60), Level("A", 90)), events={})


event_days = st.lists(
    st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2027, 12, 31)), max_size=12
)


@given(days=event_days, extra=st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)))
def test_another_event_never_raises_the_score_nor_takes_a_subject_off_the_list(
    days: list[dt.date], extra: dt.date
) -> None:
    """Monotone: adding an event can only lower the score and add blacklist entries."""
    on = dt.date(2028, 1, 1)
    base = [CreditEvent(ZTO, "prohibited_item_accepted", d) for d in days]
    more = [*base, CreditEvent(ZTO, "prohibited_item_accepted", extra)]
    for when in (on, extra, max(days, default=extra)):
        a, b = standing(RULES, ZTO, base, when), standing(RULES, ZTO, more, when)
        assert b.score <= a.score
        assert not (a.blacklisted and not b.blacklisted)


@given(days=event_days)
def test_the_blacklist_matches_a_brute_force_count(days: list[dt.date]) -> None:
    """Without repair, a carrier is listed on a day iff some two of its events up to that day
    lie within 12 months of each other."""
    events = [CreditEvent(ZTO, "prohibited_item_accepted", d) for d in days]
    for on in sorted(set(days)):
        upto = sorted(d for d in days if d <= on)
        pair = any(
            later < _plus_12_months(earlier)
            for i, earlier in enumerate(upto)
            for later in upto[i + 1 :]
        )
        assert standing(RULES, ZTO, events, on).blacklisted == pair


def _plus_12_months(d: dt.date) -> dt.date:
    try:
        return d.replace(year=d.year + 1)
    except ValueError:  # 29 February
        return dt.date(d.year + 1, 2, 28)


RATIOS = InspectionRatios(
    ("A", "B", "C", "D"), {"A": 0.1, "B": 0.2, "C": 0.5, "D": 1.0, "blacklisted": 1.0}
)


def test_a_draw_takes_the_ratio_of_each_group_and_every_blacklisted_subject() -> None:
    """⌈ratio × n⌉ per level; the blacklisted all; the same seed, the same draw."""
    cands = [Candidate(Subject.parse(f"outlet:A{i:02}"), "A") for i in range(25)]
    cands += [Candidate(Subject.parse(f"outlet:C{i:02}"), "C") for i in range(5)]
    cands += [Candidate(Subject.parse("carrier:zto"), "A", blacklisted=True)]
    drawn = draw(cands, RATIOS, seed=2026)
    groups = Counter(c.group for c in drawn)
    assert groups == {"A": 3, "C": 3, "blacklisted": 1}
    assert drawn == draw(list(reversed(cands)), RATIOS, seed=2026)
    assert drawn != draw(cands, RATIOS, seed=2027) or len(cands) < 3


def test_ratios_that_favour_a_lower_level_are_refused() -> None:
    """Lower credit is inspected at least as often (快递市场管理办法 art. 42)."""
    with pytest.raises(InvalidValue, match="at least as often"):
        InspectionRatios(("A", "B"), {"A": 0.5, "B": 0.2, "blacklisted": 1.0})
