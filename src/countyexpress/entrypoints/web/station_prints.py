"""打印 A station's prints as PDFs for its thermal printer (issue 18): the shelf label of a
parcel on the shelf and the receipt of a parcel taken in. The phone opens the PDF and
prints it (the system's print dialog, or the printer maker's app); `paper` picks the roll:
100x150 or 76x130 (mm)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from countyexpress.adapters.reports.thermal_pdf import intake_receipt_pdf, shelf_label_pdf
from countyexpress.adapters.vault import Vault
from countyexpress.domain.prints import LABEL_PAPER, RECEIPT_PAPER, Paper, paper_named
from countyexpress.entrypoints.api.auth import PrincipalDep
from countyexpress.entrypoints.api.deps import SettingsDep, UowDep
from countyexpress.errors import InvalidValue
from countyexpress.services import prints

router = APIRouter(include_in_schema=False)

PaperQuery = Annotated[str, Query(description="The roll: 100x150 or 76x130 (mm)")]


def _paper(name: str, default: Paper) -> Paper:
    if not name:
        return default
    try:
        return paper_named(name)
    except ValueError as exc:
        raise InvalidValue("paper", str(exc)) from exc


def _pdf(data: bytes, name: str) -> Response:
    headers = {"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"}
    return Response(data, media_type="application/pdf", headers=headers)


@router.get("/counties/{code}/stations/{facility}/labels/{waybill_no}.pdf")
def shelf_label(
    code: str,
    facility: str,
    waybill_no: str,
    uow: UowDep,
    by: PrincipalDep,
    paper: PaperQuery = "",
) -> Response:
    """货架标签: the label of a parcel on this station's shelf."""
    label = prints.shelf_label(uow, by, code, facility, waybill_no)
    chosen = _paper(paper, LABEL_PAPER)
    return _pdf(shelf_label_pdf(label, chosen), f"label-{label.waybill_no}-{chosen.name}.pdf")


@router.get("/counties/{code}/stations/{facility}/receipts/{waybill_no}.pdf")
def intake_receipt(
    code: str,
    facility: str,
    waybill_no: str,
    uow: UowDep,
    by: PrincipalDep,
    settings: SettingsDep,
    paper: PaperQuery = "",
) -> Response:
    """收寄凭证: the receipt of a parcel taken in at this station."""
    vault = Vault(settings.data_key_bytes())
    slip = prints.intake_slip(uow, vault, by, code, facility, waybill_no)
    chosen = _paper(paper, RECEIPT_PAPER)
    return _pdf(intake_receipt_pdf(slip, chosen), f"receipt-{slip.waybill_no}-{chosen.name}.pdf")
