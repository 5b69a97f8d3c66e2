"""`countyexpress webhooks …`: carriers' webhooks, their delivery and their dead letters
(docs/webhooks.md)."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from countyexpress import bootstrap
from countyexpress.adapters.vault import Vault
from countyexpress.adapters.webhook_http import post
from countyexpress.domain.county_time import county_text
from countyexpress.entrypoints.webhook_sender import policy
from countyexpress.errors import CountyExpressError, InvalidValue
from countyexpress.services import counties
from countyexpress.services import webhooks as service
from countyexpress.settings import Settings, get_settings

webhooks_app = typer.Typer(
    help="Carriers' webhooks: register, deliver, dead letters (docs/webhooks.md).",
    no_args_is_help=True,
)
out = Console()
err = Console(stderr=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
CountyOpt = Annotated[
    str | None,
    typer.Option("--county", "-c", help="County code (default: the only loaded county)"),
]


def _settings() -> Settings:
    try:
        return get_settings()
    except ValueError as exc:
        err.print(f"[red]settings: {exc}[/red]", highlight=False)
        raise typer.Exit(2) from exc


def _factory() -> Any:
    return bootstrap.uow_factory(bootstrap.open_engine(_settings()))


def _county(factory: Any, county: str | None) -> str:
    if county:
        return county.strip()
    codes = [c.code for c in counties.list_counties(factory())]
    if len(codes) != 1:
        raise InvalidValue("county", f"give --county: {len(codes)} counties are loaded")
    return codes[0]


def _fail(exc: CountyExpressError) -> typer.Exit:
    err.print(f"[red]{exc}[/red]", highlight=False)
    return typer.Exit(1)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


@webhooks_app.command("add")
def webhooks_add(
    carrier: Annotated[str, typer.Option("--carrier", help="The carrier's code")],
    url: Annotated[str, typer.Option("--url", help="Where events are POSTed (http/https)")],
    county: CountyOpt = None,
) -> None:
    """Register a carrier's webhook; prints its signing secret once (keep it: it is stored
    encrypted and never shown again)."""
    factory = _factory()
    try:
        code = _county(factory, county)
        vault = Vault(_settings().data_key_bytes())
        hook_id, secret = service.add(
            factory(), vault, None, code, carrier, url, dt.datetime.now(dt.UTC)
        )
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    out.print(f"webhook {hook_id} for {carrier}: {url}", highlight=False)
    out.print(f"signing secret (shown once): {secret}", highlight=False)


@webhooks_app.command("list")
def webhooks_list(county: CountyOpt = None, as_json: JsonOpt = False) -> None:
    """The county's webhooks (never their secrets)."""
    factory = _factory()
    try:
        hooks = service.listing(factory(), None, _county(factory, county))
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    if as_json:
        _print_json(hooks)
        return
    table = Table("id", "carrier", "url", "active", "created")
    for h in hooks:
        table.add_row(str(h["id"]), h["carrier"], h["url"], "yes" if h["active"] else "no",
                      county_text(h["created_at"]))  # fmt: skip
    out.print(table)


@webhooks_app.command("dead")
def webhooks_dead(county: CountyOpt = None, as_json: JsonOpt = False) -> None:
    """The dead letters: deliveries whose last try failed."""
    factory = _factory()
    try:
        rows = service.deliveries(factory(), None, _county(factory, county), "dead")
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    if as_json:
        _print_json(rows)
        return
    table = Table("id", "carrier", "event", "waybill", "event id", "tries", "last answer")
    for r in rows:
        table.add_row(str(r["id"]), r["carrier"], r["event"], r["payload"]["waybill_no"],
                      r["event_id"], str(r["attempts"]),
                      str(r["last_status"] or r["last_error"]))  # fmt: skip
    out.print(table)


@webhooks_app.command("replay")
def webhooks_replay(delivery_id: Annotated[int, typer.Argument(help="A delivery's id")]) -> None:
    """Send a dead letter again at the next delivery pass, its tries counted afresh."""
    try:
        service.replay(_factory()(), None, delivery_id, dt.datetime.now(dt.UTC))
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    out.print(f"delivery {delivery_id} queued again", highlight=False)


@webhooks_app.command("deliver")
def webhooks_deliver(
    once: Annotated[bool, typer.Option("--once", help="One pass, then exit")] = False,
    every: Annotated[float, typer.Option("--every", help="Seconds between passes")] = 5.0,
) -> None:
    """Enqueue the ledger's new events for every webhook and POST the due ones, signed."""
    settings = _settings()
    factory = _factory()
    vault = Vault(settings.data_key_bytes())
    while True:
        done = service.deliver(factory, vault, post, dt.datetime.now(dt.UTC), policy(settings))
        out.print(f"enqueued {done.enqueued}, delivered {done.delivered}, "
                  f"to retry {done.failed}, dead {done.dead}", highlight=False)  # fmt: skip
        if once:
            return
        time.sleep(every)
