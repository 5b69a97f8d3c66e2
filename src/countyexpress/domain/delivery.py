"""Consent and delivery mode: a parcel goes to a station or locker only with consent.

快递市场管理办法 (2024): no parcel may go to a locker or station, nor be signed for on
the receiver's behalf, without the receiver's consent; without it, delivery is to the door.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from countyexpress.domain.facilities import Facility, FacilityKind


class DeliveryChoice(StrEnum):
    """How a receiver wants parcels delivered."""

    DOOR = "door"  # 送货上门
    STATION = "station"  # 驿站/服务站自取
    LOCKER = "locker"  # 智能快件箱


@dataclass(frozen=True)
class DeliveryDecision:
    """Where a parcel goes, and whether a person must look at it."""

    mode: DeliveryChoice
    flagged_for_door: bool
    reason: str


def decide_delivery(
    consent: DeliveryChoice | None, has_station: bool, has_locker: bool
) -> DeliveryDecision:
    """Station or locker only with the receiver's consent and such a place; else the door."""
    if consent is DeliveryChoice.STATION and has_station:
        return DeliveryDecision(DeliveryChoice.STATION, False, "receiver chose the station")
    if consent is DeliveryChoice.LOCKER and has_locker:
        return DeliveryDecision(DeliveryChoice.LOCKER, False, "receiver chose a locker")
    if consent is DeliveryChoice.DOOR:
        return DeliveryDecision(DeliveryChoice.DOOR, False, "receiver chose the door")
    if consent is None:
        reason = "no consent on record: deliver to the door"
    else:
        reason = f"receiver chose {consent} but there is none for this address: deliver to the door"
    return DeliveryDecision(DeliveryChoice.DOOR, True, reason)


def pickup_point(
    facilities: Iterable[Facility], division_code: str | None, carrier: str
) -> Facility | None:
    """Where a receiver who chose 自取 collects a parcel of `carrier` in a division.

    The division's open village station first (it takes every carrier's parcels); in a town
    community, an open outlet (末端网点/驿站) of this carrier, else a shared one (several
    carriers, or none listed). Another carrier's own outlet does not take the parcel."""
    if division_code is None:
        return None
    here = [f for f in facilities if f.division_code == division_code and f.is_operating]
    stations = [f for f in here if f.kind is FacilityKind.STATION]
    if stations:
        return min(stations, key=lambda f: f.code)
    outlets = [f for f in here if f.kind is FacilityKind.OUTLET]
    own = [f for f in outlets if carrier in f.carriers]
    shared = [f for f in outlets if len(f.carriers) != 1]
    # the carrier's own outlet, else the shared one serving most carriers
    ranked = sorted(own, key=lambda f: (len(f.carriers), f.code)) or sorted(
        shared, key=lambda f: (-len(f.carriers), f.code)
    )
    return ranked[0] if ranked else None
