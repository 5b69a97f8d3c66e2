"""`countyexpress credit …` and `filing …` end to end: the blacklist blocks a filing, an
unfiled outlet is overdue and costs its credit, the directory lists both."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from countyexpress.domain.county_time import county_today
from countyexpress.entrypoints.cli import app
from countyexpress.settings import get_settings
from packs import copy_pack, edit_line

runner = CliRunner()
COUNTY = "652828"
COMMUNITY = "652828100001"
MANAGER_ID = "110101199003074258"  # a valid GB 11643 test number (checksum right)


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test has its own data folder and database."""
    monkeypatch.setenv("COUNTYEXPRESS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", f"sqlite:///{tmp_path / 'cx.db'}")
    get_settings.cache_clear()
    yield tmp_path / "cx.db"
    get_settings.cache_clear()


def cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def cli_json(*args: str) -> Any:
    code, out, err = cli(*args, "--json")
    assert code == 0, err
    return json.loads(out)


def load_heshuo_with_a_new_outlet(tmp_path: Path, opened: dt.date) -> None:
    """Heshuo with HS-OUT-03 opened on `opened` and not filed."""
    pack = copy_pack("heshuo", tmp_path)
    facilities = pack / "facilities.csv"
    edit_line(facilities, 6, "opened_on", opened.isoformat())
    edit_line(facilities, 6, "filing_no", "")
    edit_line(facilities, 6, "filed_on", "")
    code, _, err = cli("county", "load", str(pack))
    assert code == 0, err


def test_findings_blacklist_a_carrier_whose_next_filing_is_refused_and_listed(
    database: Path, tmp_path: Path
) -> None:
    """Two prohibited items within 12 months (the Heshuo rule): credit show says so, the
    filing is refused with exit 2 and the reason, the directory lists the carrier."""
    assert cli("county", "load", "heshuo")[0] == 0
    today = county_today()
    first = (today - dt.timedelta(days=90)).isoformat()
    cli_json("credit", "record", "-c", COUNTY, "--subject", "carrier:zto",
             "--event", "prohibited_item_accepted", "--at", first)  # fmt: skip
    before = cli_json("credit", "show", "-c", COUNTY, "--subject", "carrier:zto")
    assert (before["score"], before["blacklisted"]) == (90, False)
    cli_json("credit", "record", "-c", COUNTY, "--subject", "carrier:zto",
             "--event", "prohibited_item_accepted", "--note", "锂电池 found at intake")  # fmt: skip
    shown = cli_json("credit", "show", "-c", COUNTY, "--subject", "carrier:zto")
    assert shown["blacklisted"] is True
    assert shown["score"] == 80 and shown["level"] == "B"
    assert shown["blacklist"][0]["listed_on"] == today.isoformat()
    assert [e["type"] for e in shown["events"]] == ["prohibited_item_accepted"] * 2

    code, out, err = cli("filing", "submit", "-c", COUNTY, "--carrier", "zto",
                         "--name", "中通新区驿站", "--community", COMMUNITY,
                         "--opened", today.isoformat())  # fmt: skip
    assert code == 2 and out == ""
    assert "zto is blacklisted since" in err and "prohibited_item_accepted" in err
    assert cli_json("filing", "list", "-c", COUNTY)["records"] == []  # nothing stored

    other = cli_json("filing", "submit", "-c", COUNTY, "--carrier", "yto",
                     "--name", "圆通新区驿站", "--community", COMMUNITY,
                     "--opened", today.isoformat(), "--manager-id", MANAGER_ID)  # fmt: skip
    assert other["state"] == "submitted" and other["facts"]["carrier"] == "yto"
    assert MANAGER_ID not in json.dumps(other)

    xlsx = tmp_path / "directory.xlsx"
    assert cli("credit", "directory", "-c", COUNTY, "--out", str(xlsx))[0] == 0
    rows = list(load_workbook(xlsx).active.iter_rows(min_row=4, values_only=True))
    zto = next(r for r in rows if r[2] == "zto")
    assert zto[6] == "是 Yes" and zto[7] == today.isoformat() and zto[5] == "B"
    assert all(r[6] == "否 No" for r in rows if r[2] != "zto")


