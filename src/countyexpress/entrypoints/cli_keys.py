"""`countyexpress keys …`: where the keys come from, new keys, and rotating the data key.

Keys themselves are printed only by `keys new` (a fresh key for the operator to set); the
other commands show key ids, short public fingerprints.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from countyexpress import bootstrap
from countyexpress.adapters.keyfile import KeyFileError, new_key
from countyexpress.errors import CountyExpressError
from countyexpress.services import keys
from countyexpress.settings import Settings, get_settings

keys_app = typer.Typer(
    help="The session secret and the data key (docs/operations.md, Keys).", no_args_is_help=True
)

out = Console()
err = Console(stderr=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _settings() -> Settings:
    try:
        return get_settings()
    except ValueError as exc:
        err.print(f"[red]settings: {exc}[/red]", highlight=False)
        raise typer.Exit(2) from exc


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@keys_app.command("status")
def keys_status(as_json: JsonOpt = False) -> None:
    """Where the keys come from and the data key's id (never a key)."""
    try:
        found = keys.status(_settings())
    except KeyFileError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(1) from exc
    if as_json:
        _print_json(asdict(found))
        return
    table = Table("", "")
    table.add_row("data key id", found.data_key_id)
    table.add_row("data key from", found.data_key_source)
    table.add_row("secret key from", found.secret_key_source)
    table.add_row("key file", found.key_file or "-")
    table.add_row("rotation cut short", "yes (settled at the next start)" if found.rotation_pending
                  else "no")  # fmt: skip
    out.print(table)


@keys_app.command("new")
def keys_new() -> None:
    """Print a fresh random key (secrets.token_urlsafe(48)) for an environment variable."""
    sys.stdout.write(new_key() + "\n")


@keys_app.command("rotate")
def keys_rotate(as_json: JsonOpt = False) -> None:
    """Re-encrypt all personal data under a new data key, in one transaction: all or nothing.

    Stop the server first. With the key file, the new key is made and kept there; with
    COUNTYEXPRESS_DATA_KEY, set the new key as COUNTYEXPRESS_NEW_DATA_KEY first.
    """
    settings = _settings()
    given = settings.new_data_key.get_secret_value() or None
    try:
        engine = bootstrap.open_engine(settings)
        done = keys.rotate(settings, engine, given)
    except (CountyExpressError, KeyFileError) as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(1) from exc
    if as_json:
        _print_json(asdict(done))
        return
    if done.already_done:
        out.print(f"the data is already under the new key {done.new_key_id}: nothing to do")
    else:
        table = Table("column", "values rewritten")
        for column, n in sorted(done.columns.items()):
            table.add_row(column, f"{n:,}")
        out.print(table)
        out.print(f"data key {done.old_key_id} → {done.new_key_id}: "
                  f"{sum(done.columns.values()):,} values rewritten, committed")  # fmt: skip
    for column, n in sorted(done.stale.items()):
        out.print(f"[yellow]{column}: {n:,} digests have no plaintext to recompute from and "
                  "were left as they were (they match nothing now)[/yellow]")  # fmt: skip
    if done.key_file is not None:
        out.print(f"the new key is in {done.key_file}; the old one was dropped", highlight=False)
    else:
        out.print(
            f"[bold]now set {done.set_environment} to the value of "
            f"{keys.NEW_KEY_VARIABLE}, remove {keys.NEW_KEY_VARIABLE}, and start the "
            "server again[/bold]: until then the server cannot open the personal data",
            highlight=False,
        )
