"""Task 8's and task 20's indicators count the year asked: amounts by the year of their
decision, decision clocks of the records opened in the year."""

from __future__ import annotations

import datetime as dt

from countyexpress.domain.supervision.calendar import WorkingCalendar
from countyexpress.domain.supervision.clocks import ClockRule, Unit
from countyexpress.domain.supervision.kinds import SUPPORT_APPLICATION, SUPPORT_REQUEST
from countyexpress.domain.supervision.records import Record, Subject
from countyexpress.domain.support_indicators import (
    INPUT,
    SupportSnapshot,
    support_decided_in_time_rate,
    support_granted_amount,
    support_granted_projects,
    support_requests_decided_in_time_rate,
)

CAL = WorkingCalendar()
RULES = {
    "support.decide": ClockRule("support.decide", 20, Unit.WORKING_DAYS),
    "support_request.decide": ClockRule("support_request.decide", 15, Unit.WORKING_DAYS),
}
ZTO = Subject.parse("carrier:zto")


def granted(programme: str, opened: dt.date, decided: dt.date, amount: int) -> Record:
    rec = Record.open(SUPPORT_APPLICATION, ZTO, opened, "zto", RULES, CAL,
                      {"programme": programme, "amount": str(amount)})  # fmt: skip
    return rec.apply("grant", decided, "reg", RULES, CAL, facts={"granted": str(amount)})


def inputs(year: int, *records: Record) -> dict[str, object]:
    return {INPUT: SupportSnapshot(dt.date(2023, 6, 1), year, records)}


RECORDS = (
    granted("nev_purchase", dt.date(2022, 3, 1), dt.date(2022, 3, 10), 30_000),
    granted("warehouse_project", dt.date(2022, 12, 1), dt.date(2023, 1, 20), 200_000),  # late
    Record.open(
        SUPPORT_APPLICATION,
        ZTO,
        dt.date(2022, 5, 2),
        "zto",
        RULES,
        CAL,
        {"programme": "nev_purchase"},
    ).apply("refuse", dt.date(2022, 5, 3), "r", RULES, CAL),
)


def test_amounts_and_grants_count_in_the_year_of_the_decision() -> None:
    m = support_granted_amount(None, inputs(2022, *RECORDS))  # type: ignore[arg-type]
    assert (m.value, dict(m.detail)) == (30_000, {"nev_purchase": 30_000})
    m = support_granted_amount(None, inputs(2023, *RECORDS))  # type: ignore[arg-type]
    assert m.value == 200_000
    assert support_granted_projects(None, inputs(2022, *RECORDS)).value == 1  # type: ignore[arg-type]
    assert support_granted_amount(None, inputs(2021, *RECORDS)).value == 0  # type: ignore[arg-type]


def test_the_in_time_rate_reads_the_applications_opened_in_the_year() -> None:
    m = support_decided_in_time_rate(None, inputs(2022, *RECORDS))  # type: ignore[arg-type]
    assert m.value == 2 / 3 and m.detail["late_or_overdue"] == 1
    none = support_decided_in_time_rate(None, inputs(2021, *RECORDS))  # type: ignore[arg-type]
    assert none.value is None


def test_a_request_unanswered_past_its_clock_counts_as_late() -> None:
    asked = Record.open(SUPPORT_REQUEST, Subject.parse("person:S1"), dt.date(2023, 1, 2), "r",
                        RULES, CAL, {"type": "medical"})  # fmt: skip
    m = support_requests_decided_in_time_rate(None, inputs(2023, asked))  # type: ignore[arg-type]
    assert m.value == 0.0
