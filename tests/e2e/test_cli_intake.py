"""Farm products up to town (农产品进城) through the command line, for Heshuo.

A ZTO parcel leaves the county unscreened (it is screened at BZ-SORT); an SF parcel
bypasses BZ-SORT and may not leave before SF's county-town office screened it.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from countyexpress.entrypoints.cli import app
from countyexpress.settings import get_settings

runner = CliRunner()
C = ["--county", "652828"]
ID = "360426199101010071"
NAME = "阿依古丽"
SEEN: list[str] = []  # everything the CLI printed in a test


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", f"sqlite:///{tmp_path / 'cx.db'}")
    get_settings.cache_clear()
    SEEN.clear()
    assert runner.invoke(app, ["county", "load", "heshuo"]).exit_code == 0
    yield
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, dict, str]:
    result = runner.invoke(app, [*args, "--json"])
    SEEN.extend([result.stdout, result.stderr])
    return (
        result.exit_code,
        json.loads(result.stdout) if result.stdout.strip() else {},
        (result.stderr),
    )


def ok(*args: str) -> dict:
    code, data, err = run(*args)
    assert code == 0, err
    return data


def take(waybill: str, carrier: str, station: str, *extra: str) -> tuple[int, dict, str]:
    return run("intake", "take", *C, "--facility", station, "--carrier", carrier,
               "--waybill", waybill, "--id-type", "resident_id", "--id-number", ID,
               "--name", NAME, "--actor", "keeper-01",
               "--at", "2026-11-28T09:00:00+08:00", *extra)  # fmt: skip


def depart(waybill: str, facility: str, when: str, *extra: str) -> tuple[int, dict, str]:
    return run("intake", "depart", *C, "--facility", facility, "--waybill", waybill,
               "--vehicle", "VAN-1", "--at", f"2026-11-28T{when}:00+08:00", *extra)  # fmt: skip


def screen(waybill: str, facility: str, when: str) -> tuple[int, dict, str]:
    return run("intake", "screen", *C, "--facility", facility, "--waybill", waybill,
               "--at", f"2026-11-28T{when}:00+08:00")  # fmt: skip


def arrive(tmp_path: Path, waybill: str, carrier: str, facility: str, when: str) -> None:
    line = json.dumps({"event_id": str(uuid.uuid4()), "waybill_no": waybill, "carrier": carrier,
                       "kind": "arrive", "facility": facility,
                       "at": f"2026-11-28T{when}:00+08:00"})  # fmt: skip
    f = tmp_path / f"{uuid.uuid4().hex}.jsonl"
    f.write_text(line + "\n", encoding="utf-8")
    assert ok("scans", "ingest", str(f), "--no-window")["accepted"] == 1  # fixed 2026-11-28


def parcel(waybill: str) -> dict:
    return ok("parcel", "show", waybill)


def assert_no_personal_data_printed_or_stored(tmp_path: Path) -> None:
    printed = "\n".join(SEEN)
    assert ID not in printed and NAME not in printed
    with sqlite3.connect(tmp_path / "cx.db") as db:
        tables = [r[0] for r in db.execute("select name from sqlite_master where type='table'")]
        for table in tables:
            for row in db.execute(f'select * from "{table}"'):
                assert ID not in repr(row) and NAME not in repr(row), table


def test_a_zto_parcel_goes_up_and_leaves_the_county_unscreened(tmp_path: Path) -> None:
    """Village station → van → centre → line haul to Korla; screened at BZ-SORT only."""
    taken = take("75012345678901", "zto", "HS-STA-03", "--category", "peppers")[1]
    assert taken["sender"] == {"id_type": "resident_id", "id_number": "3****************1",
                               "name": "阿***"}  # fmt: skip
    assert (taken["state"], taken["screening"]["facility"]) == ("inspected", "BZ-SORT")
    out = depart("75012345678901", "HS-STA-03", "10:00")
    assert out[0] == 0 and out[1]["state"] == "in_transit"
    arrive(tmp_path, "75012345678901", "zto", "HS-CENTER", "11:00")
    assert parcel("75012345678901")["state"] == "arrived"
    code, left, _ = depart("75012345678901", "HS-CENTER", "12:00", "--to", "BZ-SORT")
    assert code == 0 and left["security_mark"] is False
    shown = parcel("75012345678901")
    assert (shown["state"], shown["place"], shown["anomalies"]) == ("in_transit", "HS-CENTER", [])
    assert [e["kind"] for e in shown["events"]] == ["collect", "inspect", "depart", "arrive",
                                                    "depart"]  # fmt: skip
    # at the prefecture sorting centre it is screened before it moves on
    arrive(tmp_path, "75012345678901", "zto", "BZ-SORT", "14:00")
    code, _, err = depart("75012345678901", "BZ-SORT", "15:00")
    assert code == 1 and "screen it at BZ-SORT" in err.replace("\n", "")
    assert screen("75012345678901", "BZ-SORT", "15:10")[0] == 0
    code, onward, _ = depart("75012345678901", "BZ-SORT", "15:30")
    assert code == 0 and onward["security_mark"] is True
    assert_no_personal_data_printed_or_stored(tmp_path)


def test_an_sf_parcel_is_held_in_the_county_until_its_office_screened_it(tmp_path: Path) -> None:
    """Refused to leave from the centre; moved to HS-SF-OFFICE, screened, then it leaves."""
    assert take("SF1234567890123", "sf", "HS-STA-05", "--category", "grapes")[0] == 0
    assert depart("SF1234567890123", "HS-STA-05", "10:00")[0] == 0
    arrive(tmp_path, "SF1234567890123", "sf", "HS-CENTER", "11:00")
    code, refused, err = depart("SF1234567890123", "HS-CENTER", "12:00")
    assert code == 1 and refused["accepted"] is False
    assert "screen it at HS-SF-OFFICE" in refused["reason"]
    assert parcel("SF1234567890123")["state"] == "arrived"  # nothing was recorded
    code, _, err = screen("SF1234567890123", "HS-STA-05", "12:05")
    assert code == 1 and "never screen" in err
    code, _, err = screen("SF1234567890123", "HS-CENTER", "12:06")
    assert code == 1 and "HS-SF-OFFICE" in err
    assert depart("SF1234567890123", "HS-CENTER", "12:10", "--to", "HS-SF-OFFICE")[0] == 0
    arrive(tmp_path, "SF1234567890123", "sf", "HS-SF-OFFICE", "12:30")
    code, screened, _ = screen("SF1234567890123", "HS-SF-OFFICE", "13:00")
    assert code == 0 and screened["security_mark"] is True and screened["state"] == "screened"
    code, left, _ = depart("SF1234567890123", "HS-SF-OFFICE", "14:00")
    assert code == 0 and left["note"] == "screened at HS-SF-OFFICE"
    shown = parcel("SF1234567890123")
    assert (shown["state"], shown["place"], shown["anomalies"]) == ("in_transit", "HS-SF-OFFICE",
                                                                    [])  # fmt: skip
    assert [e["kind"] for e in shown["events"]] == [
        "collect", "inspect", "depart", "arrive", "depart", "arrive", "screen", "depart"
    ]  # fmt: skip
    assert_no_personal_data_printed_or_stored(tmp_path)


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--category", "explosives"], "爆炸物品"),
        (["--category", "peppers", "--sender-refuses-inspection"], "refuses inspection"),
        (["--category", "watermelons"], "unknown category"),
    ],
)
def test_a_refused_intake_exits_1_with_the_reason(
    tmp_path: Path, extra: list[str], words: str
) -> None:
    """Prohibited contents, a refusing sender or an unknown category: nothing recorded."""
    code, data, _ = take("75012345678901", "zto", "HS-STA-01", *extra)
    assert code == 1 and data["accepted"] is False and words in data["reason"]
    assert run("parcel", "show", "75012345678901")[0] == 1  # no scan recorded
    assert_no_personal_data_printed_or_stored(tmp_path)


def test_an_invalid_id_number_is_refused_without_printing_it(tmp_path: Path) -> None:
    """A mistyped check character: exit 1, the reason, and no number on screen."""
    bad = "360426199101010072"
    for extra in ([], ["--json"]):
        result = runner.invoke(app, ["intake", "take", *C, "--facility", "HS-STA-01",
                                     "--carrier", "zto", "--waybill", "75012345678901",
                                     "--id-type", "resident_id", "--id-number", bad,
                                     "--name", NAME, "--category", "peppers", *extra])  # fmt: skip
        assert result.exit_code == 1 and "check character" in result.stderr
        assert bad not in result.stdout + result.stderr
        assert NAME not in result.stdout + result.stderr


def test_the_table_output_masks_the_sender_too() -> None:
    """Without --json the line shows the masks."""
    result = runner.invoke(app, ["intake", "take", *C, "--facility", "HS-STA-01",
                                 "--carrier", "zto", "--waybill", "75012345678901",
                                 "--id-type", "resident_id", "--id-number", ID,
                                 "--name", NAME, "--category", "辣椒"])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "3****************1" in result.stdout and "阿***" in result.stdout
    assert ID not in result.stdout and NAME not in result.stdout
