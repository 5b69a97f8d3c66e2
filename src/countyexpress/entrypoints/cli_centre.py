"""`countyexpress centre|station|locker|consent …`: operations from the command line."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from countyexpress import bootstrap
from countyexpress.adapters.db.personal import wipe_free_space
from countyexpress.adapters.exports import write_statement_xlsx
from countyexpress.adapters.vault import Vault
from countyexpress.adapters.waybill_patterns import builtin_patterns
from countyexpress.domain.delivery import DeliveryChoice
from countyexpress.domain.facilities import FacilityKind
from countyexpress.domain.lockers import Size
from countyexpress.domain.periods import parse_month
from countyexpress.domain.privacy import mask_phone
from countyexpress.errors import CountyExpressError, PackInvalid
from countyexpress.services import centre, centre_desk, counties, privacy, sms, stations
from countyexpress.settings import get_settings

centre_app = typer.Typer(help="The co-delivery centre (共配中心).", no_args_is_help=True)
station_app = typer.Typer(
    help="Village stations and outlets (服务站/末端网点).", no_args_is_help=True
)
locker_app = typer.Typer(help="Smart lockers (智能快件箱).", no_args_is_help=True)
sms_app = typer.Typer(help="SMS to receivers: the outbox.", no_args_is_help=True)
consent_app = typer.Typer(
    help="Receivers' delivery consent (door/station/locker).", no_args_is_help=True
)

out = Console()
err = Console(stderr=True)

CountyOpt = Annotated[str, typer.Option("--county", "-c", help="County code")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON")]
ActorOpt = Annotated[str, typer.Option(help="Who scans (user or device)")]


def _uow() -> Any:
    return bootstrap.uow_factory(bootstrap.open_engine(get_settings()))()


def _vault() -> Vault:
    return Vault(get_settings().data_key_bytes())


def _emit(data: Any, as_json: bool, text: str) -> None:
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")
    else:
        out.print(text, highlight=False)


def _run(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except PackInvalid as exc:  # a file refused whole: each problem by file, line and field
        err.print(f"[red]refused: {len(exc.problems)} problem(s); nothing stored[/red]")
        for p in exc.problems:
            err.print(f"  {p}", markup=False, highlight=False)
        raise typer.Exit(1) from exc
    except CountyExpressError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(1) from exc


@centre_app.command("manifest")
def manifest(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV or XLSX: waybill_no, receiver_name, "
            "receiver_phone, address [, weight_kg, size, cold]",
            exists=True,
        ),
    ],
    carrier: Annotated[str, typer.Option(help="Carrier code, e.g. zto")],
    county: CountyOpt,
    as_json: JsonOpt = False,
) -> None:
    """Take a carrier's manifest, all or nothing, with row-level errors."""
    result = _run(centre.import_manifest_file, _uow(), _vault(), county, carrier.lower(), file)
    _emit(
        asdict(result),
        as_json,
        f"accepted {result.accepted}, duplicates {result.duplicates}, "
        f"unresolved {result.unresolved}, door (no consent) {result.flagged_for_door}",
    )


