"""Outlet filing clocks (快递末端网点备案暂行规定, 2018) and the credit events they give.

Each outlet in the county's registry with an opening day has a clock: it must be filed
within the pack's `filing.file` days of opening. It counts as filed by the registry's
filing number and day, or by a filing record submitted for it (the company's duty is to
submit in time; the regulator's decision has clocks of its own). An outlet unfiled past
its due day is overdue, and gives its subject an `unfiled_outlet` credit event dated the
day after the due day — derived from the data each time, so it cannot be forgotten or
recorded twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from countyexpress.domain.facilities import Facility, FacilityKind
from countyexpress.domain.supervision.clocks import Clock, ClockState
from countyexpress.domain.supervision.credit import CreditEvent
from countyexpress.domain.supervision.records import Record, Subject, SubjectKind
from countyexpress.domain.supervision.rules import OUTLET_FILING_CLOCK, SupervisionRules

__all__ = ["UNFILED_OUTLET", "OutletFilingClock", "outlet_filing_clocks", "unfiled_outlet_events"]

UNFILED_OUTLET = "unfiled_outlet"
"""The credit event type of an outlet not filed in time."""

_NOT_A_FILING = frozenset({"refused", "withdrawn"})


@dataclass(frozen=True)
class OutletFilingClock:
    """An outlet's clock from opening to filing, and how it stands."""

    outlet: str
    name: str
    carriers: tuple[str, ...]
    clock: Clock
    filed_by: str
    """What filed it: "registry", "record N", or "" while unfiled."""

    @property
    def subject(self) -> Subject:
        """The outlet as a credit subject."""
        return Subject(SubjectKind.OUTLET, self.outlet)

    def state(self, today: dt.date) -> ClockState:
        """Running, due today, overdue, met or met late on `today`."""
        return self.clock.state(today)


def outlet_filing_clocks(
    facilities: Iterable[Facility],
    records: Mapping[int, Record],
    rules: SupervisionRules,
) -> list[OutletFilingClock]:
    """The filing clock of every outlet with an opening day, by outlet code.

    `records` are the county's outlet filing records by number; the earliest one submitted
    for an outlet (not refused or withdrawn) stops its clock on its submission day."""
    submitted: dict[str, tuple[dt.date, int]] = {}
    for number, rec in records.items():
        if rec.kind.name != "outlet_filing" or rec.subject.kind is not SubjectKind.OUTLET:
            continue
        if rec.state in _NOT_A_FILING:
            continue
        day = rec.trail[0].on
        key = rec.subject.key
        if key not in submitted or (day, number) < submitted[key]:
            submitted[key] = (day, number)
    rule = rules.clocks[OUTLET_FILING_CLOCK]
    out: list[OutletFilingClock] = []
    for f in facilities:
        if f.kind is not FacilityKind.OUTLET or f.filing is None or f.filing.opened_on is None:
            continue
        clock = rule.start(f.filing.opened_on, rules.calendar)
        filed_by = ""
        stops: list[dt.date] = []
        if f.filing.filing_no and f.filing.filed_on is not None:
            stops.append(f.filing.filed_on)
            filed_by = "registry"
        elif f.filing.filing_no:  # a number without a day: filed, day unknown — in time
            stops.append(f.filing.opened_on)
            filed_by = "registry"
        if f.code in submitted:
            day, number = submitted[f.code]
            if not stops or day < stops[0]:
                stops, filed_by = [day], f"record {number}"
        if stops:
            clock = clock.stop(stops[0])
        out.append(OutletFilingClock(f.code, f.name, f.carriers, clock, filed_by))
    return sorted(out, key=lambda c: c.outlet)


def unfiled_outlet_events(clocks: Iterable[OutletFilingClock], today: dt.date) -> list[CreditEvent]:
    """An `unfiled_outlet` event for each outlet overdue on `today` or filed late, dated the
    day after its due day."""
    out = []
    for c in clocks:
        if c.state(today) in (ClockState.OVERDUE, ClockState.MET_LATE):
            day = c.clock.due + dt.timedelta(days=1)
            note = f"not filed within the limit (due {c.clock.due.isoformat()})"
            out.append(CreditEvent(c.subject, UNFILED_OUTLET, day, note, f"filing:{c.outlet}"))
    return out
