"""`countyexpress staff`: list without personal data, train, and the gate with exit 2."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from countyexpress import bootstrap
from countyexpress.domain.staff import Occupation, StaffMember
from countyexpress.entrypoints.cli import app
from countyexpress.settings import get_settings

runner = CliRunner()
AT = dt.datetime(2026, 11, 30, 4, 0, tzinfo=dt.UTC)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", f"sqlite:///{tmp_path / 's.db'}")
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["county", "load", "heshuo"]).exit_code == 0
    with bootstrap.uow_factory(bootstrap.open_engine(get_settings()))() as uow:
        uow.staff.put("652828", StaffMember("S2", "zto", Occupation.COURIER), {}, AT)
        uow.commit()
    yield tmp_path
    get_settings.cache_clear()


def test_untrained_is_refused_with_exit_2_then_passes_after_training(db: Path) -> None:
    refused = runner.invoke(app, ["staff", "check", "S2", "--county", "652828", "--for", "station"])
    assert refused.exit_code == 2 and "pre-job training" in refused.output
    done = runner.invoke(app, ["staff", "train", "S2", "--county", "652828",
                               "--on", "2026-11-01", "--pre-job"])  # fmt: skip
    assert done.exit_code == 0, done.output
    ok = runner.invoke(app, ["staff", "check", "S2", "--county", "652828"])
    assert ok.exit_code == 0, ok.output
    listed = runner.invoke(app, ["staff", "list", "--county", "652828", "--json"])
    rows = json.loads(listed.output)
    assert rows[0]["staff_no"] == "S2" and rows[0]["pre_job_trained_on"] == "2026-11-01"
    assert "name_enc" not in rows[0] and "id_number" not in rows[0]


def test_plan_kpis_count_the_registered_staff_for_tasks_19_and_20(db: Path) -> None:
    before = runner.invoke(app, ["plan", "kpis", "--county", "652828", "--json"])
    rows = {r["indicator"]: r for r in json.loads(before.stdout)}
    trained = rows["staff_pre_job_trained_share"]
    assert trained["task"] == 19 and trained["value"] == 0  # S2 has no pre-job training yet
    assert trained["lead_unit"] and trained["status"] == "no_target"
    assert rows["staff_insured_share"]["task"] == 20
    assert rows["staff_insured_share"]["value"] == 0  # no insurance days recorded
    runner.invoke(app, ["staff", "train", "S2", "--county", "652828",
                        "--on", "2026-11-01", "--pre-job"])  # fmt: skip
    after = runner.invoke(app, ["plan", "kpis", "--county", "652828", "--json"])
    rows = {r["indicator"]: r for r in json.loads(after.stdout)}
    assert rows["staff_pre_job_trained_share"]["value"] == 1
    assert rows["staff_skill_level_share"]["detail"]["unassessed"] == 1
