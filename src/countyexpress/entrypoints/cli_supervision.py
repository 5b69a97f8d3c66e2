"""`countyexpress credit|filing|inspect|complaint …`: the regulator's credit list, the
blacklist, outlet filings, random inspections and complaints (issue 13). A refusal exits 2
with its reason.

The command line acts as the local operator (`domain.access.SYSTEM`).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from countyexpress import bootstrap
from countyexpress.adapters.credit_xlsx import write_directory_xlsx
from countyexpress.adapters.supervision_xlsx import read_rows, workbook
from countyexpress.adapters.vault import Vault
from countyexpress.domain.access import SYSTEM
from countyexpress.domain.county_time import county_today
from countyexpress.domain.supervision.clocks import ClockState
from countyexpress.domain.supervision.credit import Standing
from countyexpress.domain.supervision.records import SubjectKind
from countyexpress.entrypoints.presenters_supervision import (
    clock_json,
    licence_json,
    quality_json,
    record_json,
    standing_json,
)
from countyexpress.errors import CountyExpressError, InvalidValue, PackInvalid
from countyexpress.services import complaints, inspections, licences
from countyexpress.services import supervision as service
from countyexpress.services import supervision_files as files
from countyexpress.settings import get_settings

credit_app = typer.Typer(help="Credit: events, scores, levels and the blacklist.",
                         no_args_is_help=True)  # fmt: skip
filing_app = typer.Typer(help="Outlet filings (末端网点备案) and their clocks.",
                         no_args_is_help=True)  # fmt: skip
licence_app = typer.Typer(help="Express business licences (快递业务经营许可) and their clocks.",
                          no_args_is_help=True)  # fmt: skip

out = Console()
err = Console(stderr=True)

CountyOpt = Annotated[str, typer.Option("--county", "-c", help="County code, e.g. 652828.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
SubjectOpt = Annotated[
    str,
    typer.Option(
        "--subject", help="carrier:CODE, outlet:CODE, station:CODE, person:STAFF_NO, vehicle:NO"
    ),
]


def _uow() -> Any:
    return bootstrap.uow_factory(bootstrap.open_engine(get_settings()))()


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _refused(exc: CountyExpressError) -> typer.Exit:
    err.print(f"[red]refused: {exc}[/red]", highlight=False)
    if isinstance(exc, PackInvalid):
        for p in exc.problems:
            err.print(f"  {p}", markup=False, highlight=False)
    return typer.Exit(2)


def _day(text: str | None, field: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        err.print(f"[red]refused: {field}: {text!r} is not a date (YYYY-MM-DD)[/red]")
        raise typer.Exit(2) from None


@credit_app.command("record")
def credit_record(
    county: CountyOpt,
    subject: SubjectOpt,
    event: Annotated[str, typer.Option("--event", help="An event type of the county's rules")],
    at: Annotated[str | None, typer.Option("--at", help="When it happened (ISO date)")] = None,
    note: Annotated[str, typer.Option("--note")] = "",
    ref: Annotated[str, typer.Option("--ref", help="The record it comes from")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Record a credit event against a subject; prints its standing afterwards."""
    try:
        s = service.record_credit_event(
            _uow(), county, subject, event, _day(at, "at"), note, ref, by=SYSTEM
        )
    except CountyExpressError as exc:
        raise _refused(exc) from exc
    _show(s, as_json)


@credit_app.command("show")
def credit_show(
    county: CountyOpt,
    subject: SubjectOpt,
    on: Annotated[str | None, typer.Option("--on", help="As of this day (default today)")] = None,
    as_json: JsonOpt = False,
) -> None:
    """A subject's score, level, counted events and blacklist entries."""
    try:
        s = service.credit_of(_uow(), county, subject, _day(on, "on"), by=SYSTEM)
    except CountyExpressError as exc:
        raise _refused(exc) from exc
    _show(s, as_json)


def _show(s: Standing, as_json: bool) -> None:
    if as_json:
        _print_json(standing_json(s))
        return
    flag = "[red]blacklisted[/red]" if s.blacklisted else "not blacklisted"
    out.print(f"{s.subject}: {s.score} points, level {s.level}, {flag}")
    for e in s.blacklist:
        out.print(
            f"  blacklist from {e.start}: {e.reason}; repairable from {e.repairable_from}",
            highlight=False,
        )
    for ev in s.counted:
        out.print(f"  {ev.on} {ev.type} {ev.note}", highlight=False, markup=False)


