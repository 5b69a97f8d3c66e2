"""Credit events derived from the ledger (issue 13).

Like `unfiled_outlet` (see filings.py) these events are derived from the data each time
they are read, never stored, each at most once per parcel (its first report) and dated
the county day of that report, with `ledger:<waybill>` as its reference:

- `parcel_lost_or_opened`: an exception scan (问题件) whose reason holds one of
  `quality.LOSS_WORDS` counts against the parcel's carrier's county operation;
- `prohibited_item_accepted`: an exception scan whose payload names a prohibited
  category (`"prohibited": "controlled_knives"` or its Chinese label, e.g. found at X-ray
  screening) on a parcel the county took in (an intake record) counts against the
  carrier of the intake and against the station or outlet that took it in.

Intake itself refuses prohibited contents, a failed real-name check and a refused
inspection (domain/inspection.py `decide`), and every intake record holds the sender's
checked ID and the inspector: no record shows a skipped check, so `real_name_skipped`
and `inspection_skipped` are not derived; they are recorded by hand (`credit record`)
from an inspection's findings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from countyexpress.domain.county_time import county_date
from countyexpress.domain.supervision.credit import CreditEvent
from countyexpress.domain.supervision.records import Subject, SubjectKind

__all__ = [
    "PARCEL_LOST",
    "PROHIBITED_ACCEPTED",
    "LossReport",
    "ProhibitedFound",
    "lost_parcel_events",
    "prohibited_accepted_events",
]

PARCEL_LOST = "parcel_lost_or_opened"
PROHIBITED_ACCEPTED = "prohibited_item_accepted"


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


@dataclass(frozen=True)
class ProhibitedFound:
    """An exception scan naming a prohibited category in a parcel the county took in."""

    carrier: str
    waybill_no: str
    at: dt.datetime
    category: str
    facility: str
    """Where the parcel was taken in."""


def prohibited_accepted_events(
    found: Iterable[ProhibitedFound], facilities: Mapping[str, SubjectKind]
) -> list[CreditEvent]:
    """Per parcel (its first report), an event against the carrier of the intake and one
    against the station or outlet that took it in (`facilities` maps a code to its kind)."""
    first: dict[str, ProhibitedFound] = {}
    for f in sorted(found, key=lambda f: f.at):
        first.setdefault(f.waybill_no, f)
    out = []
    for f in first.values():
        note = f"{f.category} found in a parcel taken in at {f.facility}"
        subjects = [Subject(SubjectKind.CARRIER, f.carrier)]
        if facilities.get(f.facility) in (SubjectKind.STATION, SubjectKind.OUTLET):
            subjects.append(Subject(facilities[f.facility], f.facility))
        day = county_date(f.at)
        out += [
            CreditEvent(s, PROHIBITED_ACCEPTED, day, note, f"ledger:{f.waybill_no}")
            for s in subjects
        ]
    return out
