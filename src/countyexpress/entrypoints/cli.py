"""The `countyexpress` command line (Typer + rich)."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import structlog
import typer
from rich.console import Console
from rich.table import Table

from countyexpress import bootstrap
from countyexpress.adapters.packs import builtin_pack_path, write_geojson, write_pack
from countyexpress.adapters.packs.assessment import pack_sheet, write_sheet
from countyexpress.adapters.packs.documents import pack_documents, write_documents
from countyexpress.adapters.packs.public_health import health_rules_for, write_health
from countyexpress.adapters.packs.supervision import pack_rules, write_supervision
from countyexpress.adapters.packs.vehicles import pack_registry, write_registry
from countyexpress.domain.access import SYSTEM
from countyexpress.domain.facilities import FacilityKind
from countyexpress.entrypoints.cli_assess import assess_app
from countyexpress.entrypoints.cli_centre import (
    centre_app,
    consent_app,
    locker_app,
    privacy_app,
    sms_app,
    station_app,
)
from countyexpress.entrypoints.cli_db import db_app
from countyexpress.entrypoints.cli_emergency import emergency_app
from countyexpress.entrypoints.cli_forecast import forecast_app
from countyexpress.entrypoints.cli_health import health_app
from countyexpress.entrypoints.cli_intake import intake_app
from countyexpress.entrypoints.cli_keys import keys_app
from countyexpress.entrypoints.cli_ops import carrier_app, id_app
from countyexpress.entrypoints.cli_packaging import packaging_app
from countyexpress.entrypoints.cli_plan import plan_app
from countyexpress.entrypoints.cli_region import region_app
from countyexpress.entrypoints.cli_route import route_app
from countyexpress.entrypoints.cli_scans import parcel_app, scans_app
from countyexpress.entrypoints.cli_simulate import simulate_app, simulate_demo
from countyexpress.entrypoints.cli_site import site_app
from countyexpress.entrypoints.cli_staff import staff_app
from countyexpress.entrypoints.cli_supervision import (
    complaint_app,
    credit_app,
    filing_app,
    inspect_app,
    licence_app,
    quality_app,
    records_app,
)
from countyexpress.entrypoints.cli_support import support_app
from countyexpress.entrypoints.cli_users import apikey_app, user_app
from countyexpress.entrypoints.cli_vehicles import vehicle_app
from countyexpress.entrypoints.cli_webhooks import webhooks_app
from countyexpress.errors import CountyExpressError, PackInvalid
from countyexpress.services import assessment as assessment_service
from countyexpress.services import counties as county_service
from countyexpress.services import supervision as supervision_service
from countyexpress.services import vehicles as vehicle_service
from countyexpress.settings import Settings, get_settings

app = typer.Typer(help="County Express (县域快递平台): a county's express-delivery plan at work.",
                  no_args_is_help=True)  # fmt: skip
county_app = typer.Typer(help="Counties and county packs.", no_args_is_help=True)
facilities_app = typer.Typer(help="Facilities of a county.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(county_app, name="county")
app.add_typer(facilities_app, name="facilities")
app.add_typer(id_app, name="id")
app.add_typer(carrier_app, name="carrier")
app.add_typer(scans_app, name="scans")
app.add_typer(parcel_app, name="parcel")
app.add_typer(centre_app, name="centre")
app.add_typer(station_app, name="station")
app.add_typer(locker_app, name="locker")
app.add_typer(consent_app, name="consent")
app.add_typer(sms_app, name="sms")
app.add_typer(privacy_app, name="privacy")
app.add_typer(intake_app, name="intake")
app.add_typer(user_app, name="user")
app.add_typer(apikey_app, name="apikey")
app.add_typer(simulate_app, name="simulate")
app.add_typer(plan_app, name="plan")
app.add_typer(route_app, name="route")
app.add_typer(site_app, name="site")
app.add_typer(keys_app, name="keys")
app.add_typer(credit_app, name="credit")
app.add_typer(filing_app, name="filing")
app.add_typer(licence_app, name="licence")
app.add_typer(inspect_app, name="inspect")
app.add_typer(complaint_app, name="complaint")
app.add_typer(records_app, name="records")
app.add_typer(quality_app, name="quality")
app.add_typer(vehicle_app, name="vehicle")
app.add_typer(staff_app, name="staff")
app.add_typer(assess_app, name="assess")
app.add_typer(emergency_app, name="emergency")
app.add_typer(packaging_app, name="packaging")
app.add_typer(health_app, name="health")
app.add_typer(support_app, name="support")
app.add_typer(webhooks_app, name="webhooks")
app.add_typer(forecast_app, name="forecast")
app.add_typer(region_app, name="region")

out = Console()
err = Console(stderr=True)

EXPOSED = (
    "serving a {env} install on {host}, which other machines can reach: its keys are only "
    "the data folder's. Listen on 127.0.0.1, or set COUNTYEXPRESS_ENVIRONMENT=production with "
    "explicit keys (docs/operations.md, Keys)"
)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
CountyOpt = Annotated[str, typer.Option("--county", "-c", help="County code, e.g. 652828.")]


def _settings() -> Settings:
    try:
        return get_settings()
    except ValueError as exc:
        err.print(f"[red]settings: {exc}[/red]")
        raise typer.Exit(2) from exc


def _uow() -> Any:
    return bootstrap.uow_factory(bootstrap.open_engine(_settings()))()


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _fail(exc: CountyExpressError) -> typer.Exit:
    if isinstance(exc, PackInvalid):
        err.print(
            f"[red]county pack refused: {len(exc.problems)} problem(s); nothing was stored[/red]"
        )
        for p in exc.problems:
            err.print(f"  {p}", markup=False, highlight=False)
    else:
        err.print(f"[red]{exc}[/red]", highlight=False)
    return typer.Exit(1)


@county_app.command("load")
def county_load(
    source: Annotated[str, typer.Argument(help="A pack folder, or a built-in pack name: heshuo")],
    as_json: JsonOpt = False,
) -> None:
    """Load a county pack, all or nothing; loading a county again replaces it."""
    try:
        county = bootstrap.read_pack_source(source)
        folder = builtin_pack_path(source) or Path(source)
        rules, origin = pack_rules(folder)  # checked first
        fleet = pack_registry(folder)
        sheet, sheet_origin = pack_sheet(folder, county.plan)
        documents = pack_documents(folder, county)  # health, packaging, policy...: checked
        result = county_service.load_county(_uow(), county, documents)
        supervision_service.load_rules(_uow(), county.code, rules, origin, by=SYSTEM)
        assessment_service.load_sheet(_uow(), county.code, sheet, sheet_origin, by=SYSTEM)
        if fleet:
            vehicle_service.replace_fleet(_uow(), county.code, fleet, by=SYSTEM.id,
                                          source=f"{folder.name}/vehicles")  # fmt: skip
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    if as_json:
        _print_json(asdict(result))
        return
    s = result.summary
    verb = "replaced" if result.replaced else "loaded"
    out.print(
        f"{verb} {s.code} {s.name}: {s.townships} townships, {s.villages} villages, "
        f"{s.communities} communities, {sum(s.facilities.values())} facilities"
    )


@county_app.command("list")
def county_list(as_json: JsonOpt = False) -> None:
    """The loaded counties."""
    summaries = county_service.list_counties(_uow())
    if as_json:
        _print_json([asdict(s) for s in summaries])
        return
    table = Table("code", "name", "townships", "villages", "communities", "facilities")
    for s in summaries:
        table.add_row(s.code, s.name, str(s.townships), str(s.villages), str(s.communities),
                      str(sum(s.facilities.values())))  # fmt: skip
    out.print(table)


@county_app.command("summary")
def county_summary(county: CountyOpt, as_json: JsonOpt = False) -> None:
    """Townships, villages, communities and facilities of a county, with data quality."""
    try:
        c = county_service.get_county(_uow(), county)
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    s = c.summary()
    if as_json:
        _print_json(asdict(s) | {"has_placeholders": c.has_placeholders()})
        return
    out.print(f"[bold]{s.code} {s.name}[/bold]  population {s.population or 'unknown'}")
    out.print(f"townships {s.townships}, villages {s.villages}, communities {s.communities}")
    out.print("facilities: " + ", ".join(f"{k} {v}" for k, v in s.facilities.items()))
    out.print("divisions by data quality: "
              + ", ".join(f"{k} {v}" for k, v in s.divisions_by_quality.items()))  # fmt: skip
    for src in c.sources:
        out.print(f"source: {src.name} {src.licence}".rstrip(), highlight=False)


@county_app.command("export")
def county_export(
    code: Annotated[str, typer.Argument(help="County code")],
    dest: Annotated[Path, typer.Argument(help="Folder to write the pack into")],
) -> None:
    """Write a county back out as a pack folder (with its supervision rules) plus
    `<code>.geojson`."""
    try:
        c = county_service.get_county(_uow(), code)
        rules = supervision_service.rules_for(_uow(), c.code, by=SYSTEM)
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    files = write_pack(c, dest)
    files.append(write_supervision(rules, dest))
    files.append(write_sheet(assessment_service.sheet_of(_uow(), c.code, by=SYSTEM)[0], dest))
    stored = county_service.pack_documents(_uow(), c.code)  # as loaded: health, policy...
    files += write_documents(stored, dest)
    if "health" not in {d.name for d in stored}:
        files.append(write_health(health_rules_for(c.code), dest))
    fleet = vehicle_service.list_fleet(_uow(), c.code)
    if fleet:
        files += write_registry(fleet, vehicle_service.rules(_uow(), c.code), dest)
    files.append(write_geojson(c, dest / f"{c.code}.geojson"))
    for f in files:
        out.print(f"wrote {f}", highlight=False)


@facilities_app.command("list")
def facilities_list(
    county: CountyOpt,
    kind: Annotated[FacilityKind | None, typer.Option(help="Only this kind")] = None,
    as_json: JsonOpt = False,
) -> None:
    """A county's facilities: centre, sorting centre, outlets, lockers, stations, cold chain."""
    try:
        items = county_service.list_facilities(_uow(), county, kind)
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    if as_json:
        _print_json([
            {"code": f.code, "name": f.name, "kind": f.kind.value, "status": f.status.value,
             "quality": f.quality.value, "division_code": f.division_code,
             "operator": f.operator, "carriers": list(f.carriers),
             "lat": f.location.lat if f.location else None,
             "lon": f.location.lon if f.location else None}
            for f in items
        ])  # fmt: skip
        return
    table = Table("code", "name", "kind", "status", "quality", "carriers")
    for f in items:
        table.add_row(f.code, f.name, f.kind.value, f.status.value, f.quality.value,
                      " ".join(f.carriers))  # fmt: skip
    out.print(table)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
    prepare: Annotated[
        bool, typer.Option(help="Migrate the database and load the default pack when it is empty")
    ] = True,
    demo: Annotated[
        bool,
        typer.Option(help="On first start, simulate the last 30 days (labelled simulated data)"),
    ] = True,
) -> None:
    """Serve the web UI and the API (default http://127.0.0.1:8000)."""
    import uvicorn

    from countyexpress.entrypoints import webhook_sender
    from countyexpress.entrypoints.api.app import create_app

    settings = _settings()
    engine = bootstrap.open_engine(settings, migrate=prepare)
    if prepare:
        try:
            pack = bootstrap.read_pack_source(settings.default_pack)
            folder = builtin_pack_path(settings.default_pack) or Path(settings.default_pack)
            loaded = county_service.load_if_empty(bootstrap.uow_factory(engine)(), pack,
                                                  pack_documents(folder, pack))  # fmt: skip
            if loaded:  # its vehicles into the registry, as `county load` does
                vehicle_service.load_pack_vehicles(bootstrap.uow_factory(engine)(), loaded.code,
                                                   folder)  # fmt: skip
        except CountyExpressError as exc:
            raise _fail(exc) from exc
        if loaded:
            out.print(f"loaded the {loaded.name} pack into an empty database")
            if demo:
                simulate_demo(engine, settings, loaded.code)
    h, p = host or settings.host, port or settings.port
    web = create_app(settings, engine)  # also sets up the JSON log
    if settings.environment != "production" and not bootstrap.is_loopback(h):
        err.print(f"[yellow]warning: {EXPOSED.format(env=settings.environment, host=h)}[/yellow]",
                  highlight=False)  # fmt: skip
        structlog.get_logger("countyexpress.serve").warning(
            "exposed_non_production_server", host=h, environment=settings.environment
        )
    out.print(f"County Express on http://{h}:{p}  (database: {settings.database_url})",
              highlight=False)  # fmt: skip
    sender = webhook_sender.start_for_serve(settings, engine)
    try:
        uvicorn.run(web, host=h, port=p, log_level="warning", **bootstrap.server_options(settings))
    finally:
        if sender is not None:
            sender.stop()


if __name__ == "__main__":
    app()
