"""Supervision records: kinds as data, verbs, clocks and the trail."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.supervision.calendar import WorkingCalendar
from countyexpress.domain.supervision.clocks import ClockRule, ClockState, Unit
from countyexpress.domain.supervision.kinds import COMPLAINT, KINDS, OUTLET_FILING
from countyexpress.domain.supervision.records import Record, RecordKind, Subject, Transition
from countyexpress.errors import InvalidValue, NotAllowed

CAL = WorkingCalendar()
RULES = {
    "filing.notice": ClockRule("filing.notice", 2, Unit.WORKING_DAYS),
    "filing.decide": ClockRule("filing.decide", 5, Unit.WORKING_DAYS),
    "complaint.answer": ClockRule("complaint.answer", 7),
    "appeal.mediate": ClockRule("appeal.mediate", 30),
}
OUTLET = Subject.parse("outlet:HS-OUT-03")
FRIDAY = dt.date(2026, 12, 4)


def filing() -> Record:
    return Record.open(OUTLET_FILING, OUTLET, FRIDAY, "zto", RULES, CAL, {"name": "新华路驿站"})


def test_a_submitted_filing_runs_the_notice_and_decision_clocks() -> None:
    """Submitted on Friday: notice due Tuesday, decision due the next Friday."""
    rec = filing()
    assert rec.state == "submitted"
    assert rec.clocks["filing.notice"].due == dt.date(2026, 12, 8)
    assert rec.clocks["filing.decide"].due == dt.date(2026, 12, 11)
    assert [c.rule for c in rec.overdue(dt.date(2026, 12, 9))] == ["filing.notice"]


def test_accepting_a_filing_stops_its_clocks_and_keeps_the_trail() -> None:
    """Accepted on Wednesday: the decision met in time, the notice clock late, two steps."""
    rec = filing().apply("accept", dt.date(2026, 12, 9), "regulator1", RULES, CAL)
    assert rec.state == "filed"
    assert rec.overdue(dt.date(2027, 1, 1)) == []
    assert rec.clocks["filing.decide"].state(dt.date(2027, 1, 1)) is ClockState.MET
    assert rec.clocks["filing.notice"].state(dt.date(2027, 1, 1)) is ClockState.MET_LATE
    assert [(s.verb, s.by, s.state) for s in rec.trail] == [
        ("submit", "zto", "submitted"),
        ("accept", "regulator1", "filed"),
    ]


def test_an_incomplete_filing_gets_one_notice_and_a_new_decision_clock_on_resubmission() -> None:
    """notify_incomplete cannot be applied twice; resubmitting restarts only the decision."""
    rec = filing().apply("notify_incomplete", dt.date(2026, 12, 7), "regulator1", RULES, CAL)
    again = rec.apply("resubmit", dt.date(2026, 12, 14), "zto", RULES, CAL)
    assert again.clocks["filing.decide"].due == dt.date(2026, 12, 21)
    assert again.clocks["filing.notice"].stopped == dt.date(2026, 12, 7)
    with pytest.raises(NotAllowed, match="incomplete cannot notify_incomplete"):
        rec.apply("notify_incomplete", dt.date(2026, 12, 8), "regulator1", RULES, CAL)


def test_a_closed_record_takes_no_verb_and_an_unknown_verb_is_invalid() -> None:
    """Refused is final; 'approve' is not a filing verb."""
    refused = filing().apply("refuse", FRIDAY, "regulator1", RULES, CAL)
    assert refused.closed
    with pytest.raises(NotAllowed, match="none: it is closed"):
        refused.apply("accept", FRIDAY, "regulator1", RULES, CAL)
    with pytest.raises(InvalidValue, match="no verb 'approve'"):
        filing().apply("approve", FRIDAY, "regulator1", RULES, CAL)


def test_a_step_dated_before_the_last_one_is_refused() -> None:
    """The trail only moves forward in time."""
    with pytest.raises(InvalidValue, match="before the record's last step"):
        filing().apply("accept", FRIDAY - dt.timedelta(days=1), "regulator1", RULES, CAL)


def test_a_clock_without_a_rule_in_the_pack_is_refused() -> None:
    """The numbers come from the pack: a missing rule is named."""
    with pytest.raises(InvalidValue, match=r"no rule for clock 'filing\.notice'"):
        Record.open(OUTLET_FILING, OUTLET, FRIDAY, "zto", {}, CAL)


def test_an_unanswered_complaint_is_overdue_after_seven_days_and_can_be_appealed() -> None:
    """7 calendar days for the company; the regulator mediates the appeal."""
    c = Record.open(COMPLAINT, Subject.parse("carrier:zto"), FRIDAY, "receiver", RULES, CAL)
    assert c.overdue(dt.date(2026, 12, 11)) == []
    assert [k.rule for k in c.overdue(dt.date(2026, 12, 12))] == ["complaint.answer"]
    upheld = c.apply("appeal", dt.date(2026, 12, 12), "receiver", RULES, CAL).apply(
        "uphold", dt.date(2026, 12, 20), "regulator1", RULES, CAL
    )
    assert upheld.state == "upheld" and upheld.closed
    assert upheld.overdue(dt.date(2027, 6, 1)) == []


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_reaches_a_final_state_from_every_state(kind: str) -> None:
    """No record can get stuck: from each state some verbs lead to a final state."""
    k = KINDS[kind]
    for state in k.states - k.finals:
        seen, frontier = {state}, [state]
        while frontier:
            s = frontier.pop()
            for t in k.transitions:
                if s in t.sources and t.target not in seen:
                    seen.add(t.target)
                    frontier.append(t.target)
        assert seen & k.finals, f"{kind}: {state} never closes"


def test_a_kind_with_an_unreachable_state_is_refused() -> None:
    """Kinds are checked when they are made."""
    with pytest.raises(InvalidValue, match="cannot be reached"):
        RecordKind(
            name="broken",
            initial="a",
            finals=frozenset({"z"}),
            opening=Transition("open", frozenset(), "a"),
            transitions=(Transition("go", frozenset({"b"}), "z"),),
        )


@pytest.mark.parametrize("text", ["zto", "planet:zto", "carrier:", "carrier: a:b"])
def test_a_malformed_subject_is_refused(text: str) -> None:
    """Subjects are kind:key with a known kind."""
    with pytest.raises(InvalidValue):
        Subject.parse(text)


@given(verbs=st.lists(st.sampled_from(sorted({t.verb for t in COMPLAINT.transitions})), max_size=8))
def test_any_sequence_of_verbs_either_applies_or_is_refused_leaving_a_known_state(
    verbs: list[str],
) -> None:
    """Whatever is tried, a record is always in one of its kind's states, its trail grows
    by one per applied verb, and a refused verb changes nothing."""
    rec = Record.open(COMPLAINT, Subject.parse("carrier:zto"), FRIDAY, "r", RULES, CAL)
    for i, verb in enumerate(verbs):
        before = rec
        try:
            rec = rec.apply(verb, FRIDAY + dt.timedelta(days=i), "r", RULES, CAL)
        except NotAllowed:
            assert rec is before
            continue
        assert len(rec.trail) == len(before.trail) + 1
        assert rec.state in COMPLAINT.states
