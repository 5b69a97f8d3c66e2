"""Where an outbound parcel is X-ray screened (过机安检), and when it may move on (task 11).

The plan screens each outbound parcel once:

- parcels routed through the prefecture sorting centre (巴州分拨处理中心, BZ-SORT in the
  Heshuo pack) are screened there only: they may leave the county unscreened, but may
  not leave the sorting centre before they are screened at it;
- parcels of carriers that bypass it are screened by the carrier's own machine at its
  county-town office, and may not leave the county before that;
- township outlets and village stations (and lockers) never screen.

Screening sets the outbound security mark (`security_mark: true` in the screen scan's
payload); inbound parcels get none. Which carrier bypasses and where its office is comes
from the county pack (`operations.ScreeningRules`), never from code.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from countyexpress.domain.facilities import FacilityKind
from countyexpress.domain.lifecycle import order
from countyexpress.domain.operations import ScreeningPlace, ScreeningRules
from countyexpress.domain.scans import ScanEvent, ScanKind

__all__ = [
    "FIRST_MILE",
    "NEVER_SCREEN",
    "SECURITY_MARK",
    "Leg",
    "can_depart",
    "can_leave_county",
    "leg_of",
    "required_place",
    "screen_refusal",
    "screened_at",
    "security_marked",
]

NEVER_SCREEN = frozenset({FacilityKind.STATION, FacilityKind.OUTLET, FacilityKind.LOCKER})
"""Village stations, township and urban outlets and lockers never screen (plan task 11)."""

FIRST_MILE = NEVER_SCREEN
"""Where outbound parcels start: what leaves them goes to the centre, not out of the county."""

SECURITY_MARK = "security_mark"
"""The payload key of a screen scan that marks the parcel as screened for outbound."""

_KIND_WORDS = {
    FacilityKind.STATION: "village stations",
    FacilityKind.OUTLET: "township and urban outlets",
    FacilityKind.LOCKER: "lockers",
}


class Leg(StrEnum):
    """What kind of move a departure is, for the screening rule."""

    LOCAL = "local"  # within the county: station → centre, centre → carrier office
    LINE_HAUL = "line_haul"  # out of the county: centre or carrier office → line haul
    ONWARD = "onward"  # out of the prefecture sorting centre


def required_place(rules: ScreeningRules, carrier: str) -> ScreeningPlace:
    """Where this carrier's outbound parcels are screened."""
    return rules.place_for(carrier)


def leg_of(from_kind: FacilityKind, to_kind: FacilityKind | None = None) -> Leg:
    """The leg a departure from a `from_kind` facility starts.

    From a station, outlet or locker the parcel goes to the centre (local). From the
    sorting centre it goes onward. From anywhere else in the county (the centre, a
    carrier office, a cold store) it leaves the county unless `to_kind` names another
    county facility it is moved to.
    """
    if from_kind in FIRST_MILE:
        return Leg.LOCAL
    if from_kind is FacilityKind.SORTING_CENTER:
        return Leg.ONWARD
    if to_kind is not None and to_kind is not FacilityKind.SORTING_CENTER:
        return Leg.LOCAL
    return Leg.LINE_HAUL


def screened_at(
    events: Sequence[ScanEvent], facility: str, before: datetime | None = None
) -> ScanEvent | None:
    """The first screen scan at `facility` (no later than `before`, by device time)."""
    for e in order(events):
        if before is not None and e.at > before:
            break
        if e.kind is ScanKind.SCREEN and e.facility == facility:
            return e
    return None


def security_marked(events: Sequence[ScanEvent]) -> bool:
    """Whether a screen scan set the outbound security mark."""
    return any(e.kind is ScanKind.SCREEN and e.payload.get(SECURITY_MARK) is True for e in events)


def screen_refusal(
    rules: ScreeningRules,
    carrier: str,
    facility: str,
    kind: FacilityKind,
    events: Sequence[ScanEvent] = (),
) -> str | None:
    """None when a `carrier` parcel may be screened at `facility` now, else the reason."""
    place = required_place(rules, carrier)
    if not place.facility:
        return "the county pack names no screening place: set [operations.screening]"
    if kind in NEVER_SCREEN:
        return (
            f"{_KIND_WORDS[kind]} never screen (plan task 11): "
            f"{carrier} parcels are screened at {place.facility}"
        )
    if facility != place.facility:
        return f"{carrier} parcels are screened at {place.facility}, not at {facility}"
    done = screened_at(events, place.facility)
    if done is not None:
        return (
            f"already screened at {place.facility} on {done.at.isoformat()}: "
            "a parcel is screened once (plan task 11)"
        )
    return None


def _carrier(events: Sequence[ScanEvent], carrier: str | None) -> str:
    if carrier:
        return carrier
    return order(events)[-1].carrier if events else ""


def can_leave_county(
    events: Sequence[ScanEvent],
    rules: ScreeningRules,
    carrier: str | None = None,
    at: datetime | None = None,
) -> tuple[bool, str]:
    """Whether the parcel may leave the county now, and why.

    A parcel routed through the prefecture sorting centre may leave unscreened (it is
    screened there); a bypass carrier's parcel needs its screen scan at the carrier's
    office first. The carrier is the events' unless given.
    """
    who = _carrier(events, carrier)
    if not who:
        return False, "no scan of this parcel is recorded"
    place = required_place(rules, who)
    if not place.in_county:
        where = place.facility or "the prefecture sorting centre"
        return True, f"{who} parcels are screened at {where} after they leave the county"
    if screened_at(events, place.facility, at) is not None:
        return True, f"screened at {place.facility}"
    return False, (
        f"{who} parcels bypass the prefecture sorting centre: screen it at {place.facility} "
        "before it leaves the county"
    )


def can_depart(
    events: Sequence[ScanEvent],
    rules: ScreeningRules,
    leg: Leg,
    carrier: str | None = None,
    at: datetime | None = None,
) -> tuple[bool, str]:
    """Whether an outbound parcel may start this leg now, and why."""
    if leg is Leg.LOCAL:
        return True, "a move within the county: screening comes later"
    if leg is Leg.LINE_HAUL:
        return can_leave_county(events, rules, carrier, at)
    who = _carrier(events, carrier)
    place = required_place(rules, who)
    if place.facility and screened_at(events, place.facility, at) is not None:
        return True, f"screened at {place.facility}"
    where = place.facility or "its screening place"
    return False, f"not screened yet: screen it at {where} before it moves on"