def test_an_outlet_opened_21_days_ago_without_a_filing_is_overdue_and_costs_credit(
    database: Path, tmp_path: Path
) -> None:
    """20 days to file: on day 21 it is overdue in `filing list --overdue`, and its credit
    carries an unfiled_outlet event dated the day after its due day."""
    today = county_today()
    load_heshuo_with_a_new_outlet(tmp_path, today - dt.timedelta(days=21))
    overdue = cli_json("filing", "list", "-c", COUNTY, "--overdue")
    new = [o for o in overdue["outlets"] if o["outlet"] == "HS-OUT-03"]
    assert new and new[0]["state"] == "overdue" and new[0]["days_left"] == -1
    credit = cli_json("credit", "show", "-c", COUNTY, "--subject", "outlet:HS-OUT-03")
    assert [(e["type"], e["on"]) for e in credit["events"]] == [
        ("unfiled_outlet", today.isoformat())
    ]
    assert credit["score"] == 95


def test_an_outlet_filed_within_20_days_is_not_overdue_and_a_review_stops_the_clock(
    database: Path, tmp_path: Path
) -> None:
    """Filed on day 19 by its carrier: met; the regulator's notice of what is missing and the
    decision each run on working days."""
    today = county_today()
    load_heshuo_with_a_new_outlet(tmp_path, today - dt.timedelta(days=19))
    filed = cli_json("filing", "submit", "-c", COUNTY, "--carrier", "ems", "--outlet",
                     "HS-OUT-03", "--name", "邮政快递团结社区网点", "--community", COMMUNITY,
                     "--opened", (today - dt.timedelta(days=19)).isoformat())  # fmt: skip
    clocks = {c["rule"]: c for c in filed["clocks"]}
    assert set(clocks) == {"filing.notice", "filing.decide"}
    outlets = cli_json("filing", "list", "-c", COUNTY)["outlets"]
    mine = next(o for o in outlets if o["outlet"] == "HS-OUT-03")
    assert (mine["state"], mine["filed_by"]) == ("met", f"record {filed['id']}")
    assert all(o["outlet"] != "HS-OUT-03" for o in
               cli_json("filing", "list", "-c", COUNTY, "--overdue")["outlets"])  # fmt: skip
    noticed = cli_json("filing", "review", str(filed["id"]), "-c", COUNTY,
                       "--decision", "incomplete", "--missing", "CCTV photo")  # fmt: skip
    assert noticed["state"] == "incomplete" and noticed["facts"]["missing"] == "CCTV photo"
    code, _, err = cli("filing", "review", str(filed["id"]), "-c", COUNTY,
                       "--decision", "incomplete", "--missing", "sign")  # fmt: skip
    assert code == 2 and "cannot notify_incomplete" in err


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--event", "late_lunch"), "not a credit event type"),
        (("--event", "finding", "--subject", "planet:x"), "not one of"),
        (("--event", "inspection_finding", "--at", "2999-01-01"), "in the future"),
    ],
)
def test_bad_credit_input_is_refused_with_the_reason(
    database: Path, args: tuple[str, ...], said: str
) -> None:
    """Unknown event types and subjects, and events in the future, exit 2 and store nothing."""
    assert cli("county", "load", "heshuo")[0] == 0
    subject = () if "--subject" in args else ("--subject", "carrier:zto")
    code, _, err = cli("credit", "record", "-c", COUNTY, *subject, *args)
    assert code == 2 and said in err
    assert cli_json("credit", "show", "-c", COUNTY, "--subject", "carrier:zto")["events"] == []


def test_plan_kpis_carry_the_supervision_indicators_of_tasks_2_12_and_14(
    database: Path, tmp_path: Path
) -> None:
    """Filing timeliness and overdue outlets (task 2), the blacklist (task 12), and the
    complaint clock (task 14) come from the records, with the task's lead unit."""
    today = county_today()
    load_heshuo_with_a_new_outlet(tmp_path, today - dt.timedelta(days=21))
    cli_json("credit", "record", "-c", COUNTY, "--subject", "carrier:jt",
             "--event", "personal_data_leak")  # fmt: skip
    kpis = {k["indicator"]: k for k in cli_json("plan", "kpis", "-c", COUNTY)}
    overdue = kpis["outlets_filing_overdue"]
    assert overdue["task"] == 2 and overdue["value"] >= 1 and overdue["status"] == "behind"
    assert "HS-OUT-03" in overdue["detail"]["outlets"]
    timely = kpis["outlets_filed_in_time_rate"]
    assert 0 < timely["value"] < 1
    listed = kpis["blacklisted_subjects"]
    assert (listed["task"], listed["value"]) == (12, 1)
    assert listed["detail"]["subjects"] == "carrier:jt"
    assert listed["lead_unit"]  # the pack's lead unit of task 12
    assert kpis["complaints_answered_in_time_rate"]["status"] == "no_data"


