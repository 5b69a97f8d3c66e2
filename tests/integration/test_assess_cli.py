"""`countyexpress assess`: the yearly report as JSON, PDF, Word and Excel; freezing; notes."""

from __future__ import annotations

import base64
import contextlib
import io
import json
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from countyexpress import bootstrap
from countyexpress.adapters.db.tables_assessment import assessment_evidence
from countyexpress.entrypoints.cli import app
from countyexpress.settings import get_settings

runner = CliRunner()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ARGS = ["--county", "652828", "--year", "2022"]


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", f"sqlite:///{tmp_path / 'a.db'}")
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["county", "load", "heshuo"]).exit_code == 0
    yield tmp_path
    get_settings.cache_clear()


def _literal(raw: bytes) -> bytes:
    """A PDF literal string's bytes, escapes undone."""
    out, i = bytearray(), 0
    while i < len(raw):
        ch = raw[i]
        if ch == 0x5C and i + 1 < len(raw):  # backslash
            nxt = raw[i + 1 : i + 4]
            octal = re.match(rb"[0-7]{1,3}", nxt)
            if octal:
                out.append(int(octal.group(), 8) & 0xFF)
                i += 1 + len(octal.group())
                continue
            escaped = raw[i + 1 : i + 2]
            out += {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(escaped, escaped)
            i += 2
            continue
        out.append(ch)
        i += 1
    return bytes(out)


def pdf_text(data: bytes) -> str:
    """The text drawn in a reportlab PDF, without a PDF library: its content streams'
    string operands, read as UTF-16BE in the CID font and as Latin-1 in the others."""
    assert data.startswith(b"%PDF-")
    latin = set(re.findall(rb"/Encoding /WinAnsiEncoding /Name /(F\d+)", data))
    parts = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        stream = stream.strip()
        if stream.endswith(b"~>"):  # reportlab's /ASCII85Decode /FlateDecode
            stream = base64.a85decode(stream[:-2])
        with contextlib.suppress(zlib.error):
            stream = zlib.decompress(stream)
        font = b""
        ops = rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\)\s*Tj"
        for m in re.finditer(ops, stream, re.DOTALL):
            if m.group(1):
                font = m.group(1)
                continue
            b = _literal(m.group(2))
            cid = font not in latin and len(b) % 2 == 0
            parts.append(b.decode("utf-16-be", "replace") if cid else b.decode("latin-1"))
    return "\n".join(parts)


def _report(db: Path, *extra: str) -> dict[str, Any]:
    done = runner.invoke(app, ["assess", "report", *ARGS, "--json", *extra])
    assert done.exit_code == 0, done.output
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def test_json_lists_all_20_tasks_with_lead_unit_and_a_score_or_a_reason(db: Path) -> None:
    """The issue's "done when": every task, its lead unit, a score or the stated reason."""
    data = _report(db)
    assert data["county"] == "652828" and data["year"] == 2022
    assert [t["task"] for t in data["tasks"]] == list(range(1, 21))
    for t in data["tasks"]:
        assert t["lead_unit"] and t["title"]
        assert isinstance(t["score"], int | float) and 0 <= t["score"] <= t["max_score"]
        assert t["status"] in {"met", "behind", "overdue", "no_data"} and t["reason"]
        for i in t["indicators"]:
            assert i["source"] and {"value", "target", "status", "score"} <= set(i)
    assert data["max_score"] == 100
    assert data["total_score"] == round(sum(t["score"] for t in data["tasks"]), 2)
    village = next(t for t in data["tasks"] if t["task"] == 4)
    assert village["status"] == "overdue" and "village_coverage_rate" in village["reason"]
    assert any("建制村未通快递" in p["text"] for p in data["problems"])
    coverage = next(i for i in village["indicators"] if i["indicator"] == "village_coverage_rate")
    assert len(coverage["parts"]) == 25 and all(p["township"] for p in coverage["parts"])
    assert any(q["quality"] == "placeholder" for q in data["data_quality"])


