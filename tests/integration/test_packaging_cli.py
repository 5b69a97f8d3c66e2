"""`countyexpress packaging import | report` and task 17 in `plan kpis` (issue 14 item 3)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from countyexpress.entrypoints.cli import app
from countyexpress.settings import get_settings

runner = CliRunner()

HEADER = (
    "carrier,outlet,month,parcels,slim_tape,e_waybill,not_reboxed,transit_bags,"
    "reusable_transit_bags,reusable_boxes_in_use,cartons_reused\n"
)
GOOD = (
    HEADER
    + """zto,HS-OUT-01,2022-03,1000,950,1000,700,40,36,12,300
zto,HS-OUT-01,2022-04,1000,850,990,900,40,38,15,200
sto,,2022-04,500,500,500,300,10,10,0,50
"""
)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["county", "load", "heshuo"]).exit_code == 0
    yield tmp_path
    get_settings.cache_clear()


def _kpis() -> dict[str, dict[str, Any]]:
    result = runner.invoke(app, ["plan", "kpis", "--county", "652828", "--year", "2022", "--json"])
    assert result.exit_code == 0, result.output
    return {r["indicator"]: r for r in json.loads(result.stdout) if r["task"] == 17}


def test_plan_kpis_say_no_data_then_compute_task_17_after_an_import(db: Path) -> None:
    before = _kpis()
    assert before["slim_tape_share"]["status"] == "no_data"
    assert "no packaging reports for 2022" in str(before["slim_tape_share"]["note"])
    file = db / "packaging.csv"
    file.write_text(GOOD, encoding="utf-8")
    done = runner.invoke(app, ["packaging", "import", str(file), "--county", "652828"])
    assert done.exit_code == 0, done.output
    rows = _kpis()
    slim = rows["slim_tape_share"]
    assert slim["value"] == pytest.approx(2300 / 2500)
    assert (slim["target"], slim["target_year"], slim["status"]) == (0.9, 2020, "met")
    assert "verified" in str(slim["target_note_en"]) and "已核实" in str(slim["target_note"])
    assert slim["lead_unit"]
    assert {p["code"] for p in slim["parts"] if p["level"] == "carrier"} == {"sto", "zto"}
    reboxed = rows["not_reboxed_share"]
    assert (reboxed["value"], reboxed["target"], reboxed["status"]) == (0.76, 0.8, "behind")
    assert rows["reusable_boxes_in_use"]["value"] == 15
    assert rows["reusable_boxes_in_use"]["status"] == "no_target"
    assert "national" in str(rows["reusable_boxes_in_use"]["note"])
    assert rows["cartons_reused"]["value"] == 550


def test_the_same_file_twice_replaces_and_report_breaks_it_down(db: Path) -> None:
    file = db / "packaging.csv"
    file.write_text(GOOD, encoding="utf-8")
    for _ in range(2):
        done = runner.invoke(app, ["packaging", "import", str(file), "--county", "652828"])
        assert done.exit_code == 0, done.output
    result = runner.invoke(app, ["packaging", "report", "--county", "652828", "--by", "month",
                                 "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["period"] == "2022"
    by_month = {r["key"]: r for r in data["rows"]}
    assert by_month["2022-03"]["parcels"] == 1000  # not 2000: the second import replaced
    assert by_month["2022-04"]["cartons_reused"] == 250
    one = runner.invoke(app, ["packaging", "report", "--county", "652828", "--month", "2022-03",
                              "--by", "outlet"])  # fmt: skip
    assert one.exit_code == 0 and "HS-OUT-01" in one.output and "95.0%" in one.output


def test_a_bad_xlsx_is_refused_whole_naming_file_row_and_field(db: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["carrier", "outlet", "month", "parcels", "slim_tape"])
    ws.append(["zto", "HS-OUT-01", "2022-05", 10, 9])
    ws.append(["zto", "NO-SUCH", "2022-05", 10, 9])
    ws.append(["sto", "", "2022-05", 10, 11])
    ws.append(["nobody", "", "2022-05", 10, 1])
    path = db / "bad.xlsx"
    wb.save(path)
    refused = runner.invoke(app, ["packaging", "import", str(path), "--county", "652828"])
    assert refused.exit_code == 2
    assert "bad.xlsx line 3: outlet" in refused.output
    assert "bad.xlsx line 4: slim_tape" in refused.output
    assert "bad.xlsx line 5: carrier" in refused.output
    report = runner.invoke(app, ["packaging", "report", "--county", "652828", "--json"])
    assert json.loads(report.stdout)["rows"] == []  # nothing stored, not even line 2


def test_packaging_seen_at_intake_counts_where_no_carrier_reported(db: Path) -> None:
    take = ["intake", "take", "--county", "652828", "--facility", "HS-STA-01", "--carrier",
            "zto", "--id-type", "resident_id", "--id-number", "360426199101010071",
            "--name", "阿依古丽", "--category", "dried_fruit", "--at",
            "2022-06-01T10:00:00+08:00"]  # fmt: skip
    slim = runner.invoke(app, [*take, "--waybill", "73100000000021", "--bag", "carton",
                               "--tape-mm", "45"])  # fmt: skip
    assert slim.exit_code == 0, slim.output
    wide = runner.invoke(app, [*take, "--waybill", "73100000000022", "--bag", "woven_bag",
                               "--tape-mm", "60", "--reboxed"])  # fmt: skip
    assert wide.exit_code == 0, wide.output
    rows = _kpis()
    assert rows["slim_tape_share"]["value"] == 0.5
    assert rows["not_reboxed_share"]["value"] == 0.5
    assert rows["prohibited_bag_share"]["value"] == 0.5
    assert rows["prohibited_bag_share"]["status"] == "behind"
