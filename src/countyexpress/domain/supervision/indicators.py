"""The supervision indicators of the plan (tasks 2, 12 and 14), computed from the records.

They need one input, `supervision` — a `SupervisionSnapshot` the supervision service makes
from the county's records, filing clocks and credit on a day — and say `no_data` without it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from countyexpress.domain.county import County
from countyexpress.domain.indicators import (
    Direction,
    Indicator,
    Inputs,
    Measurement,
    register,
)
from countyexpress.domain.supervision.clocks import ClockState
from countyexpress.domain.supervision.credit import Standing
from countyexpress.domain.supervision.filings import OutletFilingClock
from countyexpress.domain.supervision.records import Record
from countyexpress.errors import N_, Said

__all__ = ["SUPERVISION_INDICATORS", "SupervisionSnapshot"]

INPUT = "supervision"
_MET = (ClockState.MET,)
_LATE = (ClockState.MET_LATE, ClockState.OVERDUE)


@dataclass(frozen=True)
class SupervisionSnapshot:
    """What the supervision indicators read, as of `today`."""

    today: dt.date
    filing_clocks: Sequence[OutletFilingClock]
    records: Sequence[Record]
    standings: Sequence[Standing]


def _snapshot(inputs: Inputs) -> SupervisionSnapshot:
    snap = inputs[INPUT]
    assert isinstance(snap, SupervisionSnapshot)
    return snap


_UNDECIDED = {
    "inspection": N_("no inspection decided yet"),
    "finding": N_("no finding decided yet"),
    "complaint": N_("no complaint decided yet"),
    "support_application": N_("no support application decided yet"),
}


def _undecided(kind: str) -> Said:
    known = _UNDECIDED.get(kind)
    return Said(known) if known else Said(N_("no %(kind)s decided yet"), kind=kind)


def _clock_rate(records: Sequence[Record], kind: str, clock: str, today: dt.date) -> Measurement:
    """Of the records of `kind` whose `clock` has been decided (met, late or overdue), the
    share met in time."""
    states = [
        r.clocks[clock].state(today) for r in records if r.kind.name == kind and clock in r.clocks
    ]
    met = sum(s in _MET for s in states)
    late = sum(s in _LATE for s in states)
    running = len(states) - met - late
    if met + late == 0:
        return Measurement(None, detail={"running": running}, note=_undecided(kind))
    return Measurement(
        met / (met + late), detail={"in_time": met, "late_or_overdue": late, "running": running}
    )


def outlets_filed_in_time_rate(_: County, inputs: Inputs) -> Measurement:
    """Outlets filed within the limit of opening / outlets whose clock has been decided."""
    snap = _snapshot(inputs)
    states = [c.state(snap.today) for c in snap.filing_clocks]
    met = sum(s in _MET for s in states)
    late = sum(s in _LATE for s in states)
    if met + late == 0:
        return Measurement(None, note="no outlet with an opening day and a decided clock")
    return Measurement(met / (met + late), detail={"in_time": met, "late_or_overdue": late})


def outlets_filing_overdue(_: County, inputs: Inputs) -> Measurement:
    """Outlets unfiled past their due day."""
    snap = _snapshot(inputs)
    late = [c for c in snap.filing_clocks if c.state(snap.today) is ClockState.OVERDUE]
    overdue = sorted(c.outlet for c in late)
    return Measurement(len(overdue), detail={"outlets": " ".join(overdue)})


def blacklisted_subjects(_: County, inputs: Inputs) -> Measurement:
    """Subjects on the blacklist today."""
    snap = _snapshot(inputs)
    listed = sorted(str(s.subject) for s in snap.standings if s.blacklisted)
    return Measurement(len(listed), detail={"subjects": " ".join(listed)})


def inspections_done_rate(_: County, inputs: Inputs) -> Measurement:
    """Drawn inspections carried out within their time / drawn inspections decided."""
    snap = _snapshot(inputs)
    return _clock_rate(snap.records, "inspection", "inspection.carry_out", snap.today)


def findings_rectified_in_time_rate(_: County, inputs: Inputs) -> Measurement:
    """Findings reported rectified by their deadline / findings decided."""
    snap = _snapshot(inputs)
    return _clock_rate(snap.records, "finding", "finding.rectify", snap.today)


def complaints_answered_in_time_rate(_: County, inputs: Inputs) -> Measurement:
    """Complaints the company answered within the limit (7 days) / complaints decided."""
    snap = _snapshot(inputs)
    return _clock_rate(snap.records, "complaint", "complaint.answer", snap.today)


_H, _L = Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER

SUPERVISION_INDICATORS = (
    Indicator(
        "outlets_filed_in_time_rate", 2, "share", outlets_filed_in_time_rate, _H,
        title="末端网点按期备案率", title_en="Outlets filed within the limit of opening",
        rule="outlets filed (registry or a filing record) within the pack's filing.file days "
        "of opening / outlets with an opening day whose clock is met, late or overdue",
        needs=(INPUT,),
    ),
    Indicator(
        "outlets_filing_overdue", 2, "outlets", outlets_filing_overdue, _L,
        title="逾期未备案网点", title_en="Outlets unfiled past their due day",
        rule="outlets with an opening day, unfiled, past the pack's filing.file days",
        needs=(INPUT,), implied_target=0,
    ),
    Indicator(
        "blacklisted_subjects", 12, "subjects", blacklisted_subjects, _L,
        title="失信名单主体", title_en="Subjects on the blacklist",
        rule="carriers, outlets, stations, people and vehicles with an active blacklist entry",
        needs=(INPUT,),
    ),
    Indicator(
        "inspections_done_rate", 14, "share", inspections_done_rate, _H,
        title="双随机检查按期完成率", title_en="Drawn inspections carried out in time",
        rule="drawn inspections recorded within inspection.carry_out / those decided",
        needs=(INPUT,),
    ),
    Indicator(
        "findings_rectified_in_time_rate", 14, "share", findings_rectified_in_time_rate, _H,
        title="问题按期整改率", title_en="Findings rectified by their deadline",
        rule="findings reported rectified within finding.rectify / those decided",
        needs=(INPUT,),
    ),
    Indicator(
        "complaints_answered_in_time_rate", 14, "share", complaints_answered_in_time_rate, _H,
        title="投诉7日内处理率", title_en="Complaints answered within 7 days",
        rule="complaints answered within complaint.answer / those decided",
        needs=(INPUT,),
    ),
)  # fmt: skip
"""The supervision indicators, in the order a screen shows them."""

register(*SUPERVISION_INDICATORS)