def test_a_round_is_drawn_by_credit_recorded_and_its_finding_followed_up(database: Path) -> None:
    """Plan, draw (the blacklisted always, ⌈ratio × n⌉ of the others, repeatable from the
    seed), record with a finding that costs credit, then close the finding."""
    assert cli("county", "load", "heshuo")[0] == 0
    today = county_today()
    cli_json("credit", "record", "-c", COUNTY, "--subject", "carrier:jt",
             "--event", "personal_data_leak")  # fmt: skip
    planned = cli_json("inspect", "plan", "-c", COUNTY, "--round", "R1", "--seed", "11",
                       "--kinds", "carrier")  # fmt: skip
    assert len(planned) == 9 and {p["state"] for p in planned} == {"to_draw"}  # 9 carriers
    code, _, err = cli("inspect", "plan", "-c", COUNTY, "--round", "R1", "--seed", "12")
    assert code == 2 and "planned already" in err
    drawn = cli_json("inspect", "draw", "-c", COUNTY, "--round", "R1")
    subjects = [d["subject"] for d in drawn["drawn"]]
    # Heshuo ratios: blacklisted 1.0, A 0.05 → jt plus ⌈0.05 × 8⌉ = 1 of the eight others
    assert "carrier:jt" in subjects and len(subjects) == 2 and drawn["not_drawn"] == 7
    again = [d["subject"] for d in cli_json("inspect", "list", "-c", COUNTY)
             if d["state"] == "drawn"]  # fmt: skip
    assert sorted(again) == sorted(subjects)
    target = next(d for d in drawn["drawn"] if d["subject"] == "carrier:jt")
    assert target["clocks"][0]["rule"] == "inspection.carry_out"

    done = cli_json("inspect", "record", str(target["id"]), "-c", COUNTY,
                    "--ok", "real_name", "--finding", "screening_mark:no security mark",
                    "--deadline-days", "10")  # fmt: skip
    assert done["inspection"]["state"] == "done"
    (finding,) = done["findings"]
    assert finding["clocks"][0]["due"] == (today + dt.timedelta(days=10)).isoformat()
    credit = cli_json("credit", "show", "-c", COUNTY, "--subject", "carrier:jt")
    assert [e["type"] for e in credit["events"]] == ["personal_data_leak", "inspection_finding"]
    closed = cli_json("inspect", "close", str(finding["id"]), "-c", COUNTY)
    assert closed["state"] == "closed"
    assert cli_json("inspect", "list", "-c", COUNTY, "--kind", "finding", "--overdue") == []


def test_an_unanswered_complaint_is_overdue_and_an_upheld_appeal_costs_credit(
    database: Path,
) -> None:
    """7 days to answer; an upheld appeal of a delivery without consent counts twice."""
    assert cli("county", "load", "heshuo")[0] == 0
    today = county_today()
    eight_days_ago = (today - dt.timedelta(days=8)).isoformat()
    added = cli_json("complaint", "add", "-c", COUNTY, "--subject", "carrier:sto",
                     "--type", "unconsented_delivery", "--about", "put in a locker, 13912345678",
                     "--phone", "139 1234 5678", "--on", eight_days_ago)  # fmt: skip
    assert "13912345678" not in json.dumps(added)
    assert added["facts"]["contact"] == "*******5678"
    (late,) = cli_json("complaint", "list", "-c", COUNTY, "--overdue")
    assert late["id"] == added["id"]
    cli_json("complaint", "appeal", str(added["id"]), "-c", COUNTY)
    upheld = cli_json("complaint", "uphold", str(added["id"]), "-c", COUNTY)
    assert upheld["state"] == "upheld" and upheld["next"] == []
    credit = cli_json("credit", "show", "-c", COUNTY, "--subject", "carrier:sto")
    assert sorted(e["type"] for e in credit["events"]) == [
        "complaint_upheld",
        "unconsented_delivery",
    ]
    assert credit["score"] == 94
    code, _, err = cli("complaint", "add", "-c", COUNTY, "--subject", "carrier:sto",
                       "--type", "service", "--about", "rude", "--phone", "12345")  # fmt: skip
    assert code == 2 and "phone" in err