@centre_app.command("inbound")
def inbound(
    waybill: str,
    county: CountyOpt,
    centre_code: Annotated[str, typer.Option("--centre", help="Centre facility code")] = "",
    actor: ActorOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """到件 and 分拣: scan a parcel in at the centre and sort it to its route bag."""
    code = centre_code or _centre_of(county)
    r = _run(centre.centre_inbound, _uow(), county, waybill, code, actor,
             patterns=builtin_patterns())  # fmt: skip
    where = r.route_bag or {"outbound": "line haul", "queued": "manual queue"}.get(r.outcome)
    _emit(asdict(r), as_json, f"{r.waybill_no} → {where} ({r.reason})")


@centre_app.command("queue")
def queue(
    county: CountyOpt,
    centre_code: Annotated[str, typer.Option("--centre", help="Centre facility code")] = "",
    as_json: JsonOpt = False,
) -> None:
    """The centre's manual queue: parcels on no manifest, addresses that did not resolve."""
    listed = _run(centre_desk.manual_queue, _uow(), county, centre_code or None)
    rows = [asdict(q) for q in listed]
    text = "\n".join(
        f"{q.waybill_no}  {q.carrier}  "
        + ("not on any manifest" if not q.on_manifest else f"{q.address_masked} ({q.resolution})")
        for q in listed
    )
    _emit(rows, as_json, text or "the manual queue is empty")


def _centre_of(county: str) -> str:
    c = _run(counties.get_county, _uow(), county)
    centres = c.facilities_of(FacilityKind.CENTER)
    if not centres:
        err.print("[red]the county has no co-delivery centre: give --centre[/red]")
        raise typer.Exit(1)
    return str(centres[0].code)


@centre_app.command("priority")
def priority(
    waybills: list[str],
    county: CountyOpt,
    clear: bool = typer.Option(False, "--clear", help="Remove the mark."),
    as_json: JsonOpt = False,
) -> None:
    """Mark parcels as emergency supplies (应急物资): their stop is served first."""
    done = _run(centre.mark_priority, _uow(), county, waybills, not clear)
    text = f"{len(done)} parcel(s) {'not ' if clear else ''}marked as emergency supplies"
    _emit({"waybills": done, "priority": not clear}, as_json, text)


@centre_app.command("resolve")
def resolve(waybill: str, division: str, county: CountyOpt) -> None:
    """Resolve a queued parcel's address to a village or community by hand."""
    _run(centre.resolve_manually, _uow(), county, waybill, division)
    out.print(f"{waybill} → {division}")


@centre_app.command("dispatch")
def dispatch(
    route_bag: str,
    vehicle: Annotated[
        str, typer.Option(help="A registered vehicle: unified number, plate or routing code")
    ],
    county: CountyOpt,
    actor: ActorOpt = "",
    driver: Annotated[
        str | None, typer.Option(help="The driver's staff number (checked by the staff gate)")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """派件: the sorted parcels of a route bag leave on a vehicle; refused when its courier
    (or the --driver) has no pre-job training or is blacklisted."""
    car = _run(centre.registered_vehicle, _uow(), county, vehicle)
    sent = _run(centre.dispatch, _uow(), county, route_bag, car.unified_no, _centre_of(county),
                actor, driver=driver)  # fmt: skip
    _emit(
        {"route_bag": route_bag, "vehicle": car.unified_no, "name": car.name,
         "waybills": sent},
        as_json,
        f"{len(sent)} parcel(s) of {route_bag} on {car.name}",
    )  # fmt: skip


@centre_app.command("runs")
def runs(county: CountyOpt, as_json: JsonOpt = False) -> None:
    """Today's planned runs (the county's day): each vehicle's one name, its bags in stop
    order, the parcels planned and the sorted ones waiting."""
    found = _run(centre.todays_runs, _uow(), county, _centre_of(county))
    rows = [asdict(r) | {"planned": r.planned, "ready": r.ready} for r in found]
    lines = [f"{r.plan_id}  {r.vehicle}  {r.name}: {r.ready}/{r.planned} sorted, "
             f"{len(r.bags)} bag(s)" for r in found] or ["no route plan for today"]  # fmt: skip
    _emit(rows, as_json, "\n".join(lines))


@centre_app.command("dispatch-run")
def dispatch_run(
    plan: Annotated[str, typer.Argument(help="The route plan's id (see `centre runs`)")],
    vehicle: Annotated[str, typer.Argument(help="The run's vehicle as the plan names it")],
    county: CountyOpt,
    actor: ActorOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """发车: every sorted bag of a planned run leaves on the run's vehicle at once (the staff
    gate may refuse its courier: nothing leaves)."""
    sent = _run(centre.dispatch_run, _uow(), county, plan, vehicle, _centre_of(county), actor)
    n = sum(map(len, sent.values()))
    _emit({"plan_id": plan, "vehicle": vehicle, "bags": sent, "n": n}, as_json,
          f"{n} parcel(s) in {len(sent)} bag(s) on {vehicle}")  # fmt: skip


@centre_app.command("statement")
def statement(
    carrier: str,
    month: Annotated[str, typer.Option(help="YYYY-MM")],
    county: CountyOpt,
    xlsx: Annotated[Path | None, typer.Option(help="Write the statement to this xlsx")] = None,
    as_json: JsonOpt = False,
) -> None:
    """A carrier's monthly statement of per-parcel fees (xlsx for the carrier)."""
    year, mon = _run(parse_month, month)  # the county's month, years 2000 to 2099
    s = _run(centre.monthly_statement, _uow(), county, carrier.lower(), year, mon)
    if xlsx:
        write_statement_xlsx(s, xlsx)
    _emit(
        {"carrier": s.carrier, "month": month, "parcels": len(s.lines), "total": str(s.total)},
        as_json,
        f"{s.carrier} {month}: {len(s.lines)} parcels, total ¥{s.total}",
    )


@station_app.command("inbound")
def station_inbound(
    waybill: str,
    facility: Annotated[str, typer.Option(help="Station or outlet code")],
    county: CountyOpt,
    actor: ActorOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """入库: shelve a parcel, give it a pickup code, notify the receiver."""
    s = _run(stations.station_inbound, _uow(), _vault(), county, facility, waybill, actor)
    _emit(asdict(s), as_json, f"{s.waybill_no}: shelf {s.place}, pickup code {s.pickup_code}")


@station_app.command("handover")
def handover(
    code: Annotated[str, typer.Option(help="Pickup code")],
    tail: Annotated[str, typer.Option(help="Last four digits of the receiver's phone")],
    facility: Annotated[str, typer.Option(help="Station or outlet code")],
    county: CountyOpt,
    actor: ActorOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """取件: hand a parcel over against its pickup code and the phone's last four digits."""
    h = _run(stations.hand_over, _uow(), _vault(), county, facility, code, tail, actor)
    _emit(
        {"outcome": h.outcome.value, "waybill_no": h.waybill_no, "message": h.message},
        as_json,
        h.message,
    )
    if h.outcome.value != "ok":
        raise typer.Exit(1)


@station_app.command("door")
def door(
    waybill: str,
    signer_type: Annotated[str, typer.Option(help=", ".join(stations.SIGNER_TYPES))],
    signer: Annotated[str, typer.Option(help="Who signed")],
    county: CountyOpt,
    facility: Annotated[str, typer.Option(help="The courier's facility")] = "",
    actor: ActorOpt = "",
) -> None:
    """送货上门: record a door delivery with its proof (who signed, in what capacity)."""
    _run(
        stations.deliver_to_door,
        _uow(),
        county,
        waybill,
        facility or _centre_of(county),
        signer_type,
        signer,
        actor,
    )
    out.print(f"{waybill} delivered at the door")


@station_app.command("returns")
def returns(county: CountyOpt, as_json: JsonOpt = False) -> None:
    """退回: turn parcels left longer than the county's limit into returns."""
    done = _run(stations.return_unclaimed, _uow(), county)
    _emit({"returned": done}, as_json, f"{len(done)} parcel(s) returned")


@locker_app.command("deposit")
def deposit(
    waybill: str,
    locker: Annotated[str, typer.Option(help="Locker code")],
    county: CountyOpt,
    size: Annotated[Size | None, typer.Option(help="S, M or L")] = None,
    actor: ActorOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """投柜: put a parcel into the smallest free compartment it fits (consent needed)."""
    s = _run(stations.locker_deposit, _uow(), _vault(), county, locker, waybill, size, actor)
    _emit(asdict(s), as_json, f"{s.waybill_no}: compartment {s.place}, code sent to the receiver")


@locker_app.command("pickup")
def locker_pickup(
    code: str,
    locker: Annotated[str, typer.Option(help="Locker code")],
    county: CountyOpt,
    as_json: JsonOpt = False,
) -> None:
    """取件: open a compartment by its code; any overdue fee is shown."""
    p = _run(stations.locker_pickup, _uow(), county, locker, code)
    _emit(
        {"waybill_no": p.waybill_no, "compartment": p.compartment, "fee": str(p.fee)},
        as_json,
        f"{p.waybill_no} from {p.compartment}, fee ¥{p.fee}",
    )


@consent_app.command("set")
def consent_set(
    phone: Annotated[str, typer.Option(help="The receiver's phone number")],
    choice: Annotated[DeliveryChoice, typer.Option(help="door, station or locker")],
    county: CountyOpt,
    language: Annotated[
        str | None, typer.Option(help="The language of their SMS: zh_CN (default), ug or en")
    ] = None,
) -> None:
    """Record a receiver's choice of door, station or locker delivery (and of the language
    of the SMS they are sent)."""
    _run(centre.record_consent, _uow(), _vault(), county, phone, choice, language=language)
    out.print(f"{mask_phone(phone)}: {choice.value}" + (f", SMS in {language}" if language else ""))


@sms_app.command("outbox")
def sms_outbox(
    county: CountyOpt,
    limit: Annotated[int, typer.Option(help="The newest N messages")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """The SMS waiting in the outbox, each in its receiver's language (phones masked)."""
    from countyexpress.entrypoints.web.i18n import gettext_for

    rows = _run(sms.outbox_messages, _uow(), county, gettext_for, limit)
    _emit(rows, as_json, "\n".join(
        f"{r['at']}  {r['to']}  [{r['language']}]  {r['text']}" for r in rows
    ) or "the outbox is empty")  # fmt: skip


privacy_app = typer.Typer(help="Personal data: retention and deletion.", no_args_is_help=True)


@privacy_app.command("purge")
def purge(
    county: CountyOpt,
    days: Annotated[
        int | None, typer.Option(help="Retention in days (default: the setting)")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Clear every personal column older than the retention period (docs/operations.md)."""
    keep = days or get_settings().personal_data_retention_days
    uow = _uow()
    r = _run(
        privacy.purge_personal_data, uow, county, keep, wipe=lambda: wipe_free_space(uow.engine)
    )
    each = ", ".join(f"{t} {n}" for t, n in r.tables.items())
    _emit(asdict(r), as_json, f"purged personal data older than {keep} days: {each}")
