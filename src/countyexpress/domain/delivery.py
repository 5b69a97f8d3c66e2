"""Consent and delivery mode: a parcel goes to a station or locker only with consent.

快递市场管理办法 (2024): no parcel may go to a locker or station, nor be signed for on
the receiver's behalf, without the receiver's consent; without it, delivery is to the door.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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
