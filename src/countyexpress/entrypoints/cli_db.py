"""`countyexpress db …`: the schema, backups and restores (docs/operations.md, Backups)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from countyexpress import bootstrap
from countyexpress.adapters.db import backup as backups
from countyexpress.adapters.db.engine import make_engine
from countyexpress.errors import CountyExpressError
from countyexpress.settings import Settings, get_settings

db_app = typer.Typer(help="Database: schema, backups and restores.", no_args_is_help=True)
out = Console()
err = Console(stderr=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _settings() -> Settings:
    try:
        return get_settings()
    except ValueError as exc:
        err.print(f"[red]settings: {exc}[/red]", highlight=False)
        raise typer.Exit(2) from exc


def _fail(exc: CountyExpressError) -> typer.Exit:
    err.print(f"[red]{exc}[/red]", highlight=False)
    return typer.Exit(1)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _report(check: backups.Check, as_json: bool, extra: dict[str, Any]) -> None:
    data = {**extra, "ok": check.ok, "parcels_replayed": check.parcels,
            "count_differences": check.count_differences,
            "replay_differences": check.replay_differences}  # fmt: skip
    if as_json:
        _print_json(data)
    else:
        for name, (want, got) in sorted(check.count_differences.items()):
            err.print(f"[red]{name}: {got} rows, the backup had {want}[/red]", highlight=False)
        for line in check.replay_differences:
            err.print(f"[red]ledger replay: {line}[/red]", highlight=False)
        verdict = "checked" if check.ok else "[red]DIFFERS[/red]"
        rows = sum(check.counts.values())
        said = f"{rows:,} rows in {len(check.counts)} tables, {check.parcels:,} parcels replayed"
        out.print(f"{verdict}: {said} from their events", highlight=False)
    if not check.ok:
        raise typer.Exit(1)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the newest revision."""
    settings = _settings()
    bootstrap.open_engine(settings, migrate=True)
    out.print(f"database is up to date: {settings.database_url}", highlight=False)


@db_app.command("backup")
def db_backup(
    folder: Annotated[Path, typer.Argument(help="Folder to write the backup and its manifest")],
    as_json: JsonOpt = False,
) -> None:
    """Back the database up while the platform runs (SQLite's online backup; pg_dump for
    PostgreSQL), with a manifest of every table's rows. The keys are not in it: keep
    DATA_DIR/keys.toml (or the environment's keys) apart."""
    settings = _settings()
    engine = bootstrap.open_engine(settings, migrate=False)
    try:
        taken = backups.take_backup(engine, settings.database_url, folder)
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    finally:
        engine.dispose()
    rows = sum(taken.counts.values())
    if as_json:
        _print_json({"file": str(taken.path), "manifest": str(taken.manifest_path),
                     "engine": taken.engine, "revision": taken.revision, "rows": rows,
                     "counts": taken.counts})  # fmt: skip
        return
    out.print(f"backup {taken.path} ({taken.engine}, revision {taken.revision}, {rows:,} rows); "
              f"manifest {taken.manifest_path.name}", highlight=False)  # fmt: skip
    out.print("the keys are not in the backup: keep DATA_DIR/keys.toml or the environment's "
              "keys apart", highlight=False)  # fmt: skip


@db_app.command("restore")
def db_restore(
    file: Annotated[Path, typer.Argument(help="A backup file written by `db backup`")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace a database that holds data already")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Put a backup in place of the configured database (stop the platform first), then
    check it: every table's rows against the manifest, and every parcel's state replayed
    from its scan events. Exit 1 when the check finds a difference."""
    settings = _settings()
    try:
        taken = backups.read_backup(file)
        current = make_engine(settings.database_url)
        try:
            held = sum(backups.table_counts(current).values())
        except Exception:  # no schema yet: nothing to lose
            held = 0
        finally:
            current.dispose()
        if held and not force:
            err.print(f"[red]the database holds {held:,} rows: give --force to replace it "
                      "with the backup[/red]", highlight=False)  # fmt: skip
            raise typer.Exit(1)
        backups.restore_backup(taken, settings.database_url)
        engine = bootstrap.open_engine(settings, migrate=False)
        try:
            check = backups.check_restore(engine, taken)
        finally:
            engine.dispose()
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    _report(check, as_json, {"restored": str(file), "taken_at": taken.taken_at.isoformat(),
                             "revision": taken.revision})  # fmt: skip
    if not as_json:
        out.print("run `countyexpress db upgrade` if this platform's version is newer than the "
                  "backup's schema", highlight=False)  # fmt: skip


@db_app.command("check")
def db_check(as_json: JsonOpt = False) -> None:
    """Replay every parcel's scan events and compare with the stored states (a check of the
    ledger's projection, e.g. after a restore or a crash)."""
    settings = _settings()
    engine = bootstrap.open_engine(settings, migrate=False)
    try:
        check = backups.replay_ledger(engine, backups.Check(counts=backups.table_counts(engine)))
    finally:
        engine.dispose()
    _report(check, as_json, {})


@db_app.command("partitions")
def db_partitions(
    ahead: Annotated[
        int, typer.Option("--ahead", help="Months after this one to create partitions for.")
    ] = 3,
    retain_months: Annotated[
        int | None,
        typer.Option("--retain-months", help="Detach, archive and drop older months."),
    ] = None,
    archive: Annotated[
        Path | None, typer.Option("--archive", help="Folder for the detached months' dumps.")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="YYYY-MM",
            help="Also create every past month's partition from this month on (before "
            "importing a history).",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """PostgreSQL: create the scan ledger's coming monthly partitions (with --from, past
    months' too); with --retain-months, archive older months (`pg_dump -t` into --archive)
    and drop them (run it from cron)."""
    from countyexpress.adapters.db import pg_ledger

    settings = _settings()
    engine = bootstrap.open_engine(settings, migrate=False)
    try:
        first = pg_ledger.parse_month(since) if since is not None else None
        done = pg_ledger.maintain(
            engine, settings.database_url, ahead, retain_months, archive, since=first
        )
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    finally:
        engine.dispose()
    if as_json:
        _print_json(done.as_dict())
        return
    for name in done.created:
        out.print(f"created {name}", highlight=False)
    for path in done.archived:
        out.print(f"archived and dropped: {path}", highlight=False)
    out.print(f"{len(done.partitions)} partitions attached", highlight=False)