def test_export_writes_the_rules_and_a_changed_rule_loads_with_the_county(
    database: Path, tmp_path: Path
) -> None:
    """`county export` writes supervision.toml; a county that answers complaints in 3 days
    loads with that rule, and a broken rule refuses the whole load."""
    assert cli("county", "load", "heshuo")[0] == 0
    dest = tmp_path / "export"
    assert cli("county", "export", COUNTY, str(dest))[0] == 0
    rules = dest / "supervision.toml"
    text = rules.read_text(encoding="utf-8")
    assert 'name = "complaint.answer"' in text and "2026-10-01" in text
    rules.write_text(text.replace('name = "complaint.answer"\nlength = 7',
                                  'name = "complaint.answer"\nlength = 3'),
                     encoding="utf-8")  # fmt: skip
    assert cli("county", "load", str(dest))[0] == 0
    added = cli_json("complaint", "add", "-c", COUNTY, "--subject", "carrier:ems",
                     "--type", "delay", "--about", "late")  # fmt: skip
    assert added["clocks"][0]["due"] == (county_today() + dt.timedelta(days=3)).isoformat()
    rules.write_text(text.replace('unit = "working_days"', 'unit = "fortnights"', 1),
                     encoding="utf-8")  # fmt: skip
    code, _, err = cli("county", "load", str(dest))
    assert code == 1 and "supervision.toml" in err and "unit" in err
    again = cli_json("complaint", "add", "-c", COUNTY, "--subject", "carrier:ems",
                     "--type", "delay", "--about", "late again")  # fmt: skip
    assert again["clocks"][0]["due"] == added["clocks"][0]["due"]  # the 3-day rule stayed


def _xlsx(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_filings_import_all_or_nothing_with_each_problem_by_line_and_column(
    database: Path, tmp_path: Path
) -> None:
    """A workbook of three filings with two bad rows stores nothing and names both rows;
    fixed, all three are stored and the export lists them with their clocks."""
    assert cli("county", "load", "heshuo")[0] == 0
    today = county_today()
    header = ["outlet", "carrier", "name", "community", "opened", "manager_id"]
    rows: list[list[Any]] = [
        ["NEW-A", "zto", "中通A驿站", COMMUNITY, today, MANAGER_ID],
        ["NEW-B", "nosuch", "B驿站", COMMUNITY, today.isoformat(), ""],
        ["NEW-C", "yto", "圆通C驿站", COMMUNITY, "2026-13-40", "123"],
    ]
    bad = _xlsx(tmp_path / "filings.xlsx", header, rows)
    code, _, err = cli("records", "import", str(bad), "-c", COUNTY, "--kind", "outlet_filing")
    assert code == 2
    assert "filings.xlsx line 3: carrier:" in err and "nosuch" in err
    assert "filings.xlsx line 4: opened:" in err
    assert MANAGER_ID not in err
    assert cli_json("filing", "list", "-c", COUNTY)["records"] == []  # nothing stored
    rows[1][1], rows[2][4], rows[2][5] = "sto", today.isoformat(), ""
    good = _xlsx(tmp_path / "filings.xlsx", header, rows)
    stored = cli_json("records", "import", str(good), "-c", COUNTY, "--kind", "outlet_filing")
    assert stored == {"kind": "outlet_filing", "stored": 3}
    out = tmp_path / "export.xlsx"
    assert cli("records", "export", "-c", COUNTY, "--kind", "outlet_filing",
               "--out", str(out))[0] == 0  # fmt: skip
    sheet = list(load_workbook(out).active.iter_rows(values_only=True))
    head = list(sheet[0])
    assert {"subject", "state", "filing.decide.due", "carrier"} <= set(head)
    assert sorted(r[head.index("subject")] for r in sheet[1:]) == [
        "outlet:NEW-A", "outlet:NEW-B", "outlet:NEW-C"]  # fmt: skip
    assert MANAGER_ID not in str(sheet)


def test_an_unknown_column_and_a_file_that_is_no_workbook_are_refused(
    database: Path, tmp_path: Path
) -> None:
    """The header is checked before any row; a text file is not read as a workbook."""
    assert cli("county", "load", "heshuo")[0] == 0
    path = _xlsx(
        tmp_path / "events.xlsx",
        ["subject", "event", "colour"],
        [["carrier:zto", "finding", "red"]],
    )
    code, _, err = cli("records", "import", str(path), "-c", COUNTY, "--kind", "credit_event")
    assert code == 2 and "events.xlsx line 1: colour: unknown column" in err
    text = tmp_path / "events.txt"
    text.write_text("subject,event\n", encoding="utf-8")
    code, _, err = cli("records", "import", str(text), "-c", COUNTY, "--kind", "credit_event")
    assert code == 2 and "not an Excel workbook" in err
    ok = _xlsx(tmp_path / "ok.xlsx", ["subject", "event", "on"],
               [["carrier:zto", "inspection_finding", county_today()]])  # fmt: skip
    assert (
        cli_json("records", "import", str(ok), "-c", COUNTY, "--kind", "credit_event")["stored"]
        == 1
    )
    assert cli_json("credit", "show", "-c", COUNTY, "--subject", "carrier:zto")["score"] == 98
