"""`countyexpress staff add|import|show|insure|leave|list`: personal data encrypted and shown
masked (never the ID number), imports all or nothing and idempotent, training due days from
the pack's interval, and a leaving recorded on the real path (the purge's clock)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from typer.testing import CliRunner

from countyexpress import bootstrap
from countyexpress.adapters.db.tables_staff import staff
from countyexpress.domain.county_time import county_today
from countyexpress.domain.supervision.calendar import add_months
from countyexpress.entrypoints.cli import app
from countyexpress.settings import get_settings

runner = CliRunner()
C = ["--county", "652828"]
ID = "11010519491231002X"
ID2 = "110105199003071239"
HEADER = "staff_no,employer,occupation,name,id_number,phone,level,pre_job_trained_on"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", f"sqlite:///{tmp_path / 's.db'}")
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["county", "load", "heshuo"]).exit_code == 0
    yield tmp_path
    get_settings.cache_clear()


def run(*args: str) -> str:
    done = runner.invoke(app, list(args))
    assert done.exit_code == 0, done.output
    return done.stdout


def rows_of_table() -> list[dict[str, object]]:
    engine = bootstrap.open_engine(get_settings())
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(staff)).mappings()]


def add_s1() -> None:
    run("staff", "add", "S1", *C, "--employer", "zto", "--occupation", "courier",
        "--name", "王小明", "--id-number", ID, "--phone", "13800138000",
        "--level", "4")  # fmt: skip


def test_add_encrypts_and_show_masks_never_the_id_number(db: Path) -> None:
    add_s1()
    shown = json.loads(run("staff", "show", "S1", *C, "--json"))
    assert shown["name"] == "王**" and shown["phone"] != "13800138000"
    assert shown["level"] == 4 and shown["training"] == "untrained"
    text = run("staff", "show", "S1", *C) + run("staff", "list", *C, "--json")
    assert "王小明" not in text and ID not in text and "13800138000" not in text
    [row] = rows_of_table()
    stored = " ".join(str(v) for v in row.values())
    assert "王小明" not in stored and ID not in stored and "13800138000" not in stored
    assert row["name_enc"] and row["id_number_enc"] and row["phone_enc"]


def test_add_refuses_a_bad_id_number_a_stranger_employer_and_a_number_twice(db: Path) -> None:
    bad = runner.invoke(app, ["staff", "add", "S1", *C, "--employer", "zto", "--occupation",
                              "courier", "--name", "王小明", "--id-number", "110105194912310021",
                              "--phone", "13800138000"])  # fmt: skip
    assert bad.exit_code == 1 and "id_number" in bad.output
    assert "110105194912310021" not in bad.output
    stranger = runner.invoke(app, ["staff", "add", "S1", *C, "--employer", "nobody",
                                   "--occupation", "courier", "--name", "王小明",
                                   "--id-number", ID, "--phone", "13800138000"])  # fmt: skip
    assert stranger.exit_code == 1 and "employer" in stranger.output
    add_s1()
    again = runner.invoke(app, ["staff", "add", "S1", *C, "--employer", "zto", "--occupation",
                                "courier", "--name", "王小明", "--id-number", ID,
                                "--phone", "13800138000"])  # fmt: skip
    assert again.exit_code == 2 and "already registered" in again.output


def test_import_is_all_or_nothing_naming_file_line_and_field(db: Path) -> None:
    bad = db / "staff.csv"
    bad.write_text(
        f"{HEADER}\n"
        f"S1,zto,courier,王小明,{ID},13800138000,4,2026-03-01\n"
        "S2,zto,pilot,李四,110105194912310021,13800138001,9,2026-13-01\n"
        f"S1,nobody,快递员,张三,{ID2},13800138002,,\n",
        encoding="utf-8",
    )
    refused = runner.invoke(app, ["staff", "import", str(bad), *C])
    assert refused.exit_code == 1
    for where in ("staff.csv line 3: occupation", "staff.csv line 3: id_number",
                  "staff.csv line 3: level", "staff.csv line 3: pre_job_trained_on",
                  "staff.csv line 4: staff_no"):  # fmt: skip
        assert where in refused.output, refused.output
    assert "110105194912310021" not in refused.output
    assert rows_of_table() == []  # nothing stored
    stranger = db / "stranger.csv"
    stranger.write_text(f"{HEADER}\nS1,nobody,courier,王小明,{ID},13800138000,,\n", "utf-8")
    out = runner.invoke(app, ["staff", "import", str(stranger), *C])
    assert out.exit_code == 1 and "stranger.csv line 2: employer" in out.output


def test_a_good_list_replaces_by_staff_number_and_importing_again_changes_nothing(
    db: Path,
) -> None:
    good = db / "staff.csv"
    good.write_text(
        f"{HEADER}\n"
        f"S1,zto,courier,王小明,{ID},13800138000,4,2026-03-01\n"
        f"S2,HS-STA-01,快件处理员,李四,{ID2},13800138001,,\n",
        encoding="utf-8",
    )
    assert json.loads(run("staff", "import", str(good), *C, "--json")) == {"stored": 2}
    first = run("staff", "list", *C, "--json")
    assert json.loads(run("staff", "import", str(good), *C, "--json")) == {"stored": 2}
    assert run("staff", "list", *C, "--json") == first
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    ws.append(["S2", "HS-STA-01", "handler", "李四", ID2, "13800138001", 3, "2026-04-01"])
    book = db / "staff.xlsx"
    wb.save(book)
    assert json.loads(run("staff", "import", str(book), *C, "--json")) == {"stored": 1}
    rows = {r["staff_no"]: r for r in json.loads(run("staff", "list", *C, "--json"))}
    assert len(rows) == 2 and rows["S2"]["level"] == 3
    assert rows["S2"]["pre_job_trained_on"] == "2026-04-01"


def test_list_shows_training_due_and_overdue_from_the_pack_interval(db: Path) -> None:
    """Heshuo's supervision.toml: staff.training 12 months (an estimate)."""
    today = county_today()
    old, recent = add_months(today, -13), add_months(today, -12).replace(day=1)
    good = db / "staff.csv"
    good.write_text(
        f"{HEADER}\n"
        f"S1,zto,courier,王小明,{ID},13800138000,,{old.isoformat()}\n"
        f"S2,zto,courier,李四,{ID2},13800138001,,{today.isoformat()}\n",
        encoding="utf-8",
    )
    run("staff", "import", str(good), *C)
    rows = {r["staff_no"]: r for r in json.loads(run("staff", "list", *C, "--json"))}
    assert rows["S1"]["training"] == "overdue"
    assert rows["S1"]["training_due"] == add_months(old, 12).isoformat()
    assert rows["S2"]["training"] == "ok"
    run("staff", "train", "S1", *C, "--on", today.isoformat())
    run("staff", "train", "S2", *C, "--on", recent.isoformat())
    rows = {r["staff_no"]: r for r in json.loads(run("staff", "list", *C, "--json"))}
    assert rows["S1"]["training"] == "ok"
    assert rows["S2"]["training_due"] == add_months(recent, 12).isoformat()
    assert rows["S2"]["training"] in ("due", "overdue")