def test_pdf_docx_and_xlsx_carry_the_county_every_task_and_the_json_total(db: Path) -> None:
    """The three files open, name the county, list every task and give the JSON's total."""
    out = db / "report"
    data = _report(db, "--out", str(out))
    total = f"{data['total_score']:g}"
    titles = [t["title"] for t in data["tasks"]]

    text = pdf_text((out / "report.pdf").read_bytes())
    assert "和硕县" in text and f"总分 total score：{total} / 100" in text
    for t in data["tasks"]:
        assert f"任务{t['task']} " in text

    document = docx.Document(str(out / "report.docx"))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    assert "和硕县" in paragraphs and f"总分：{total} / 100" in paragraphs
    for t in data["tasks"]:
        assert f"任务{t['task']} {t['title']}" in paragraphs
    assert len(document.tables) == 1 + len(titles)  # the summary, then a table per task
    assert "任务4（牵头：县商工局）建制村快递服务覆盖率（village_coverage_rate）：" in paragraphs

    wb = openpyxl.load_workbook(io.BytesIO((out / "report.xlsx").read_bytes()))
    summary = [[c for c in row] for row in wb["summary"].iter_rows(values_only=True)]
    assert any("和硕县" in str(row) for row in summary)
    assert ["total_score", data["total_score"], "max_score", data["max_score"]] == [
        v for v in next(r for r in summary if r[0] == "total_score") if v is not None
    ]
    assert {r[1] for r in summary if isinstance(r[0], int)} >= set(titles)
    rows = list(wb["indicators"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    indicators = [i["indicator"] for t in data["tasks"] for i in t["indicators"]]
    assert [r[header.index("indicator")] for r in body] == indicators
    assert all(r[header.index("source")] and r[header.index("lead_unit")] for r in body)
    places = list(wb["by_division"].iter_rows(values_only=True))
    uncovered = [r for r in places[1:] if r[1] == "village_coverage_rate" and r[8] == "behind"]
    assert len(uncovered) == 5 and all(r[2] for r in uncovered)  # each with its township
    trend = list(wb["trend"].iter_rows(values_only=True))
    assert trend[0] == ("task", "indicator", "period", "value", "kept")
    kept = {
        (r[0], r[1], r[2]): (r[3], r[4])
        for r in trend[1:]  # 2022 is past: its twelve months, none with a snapshot
    }
    assert kept[(4, "village_coverage_rate", "2022-12")] == (None, "no snapshot")
    assert sum(1 for k in kept if k[:2] == (4, "village_coverage_rate")) == 12


def test_a_year_is_frozen_once_unless_replaced_and_compared_with_today(db: Path) -> None:
    """--freeze keeps the report; a second is refused (exit 2) unless --replace."""
    first = _report(db, "--freeze")
    again = runner.invoke(app, ["assess", "report", *ARGS, "--freeze"])
    assert again.exit_code == 2 and "--replace" in again.output
    shown = runner.invoke(app, ["assess", "show", *ARGS, "--frozen", "--json"])
    frozen = json.loads(shown.stdout)
    assert frozen["total_score"] == first["total_score"] and frozen["frozen_at"]
    assert frozen["replaced_at"] is None
    compared = runner.invoke(app, ["assess", "compare", *ARGS, "--json"])
    assert compared.exit_code == 0, compared.output
    c = json.loads(compared.stdout)
    assert c["total_change"] == 0 and len(c["tasks"]) == 20
    assert all(t["changed"] == [] for t in c["tasks"])
    runner.invoke(app, ["assess", "report", "--county", "652828", "--year", "2021", "--freeze"])
    years = json.loads(runner.invoke(app, ["assess", "history", "--county", "652828",
                                           "--json"]).stdout)  # fmt: skip
    assert [y["year"] for y in years] == [2021, 2022]
    assert years[1]["total_score"] == first["total_score"] and years[1]["sections"]
    replaced = runner.invoke(app, ["assess", "report", *ARGS, "--freeze", "--replace"])
    assert replaced.exit_code == 0, replaced.output
    shown = runner.invoke(app, ["assess", "show", *ARGS, "--frozen", "--json"])
    assert json.loads(shown.stdout)["replaced_at"] is not None
    never = runner.invoke(app, ["assess", "show", "--county", "652828", "--year", "2020",
                                "--frozen"])  # fmt: skip
    assert never.exit_code == 1 and "no frozen 2020 report" in never.output


def test_a_progress_note_keeps_author_time_and_encrypted_evidence(db: Path) -> None:
    """A note with a photo: listed with its file; the content stored only encrypted; a phone
    number in the text is masked."""
    photo = db / "站点照片.png"
    photo.write_bytes(PNG)
    done = runner.invoke(app, ["assess", "note", *ARGS, "--task", "4", "--text",
                               "新建2个村级服务站，联系人 13912345678", "--file", str(photo),
                               "--json"])  # fmt: skip
    assert done.exit_code == 0, done.output
    note = json.loads(done.stdout)
    assert note["task"] == 4 and note["added_by"] == "local" and note["added_at"]
    assert "13912345678" not in note["text"]
    assert note["files"][0]["name"] == "站点照片.png" and note["files"][0]["size"] == len(PNG)
    listed = json.loads(runner.invoke(app, ["assess", "notes", *ARGS, "--json"]).stdout)
    assert [n["id"] for n in listed] == [note["id"]]
    with bootstrap.open_engine(get_settings()).connect() as conn:
        (sealed,) = conn.execute(select(assessment_evidence.c.content_enc)).one()
    assert sealed and PNG not in sealed.encode() and "iVBOR" not in sealed
    report = _report(db)
    assert next(t for t in report["tasks"] if t["task"] == 4)["notes"] == 1
    back = db / "back.png"
    got = runner.invoke(app, ["assess", "evidence", "--county", "652828", "--id",
                              str(note["files"][0]["id"]), "--out", str(back)])  # fmt: skip
    assert got.exit_code == 0, got.output
    assert back.read_bytes() == PNG
    bad = runner.invoke(app, ["assess", "note", *ARGS, "--task", "99", "--text", "x"])
    assert bad.exit_code == 1 and "task 99" in bad.output


def test_county_export_writes_the_stored_sheet_back(db: Path) -> None:
    """`county export` writes assessment.toml; read back, it is the sheet that was loaded."""
    from countyexpress.adapters.packs.assessment import read_sheet
    from countyexpress.adapters.packs.reader import builtin_pack_path

    done = runner.invoke(app, ["county", "export", "652828", str(db / "out")])
    assert done.exit_code == 0, done.output
    county = bootstrap.read_pack_source("heshuo")
    folder = builtin_pack_path("heshuo")
    assert folder is not None
    assert read_sheet(db / "out", county.plan) == read_sheet(folder, county.plan)


def test_a_pack_with_a_bad_sheet_is_refused_whole_naming_file_and_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Points that do not add up refuse the pack before anything is stored."""
    import shutil

    from countyexpress.adapters.packs.reader import builtin_pack_path

    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", f"sqlite:///{tmp_path / 'b.db'}")
    get_settings.cache_clear()
    folder = builtin_pack_path("heshuo")
    assert folder is not None
    pack = tmp_path / "pack"
    shutil.copytree(folder, pack)
    sheet = pack / "assessment.toml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("points = 18", "points = 19", 1),
                     encoding="utf-8")  # fmt: skip
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    refused = runner.invoke(app, ["county", "load", str(pack)])
    assert refused.exit_code == 1
    assert "assessment.toml" in refused.output and "tasks.1.points" in refused.output
    listed = runner.invoke(app, ["county", "list", "--json"])
    assert json.loads(listed.stdout) == []
    get_settings.cache_clear()


def test_monthly_snapshots_make_the_trend_and_frozen_years_the_year_on_year(db: Path) -> None:
    """`assess snapshot` keeps a month; running a report keeps the current month; the JSON's
    trend lists the year's months, those without a snapshot saying so (no value made up)."""
    from countyexpress.domain.county_time import county_today

    today = county_today()
    year, this = today.year, f"{today.year:04d}-{today.month:02d}"
    earlier = f"{year - 1:04d}-12"
    taken = runner.invoke(app, ["assess", "snapshot", "--county", "652828", "--month", earlier,
                                "--json"])  # fmt: skip
    assert taken.exit_code == 0, taken.output
    kept = json.loads(taken.stdout)["values"]
    assert "village_coverage_rate" in kept
    future = f"{year + 1:04d}-01"
    refused = runner.invoke(app, ["assess", "snapshot", "--county", "652828", "--month", future])
    assert refused.exit_code == 1 and "month" in refused.output
    bad = runner.invoke(app, ["assess", "snapshot", "--county", "652828", "--month", "2026-13"])
    assert bad.exit_code == 1 and "YYYY-MM" in bad.output
    frozen_before = runner.invoke(
        app, ["assess", "report", "--county", "652828", "--year", str(year - 1), "--freeze"]
    )
    assert frozen_before.exit_code == 0, frozen_before.output
    data = runner.invoke(
        app, ["assess", "report", "--county", "652828", "--year", str(year), "--json"]
    )
    report = json.loads(data.stdout)
    village = next(t for t in report["tasks"] if t["task"] == 4)
    coverage = next(i for i in village["indicators"] if i["indicator"] == "village_coverage_rate")
    months = coverage["trend"]["months"]
    assert [m["month"] for m in months] == [
        f"{year:04d}-{m:02d}" for m in range(1, today.month + 1)
    ]
    assert months[-1] == {"month": this, "value": coverage["value"], "snapshot": True}
    assert all(m == {"month": m["month"], "value": None, "snapshot": False} for m in months[:-1])
    assert coverage["trend"]["years"] == [
        {"year": year - 1, "value": kept["village_coverage_rate"]}
    ]
    last_year = runner.invoke(
        app, ["assess", "show", "--county", "652828", "--year", str(year - 1), "--json"]
    )
    december = json.loads(last_year.stdout)["tasks"][3]["indicators"]
    (rate,) = [i for i in december if i["indicator"] == "village_coverage_rate"]
    assert rate["trend"]["months"][-1]["snapshot"] is True
    assert [m["snapshot"] for m in rate["trend"]["months"][:-1]] == [False] * 11
