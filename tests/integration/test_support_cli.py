"""`countyexpress support`: apply with the eligibility check (exit 2 when not eligible),
decide within the programme's cap, staff requests, and the indicators in `plan kpis`."""

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
from countyexpress.domain.vehicles import RegisteredVehicle
from countyexpress.entrypoints.cli import app
from countyexpress.errors import NotAllowed
from countyexpress.services import supervision
from countyexpress.settings import get_settings

runner = CliRunner()
AT = dt.datetime(2022, 1, 10, 4, 0, tzinfo=dt.UTC)
C = ["--county", "652828"]


def _uow() -> Any:
    return bootstrap.uow_factory(bootstrap.open_engine(get_settings()))()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", f"sqlite:///{tmp_path / 's.db'}")
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["county", "load", "heshuo"]).exit_code == 0
    fleet = [
        RegisteredVehicle("HS-KD-E001", "新F-E0001", "van", owner="zto", new_energy=True),
        RegisteredVehicle("HS-KD-D001", "新F-D0001", "van", owner="zto", new_energy=False),
    ]
    with _uow() as uow:
        uow.vehicles.replace("652828", fleet, by="test", at=AT, source="test")
        uow.staff.put("652828", StaffMember("S1", "zto", Occupation.COURIER), {"name_enc": "x"}, AT)
        uow.commit()
    yield tmp_path
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str]:
    r = runner.invoke(app, ["support", *args, *C])
    return r.exit_code, r.output


def test_a_new_energy_vehicle_is_granted_within_the_cap_and_counted_for_task_8(db: Path) -> None:
    code, text = run("apply", "--carrier", "zto", "--programme", "nev_purchase",
                     "--amount", "30000", "--vehicle", "HS-KD-E001", "--on", "2022-03-01",
                     "--json")  # fmt: skip
    assert code == 0, text
    done = json.loads(text)
    assert done["check"]["eligible"] and done["check"]["ceiling"] == 30000
    number = str(done["record"]["id"])
    assert done["record"]["state"] == "submitted"
    assert "support.decide" in {c["rule"] for c in done["record"]["clocks"]}

    again, why = run("apply", "--carrier", "zto", "--programme", "nev_purchase", "--amount",
                     "10000", "--vehicle", "HS-KD-E001")  # fmt: skip
    assert again == 2 and f"application {number} already asks" in why

    above, why = run("decide", number, "--grant", "40000")
    assert above == 2 and "at most 30000" in why
    with pytest.raises(NotAllowed, match=r"support\.decide"):
        supervision.act(_uow(), "652828", int(number), "grant")

    code, text = run("decide", number, "--grant", "30000", "--on", "2022-03-20", "--json")
    assert code == 0, text
    assert json.loads(text)[0]["state"] == "granted"
    listed = json.loads(run("list", "--json")[1])
    assert [r["facts"]["granted"] for r in listed] == ["30000"]

    kpis = runner.invoke(app, ["plan", "kpis", *C, "--year", "2022", "--json"])
    rows = {r["indicator"]: r for r in json.loads(kpis.stdout)}
    amount = rows["support_granted_amount"]
    assert (amount["task"], amount["value"], amount["status"]) == (8, 30000, "no_target")
    assert amount["lead_unit"] and "no target" in amount["rule"]
    assert amount["detail"] == {"nev_purchase": 30000}
    assert rows["support_granted_projects"]["value"] == 1
    in_time = rows["support_decided_in_time_rate"]
    assert (in_time["value"], in_time["target"], in_time["status"]) == (1.0, 1.0, "met")
    later = runner.invoke(app, ["plan", "kpis", *C, "--year", "2023", "--json"])
    rows = {r["indicator"]: r for r in json.loads(later.stdout)}
    assert rows["support_granted_amount"]["value"] == 0


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--programme", "nev_purchase", "--amount", "1000", "--vehicle", "HS-KD-D001"],
         "not a new-energy vehicle"),
        (["--programme", "nev_purchase", "--amount", "30001", "--vehicle", "HS-KD-E001"],
         "grants at most 30000"),
        (["--programme", "sorting_centre", "--amount", "1000", "--facility", "BZ-SORT"],
         "BZ-SORT is not sited in the county"),
        (["--programme", "warehouse_project", "--amount", "1000", "--investment", "5000"],
         "below the programme's 1000000"),
        (["--programme", "cold_chain", "--amount", "1000"], "not a support programme"),
    ],
)  # fmt: skip
def test_an_ineligible_application_exits_2_with_its_reason_and_stores_nothing(
    db: Path, args: list[str], reason: str
) -> None:
    code, why = run("apply", "--carrier", "zto", *args)
    assert code == 2 and reason in " ".join(why.split())
    assert json.loads(run("list", "--json")[1]) == []


