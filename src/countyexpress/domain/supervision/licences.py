"""Express business licences (快递业务经营许可, issue 13): what a licence's clocks say.

A licence is a `licence` record about a carrier's county operation (`carrier:<code>`),
held by its company or a branch, with its number as facts (nothing personal). Granting
it starts `licence.valid` (60 months in the Heshuo pack); renewing restarts it. Two more
clocks are derived from the record and the pack, never stored:

- renewal (`licence.renewal_lead`, 30 days): due that long before the licence expires;
- the annual report (`licence.annual_report`, 4 months from the end of the year, so due
  30 April): a licence valid at the end of a year reports on it by the next 30 April;
  `report_annual` records the report (fact `annual_report_<year>`).

When a licence ends (expired or cancelled) the outlet filings under it lapse: those that
name its number, and those naming none when the carrier has no other valid licence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from countyexpress.domain.supervision.calendar import WorkingCalendar, add_months
from countyexpress.domain.supervision.clocks import Clock, ClockRule, Unit
from countyexpress.domain.supervision.records import Record
from countyexpress.errors import InvalidValue

__all__ = [
    "ANNUAL_REPORT",
    "HOLDERS",
    "RENEWAL_LEAD",
    "VALID",
    "LicenceStanding",
    "annual_fact",
    "lapses_with",
    "licence_standing",
]

VALID = "licence.valid"
RENEWAL_LEAD = "licence.renewal_lead"
ANNUAL_REPORT = "licence.annual_report"
HOLDERS = ("company", "branch")
"""Who holds a licence in the county: the company itself or a branch (分支机构)."""


def annual_fact(year: int) -> str:
    """The fact a licence's report on `year` is recorded under."""
    return f"annual_report_{year}"


@dataclass(frozen=True)
class LicenceStanding:
    """A licence on a day: its state and its clocks."""

    id: int
    record: Record
    expires: dt.date
    renewal: Clock | None
    """Due `licence.renewal_lead` before expiry; None once the licence has ended."""
    annual: Clock | None
    """The report on last year, due by 30 April; None when not owed (granted this year,
    or ended)."""

    @property
    def carrier(self) -> str:
        return self.record.subject.key

    @property
    def number(self) -> str:
        return self.record.facts.get("number", "")


def _before(rule: ClockRule, day: dt.date) -> dt.date:
    if rule.unit is Unit.CALENDAR_DAYS:
        return day - dt.timedelta(days=rule.length)
    if rule.unit is Unit.MONTHS:
        return add_months(day, -rule.length)
    raise InvalidValue(f"clocks.{rule.name}.unit", "a renewal lead is in calendar days or months")


def licence_standing(
    record_id: int,
    record: Record,
    clocks: Mapping[str, ClockRule],
    calendar: WorkingCalendar,
    today: dt.date,
) -> LicenceStanding:
    """The licence's expiry, renewal clock and annual report clock on `today`."""
    for name in (RENEWAL_LEAD, ANNUAL_REPORT):
        if name not in clocks:
            raise InvalidValue("clocks", f"the pack has no rule for clock {name!r}")
    valid = record.clocks[VALID]
    if record.state != "valid":
        return LicenceStanding(record_id, record, valid.due, None, None)
    renewal_due = max(valid.started, _before(clocks[RENEWAL_LEAD], valid.due))
    renewal = Clock("licence.renewal", valid.started, renewal_due)
    year_end = dt.date(today.year - 1, 12, 31)
    annual = None
    if record.trail[0].on <= year_end:
        due = clocks[ANNUAL_REPORT].due(year_end, calendar)
        annual = Clock(ANNUAL_REPORT, year_end, due)
        reported = record.facts.get(annual_fact(year_end.year))
        if reported:
            annual = annual.stop(max(year_end, dt.date.fromisoformat(reported)))
    return LicenceStanding(record_id, record, valid.due, renewal, annual)


def lapses_with(licence: Record, filing: Record, others_valid: bool) -> bool:
    """Whether `filing` lapses when `licence` ends: a filed outlet of the same carrier that
    names the licence's number, or names none while the carrier has no other valid one."""
    if filing.state != "filed" or filing.facts.get("carrier") != licence.subject.key:
        return False
    named = filing.facts.get("licence", "")
    return named == licence.facts.get("number") or (not named and not others_valid)