def test_insure_then_leave_the_gate_refuses_and_the_purge_clock_starts(db: Path) -> None:
    add_s1()
    today = county_today()
    until = add_months(today, 6).isoformat()
    run("staff", "insure", "S1", *C, "--social-until", until, "--injury-until", until)
    run("staff", "train", "S1", *C, "--on", today.isoformat(), "--pre-job")
    shown = json.loads(run("staff", "show", "S1", *C, "--json"))
    assert shown["insured"] is True and shown["injury_insurance_until"] == until
    kpis = {r["indicator"]: r for r in json.loads(run("plan", "kpis", *C, "--json"))}
    assert kpis["staff_insured_share"]["value"] == 1
    assert runner.invoke(app, ["staff", "check", "S1", *C]).exit_code == 0
    run("staff", "leave", "S1", *C, "--on", today.isoformat())
    refused = runner.invoke(app, ["staff", "check", "S1", *C])
    assert refused.exit_code == 2 and "left on" in refused.output
    [row] = rows_of_table()
    assert row["left_at"] is not None  # the purge's retention clock (personal_clock)
    kpis = {r["indicator"]: r for r in json.loads(run("plan", "kpis", *C, "--json"))}
    assert kpis["staff_insured_share"]["value"] is None  # nobody works here any more


def test_user_add_of_a_keeper_or_driver_needs_a_staff_number_and_passes_the_gate(
    db: Path,
) -> None:
    add_s1()
    password = "a long enough pass phrase 7\n"
    bare = runner.invoke(app, ["user", "add", "d1", "--role", "driver", *C, "--password-stdin"],
                         input=password)  # fmt: skip
    assert bare.exit_code == 1 and "--staff-no" in bare.output
    args = ["user", "add", "d1", "--role", "driver", *C, "--staff-no", "S1", "--password-stdin"]
    untrained = runner.invoke(app, args, input=password)
    assert untrained.exit_code == 1 and "S1 cannot be put on a run" in untrained.output
    assert "d1" not in run("user", "list")
    run("staff", "train", "S1", *C, "--on", county_today().isoformat(), "--pre-job")
    done = runner.invoke(app, args, input=password)
    assert done.exit_code == 0, done.output
    assert json.loads(run("staff", "show", "S1", *C, "--json"))["account"] == "d1"
