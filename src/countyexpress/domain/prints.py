"""What a station prints on its thermal printer (issue 18): a shelf label for a parcel put
on the shelf, and a receipt for a parcel taken in (收寄凭证) with the marks of plan task 11
(real-name checked, inspected, where it is X-ray screened).

Both are values made of masked or public fields only: nothing printed carries a receiver's
or sender's name, phone or ID number in the clear. Paper sizes are the two rolls stations
use: 100 × 150 mm (the carriers' waybill labels) and 76 × 130 mm (receipt printers)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

__all__ = [
    "LABEL_PAPER",
    "PAPERS",
    "RECEIPT_PAPER",
    "IntakeSlip",
    "Paper",
    "ShelfLabel",
    "paper_named",
    "parcel_qr",
]


@dataclass(frozen=True, slots=True)
class Paper:
    """A roll's printable page, in millimetres."""

    width_mm: float
    height_mm: float

    def __post_init__(self) -> None:
        if not (40 <= self.width_mm <= 120 and 60 <= self.height_mm <= 300):
            raise ValueError(f"no thermal roll of {self.width_mm} × {self.height_mm} mm")

    @property
    def name(self) -> str:
        return f"{self.width_mm:g}x{self.height_mm:g}"


LABEL_PAPER = Paper(100, 150)
RECEIPT_PAPER = Paper(76, 130)
PAPERS = {p.name: p for p in (LABEL_PAPER, RECEIPT_PAPER)}


def paper_named(name: str) -> Paper:
    """The paper of a name such as "100x150" or "76×130" (mm); ValueError naming the ones
    there are otherwise."""
    key = re.sub(r"[×*]", "x", re.sub(r"\s+|mm", "", name.lower()))
    if key not in PAPERS:
        raise ValueError(f"paper {name!r}: choose {' or '.join(PAPERS)} (mm)")
    return PAPERS[key]


def parcel_qr(county_code: str, waybill_no: str) -> str:
    """What a printed QR code holds: `CXP|<county>|<waybill>` (a scanner on the station
    screen reads the waybill from it as from the carrier's barcode)."""
    return f"CXP|{county_code}|{waybill_no}"


@dataclass(frozen=True, slots=True)
class ShelfLabel:
    """A parcel on the shelf: where it lies and how the receiver claims it."""

    county_code: str
    station: str
    station_name: str
    waybill_no: str
    carrier: str
    shelf: str
    pickup_code: str
    stored_at: dt.datetime
    return_on: dt.date  # the county day it is due for return if unclaimed
    receiver_masked: str  # e.g. 张*
    phone_masked: str  # e.g. *******5678


@dataclass(frozen=True, slots=True)
class IntakeSlip:
    """A parcel taken in at a station (收寄): the receipt the sender keeps."""

    county_code: str
    station: str
    station_name: str
    waybill_no: str
    carrier: str
    taken_at: dt.datetime
    sender_masked: str
    id_type: str
    id_masked: str
    category: str
    inspected_by: str
    screening_place: str  # the facility where it is X-ray screened (task 11)
    screened: bool  # the security mark is set (screened, or cleared by the rules)
