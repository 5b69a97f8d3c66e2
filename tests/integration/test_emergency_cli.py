"""`countyexpress emergency`: teams checked against the registries, resources, events with the
24-hour report clock, and task 13's indicators in `plan kpis` on the Heshuo pack."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from countyexpress import bootstrap
from countyexpress.domain.staff import Occupation, StaffMember
from countyexpress.entrypoints.cli import app
from countyexpress.settings import get_settings

runner = CliRunner()
AT = dt.datetime(2026, 11, 30, 4, 0, tzinfo=dt.UTC)
C = ["--county", "652828"]
PEOPLE = ("E1", "E2", "E3", "E4", "E5")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", f"sqlite:///{tmp_path / 'e.db'}")
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["county", "load", "heshuo"]).exit_code == 0
    with bootstrap.uow_factory(bootstrap.open_engine(get_settings()))() as uow:
        for no in PEOPLE:
            uow.staff.put("652828", StaffMember(no, "zto", Occupation.COURIER), {}, AT)
        uow.commit()
    yield tmp_path
    get_settings.cache_clear()


def _json(*args: str) -> Any:
    done = runner.invoke(app, [*args, "--json"])
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def _kpis() -> dict[str, dict[str, Any]]:
    rows = _json("plan", "kpis", *C, "--year", "2022")
    assert isinstance(rows, list)
    return {r["indicator"]: r for r in rows}


def test_a_team_with_an_unregistered_member_is_refused_naming_the_staff_number(db: Path) -> None:
    refused = runner.invoke(app, ["emergency", "team", "add", "T1", *C, "--name", "一队",
                                  "--leader", "E1", "--member", "NOBODY"])  # fmt: skip
    assert refused.exit_code == 1 and "NOBODY" in refused.output
    refused = runner.invoke(app, ["emergency", "team", "add", "T1", *C, "--name", "一队",
                                  "--leader", "E1", "--vehicle", "HS-KD-NONE"])  # fmt: skip
    assert refused.exit_code == 1 and "HS-KD-NONE" in refused.output
    assert _json("emergency", "team", "list", *C) == []


def test_teams_and_resources_feed_task_13s_indicators_in_plan_kpis(db: Path) -> None:
    before = _kpis()
    assert before["emergency_teams_staffed_share"]["status"] == "no_data"
    kinds = before["emergency_resource_kinds_covered_share"]
    assert kinds["task"] == 13 and kinds["value"] == 0 and kinds["lead_unit"]
    team = _json("emergency", "team", "add", "T1", *C, "--name", "县城应急一队",
                 "--leader", "E1", *[a for no in PEOPLE[1:] for a in ("--member", no)],
                 "--vehicle", "HS-KD-DEMO-V01", "--equipment", "卫星电话",
                 "--availability", "on_duty")  # fmt: skip
    assert isinstance(team, dict) and team["size"] == 5
    small = _json("emergency", "team", "add", "T2", *C, "--name", "二队", "--leader", "E1",
                  "--member", "E2")  # fmt: skip
    assert isinstance(small, dict)
    shown = _json("emergency", "team", "show", "T2", *C)
    assert isinstance(shown, dict) and shown["meets_min_size"] is False
    assert shown["min_size"] == 5
    for kind, name, qty, unit in (("material", "防汛沙袋", "200", "件"),
                                  ("communications", "卫星电话", "2", "台"),
                                  ("funds", "应急储备金", "50000", "元")):  # fmt: skip
        _json("emergency", "resource", "add", *C, "--kind", kind, "--name", name,
              "--quantity", qty, "--unit", unit, "--location", "HS-CENTER")  # fmt: skip
    food = ["--kind", "food", "--name", "x", "--quantity", "1", "--unit", "件"]
    bad = runner.invoke(app, ["emergency", "resource", "add", *C, *food, "--location", "HS-CENTER"])
    assert bad.exit_code == 1 and "food" in bad.output
    listed = _json("emergency", "resource", "list", *C, "--kind", "funds")
    assert isinstance(listed, list) and [r["name"] for r in listed] == ["应急储备金"]
    after = _kpis()
    staffed = after["emergency_teams_staffed_share"]
    assert staffed["value"] == 0.5 and staffed["task"] == 13  # T1 yes, T2 two people
    covered = after["emergency_resource_kinds_covered_share"]
    assert covered["value"] == 0.8  # team, material, communications, funds; no vehicle
    assert covered["detail"]["vehicle"] == 0
    assert after["emergency_priority_first_share"]["status"] == "no_data"


def test_an_event_is_opened_reported_within_24_hours_and_closed(db: Path) -> None:
    opened = _json("emergency", "event", "open", *C, "--grade", "II", "--subject",
                   "carrier:zto", "--occurred-at", "2026-11-30T08:00+08:00",
                   "--summary", "暴雪 分拨中心停运")  # fmt: skip
    assert isinstance(opened, dict) and opened["state"] == "occurred"
    assert opened["report_due_at"] == "2026-12-01T00:00:00+00:00"
    assert opened["minutes_left"] < 0 and opened["verbs"] == ["report"]
    early = runner.invoke(app, ["emergency", "event", "close", str(opened["id"]), *C])
    assert early.exit_code == 2  # an event is reported before it is closed
    reported = _json("emergency", "event", "report", str(opened["id"]), *C,
                     "--at", "2026-11-30T20:00+08:00")  # fmt: skip
    assert isinstance(reported, dict) and reported["reported_in_time"] is True
    _json("emergency", "event", "respond", str(opened["id"]), *C, "--at", "2026-11-30T21:00Z")
    closed = _json("emergency", "event", "close", str(opened["id"]), *C)
    assert isinstance(closed, dict) and closed["state"] == "closed" and closed["verbs"] == []
    at = ["--occurred-at", "2026-11-30T08:00+08:00"]
    bad = runner.invoke(app, ["emergency", "event", "open", *C, "--grade", "V", "--subject",
                              "carrier:zto", *at])  # fmt: skip
    assert bad.exit_code == 1 and "grade" in bad.output
    naive = runner.invoke(app, ["emergency", "event", "open", *C, "--grade", "I", "--subject",
                                "carrier:zto", "--occurred-at", "2026-11-30T08:00"])  # fmt: skip
    assert naive.exit_code == 1 and "zone" in naive.output
    (row,) = _json("emergency", "event", "list", *C)
    assert row["grade"] == "II" and row["state"] == "closed"
    rate = _kpis()["emergency_reported_in_time_rate"]
    assert rate["task"] == 13


def _sheet(path: Path, rows: list[list[Any]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_emergency_events_import_from_xlsx_all_or_nothing(db: Path) -> None:
    head = ["subject", "grade", "occurred_at", "summary"]
    bad = _sheet(db / "bad.xlsx", [head, ["carrier:zto", "II", "2026-11-30 08:00", "停电"],
                                   ["carrier:yto", "V", "2026-11-30 09:00", ""]])  # fmt: skip
    refused = runner.invoke(app, ["records", "import", str(bad), *C, "--kind", "emergency_event"])
    assert refused.exit_code != 0
    assert "bad.xlsx" in refused.output and "3" in refused.output and "grade" in refused.output
    assert _json("emergency", "event", "list", *C) == []
    good = _sheet(db / "good.xlsx", [head, ["carrier:zto", "II", "2026-11-30 08:00", "停电"]])
    done = runner.invoke(app, ["records", "import", str(good), *C, "--kind", "emergency_event"])
    assert done.exit_code == 0, done.output
    (row,) = _json("emergency", "event", "list", *C)
    assert row["occurred_at"] == "2026-11-30T00:00:00+00:00"  # 08:00 in the county
