"""`countyexpress intake …`: outbound intake (农产品进城) from the command line.

take (real-name check and inspection), screen (过机安检 at the place the county's rules
name) and depart. A sender's ID number and name are never printed: answers carry masks.
A refusal exits 1 with its reason (with --json, also as {"accepted": false, ...}).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console

from countyexpress import bootstrap
from countyexpress.adapters.vault import Vault
from countyexpress.domain.identity import IdType, SenderIdentity
from countyexpress.domain.inspection import Inspection, parse_category
from countyexpress.domain.packaging import BagType, Filler, ParcelPackaging
from countyexpress.entrypoints.presenters_intake import movement_json, receipt_json
from countyexpress.errors import CountyExpressError, InvalidValue
from countyexpress.services import intake as service
from countyexpress.settings import get_settings

__all__ = ["intake_app"]

intake_app = typer.Typer(
    help="Outbound intake (农产品进城): real-name check, inspection, screening, departure.",
    no_args_is_help=True,
)

_out = Console()
_err = Console(stderr=True)

CountyOpt = Annotated[str, typer.Option("--county", "-c", help="County code, e.g. 652828")]
FacilityOpt = Annotated[str, typer.Option("--facility", "-f", help="Facility code")]
WaybillOpt = Annotated[str, typer.Option("--waybill", "-w", help="Waybill number")]
ActorOpt = Annotated[str, typer.Option("--actor", help="Who scans (staff code)")]
AtOpt = Annotated[
    str | None, typer.Option("--at", help="Device time, ISO 8601 with offset (default now)")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON")]


def _uow() -> Any:
    return bootstrap.uow_factory(bootstrap.open_engine(get_settings()))()


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _at(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidValue("at", f"{text!r} is not an ISO 8601 time") from None


def _fail(exc: CountyExpressError, as_json: bool) -> typer.Exit:
    if as_json:
        field = exc.field if isinstance(exc, InvalidValue) else None
        reason = exc.reason if isinstance(exc, InvalidValue) else str(exc)
        _print_json({"accepted": False, "field": field, "reason": reason})
    _err.print(f"refused: {exc}", markup=False, highlight=False)
    return typer.Exit(1)


@intake_app.command("take")
def take(
    county: CountyOpt,
    facility: FacilityOpt,
    carrier: Annotated[str, typer.Option("--carrier", help="Carrier code, e.g. zto, sf")],
    waybill: WaybillOpt,
    id_type: Annotated[IdType, typer.Option("--id-type", help="The sender's ID document")],
    id_number: Annotated[str, typer.Option("--id-number", help="The ID number (never printed)")],
    name: Annotated[str, typer.Option("--name", help="The sender's name as on the ID")],
    category: Annotated[
        str, typer.Option("--category", help="Contents: peppers, tomatoes, grapes, dried_fruit…")
    ],
    description: Annotated[str, typer.Option("--description", help="What was inspected")] = "",
    inspected_by: Annotated[
        str | None, typer.Option("--inspected-by", help="Who inspected (default: --actor)")
    ] = None,
    sender_refuses: Annotated[
        bool, typer.Option("--sender-refuses-inspection", help="The sender will not open it")
    ] = False,
    actor: ActorOpt = "",
    at: AtOpt = None,
    as_json: JsonOpt = False,
    bag: Annotated[BagType | None, typer.Option("--bag", help="Packaging seen (task 17): "
                   "its bag or box; without it no packaging is recorded")] = None,
    tape_mm: Annotated[float | None, typer.Option("--tape-mm", help="Tape width in mm "
                       "(none: no tape)")] = None,
    filler: Annotated[Filler, typer.Option("--filler")] = Filler.NONE,
    paper_waybill: Annotated[bool, typer.Option("--paper-waybill", help="No e-waybill")] = False,
    reboxed: Annotated[bool, typer.Option("--reboxed", help="Put in an extra box")] = False,
) -> None:  # fmt: skip
    """Take a parcel in: real-name check, inspection, then collect and inspect scans
    (with --bag, the packaging seen, for the green packaging indicators)."""
    try:
        when = _at(at) or dt.datetime.now().astimezone()
        identity = SenderIdentity(id_type, id_number, name, when.date())
        inspection = Inspection(
            parse_category(category), description, inspected_by or actor or "station",
            sender_refuses,
        )  # fmt: skip
        cipher = Vault(get_settings().data_key_bytes())
        packed = ParcelPackaging(bag, tape_mm, filler, not paper_waybill, reboxed) if bag else None
        receipt = service.take_in(_uow(), cipher, county, facility, carrier, waybill,
                                  identity, inspection, actor, when, packaging=packed)  # fmt: skip
    except CountyExpressError as exc:
        raise _fail(exc, as_json) from exc
    data = receipt_json(receipt)
    if as_json:
        _print_json(data)
        return
    s = data["sender"]
    _out.print(
        f"taken in {data['waybill_no']} ({data['carrier']}) at {data['facility']}: "
        f"{data['category']}, sender {s['name']} {s['id_type']} {s['id_number']}; "
        f"screening at {data['screening']['facility']} ({data['screening']['reason']})",
        markup=False, highlight=False,
    )  # fmt: skip


@intake_app.command("screen")
def screen(
    county: CountyOpt,
    facility: FacilityOpt,
    waybill: WaybillOpt,
    actor: ActorOpt = "",
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """X-ray screen an outbound parcel where the county's rules say, and mark it."""
    try:
        m = service.screen(_uow(), county, facility, waybill, actor, _at(at))
    except CountyExpressError as exc:
        raise _fail(exc, as_json) from exc
    if as_json:
        _print_json(movement_json(m))
        return
    _out.print(f"screened {m.waybill_no} at {m.facility}: security mark set",
               markup=False, highlight=False)  # fmt: skip


@intake_app.command("depart")
def depart(
    county: CountyOpt,
    facility: FacilityOpt,
    waybill: WaybillOpt,
    vehicle: Annotated[str, typer.Option("--vehicle", help="The vehicle it leaves on")],
    to: Annotated[
        str | None, typer.Option("--to", help="A county facility it moves to (default: out)")
    ] = None,
    actor: ActorOpt = "",
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """An outbound parcel leaves a facility, if the screening rule lets it."""
    try:
        m = service.depart_outbound(_uow(), county, facility, waybill, vehicle, actor,
                                    _at(at), to)  # fmt: skip
    except CountyExpressError as exc:
        raise _fail(exc, as_json) from exc
    if as_json:
        _print_json(movement_json(m))
        return
    _out.print(f"{m.waybill_no} left {m.facility}: {m.note}", markup=False, highlight=False)
