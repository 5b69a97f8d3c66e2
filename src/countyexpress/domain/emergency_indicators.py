"""Indicators of emergency support (plan task 13, 邮政业突发事件应急预案).

Events are read from the supervision snapshot (input `supervision`): supervision records of
kind `emergency_event` with the hours clock `emergency.report`. Teams, resources and stored
route plans are read from the emergency snapshot (input `emergency`, services.emergency).
"""

from __future__ import annotations

from countyexpress.domain.county import County
from countyexpress.domain.emergency import INPUT as EMERGENCY_INPUT
from countyexpress.domain.emergency import EmergencySnapshot, kinds_covered, staffed
from countyexpress.domain.indicators import Direction, Indicator, Inputs, Measurement, register
from countyexpress.domain.supervision.indicators import INPUT, SupervisionSnapshot
from countyexpress.domain.supervision.indicators import _clock_rate as clock_rate

__all__ = ["EMERGENCY_INDICATORS"]


def emergency_reported_in_time_rate(_: County, inputs: Inputs) -> Measurement:
    """Emergency events reported within the pack's emergency.report hours / events decided."""
    snap = inputs[INPUT]
    assert isinstance(snap, SupervisionSnapshot)
    return clock_rate(snap.records, "emergency_event", "emergency.report", snap.today)


def _emergency(inputs: Inputs) -> EmergencySnapshot:
    snap = inputs[EMERGENCY_INPUT]
    assert isinstance(snap, EmergencySnapshot)
    return snap


def teams_staffed_share(_: County, inputs: Inputs) -> Measurement:
    """Teams available with at least the pack's least size of registered people / teams."""
    snap = _emergency(inputs)
    if not snap.teams:
        return Measurement(None, note="no emergency team registered")
    least = snap.rules.min_team_size
    n = sum(staffed(t, snap.staff, least) for t in snap.teams)
    detail = {"staffed": n, "teams": len(snap.teams), "min_size": least}
    return Measurement(n / len(snap.teams), detail=detail)


def resource_kinds_covered_share(_: County, inputs: Inputs) -> Measurement:
    """Required kinds of resource held available / kinds the pack requires."""
    snap = _emergency(inputs)
    required = snap.rules.required_kinds
    if not required:
        return Measurement(None, note="the pack requires no kind of resource")
    covered = kinds_covered(required, snap.teams, snap.resources)
    n = sum(covered.values())
    missing = ", ".join(k for k, held in covered.items() if not held)
    return Measurement(
        n / len(required),
        detail={k: int(held) for k, held in covered.items()},
        note=f"missing: {missing}" if missing else "",
    )


def priority_first_share(_: County, inputs: Inputs) -> Measurement:
    """Stored route plans with priority stops that serve them all before any other stop /
    stored plans with priority stops."""
    snap = _emergency(inputs)
    plans = [r for r in snap.routes if r.has_priority]
    if not plans:
        return Measurement(None, note="no stored route plan holds emergency supplies")
    n = sum(r.priority_first for r in plans)
    return Measurement(n / len(plans), detail={"priority_first": n, "plans": len(plans)})


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
    Indicator(
        "emergency_teams_staffed_share", 13, "share", teams_staffed_share,
        title="应急救援保障队伍人员达标率", title_en="Emergency teams with enough people",
        rule="teams on duty or on standby whose leader and members still in the staff registry "
        "number at least the pack's teams.min_size (emergency.toml: 5, estimate) / teams "
        "registered; lead 应急管理局; the plan sets no figure, every team should be able to "
        "turn out: implied 100%",
        needs=(EMERGENCY_INPUT,), implied_target=1.0,
    ),
    Indicator(
        "emergency_resource_kinds_covered_share", 13, "share", resource_kinds_covered_share,
        title="应急资源种类保障率", title_en="Required emergency resource kinds held",
        rule="kinds of resource the pack requires (emergency.toml resources.required_kinds: "
        "team, material, communications, funds, vehicle; from the 预案's 应急保障, "
        "unconfirmed) held available (an available team, or a resource with some quantity "
        "not unavailable) / kinds required; lead 应急管理局; implied 100%",
        needs=(EMERGENCY_INPUT,), implied_target=1.0,
    ),
    Indicator(
        "emergency_priority_first_share", 13, "share", priority_first_share,
        title="应急物资优先投递率", title_en="Route plans serving emergency supplies first",
        rule="stored route plans holding a parcel marked as emergency supplies in which, on "
        "every run, no priority stop comes after a stop without priority / stored plans "
        "holding such a parcel; lead 应急管理局; the routing rule asks every one first: "
        "implied 100%",
        needs=(EMERGENCY_INPUT,), implied_target=1.0,
    ),
)  # fmt: skip
"""Task 13's indicators: events reported in time, teams staffed, resource kinds held and
emergency supplies served first."""

register(*EMERGENCY_INDICATORS)
