"""A Heshuo parcel down the network through the command line, and the statement file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from countyexpress import bootstrap
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.domain.county_time import county_today
from countyexpress.entrypoints.cli import app
from countyexpress.planning.routing import PyVRPPlanner
from countyexpress.services import routes, vehicles
from countyexpress.settings import get_settings
from support.route_day import heshuo_day

runner = CliRunner()
C = ["--county", "652828"]


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", f"sqlite:///{tmp_path / 'cx.db'}")
    get_settings.cache_clear()
    assert runner.invoke(app, ["county", "load", "heshuo"]).exit_code == 0
    yield
    get_settings.cache_clear()


def cli(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_a_parcel_goes_down_and_is_handed_over_from_the_command_line(tmp_path: Path) -> None:
    """consent → manifest → inbound/sort → dispatch → station → hand-over; state from the ledger."""
    assert (
        runner.invoke(
            app, ["consent", "set", "--phone", "13912345678", "--choice", "station", *C]
        ).exit_code
        == 0
    )
    manifest = tmp_path / "zto-manifest.csv"
    manifest.write_text(
        "waybill_no,receiver_name,receiver_phone,address,weight_kg\n"
        "ZT7400000000001,王五,13912345678,和硕县乌什塔拉回族乡大庄子村1号,2.5\n",
        encoding="utf-8",
    )
    assert cli("centre", "manifest", str(manifest), "--carrier", "zto", *C)["accepted"] == 1
    bag = cli("centre", "inbound", "ZT7400000000001", *C)["route_bag"]
    assert bag.startswith("HS-STA-")
    unknown = runner.invoke(app, ["centre", "dispatch", bag, "--vehicle", "新A-12345", *C])
    assert unknown.exit_code == 1 and "新A-12345" in unknown.stderr  # not in the registry
    sent = cli("centre", "dispatch", bag, "--vehicle", "HS-V01", *C)
    assert sent["waybills"] == ["ZT7400000000001"]
    assert sent["name"].startswith(sent["vehicle"] + " · ")  # one name: number · plate · kind
    stored = cli("station", "inbound", "ZT7400000000001", "--facility", bag, *C)
    wrong = runner.invoke(
        app,
        [
            "station",
            "handover",
            "--code",
            stored["pickup_code"],
            "--tail",
            "1111",
            "--facility",
            bag,
            *C,
        ],
    )
    assert wrong.exit_code == 1
    done = cli(
        "station",
        "handover",
        "--code",
        stored["pickup_code"],
        "--tail",
        "5678",
        "--facility",
        bag,
        *C,
    )
    assert done["outcome"] == "ok"
    parcel = cli("parcel", "show", "ZT7400000000001")
    assert parcel["state"] == "delivered"
    assert [e["kind"] for e in parcel["events"]] == [
        "arrive",
        "sort",
        "depart",
        "arrive",
        "store",
        "pickup",
    ]
    assert "13912345678" not in json.dumps(parcel, ensure_ascii=False)


def test_parcels_are_marked_as_emergency_supplies_all_or_nothing(tmp_path: Path) -> None:
    """`centre priority` marks manifest parcels; an unknown waybill refuses the whole list."""
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        "waybill_no,receiver_name,receiver_phone,address\n"
        "ZT7400000000004,王五,13912345678,和硕县乌什塔拉回族乡大庄子村1号\n",
        encoding="utf-8",
    )
    assert cli("centre", "manifest", str(manifest), "--carrier", "zto", *C)["accepted"] == 1
    marked = cli("centre", "priority", "ZT7400000000004", *C)
    assert marked == {"waybills": ["ZT7400000000004"], "priority": True}
    bad = runner.invoke(app, ["centre", "priority", "ZT7400000000004", "ZT7499999999999", *C])
    assert bad.exit_code != 0 and "ZT7499999999999" in bad.stderr
    assert cli("centre", "priority", "ZT7400000000004", "--clear", *C)["priority"] is False


def test_a_bad_manifest_row_is_named_and_nothing_is_stored(tmp_path: Path) -> None:
    """Row-level errors name the file and line; the good row is not stored either."""
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        "waybill_no,receiver_name,receiver_phone,address\n"
        "7400000000002,王五,13912345678,和硕县乌什塔拉回族乡大庄子村1号\n"
        "7400000000003,,13912345678,和硕县乌什塔拉回族乡大庄子村1号\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["centre", "manifest", str(manifest), "--carrier", "zto", *C])
    assert result.exit_code == 1
    assert "m.csv line 3: receiver_name: receiver_name is missing" in result.stderr
    missing = runner.invoke(app, ["centre", "inbound", "7400000000002", *C, "--json"])
    assert json.loads(missing.stdout)["outcome"] == "queued"  # on no manifest: nothing stored


def test_the_monthly_statement_is_a_real_xlsx(tmp_path: Path) -> None:
    """The carrier's statement opens in a spreadsheet with one row per parcel and a total."""
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        "waybill_no,receiver_name,receiver_phone,address,weight_kg\n"
        "SF1400000000001,王五,13912345678,和硕县乌什塔拉回族乡大庄子村1号,1\n"
        "SF1400000000002,赵六,13912340000,和硕县新塔热乡新塔热村,4\n",
        encoding="utf-8",
    )
    cli("centre", "manifest", str(manifest), "--carrier", "sf", *C)
    from countyexpress.domain.county_time import COUNTY_ZONE

    month = dt.datetime.now(COUNTY_ZONE).strftime("%Y-%m")  # the county's month, not UTC's
    xlsx = tmp_path / "sf.xlsx"
    summary = cli("centre", "statement", "sf", "--month", month, "--xlsx", str(xlsx), *C)
    assert (summary["parcels"], summary["total"]) == (2, "2.60")
    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    assert rows[2][0] == "SF1400000000001" and rows[-1][-1] == pytest.approx(2.6)
    assert all("王五" not in str(c) and "13912345678" not in str(c) for r in rows for c in r)