@credit_app.command("blacklist")
def credit_blacklist(county: CountyOpt, as_json: JsonOpt = False) -> None:
    """Every subject with a blacklist entry, with its reason and repair dates."""
    try:
        listed = service.blacklist(_uow(), county, by=SYSTEM)
    except CountyExpressError as exc:
        raise _refused(exc) from exc
    if as_json:
        _print_json([standing_json(s) for s in listed])
        return
    table = Table("subject", "on the list", "since", "reason", "repairable from")
    for s in listed:
        for e in s.blacklist:
            table.add_row(
                str(s.subject),
                "yes" if e.active(s.on) else "no",
                e.start.isoformat(),
                e.reason,
                e.repairable_from.isoformat(),
            )
    out.print(table)


@credit_app.command("rectify")
def credit_rectify(
    county: CountyOpt,
    subject: SubjectOpt,
    listed_on: Annotated[str, typer.Option("--listed-on", help="The entry's start day")],
    on: Annotated[str | None, typer.Option("--on", help="Rectified on (default today)")] = None,
    note: Annotated[str, typer.Option("--note")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Accept a blacklisted subject's rectification; it comes off after the waiting period."""
    listed = _day(listed_on, "listed_on")
    assert listed is not None
    try:
        s = service.rectify(_uow(), county, subject, listed, _day(on, "on"), note, by=SYSTEM)
    except CountyExpressError as exc:
        raise _refused(exc) from exc
    _show(s, as_json)


@credit_app.command("directory")
def credit_directory(
    county: CountyOpt,
    out_path: Annotated[Path, typer.Option("--out", help="The xlsx file to write")],
    on: Annotated[str | None, typer.Option("--on", help="As of this day (default today)")] = None,
) -> None:
    """The county's credit directory (企业信用名录) as xlsx."""
    try:
        d = service.directory(_uow(), county, _day(on, "on"), by=SYSTEM)
    except CountyExpressError as exc:
        raise _refused(exc) from exc
    write_directory_xlsx(d.standings, d.names, county, d.on, d.notes, out_path)
    listed = sum(s.blacklisted for s in d.standings)
    out.print(f"{out_path}: {len(d.standings)} subjects, {listed} blacklisted", highlight=False)


@filing_app.command("submit")
def filing_submit(
    county: CountyOpt,
    carrier: Annotated[str, typer.Option("--carrier", help="The licensed carrier filing")],
    name: Annotated[str, typer.Option("--name", help="The outlet's name")],
    community: Annotated[str, typer.Option("--community", help="Division code")],
    opened: Annotated[str, typer.Option("--opened", help="Opening day YYYY-MM-DD")],
    outlet: Annotated[
        str | None, typer.Option("--outlet", help="The outlet's code in the registry")
    ] = None,
    outlet_type: Annotated[
        str, typer.Option("--type", help="self_run, shared or cooperative")
    ] = "self_run",
    services: Annotated[str, typer.Option("--services", help="What it offers")] = "",
    manager: Annotated[str, typer.Option("--manager", help="The manager's name")] = "",
    manager_id: Annotated[
        str, typer.Option("--manager-id", help="The manager's ID number (kept encrypted)")
    ] = "",
    on: Annotated[str | None, typer.Option("--on", help="Submitted on (default today)")] = None,
    licence: Annotated[
        str, typer.Option("--licence", help="Number of the licence it is filed under")
    ] = "",
    as_json: JsonOpt = False,
) -> None:
    """File an outlet; refused (exit 2) when the carrier is blacklisted."""
    opened_on = _day(opened, "opened")
    assert opened_on is not None
    code = outlet or f"NEW-{carrier.upper()}-{opened_on.strftime('%Y%m%d')}"
    try:
        view = service.submit_filing(
            _uow(),
            Vault(get_settings().data_key_bytes()),
            county,
            carrier,
            code,
            name,
            community,
            opened_on,
            outlet_type,
            services,
            manager,
            manager_id,
            _day(on, "on"),
            by=SYSTEM,
            licence=licence,
        )
    except CountyExpressError as exc:
        raise _refused(exc) from exc
    _print_record(view, as_json)


@filing_app.command("review")
def filing_review(
    record_id: Annotated[int, typer.Argument(help="The filing's number")],
    county: CountyOpt,
    decision: Annotated[str, typer.Option("--decision", help="accept, incomplete or refuse")],
    missing: Annotated[
        list[str] | None, typer.Option("--missing", help="What is missing (repeat)")
    ] = None,
    on: Annotated[str | None, typer.Option("--on", help="Decided on (default today)")] = None,
    as_json: JsonOpt = False,
) -> None:
    """The regulator's decision on a filing."""
    try:
        view = service.review_filing(
            _uow(), county, record_id, decision, tuple(missing or ()), _day(on, "on"), by=SYSTEM
        )
    except CountyExpressError as exc:
        raise _refused(exc) from exc
    _print_record(view, as_json)


def _print_record(view: service.RecordView, as_json: bool) -> None:
    today = county_today()
    if as_json:
        _print_json(record_json(view.id, view.record, today))
        return
    r = view.record
    out.print(f"{r.kind.name} {view.id} ({r.subject}): {r.state}", highlight=False)
    for c in r.clocks.values():
        out.print(f"  {c.rule}: due {c.due}, {c.state(today).value}", highlight=False)


@filing_app.command("list")
def filing_list(
    county: CountyOpt,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only outlets filed late")] = False,
    on: Annotated[str | None, typer.Option("--on", help="As of this day (default today)")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Every outlet's filing clock (due 20 days after opening) and the filing records."""
    try:
        found = service.filings(_uow(), county, _day(on, "on"), by=SYSTEM)
    except CountyExpressError as exc:
        raise _refused(exc) from exc
    clocks = found.overdue() if overdue else found.clocks
    if as_json:
        _print_json(
            {
                "on": found.today.isoformat(),
                "outlets": [clock_json(c, found.today) for c in clocks],
                "records": [
                    record_json(v.id, v.record, found.today)
                    for v in found.records
                    if not overdue or v.record.overdue(found.today)
                ],
            }
        )
        return
    table = Table("outlet", "name", "opened", "due", "filed", "state")
    for c in clocks:
        state = c.state(found.today)
        colour = "red" if state is ClockState.OVERDUE else ""
        table.add_row(
            c.outlet,
            c.name,
            c.clock.started.isoformat(),
            c.clock.due.isoformat(),
            c.clock.stopped.isoformat() if c.clock.stopped else "—",
            f"[{colour}]{state.value}[/{colour}]" if colour else state.value,
        )
    out.print(table)


inspect_app = typer.Typer(help="Random inspections (双随机) and their findings.",
                          no_args_is_help=True)  # fmt: skip
complaint_app = typer.Typer(help="Complaints and appeals, with the 7-day clock.",
                            no_args_is_help=True)  # fmt: skip
OnOpt = Annotated[str | None, typer.Option("--on", help="The day (default today)")]


def _views(views: list[service.RecordView], today: dt.date) -> list[dict[str, Any]]:
    return [record_json(v.id, v.record, today) for v in views]


def _table(views: list[service.RecordView], today: dt.date) -> None:
    table = Table("id", "subject", "state", "facts", "clocks")
    for v in views:
        clocks = ", ".join(
            f"{c.rule} {c.due} {c.state(today).value}" for c in v.record.clocks.values()
        )
        facts = " ".join(f"{k}={val}" for k, val in v.record.facts.items())
        table.add_row(str(v.id), str(v.record.subject), v.record.state, facts, clocks)
    out.print(table)


@inspect_app.command("plan")
def inspect_plan(
    county: CountyOpt,
    round_name: Annotated[str, typer.Option("--round", help="The round's name, e.g. 2026-Q4")],
    seed: Annotated[int, typer.Option("--seed", help="The draw's seed, published with it")],
    kinds: Annotated[
        str, typer.Option("--kinds", help="Subjects inspected: carrier,outlet,station")
    ] = "carrier,outlet,station",
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Plan a round: an inspection task for every subject, with its credit level."""
    try:
        chosen = [SubjectKind(k.strip()) for k in kinds.split(",") if k.strip()]
    except ValueError:
        err.print(f"[red]refused: kinds: {kinds!r} lists an unknown kind[/red]")
        raise typer.Exit(2) from None
    try:
        views = inspections.plan_round(
            _uow(), county, round_name, seed, chosen, _day(on, "on"), by=SYSTEM
        )
    except CountyExpressError as exc:
        raise _refused(exc) from exc
    _records_out(views, as_json)


@inspect_app.command("draw")
def inspect_draw(
    county: CountyOpt,
    round_name: Annotated[str, typer.Option("--round", help="The planned round")],
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Draw the round with its seed: ⌈ratio × n⌉ of each credit level, the blacklisted most."""
    try:
        drawn, cancelled = inspections.draw_round(
            _uow(), county, round_name, _day(on, "on"), by=SYSTEM
        )
    except CountyExpressError as exc:
        raise _refused(exc) from exc
    today = county_today()
    if as_json:
        _print_json({"drawn": _views(drawn, today), "not_drawn": len(cancelled)})
        return
    out.print(f"drawn {len(drawn)} of {len(drawn) + len(cancelled)}")
    _table(drawn, today)


@inspect_app.command("record")
def inspect_record(
    inspection_id: Annotated[int, typer.Argument(help="The drawn inspection's number")],
    county: CountyOpt,
    ok: Annotated[list[str] | None, typer.Option("--ok", help="An item in order (repeat)")] = None,
    finding: Annotated[
        list[str] | None, typer.Option("--finding", help="ITEM:what was found (repeat)")
    ] = None,
    deadline_days: Annotated[
        int | None, typer.Option("--deadline-days", help="Days to rectify (default: the pack's)")
    ] = None,
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record an inspection: the items in order and the findings with their deadline."""
    try:
        found = []
        for text in finding or []:
            item, sep, what = text.partition(":")
            if not sep:
                raise InvalidValue("finding", f"{text!r} is not ITEM:what was found")
            found.append(inspections.Finding(item.strip(), what.strip(), deadline_days))
        checked = {item: True for item in ok or []} | {f.item: False for f in found}
        done, opened = inspections.record(
            _uow(), county, inspection_id, checked, found, _day(on, "on"), by=SYSTEM
        )
    except CountyExpressError as exc:
        raise _refused(exc) from exc
    today = county_today()
    if as_json:
        _print_json({"inspection": record_json(done.id, done.record, today),
                     "findings": _views(opened, today)})  # fmt: skip
        return
    _table([done, *opened], today)


@inspect_app.command("close")
def inspect_close(
    finding_id: Annotated[int, typer.Argument(help="The finding's number")],
    county: CountyOpt,
    rejected: Annotated[
        bool, typer.Option("--rejected", help="The rectification is not accepted")
    ] = False,
    note: Annotated[str, typer.Option("--note")] = "",
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Follow a finding up: close it, or reopen it with a new deadline (--rejected)."""
    try:
        view = inspections.close_finding(
            _uow(), county, finding_id, not rejected, _day(on, "on"), note, by=SYSTEM
        )
    except CountyExpressError as exc:
        raise _refused(exc) from exc
    _print_record(view, as_json)


@inspect_app.command("list")
def inspect_list(
    county: CountyOpt,
    kind: Annotated[str, typer.Option("--kind", help="inspection or finding")] = "inspection",
    overdue: Annotated[bool, typer.Option("--overdue", help="Only those past a clock")] = False,
    as_json: JsonOpt = False,
) -> None:
    """The county's inspections (or findings), with their clocks."""
    _list(county, kind, overdue, as_json)


def _list(county: str, kind: str, overdue: bool, as_json: bool) -> None:
    try:
        views = service.records(_uow(), county, kind=kind, by=SYSTEM)
    except CountyExpressError as exc:
        raise _refused(exc) from exc
    today = county_today()
    if overdue:
        views = [v for v in views if v.record.overdue(today)]
    _records_out(views, as_json)


def _records_out(views: list[service.RecordView], as_json: bool) -> None:
    today = county_today()
    if as_json:
        _print_json(_views(views, today))
        return
    _table(views, today)


@complaint_app.command("add")
def complaint_add(
    county: CountyOpt,
    subject: SubjectOpt,
    complaint_type: Annotated[
        str, typer.Option("--type", help="service, delay, loss_or_damage, unconsented_delivery…")
    ],
    about: Annotated[str, typer.Option("--about", help="What happened")],
    waybill: Annotated[str, typer.Option("--waybill")] = "",
    phone: Annotated[str, typer.Option("--phone", help="The complainant's (kept encrypted)")] = "",
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Receive a complaint: the company has 7 days (the pack's complaint.answer) to answer."""
    try:
        view = complaints.add(
            _uow(), Vault(get_settings().data_key_bytes()), county, subject, complaint_type,
            about, waybill, phone, _day(on, "on"), by=SYSTEM,
        )  # fmt: skip
    except CountyExpressError as exc:
        raise _refused(exc) from exc
    _print_record(view, as_json)


def _complaint_verb(verb: str, help_text: str) -> None:
    def command(
        complaint_id: Annotated[int, typer.Argument(help="The complaint's number")],
        county: CountyOpt,
        note: Annotated[str, typer.Option("--note")] = "",
        on: OnOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        try:
            view = complaints.decide(
                _uow(), county, complaint_id, verb, note, _day(on, "on"), by=SYSTEM
            )
        except CountyExpressError as exc:
            raise _refused(exc) from exc
        _print_record(view, as_json)

    command.__doc__ = help_text
    complaint_app.command(verb)(command)


for _verb, _help in (
    ("answer", "The company's answer (stops the 7-day clock)."),
    ("close", "The complainant accepts the answer."),
    ("appeal", "Not settled: the regulator mediates (申诉)."),
    ("uphold", "The regulator upholds the appeal: it counts against the subject's credit."),
    ("dismiss", "The regulator dismisses the appeal."),
):
    _complaint_verb(_verb, _help)


@complaint_app.command("list")
def complaint_list(
    county: CountyOpt,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only those past a clock")] = False,
    as_json: JsonOpt = False,
) -> None:
    """The county's complaints with their clocks."""
    _list(county, "complaint", overdue, as_json)


records_app = typer.Typer(help="Supervision records of any kind in and out of Excel.",
                          no_args_is_help=True)  # fmt: skip
KindOpt = Annotated[str, typer.Option("--kind", help="outlet_filing, complaint, credit_event …")]


@records_app.command("export")
def records_export(
    county: CountyOpt,
    kind: KindOpt,
    out_path: Annotated[Path, typer.Option("--out", help="The xlsx file to write")],
) -> None:
    """A kind's records as xlsx: facts, state, each clock's due day and state."""
    try:
        header, rows = files.export_rows(_uow(), county, kind, by=SYSTEM)
    except CountyExpressError as exc:
        raise _refused(exc) from exc
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_bytes(workbook(kind, header, rows))
    out.print(f"{out_path}: {len(rows)} records", highlight=False)


@records_app.command("template")
def records_template(
    kind: KindOpt,
    out_path: Annotated[Path, typer.Option("--out", help="The xlsx file to write")],
) -> None:
    """An empty workbook with the columns an import of `kind` reads."""
    spec = files.IMPORTS.get(kind)
    if spec is None:
        err.print(f"[red]refused: kind: {kind!r} cannot be imported ({', '.join(files.IMPORTS)})")
        raise typer.Exit(2)
    out_path.write_bytes(workbook(kind, [*spec.required, *spec.optional], []))
    out.print(f"{out_path}: columns {', '.join([*spec.required, *spec.optional])}")


@records_app.command("import")
def records_import(
    path: Annotated[Path, typer.Argument(help="An xlsx workbook (see `template`)")],
    county: CountyOpt,
    kind: KindOpt,
    as_json: JsonOpt = False,
) -> None:
    """Import filings, complaints or credit events: every row, or none with each problem by
    line and column."""
    spec = files.IMPORTS.get(kind)
    if spec is None:
        err.print(f"[red]refused: kind: {kind!r} cannot be imported ({', '.join(files.IMPORTS)})")
        raise typer.Exit(2)
    try:
        rows, problems = read_rows(path.read_bytes(), path.name, spec.required, spec.optional)
        if problems:
            raise PackInvalid(problems)
        n = files.import_rows(_uow(), Vault(get_settings().data_key_bytes()), county, kind,
                              rows, path.name, by=SYSTEM)  # fmt: skip
    except OSError as exc:
        err.print(f"[red]refused: cannot read {path}: {exc.strerror}[/red]", highlight=False)
        raise typer.Exit(2) from exc
    except CountyExpressError as exc:
        raise _refused(exc) from exc
    if as_json:
        _print_json({"kind": kind, "stored": n})
        return
    out.print(f"stored {n} {kind} rows from {path.name}", highlight=False)


quality_app = typer.Typer(help="Service quality per carrier and month, from the ledger.",
                          no_args_is_help=True)  # fmt: skip


@quality_app.command("show")
def quality_show(
    county: CountyOpt,
    months: Annotated[int, typer.Option("--months", min=1, max=36)] = 3,
    by_township: Annotated[bool, typer.Option("--by-township")] = False,
    as_json: JsonOpt = False,
) -> None:
    """On-time rate against the pack's limits, losses, complaints per million parcels."""
    try:
        rows = service.service_quality(_uow(), county, months, by_township, by=SYSTEM)
    except CountyExpressError as exc:
        raise _refused(exc) from exc
    if as_json:
        _print_json([quality_json(r) for r in rows])
        return
    table = Table("carrier", "month", "township", "parcels", "on time", "late", "waiting",
                  "loss/10k", "complaints/M", "upheld/M")  # fmt: skip
    for r in rows:
        rate = f"{r.on_time_rate:.1%}" if r.on_time_rate is not None else "—"
        table.add_row(
            r.carrier, r.month, r.township or "", str(r.parcels), rate, str(r.late),
            str(r.waiting), f"{r.loss_per_10k or 0:.1f}", f"{r.complaints_per_million or 0:.0f}",
            f"{r.upheld_per_million or 0:.0f}",
        )  # fmt: skip
    out.print(table)


# licences ----------------------------------------------------------------------------------

LicenceArg = Annotated[int, typer.Argument(help="The licence's record number")]


@licence_app.command("grant")
def licence_grant(
    county: CountyOpt,
    carrier: Annotated[str, typer.Option("--carrier", help="The carrier, e.g. zto")],
    number: Annotated[str, typer.Option("--number", help="The licence number")],
    granted: Annotated[str, typer.Option("--granted", help="Granted on YYYY-MM-DD")],
    holder: Annotated[str, typer.Option("--holder", help="company or branch")] = "company",
    holder_name: Annotated[str, typer.Option("--holder-name", help="The company's name")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Record a licence granted to a carrier's company or branch (valid 5 years)."""
    day = _day(granted, "granted")
    assert day is not None
    _licence_done(
        lambda: licences.grant(_uow(), county, carrier, number, day, holder, holder_name,
                               by=SYSTEM),
        as_json,
    )  # fmt: skip


@licence_app.command("renew")
def licence_renew(
    record_id: LicenceArg, county: CountyOpt, on: OnOpt = None, as_json: JsonOpt = False
) -> None:
    """Renew a valid licence: valid 5 years again from the day."""
    _licence_done(lambda: licences.renew(_uow(), county, record_id, _day(on, "on"), by=SYSTEM),
                  as_json)  # fmt: skip


@licence_app.command("report")
def licence_report(
    record_id: LicenceArg,
    county: CountyOpt,
    year: Annotated[int, typer.Option("--year", help="The year reported on")],
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record the annual report (年度报告) on a year, due by 30 April of the next."""
    _licence_done(
        lambda: licences.report_annual(_uow(), county, record_id, year, _day(on, "on"),
                                       by=SYSTEM),
        as_json,
    )  # fmt: skip


@licence_app.command("expire")
def licence_expire(
    record_id: LicenceArg, county: CountyOpt, on: OnOpt = None, as_json: JsonOpt = False
) -> None:
    """A licence past its last valid day expires; the filings under it lapse."""
    _licence_done(lambda: licences.expire(_uow(), county, record_id, _day(on, "on"), by=SYSTEM),
                  as_json)  # fmt: skip


@licence_app.command("cancel")
def licence_cancel(
    record_id: LicenceArg,
    county: CountyOpt,
    reason: Annotated[str, typer.Option("--reason", help="Why it is cancelled")],
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Cancel a licence; the filings under it lapse."""
    _licence_done(
        lambda: licences.cancel(_uow(), county, record_id, reason, _day(on, "on"), by=SYSTEM),
        as_json,
    )


def _licence_done(do: Any, as_json: bool) -> None:
    try:
        view = do()
    except CountyExpressError as exc:
        raise _refused(exc) from exc
    _print_record(view, as_json)


@licence_app.command("list")
def licence_list(county: CountyOpt, on: OnOpt = None, as_json: JsonOpt = False) -> None:
    """The county's licences: expiry, renewal due (30 days before) and annual report due."""
    try:
        day = _day(on, "on") or county_today()
        found = licences.licences(_uow(), county, day, by=SYSTEM)
    except CountyExpressError as exc:
        raise _refused(exc) from exc
    if as_json:
        _print_json({"on": day.isoformat(), "licences": [licence_json(x, day) for x in found]})
        return
    table = Table("id", "carrier", "number", "state", "expires", "renewal", "annual report")
    for x in found:
        renewal = f"{x.renewal.due} {x.renewal.state(day).value}" if x.renewal else "—"
        annual = f"{x.annual.due} {x.annual.state(day).value}" if x.annual else "—"
        table.add_row(str(x.id), x.carrier, x.number, x.record.state, x.expires.isoformat(),
                      renewal, annual)  # fmt: skip
    out.print(table)
