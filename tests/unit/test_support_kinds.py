"""Support applications (task 8, 10 and 18's subsidies) and staff support requests (task 20)
are record kinds with a decision clock from the pack."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from countyexpress.adapters.packs.supervision import read_supervision
from countyexpress.domain.supervision.calendar import WorkingCalendar
from countyexpress.domain.supervision.clocks import ClockRule, ClockState, Unit
from countyexpress.domain.supervision.kinds import (
    KINDS,
    SUPPORT_APPLICATION,
    SUPPORT_REQUEST,
    SUPPORT_REQUEST_TYPES,
)
from countyexpress.domain.supervision.records import Record, Subject
from countyexpress.errors import NotAllowed

CAL = WorkingCalendar()
RULES = {
    "support.decide": ClockRule("support.decide", 20, Unit.WORKING_DAYS),
    "support_request.decide": ClockRule("support_request.decide", 15, Unit.WORKING_DAYS),
}
MONDAY = dt.date(2026, 11, 2)
PACK = Path(__file__).parents[2] / "src/countyexpress/packs/heshuo"


def application() -> Record:
    return Record.open(SUPPORT_APPLICATION, Subject.parse("carrier:zto"), MONDAY, "zto",
                       RULES, CAL, {"programme": "nev_purchase", "amount": "30000"})  # fmt: skip


def test_both_kinds_are_registered() -> None:
    assert KINDS["support_application"] is SUPPORT_APPLICATION
    assert KINDS["support_request"] is SUPPORT_REQUEST


def test_an_application_is_reviewed_and_granted_within_20_working_days() -> None:
    rec = application()
    assert rec.state == "submitted"
    assert rec.clocks["support.decide"].due == dt.date(2026, 11, 30)  # 4 weeks of weekdays
    rec = rec.apply("review", MONDAY, "reg", RULES, CAL)
    rec = rec.apply("grant", dt.date(2026, 11, 20), "reg", RULES, CAL, facts={"granted": "30000"})
    assert rec.state == "granted" and rec.closed
    assert rec.clocks["support.decide"].state(dt.date(2026, 12, 6)) is ClockState.MET


@pytest.mark.parametrize("verb", ["refuse", "withdraw"])
def test_an_application_ends_refused_or_withdrawn(verb: str) -> None:
    rec = application().apply(verb, MONDAY, "reg", RULES, CAL)
    assert rec.closed
    with pytest.raises(NotAllowed):
        rec.apply("grant", MONDAY, "reg", RULES, CAL)


def test_an_undecided_application_is_overdue_after_its_due_day() -> None:
    assert [c.rule for c in application().overdue(dt.date(2026, 12, 1))] == ["support.decide"]


def test_a_staff_request_is_received_then_granted_or_refused() -> None:
    rec = Record.open(SUPPORT_REQUEST, Subject.parse("person:S1"), MONDAY, "reg", RULES, CAL,
                      {"type": "housing"})  # fmt: skip
    assert rec.state == "received" and "support_request.decide" in rec.clocks
    assert rec.apply("refuse", MONDAY, "reg", RULES, CAL).state == "refused"
    assert rec.apply("grant", MONDAY, "reg", RULES, CAL).state == "granted"


def test_request_types_are_the_plans_three() -> None:
    assert list(SUPPORT_REQUEST_TYPES) == ["housing", "schooling", "medical"]
    assert SUPPORT_REQUEST_TYPES["housing"].startswith("住房")


def test_the_pack_gives_both_clocks_as_estimates_with_their_source() -> None:
    rules = read_supervision(PACK / "supervision.toml")
    for name in ("support.decide", "support_request.decide"):
        assert rules.clocks[name].unit is Unit.WORKING_DAYS
        assert rules.notes[f"clocks.{name}"].startswith("estimate")
