"""Indicators of policy support (plan task 8, with 10 and 18's subsidies) and of staff
support requests (task 20), for the year assessed.

They read the input `support`: a `SupportSnapshot` of the county's support applications and
requests (supervision records) with the year asked, so an amount granted counts in the year
of its decision and a decision clock in the year its record was opened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from countyexpress.domain.county import County
from countyexpress.domain.indicators import Direction, Indicator, Inputs, Measurement, register
from countyexpress.domain.supervision.indicators import _clock_rate as clock_rate
from countyexpress.domain.supervision.records import Record

__all__ = ["INPUT", "SUPPORT_INDICATORS", "SupportSnapshot", "granted_in"]

INPUT = "support"


@dataclass(frozen=True)
class SupportSnapshot:
    """The county's support applications and requests, as of `today`, for `year`."""

    today: dt.date
    year: int
    records: Sequence[Record]


def _snapshot(inputs: Inputs) -> SupportSnapshot:
    snap = inputs[INPUT]
    assert isinstance(snap, SupportSnapshot)
    return snap


def _opened_in(snap: SupportSnapshot, kind: str) -> list[Record]:
    return [r for r in snap.records if r.kind.name == kind and r.trail[0].on.year == snap.year]


def granted_in(records: Sequence[Record], year: int) -> list[tuple[Record, int]]:
    """The applications granted by a decision in `year`, with the amount granted (元)."""
    out = []
    for r in records:
        if r.kind.name != "support_application" or r.state != "granted":
            continue
        if r.trail[-1].on.year == year:
            out.append((r, int(r.facts.get("granted", "0") or 0)))
    return out


def support_decided_in_time_rate(_: County, inputs: Inputs) -> Measurement:
    """Applications of the year decided within the pack's support.decide / those decided."""
    snap = _snapshot(inputs)
    return clock_rate(_opened_in(snap, "support_application"), "support_application",
                      "support.decide", snap.today)  # fmt: skip


def _granted_by_programme(inputs: Inputs, amounts: bool) -> Measurement:
    snap = _snapshot(inputs)
    by_programme: dict[str, int] = {}
    for r, amount in granted_in(snap.records, snap.year):
        key = r.facts.get("programme", "")
        by_programme[key] = by_programme.get(key, 0) + (amount if amounts else 1)
    return Measurement(sum(by_programme.values()), detail=dict(sorted(by_programme.items())))


def support_granted_amount(_: County, inputs: Inputs) -> Measurement:
    """The amount granted by decisions of the year, by programme."""
    return _granted_by_programme(inputs, amounts=True)


def support_granted_projects(_: County, inputs: Inputs) -> Measurement:
    """Applications granted by decisions of the year, by programme."""
    return _granted_by_programme(inputs, amounts=False)


def support_requests_decided_in_time_rate(_: County, inputs: Inputs) -> Measurement:
    """Staff support requests of the year decided within support_request.decide / decided."""
    snap = _snapshot(inputs)
    return clock_rate(_opened_in(snap, "support_request"), "support_request",
                      "support_request.decide", snap.today)  # fmt: skip


_H = Direction.HIGHER_IS_BETTER

SUPPORT_INDICATORS = (
    Indicator(
        "support_decided_in_time_rate", 8, "share", support_decided_in_time_rate, _H,
        title="政策资金支持申请按期办结率", title_en="Support applications decided in time",
        rule="support applications (policy.toml programmes of tasks 8, 10, 18) opened in the "
        "year and decided within the pack's support.decide (20 working days, estimate) / "
        "those decided or overdue; lead 县发改委、商工局; the plan sets no time limit, every "
        "application decided in time is implied: 100%",
        needs=(INPUT,), implied_target=1.0,
    ),
    Indicator(
        "support_granted_amount", 8, "元", support_granted_amount, _H,
        title="年度政策资金支持金额", title_en="Support funds granted in the year",
        rule="sum of the amounts granted by decisions of the year, by programme; lead 县发改委、"
        "商工局; no target: the plan promises support but sets no amount or budget",
        needs=(INPUT,),
    ),
    Indicator(
        "support_granted_projects", 8, "applications", support_granted_projects, _H,
        title="获支持项目数", title_en="Applications granted in the year",
        rule="support applications granted by decisions of the year, by programme (sorting "
        "centre task 8, projects task 10, new-energy vehicles task 18); no target: the plan "
        "sets no number",
        needs=(INPUT,),
    ),
    Indicator(
        "support_requests_decided_in_time_rate", 20, "share",
        support_requests_decided_in_time_rate, _H,
        title="从业人员帮扶申请按期答复率", title_en="Staff support requests decided in time",
        rule="couriers' requests for housing, schooling or medical aid opened in the year and "
        "decided within the pack's support_request.decide (15 working days, estimate) / "
        "those decided or overdue; lead 县商工局 with the education, housing, HR and civil "
        "affairs bureaus; the plan sets no time limit: implied 100%",
        needs=(INPUT,), implied_target=1.0,
    ),
)  # fmt: skip
"""Task 8's and task 20's indicators from the support records."""

register(*SUPPORT_INDICATORS)