def test_a_sorting_centre_needs_a_licence(db: Path) -> None:
    code, why = run("apply", "--carrier", "zto", "--programme", "sorting_centre", "--amount",
                    "1000", "--facility", "BZ-SORT")  # fmt: skip
    assert code == 2 and "licence" in why


def test_a_refusal_gives_its_reason(db: Path) -> None:
    run("apply", "--carrier", "zto", "--programme", "warehouse_project", "--amount", "100000",
        "--investment", "2000000")  # fmt: skip
    assert run("decide", "1")[0] == 2
    code, text = run("decide", "1", "--refuse", "budget of the year spent", "--json")
    assert code == 0, text
    rec = json.loads(text)[0]
    assert rec["state"] == "refused" and rec["facts"]["reason"] == "budget of the year spent"


def test_a_staff_request_is_decided_and_counted_for_task_20(db: Path) -> None:
    assert run("request", "--staff", "NOBODY", "--type", "housing")[0] == 2
    assert run("request", "--staff", "S1", "--type", "car")[0] == 2
    code, text = run("request", "--staff", "S1", "--type", "medical", "--details",
                     "hospital bill of the child", "--on", "2022-05-09", "--json")  # fmt: skip
    assert code == 0, text
    rec = json.loads(text)[0]
    assert rec["subject"] == "person:S1" and rec["facts"] == {"type": "medical",
                                                               "employer": "zto"}  # fmt: skip
    assert "hospital" not in text
    assert run("request-decide", str(rec["id"]), "--refuse")[0] == 2  # no reason
    code, text = run("request-decide", str(rec["id"]), "--grant", "--note", "county fund",
                     "--on", "2022-05-20", "--json")  # fmt: skip
    assert code == 0 and json.loads(text)[0]["state"] == "granted"
    kpis = runner.invoke(app, ["plan", "kpis", *C, "--year", "2022", "--json"])
    rows = {r["indicator"]: r for r in json.loads(kpis.stdout)}
    rate = rows["support_requests_decided_in_time_rate"]
    assert (rate["task"], rate["value"], rate["status"]) == (20, 1.0, "met")
    assert rate["lead_unit"]


def _workbook(path: Path, header: list[str], *rows: list[object]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(header)
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


def test_applications_and_requests_import_from_a_workbook_all_or_nothing(db: Path) -> None:
    header = ["carrier", "programme", "amount", "vehicle", "investment"]
    bad = _workbook(db / "bad.xlsx", header,
                    ["zto", "nev_purchase", 30000, "HS-KD-E001", None],
                    ["zto", "nev_purchase", 20000, "HS-KD-E001", None],
                    ["zto", "warehouse_project", "lots", None, 2000000])  # fmt: skip
    r = runner.invoke(app, ["records", "import", str(bad), *C, "--kind", "support_application"])
    assert r.exit_code == 2
    said = " ".join(r.output.split())
    assert "bad.xlsx line 3" in said and "line 4" in said and "amount" in said
    assert json.loads(run("list", "--json")[1]) == []
    good = _workbook(db / "good.xlsx", header,
                     ["zto", "nev_purchase", 30000, "HS-KD-E001", None],
                     ["zto", "warehouse_project", 150000, None, 2000000])  # fmt: skip
    r = runner.invoke(app, ["records", "import", str(good), *C, "--kind", "support_application"])
    assert r.exit_code == 0, r.output
    assert [x["facts"]["programme"] for x in json.loads(run("list", "--json")[1])] == [
        "nev_purchase", "warehouse_project"]  # fmt: skip
    asks = _workbook(db / "asks.xlsx", ["staff_no", "type", "details"],
                     ["S1", "schooling", "两个孩子上小学"])  # fmt: skip
    r = runner.invoke(app, ["records", "import", str(asks), *C, "--kind", "support_request"])
    assert r.exit_code == 0, r.output
    listed = run("requests", "--json")[1]
    assert json.loads(listed)[0]["facts"]["type"] == "schooling" and "孩子" not in listed