def test_a_planned_run_is_listed_and_leaves_with_one_command(tmp_path: Path) -> None:
    engine = bootstrap.open_engine(get_settings())
    heshuo_day(engine)
    source = vehicles.registry_fleet(SqlUnitOfWork(engine))
    routes.plan_day(SqlUnitOfWork(engine), "652828", county_today(), source,
                    PyVRPPlanner(seconds=2, max_iterations=200))  # fmt: skip
    engine.dispose()
    listed = cli("centre", "runs", *C)
    run = next(r for r in listed if r["ready"])
    sent = cli("centre", "dispatch-run", run["plan_id"], run["vehicle"], *C)
    assert sent["n"] == run["ready"] and set(sent["bags"]) <= {b["code"] for b in run["bags"]}
    again = runner.invoke(app, ["centre", "dispatch-run", run["plan_id"], run["vehicle"], *C])
    assert again.exit_code == 1  # nothing sorted waits any more
    after = next(r for r in cli("centre", "runs", *C) if r["vehicle"] == run["vehicle"])
    assert after["ready"] == 0


def test_a_receiver_who_chose_uyghur_gets_the_pickup_sms_in_uyghur(tmp_path: Path) -> None:
    """consent set --language ug → the pickup-ready SMS in the outbox is in Uyghur; another
    receiver who chose none gets it in Chinese; a language not offered is refused."""
    refused = runner.invoke(app, ["consent", "set", "--phone", "13912345670", "--choice",
                                  "station", "--language", "fr", *C])  # fmt: skip
    assert refused.exit_code == 1 and "language" in refused.stderr
    for phone, language in (("13912345671", ["--language", "ug"]), ("13912345672", [])):
        args = ["consent", "set", "--phone", phone, "--choice", "station", *language, *C]
        assert runner.invoke(app, args).exit_code == 0
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        "waybill_no,receiver_name,receiver_phone,address\n"
        "ZT7400000000011,阿依古丽,13912345671,和硕县乌什塔拉回族乡大庄子村1号\n"
        "ZT7400000000012,王五,13912345672,和硕县乌什塔拉回族乡大庄子村2号\n",
        encoding="utf-8",
    )
    assert cli("centre", "manifest", str(manifest), "--carrier", "zto", *C)["accepted"] == 2
    for waybill in ("ZT7400000000011", "ZT7400000000012"):
        bag = cli("centre", "inbound", waybill, *C)["route_bag"]
        cli("centre", "dispatch", bag, "--vehicle", "HS-V01", *C)
        cli("station", "inbound", waybill, "--facility", bag, *C)
    sent = {m["to"][-4:]: m for m in cli("sms", "outbox", *C)}
    assert sent["5671"]["language"] == "ug" and "ئېلىش كودى" in sent["5671"]["text"]
    assert sent["5672"]["language"] == "zh_CN" and "取件码" in sent["5672"]["text"]
    assert "0011" in sent["5671"]["text"] and "13912345671" not in str(sent)
