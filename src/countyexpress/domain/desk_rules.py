"""What a desk refuses: a live scan that would pull a parcel back from a later state.

A desk scan is a person at a screen acting now (a station keeper's 入库, the centre's
到件 and 分拣). It is not an upload of past events: a device or a carrier that sends
events with their own times is kept by the ledger as it defines (late and out of order
included, an odd one reported as an anomaly, never refused). A desk, on the other hand,
knows the parcel's state now, and a scan that contradicts it is a mistake made now: a
parcel already handed over would go back on a shelf with a new pickup code and its
receiver would be told again. So the desk refuses it, says why and when (in the county's
time), and records and sends nothing.

- The station's scan-in refuses a parcel handed over (已于 … 交付), sent back (已于 … 退回),
  on a shelf or in a locker anywhere (已于 … 在 X 入库), or gone from this station on a
  vehicle (已于 … 发车).
- The centre's scan-in refuses a parcel handed over, on a shelf or in a locker, or gone
  from this centre on a vehicle (已于 … 发车). A parcel sent back is scanned in at the
  centre on its way to the carrier, and a parcel sorted here may be scanned again (the
  manual queue's "scan it in again").
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from countyexpress.domain.county_time import COUNTY_ZONE
from countyexpress.domain.lifecycle import ParcelState, ParcelSummary
from countyexpress.errors import N_, NotAllowed, said

__all__ = ["Desk", "desk_refusal", "shelved", "when"]


class Desk(StrEnum):
    """A desk where a person scans a parcel in."""

    STATION = "station"  # 入库 onto this station's (or outlet's) shelf
    CENTRE = "centre"  # 到件 and 分拣 at the co-delivery centre


HANDED_OVER = N_("%(waybill)s was handed over on %(when)s")
SENT_BACK = N_("%(waybill)s was sent back on %(when)s")
STORED = N_("%(waybill)s was stored at %(place)s on %(when)s")
DISPATCHED = N_("%(waybill)s left %(place)s on a vehicle on %(when)s")


def when(at: dt.datetime | None) -> str:
    """An instant as the desk says it: month-day hour:minute in the county's time."""
    if at is None:
        return "?"
    moment = at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
    return moment.astimezone(COUNTY_ZONE).strftime("%m-%d %H:%M")


def shelved(waybill: str, place: str, at: dt.datetime | None) -> NotAllowed:
    """The refusal of a parcel put on a shelf or in a locker at `place` at `at` (one taken a
    moment ago by the same batch, before the ledger has it, is refused as later ones are)."""
    return said(NotAllowed, STORED, waybill=waybill, when=when(at), place=place)


def desk_refusal(desk: Desk, facility: str, parcel: ParcelSummary | None) -> NotAllowed | None:
    """Why a live scan-in of `parcel` at `desk` `facility` contradicts its state now, or None.

    `parcel` is the ledger's summary of the parcel (None: nothing scanned yet). The time
    said is its `last_at`, in the county's time: give the summary with the time it came
    into its state (`lifecycle.entered_at`) when an exception scan may have come after."""
    if parcel is None:
        return None
    state, place = parcel.state, parcel.place
    params = {"waybill": parcel.waybill_no, "when": when(parcel.last_at), "place": place}
    if state is ParcelState.DELIVERED:
        return said(NotAllowed, HANDED_OVER, **params)
    if state is ParcelState.STORED:
        return shelved(parcel.waybill_no, place, parcel.last_at)
    if state is ParcelState.IN_TRANSIT and place == facility:
        return said(NotAllowed, DISPATCHED, **params)
    if state is ParcelState.RETURNED and desk is Desk.STATION:
        return said(NotAllowed, SENT_BACK, **params)
    return None
