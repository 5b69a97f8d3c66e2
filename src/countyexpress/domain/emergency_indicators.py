"""Indicators of emergency support (plan task 13, 邮政业突发事件应急预案).

They read the supervision snapshot (input `supervision`): emergency events are supervision
records of kind `emergency_event` with the hours clock `emergency.report`.
"""

from __future__ import annotations

from countyexpress.domain.county import County
from countyexpress.domain.indicators import Direction, Indicator, Inputs, Measurement, register
from countyexpress.domain.supervision.indicators import INPUT, SupervisionSnapshot
from countyexpress.domain.supervision.indicators import _clock_rate as clock_rate

__all__ = ["EMERGENCY_INDICATORS"]


def emergency_reported_in_time_rate(_: County, inputs: Inputs) -> Measurement:
    """Emergency events reported within the pack's emergency.report hours / events decided."""
    snap = inputs[INPUT]
    assert isinstance(snap, SupervisionSnapshot)
    return clock_rate(snap.records, "emergency_event", "emergency.report", snap.today)


EMERGENCY_INDICATORS = (
    Indicator(
        "emergency_reported_in_time_rate", 13, "share", emergency_reported_in_time_rate,
        Direction.HIGHER_IS_BETTER,
        title="突发事件按时报告率", title_en="Emergency events reported in time",
        rule="emergency events reported within the pack's emergency.report hours (24, "
        "unconfirmed) / events reported or overdue, by the day the clock is due; the plan "
        "sets no figure, the 预案 asks every event to be reported in time: implied 100%",
        needs=(INPUT,), implied_target=1.0,
    ),
)  # fmt: skip
"""Task 13's indicators (teams with enough members and priority parcels served first will
join them with the resources registry)."""

register(*EMERGENCY_INDICATORS)
