"""`countyexpress health`: levels, logs, the day's status, and tasks 15-16 in plan kpis."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from countyexpress import bootstrap
from countyexpress.adapters.packs.public_health import health_rules_for, read_health
from countyexpress.entrypoints.cli import app
from countyexpress.services import scans
from countyexpress.settings import get_settings

runner = CliRunner()
WUSHI = "652828200000"  # 乌什塔拉回族乡: stations HS-STA-01..07


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", f"sqlite:///{tmp_path / 'h.db'}")
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["county", "load", "heshuo"]).exit_code == 0
    yield tmp_path
    get_settings.cache_clear()


def health(*args: str) -> tuple[int, str]:
    r = runner.invoke(app, ["health", *args, "--county", "652828"])
    return r.exit_code, r.output


def test_a_level_set_then_logs_show_required_and_done_measures(db: Path) -> None:
    """Set 高风险 from a day; the station's log shows what is still missing."""
    code, _ = health("level", "set", WUSHI, "high", "--from", "2022-05-01")
    assert code == 0
    code, text = health("level", "show", "--on", "2022-05-02", "--json")
    assert code == 0 and json.loads(text)["levels"] == {WUSHI: "high"}
    code, _ = health("log", "HS-STA-01", "--day", "2022-05-02",
                     "--done", "ventilation,disinfection,staff_protection")  # fmt: skip
    assert code == 0
    code, text = health("status", "--day", "2022-05-02", "--json")
    rows = {r["facility"]: r for r in json.loads(text)["facilities"]}
    assert rows["HS-STA-01"]["missing"] == ["supplies_in_stock", "contactless_delivery", "passes"]
    assert rows["HS-STA-01"]["compliance"] == 0.5
    assert rows["HS-STA-02"]["logged"] is False
    assert rows["HS-CENTER"]["level"] is None and rows["HS-CENTER"]["required"] == []


def test_unknown_measure_codes_are_refused_by_name(db: Path) -> None:
    """Nothing is logged when one code is unknown."""
    code, text = health("log", "HS-STA-01", "--day", "2022-05-02",
                        "--done", "ventilation,sweeping")  # fmt: skip
    assert code == 1 and "sweeping" in text
    code, text = health("status", "--day", "2022-05-02", "--json")
    assert not any(r["logged"] for r in json.loads(text)["facilities"])


def test_plan_kpis_carry_tasks_15_and_16_computed(db: Path) -> None:
    """Compliance over the facility-days of 2022 and the contactless share of its deliveries."""
    health("level", "set", WUSHI, "low", "--from", "2022-12-31")
    health("log", "HS-STA-01", "--day", "2022-12-31", "--done", "ventilation,disinfection")
    at = dt.datetime(2022, 6, 1, 4, 0, tzinfo=dt.UTC)
    events = [
        {"event_id": str(uuid.uuid4()), "waybill_no": w, "carrier": "zto", "kind": "pickup",
         "facility": f, "at": at.isoformat(), "payload": {"method": m}}
        for w, f, m in (("ZT100001", "HS-LCK-04", "locker"), ("ZT100002", "HS-STA-01", "door"))
    ]  # fmt: skip
    uow = bootstrap.uow_factory(bootstrap.open_engine(get_settings()))()
    assert not scans.ingest(uow, list(enumerate(events, 1)), county="652828").rejected
    result = runner.invoke(app, ["plan", "kpis", "--county", "652828", "--year", "2022", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["indicator"]: r for r in json.loads(result.stdout)}
    compliance = rows["health_measure_compliance_rate"]
    assert compliance["task"] == 15 and compliance["lead_unit"]
    assert compliance["value"] == pytest.approx(2 / 14)  # 7 stations x 2 measures, 1 day
    assert compliance["target"] == 1.0 and compliance["status"] == "behind"
    assert rows["health_facility_days_logged_share"]["value"] == pytest.approx(1 / 7)
    contactless = rows["contactless_delivery_share"]
    assert contactless["task"] == 16 and contactless["value"] == 0.5
    assert contactless["status"] == "no_target" and "no target" in contactless["rule"]


def test_county_export_writes_the_health_rules(db: Path) -> None:
    """The exported pack carries health.toml, read back as the county's rules."""
    result = runner.invoke(app, ["county", "export", "652828", str(db / "out")])
    assert result.exit_code == 0, result.output
    back = read_health(db / "out")
    assert back.measures == health_rules_for("652828").measures
