"""`countyexpress assess …`: the yearly assessment (docs/assessment.md).

`report` scores a county's year on its sheet and writes report.pdf, report.docx and
report.xlsx (`--out`), prints the JSON (`--json`) and freezes it as issued (`--freeze`,
refused a second time unless `--replace`); `show` prints today's or the frozen report;
`compare` sets the frozen report beside today's figures; `history` lists the frozen years;
`snapshot` stores the indicators' values of a month (the report's trend);
`note` records a progress note with evidence files on a task of a year, `notes` lists them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from countyexpress import bootstrap
from countyexpress.adapters.reports.assessment_docx import report_docx
from countyexpress.adapters.reports.assessment_pdf import report_pdf
from countyexpress.adapters.reports.assessment_text import status_text
from countyexpress.adapters.reports.assessment_xlsx import report_xlsx
from countyexpress.adapters.vault import Vault
from countyexpress.errors import CountyExpressError, NotAllowed
from countyexpress.services import assessment as service
from countyexpress.settings import get_settings

assess_app = typer.Typer(
    help="The yearly assessment: the plan's tasks scored, reported, frozen.", no_args_is_help=True
)

out = Console()
err = Console(stderr=True)

County = Annotated[str, typer.Option("--county", help="The county's code, e.g. 652828")]
Year = Annotated[int, typer.Option("--year", help="The assessed year, e.g. 2022")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON")]


def _uow() -> Any:
    return bootstrap.uow_factory(bootstrap.open_engine(get_settings()))()


def _fail(exc: CountyExpressError) -> typer.Exit:
    err.print(f"[red]{exc}[/red]", highlight=False)
    return typer.Exit(2 if isinstance(exc, NotAllowed) else 1)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def write_files(data: dict[str, Any], folder: Path) -> list[Path]:
    """Write report.pdf, report.docx and report.xlsx of a report's plain form."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for name, render in (("report.pdf", report_pdf), ("report.docx", report_docx),
                         ("report.xlsx", report_xlsx)):  # fmt: skip
        path = folder / name
        path.write_bytes(render(data))
        files.append(path)
    return files


def _table(data: dict[str, Any]) -> None:
    out.print(f"[bold]{data['county']} {data['county_name']} {data['year']}[/bold]  "
              f"total {data['total_score']:g} / {data['max_score']:g}")  # fmt: skip
    table = Table("task", "title", "lead unit", "score", "status", "reason")
    for t in data["tasks"]:
        table.add_row(str(t["task"]), t["title"], t["lead_unit"],
                      f"{t['score']:g}/{t['max_score']:g}", status_text(t["status"]),
                      t["reason"])  # fmt: skip
    out.print(table)


