"""Credit events derived from the ledger (issue 13): a parcel reported lost or damaged.

Like `unfiled_outlet` (see filings.py) these events are derived from the data each time
they are read, never stored: a loss or damage reported in an exception scan (问题件 whose
reason holds one of `quality.LOSS_WORDS`) gives the parcel's carrier's county operation
one `parcel_lost_or_opened` event, dated the county day of the first such report and
referring to the waybill. Intake refuses prohibited contents, a failed real-name check
and a refused inspection (domain/inspection.py `decide`), so the ledger holds no
accepted prohibited item and no skipped check to derive those events from: they are
recorded by hand (`credit record`) from an inspection's findings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from countyexpress.domain.county_time import county_date
from countyexpress.domain.supervision.credit import CreditEvent
from countyexpress.domain.supervision.records import Subject, SubjectKind

__all__ = ["PARCEL_LOST", "LossReport", "lost_parcel_events"]

PARCEL_LOST = "parcel_lost_or_opened"


@dataclass(frozen=True)
class LossReport:
    """An exception scan reporting a parcel lost or damaged."""

    carrier: str
    waybill_no: str
    at: dt.datetime
    reason: str = ""


def lost_parcel_events(reports: Iterable[LossReport]) -> list[CreditEvent]:
    """One event per parcel (its first report), against its carrier's county operation."""
    first: dict[str, LossReport] = {}
    for r in sorted(reports, key=lambda r: r.at):
        first.setdefault(r.waybill_no, r)
    return [
        CreditEvent(
            Subject(SubjectKind.CARRIER, r.carrier),
            PARCEL_LOST,
            county_date(r.at),
            f"reported in the ledger: {r.reason}"[:200],
            f"ledger:{r.waybill_no}",
        )
        for r in first.values()
    ]
