"""Carriers' monthly statements of per-parcel co-delivery fees."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class StatementLine:
    """One parcel on a carrier's monthly statement (no personal data)."""

    waybill_no: str
    received_at: dt.datetime
    weight_kg: float | None
    division_code: str | None
    fee: Decimal


@dataclass(frozen=True)
class Statement:
    """A carrier's per-parcel co-delivery fees for a month."""

    county_code: str
    carrier: str
    year: int
    month: int
    lines: tuple[StatementLine, ...]

    @property
    def total(self) -> Decimal:
        """The sum of the fees."""
        return sum((line.fee for line in self.lines), Decimal("0"))
