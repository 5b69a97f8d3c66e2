"""What a station prints (issue 18): the shelf label of a parcel on its shelf and the
receipt of a parcel it took in, for whoever works the station (its keeper, the centre,
drivers). A parcel that is not on this station's shelf, or was not taken in here, answers
NotFound, the same whether it exists elsewhere or not."""

from __future__ import annotations

import datetime as dt

from countyexpress.domain.access import Principal
from countyexpress.domain.county_time import county_date
from countyexpress.domain.prints import IntakeSlip, ShelfLabel
from countyexpress.domain.privacy import mask_id_number
from countyexpress.errors import NotFound
from countyexpress.services import counties, station_desk
from countyexpress.services.ports import Cipher
from countyexpress.services.unit_of_work import UnitOfWork

__all__ = ["intake_slip", "shelf_label"]


def _station_name(uow: UnitOfWork, county_code: str, facility: str) -> tuple[str, str]:
    county = counties.get_county(uow, county_code)
    name = next((f.name for f in county.facilities if f.code == facility), facility)
    return county.code, name


def shelf_label(
    uow: UnitOfWork, by: Principal, county_code: str, facility: str, waybill: str
) -> ShelfLabel:
    """The label of `waybill` on `facility`'s shelf now."""
    station_desk.check_desk(uow, by, county_code, facility)
    code, name = _station_name(uow, county_code, facility)
    days = counties.get_county(uow, code).operations.return_after_days
    waybill = waybill.strip().upper()
    with uow:
        slot = uow.ops.open_slot(code, waybill)
        if slot is None or slot["facility"] != facility:
            raise NotFound(f"{waybill} is not on the shelves of {facility}")
        item = uow.ops.manifest_item(code, waybill) or {}
        summary = uow.ledger.summaries(code, [waybill]).get(waybill)
    carrier = item.get("carrier") or (summary.carrier if summary else "")
    return ShelfLabel(
        code, facility, name, waybill, carrier, slot["shelf"], slot["pickup_code"],
        slot["stored_at"], county_date(slot["stored_at"] + dt.timedelta(days=days)),
        item.get("receiver_name_masked", ""), item.get("receiver_phone_masked", ""),
    )  # fmt: skip


def intake_slip(
    uow: UnitOfWork,
    cipher: Cipher,
    by: Principal,
    county_code: str,
    facility: str,
    waybill: str,
) -> IntakeSlip:
    """The receipt of `waybill`, taken in at `facility` (the ID number decrypted only to be
    masked)."""
    station_desk.check_desk(uow, by, county_code, facility)
    code, name = _station_name(uow, county_code, facility)
    waybill = waybill.strip().upper()
    with uow:
        record = uow.intake.get(code, waybill)
    if record is None or record["facility"] != facility:
        raise NotFound(f"no intake of {waybill} at {facility}")
    return IntakeSlip(
        code, facility, name, waybill, record["carrier"], record["created_at"],
        record["sender_name_masked"], record["id_type"],
        mask_id_number(cipher.decrypt(record["id_number_enc"])),
        record["category"], record["inspected_by"], record["screening_place"],
        bool(record["security_mark"]),
    )  # fmt: skip