@assess_app.command("report")
def report(
    county: County,
    year: Year,
    folder: Annotated[
        Path | None, typer.Option("--out", help="Write report.pdf, .docx and .xlsx here")
    ] = None,
    freeze: Annotated[bool, typer.Option("--freeze", help="Freeze it as issued")] = False,
    replace: Annotated[
        bool, typer.Option("--replace", help="With --freeze: replace a frozen report")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Score the county's year on its sheet and write the report."""
    try:
        if freeze:
            data = dict(service.freeze(_uow(), county, year, by=None, replace=replace).report)
        else:
            data = service.to_json(service.report(_uow(), county, year, by=None))
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    written = write_files(data, folder) if folder is not None else []
    if as_json:
        _print_json(data)
        return
    _table(data)
    for path in written:
        out.print(f"wrote {path}", highlight=False)
    if freeze:
        out.print(f"frozen: the {year} report of {data['county']}", highlight=False)


@assess_app.command("show")
def show(
    county: County,
    year: Year,
    frozen: Annotated[bool, typer.Option("--frozen", help="The frozen report")] = False,
    folder: Annotated[Path | None, typer.Option("--out", help="Write its files here")] = None,
    as_json: AsJson = False,
) -> None:
    """Today's report of the year, or the frozen one (`--frozen`)."""
    try:
        if frozen:
            stored = service.frozen(_uow(), county, year, by=None)
            data = dict(stored.report) | {
                "frozen_at": stored.frozen_at.isoformat(),
                "frozen_by": stored.frozen_by,
                "replaced_at": stored.replaced_at.isoformat() if stored.replaced_at else None,
            }
        else:
            data = service.to_json(service.report(_uow(), county, year, by=None))
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    if folder is not None:
        write_files(data, folder)
    if as_json:
        _print_json(data)
        return
    if frozen:
        out.print(f"frozen at {data['frozen_at']} by {data['frozen_by']}", highlight=False)
    _table(data)


@assess_app.command("history")
def history(county: County, as_json: AsJson = False) -> None:
    """The frozen (issued) reports of the county, year by year, with their totals."""
    try:
        found = service.history(_uow(), county, by=None)
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    rows = [
        {
            "year": f.year,
            "frozen_at": f.frozen_at.isoformat(),
            "frozen_by": f.frozen_by,
            "total_score": f.report["total_score"],
            "max_score": f.report["max_score"],
            "sections": {s["code"]: s["score"] for s in f.report.get("sections", [])},
        }
        for f in found
    ]
    if as_json:
        _print_json(rows)
        return
    table = Table("year", "frozen at", "by", "total")
    for r in rows:
        table.add_row(str(r["year"]), r["frozen_at"][:16], r["frozen_by"],
                      f"{r['total_score']:g} / {r['max_score']:g}")  # fmt: skip
    out.print(table)


@assess_app.command("compare")
def compare(county: County, year: Year, as_json: AsJson = False) -> None:
    """The frozen report of the year beside the same year on today's figures."""
    try:
        c = service.compare(_uow(), county, year, by=None)
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    if as_json:
        _print_json(
            {
                "county": c.now["county"],
                "year": year,
                "frozen_at": c.frozen.frozen_at.isoformat(),
                "frozen_total": c.frozen.report["total_score"],
                "total_score": c.now["total_score"],
                "total_change": c.total_change,
                "tasks": list(c.tasks),
            }
        )
        return
    out.print(f"frozen {c.frozen.frozen_at:%Y-%m-%d}: {c.frozen.report['total_score']:g} → "
              f"today {c.now['total_score']:g} ({c.total_change:+g})")  # fmt: skip
    table = Table("task", "title", "frozen", "today", "status then → now")
    for t in c.tasks:
        table.add_row(str(t["task"]), t["title"], f"{t['frozen_score']}", f"{t['score']:g}",
                      f"{t['frozen_status']} → {t['status']}")  # fmt: skip
    out.print(table)


@assess_app.command("snapshot")
def snapshot(
    county: County,
    month: Annotated[str, typer.Option("--month", help="The county's month, YYYY-MM")],
    as_json: AsJson = False,
) -> None:
    """Store each indicator's value of a month (the trend), replacing that month's."""
    try:
        values = service.snapshot(_uow(), county, month, by=None)
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    if as_json:
        _print_json({"county": county, "month": month, "values": values})
        return
    kept = sum(v is not None for v in values.values())
    out.print(f"snapshot {month}: {len(values)} indicators, {kept} with a figure", highlight=False)


@assess_app.command("note")
def note(
    county: County,
    year: Year,
    task: Annotated[int, typer.Option("--task", help="The plan's task number")],
    text: Annotated[str, typer.Option("--text", help="The progress note")],
    files: Annotated[
        list[Path] | None, typer.Option("--file", help="Evidence: a photo or a PDF (repeat)")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Record a progress note with evidence on a task of a year (kept with author and time)."""
    try:
        given = [(p.name, p.read_bytes()) for p in files or []]
    except OSError as exc:
        err.print(f"[red]--file: {exc}[/red]", highlight=False)
        raise typer.Exit(1) from exc
    vault = Vault(get_settings().data_key_bytes())
    try:
        n = service.add_note(_uow(), vault, county, year, task, text, by=None, files=given)
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    if as_json:
        _print_json(_note_json(n))
        return
    out.print(f"note {n.id} on task {n.task} ({n.year}) with {len(n.files)} file(s)")


def _note_json(n: Any) -> dict[str, Any]:
    return {
        "id": n.id,
        "year": n.year,
        "task": n.task,
        "text": n.text,
        "added_at": n.added_at.isoformat(),
        "added_by": n.added_by,
        "files": [
            {
                "id": f.id,
                "name": f.name,
                "content_type": f.content_type,
                "size": f.size,
                "sha256": f.sha256,
                "purged": f.purged,
            }
            for f in n.files
        ],
    }


@assess_app.command("evidence")
def evidence(
    county: County,
    evidence_id: Annotated[int, typer.Option("--id", help="The evidence file's number")],
    dest: Annotated[Path, typer.Option("--out", help="Where to write the file")],
) -> None:
    """Write an evidence file of a progress note, decrypted, to `--out`."""
    vault = Vault(get_settings().data_key_bytes())
    try:
        meta, data = service.evidence(_uow(), vault, county, evidence_id, by=None)
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    dest.write_bytes(data)
    out.print(f"wrote {dest} ({meta.name}, {meta.content_type}, {meta.size} bytes, "
              f"sha256 {meta.sha256[:12]}…)", highlight=False)  # fmt: skip


@assess_app.command("notes")
def notes(
    county: County,
    year: Year,
    task: Annotated[int | None, typer.Option("--task", help="One task only")] = None,
    as_json: AsJson = False,
) -> None:
    """The progress notes of a year (of one task), oldest first."""
    try:
        found = service.notes(_uow(), county, year, by=None, task=task)
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    if as_json:
        _print_json([_note_json(n) for n in found])
        return
    table = Table("id", "task", "added", "by", "text", "files")
    for n in found:
        table.add_row(str(n.id), str(n.task), f"{n.added_at:%Y-%m-%d %H:%M}", n.added_by,
                      n.text, str(len(n.files)))  # fmt: skip
    out.print(table)
