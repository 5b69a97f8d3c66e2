"""Issue 14's done-when: a courier without pre-job training cannot be put on a run — the
centre's dispatch of a route bag onto a vehicle whose registered courier (or a driver named
for the run) lacks it is refused, through the command line and through the API, and nothing
leaves; once the training is recorded the same dispatch goes."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from countyexpress import bootstrap
from countyexpress.adapters.packs import builtin_pack_path
from countyexpress.domain.staff import Occupation, StaffMember
from countyexpress.entrypoints.api.app import create_app
from countyexpress.entrypoints.cli import app
from countyexpress.settings import Settings, get_settings
from support.web import PEOPLE, add_user, csrf_of, log_in

runner = CliRunner()
C = ["--county", "652828"]
AT = dt.datetime(2026, 11, 30, 4, 0, tzinfo=dt.UTC)
WAYBILL = "ZT7400000000001"


def fleet_with_courier(tmp_path: Path, staff_no: str) -> Path:
    """The Heshuo pack's vehicles with `staff_no` the courier of the first one (HS-V01)."""
    pack = builtin_pack_path("heshuo")
    assert pack is not None
    with (pack / "vehicles.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    rows[0]["courier_staff_no"] = staff_no
    path = tmp_path / "fleet.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, [*rows[0].keys()])
        writer.writeheader()
        writer.writerows(rows)
    return path


def put_staff(*members: StaffMember) -> None:
    with bootstrap.uow_factory(bootstrap.open_engine(get_settings()))() as uow:
        for m in members:
            uow.staff.put("652828", m, {}, AT)
        uow.commit()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", f"sqlite:///{tmp_path / 'g.db'}")
    get_settings.cache_clear()
    assert runner.invoke(app, ["county", "load", "heshuo"]).exit_code == 0
    done = runner.invoke(app, ["vehicle", "import", str(fleet_with_courier(tmp_path, "C1")), *C])
    assert done.exit_code == 0, done.output
    put_staff(StaffMember("C1", "zto", Occupation.COURIER),
              StaffMember("C2", "zto", Occupation.COURIER,
                          pre_job_trained_on=dt.date(2026, 3, 1)))  # fmt: skip
    yield tmp_path
    get_settings.cache_clear()


def sorted_bag(tmp_path: Path) -> str:
    """One parcel through manifest and inbound: its route bag waits at the centre."""
    manifest = tmp_path / "zto-manifest.csv"
    manifest.write_text(
        "waybill_no,receiver_name,receiver_phone,address,weight_kg\n"
        f"{WAYBILL},王五,13912345678,和硕县乌什塔拉回族乡大庄子村1号,2.5\n",
        encoding="utf-8",
    )
    assert runner.invoke(app, ["centre", "manifest", str(manifest), "--carrier", "zto", *C,
                               "--json"]).exit_code == 0  # fmt: skip
    inbound = runner.invoke(app, ["centre", "inbound", WAYBILL, *C, "--json"])
    return str(json.loads(inbound.stdout)["route_bag"])


def test_a_courier_without_pre_job_training_cannot_be_put_on_a_run_cli(db: Path) -> None:
    bag = sorted_bag(db)
    refused = runner.invoke(app, ["centre", "dispatch", bag, "--vehicle", "HS-V01", *C])
    assert refused.exit_code == 1
    assert "C1 cannot be put on a run: no pre-job training" in refused.output
    by_plate = runner.invoke(app, ["centre", "dispatch", bag, "--vehicle", "新F-DEMO01", *C])
    assert by_plate.exit_code == 1 and "C1 cannot be put on a run" in by_plate.output
    named = runner.invoke(app, ["centre", "dispatch", bag, "--vehicle", "HS-V02",
                                "--driver", "C1", *C])  # fmt: skip
    assert named.exit_code == 1 and "C1 cannot be put on a run" in named.output
    unknown = runner.invoke(app, ["centre", "dispatch", bag, "--vehicle", "HS-V02",
                                  "--driver", "C9", *C])  # fmt: skip
    assert unknown.exit_code == 1 and "C9 cannot be put on a run: not registered" in unknown.output
    trained = runner.invoke(app, ["staff", "train", "C1", *C, "--on", "2026-11-01", "--pre-job"])
    assert trained.exit_code == 0, trained.output
    sent = runner.invoke(app, ["centre", "dispatch", bag, "--vehicle", "HS-V01", *C, "--json"])
    assert sent.exit_code == 0, sent.output
    assert json.loads(sent.stdout)["waybills"] == [WAYBILL]  # nothing left before


def test_a_vehicle_with_a_trained_courier_or_no_one_known_is_dispatched(db: Path) -> None:
    bag = sorted_bag(db)
    ok = runner.invoke(app, ["centre", "dispatch", bag, "--vehicle", "HS-V02",
                             "--driver", "C2", *C, "--json"])  # fmt: skip
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["waybills"] == [WAYBILL]


def test_a_courier_without_pre_job_training_cannot_be_put_on_a_run_api(db: Path) -> None:
    bag = sorted_bag(db)
    settings = Settings(database_url=get_settings().database_url)
    engine = bootstrap.open_engine(settings)
    add_user(engine, PEOPLE["centre_operator"])
    client = TestClient(create_app(settings, engine))
    log_in(client, PEOPLE["centre_operator"].name)
    h = {"X-CSRF-Token": csrf_of(client.get("/login").text)}
    body = {"county": "652828", "route_bag": bag, "vehicle": "HS-KD-DEMO-V01"}
    refused = client.post("/api/v1/centre/HS-CENTER/dispatch", headers=h, json=body)
    assert refused.status_code == 409
    assert "C1 cannot be put on a run: no pre-job training" in refused.json()["detail"]
    named = client.post("/api/v1/centre/HS-CENTER/dispatch", headers=h,
                        json=body | {"vehicle": "HS-V02", "driver": "C1"})  # fmt: skip
    assert named.status_code == 409
    sent = client.post("/api/v1/centre/HS-CENTER/dispatch", headers=h,
                       json=body | {"vehicle": "HS-V02", "driver": "C2"})  # fmt: skip
    assert sent.status_code == 200 and sent.json()["waybills"] == [WAYBILL]
    engine.dispose()
