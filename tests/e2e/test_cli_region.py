"""`countyexpress region synth | simulate | plan` (issue 17) from the command line, on a
local Dask cluster of two worker processes and on a real `dask scheduler` with two
`dask worker` processes started here on the loopback.

Kept small for a shared 2-core machine: three synthetic counties at 2 % of their demand,
one simulated day, 200 solver iterations per county. The cluster tests share one database
(module scope); each takes 10–40 s."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from countyexpress.entrypoints.cli import app
from countyexpress.settings import get_settings

runner = CliRunner()
DASK = Path(sys.executable).with_name("dask")
DAY = "2026-11-21"
SIM = ["region", "simulate", "--days", "1", "--end", "2026-11-20", "--scale", "0.02",
       "--seed", "4", "--workers", "2", "--json"]  # fmt: skip
PLAN = ["region", "plan", "--date", DAY, "--iterations", "200", "--seed", "1", "--json"]


def _use(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """The database and data folder (with its key) of `folder`, for this process and for
    every worker process started from it."""
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", f"sqlite:///{folder / 'cx.db'}")
    monkeypatch.setenv("COUNTYEXPRESS_DATA_DIR", str(folder / "data"))
    get_settings.cache_clear()


def _json(args: list[str], code: int = 0) -> Any:
    result = runner.invoke(app, args)
    assert result.exit_code == code, result.stderr + result.stdout
    return json.loads(result.stdout)


def _same(figures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Figures without what differs between two runs of the same plan: its id and timing."""
    timing = ("plan_id", "seconds", "cpu_seconds")
    return [{k: v for k, v in f.items() if k not in timing} for f in figures]


# synth ------------------------------------------------------------------------------------
@pytest.fixture
def empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    _use(monkeypatch, tmp_path)
    yield tmp_path
    get_settings.cache_clear()


def test_synth_loads_distinct_counties_labelled_synthetic(empty: Path) -> None:
    """Three counties, codes 990001–990003, 模拟 in every name, listed as loaded."""
    data = _json(["region", "synth", "--counties", "3", "--seed", "5", "--json"])
    assert [c["code"] for c in data["counties"]] == ["990001", "990002", "990003"]
    assert all(c["synthetic"] and "模拟" in c["name"] and c["status"] == "loaded"
               for c in data["counties"])  # fmt: skip
    listed = _json(["county", "list", "--json"])
    assert sorted(c["name"] for c in listed) == sorted(c["name"] for c in data["counties"])
    assert len({c["population"] for c in data["counties"]}) == 3


def test_synth_again_keeps_what_is_there_and_adds_only_the_missing(empty: Path) -> None:
    """Idempotent: a second run duplicates nothing; a larger one adds the new counties."""
    first = _json(["region", "synth", "--counties", "2", "--seed", "5", "--json"])
    again = _json(["region", "synth", "--counties", "3", "--seed", "5", "--json"])
    assert [c["status"] for c in again["counties"]] == ["kept", "kept", "loaded"]
    assert again["counties"][:2] == [c | {"status": "kept"} for c in first["counties"]]
    assert len(_json(["county", "list", "--json"])) == 3
    replaced = _json(["region", "synth", "--counties", "1", "--seed", "5", "--replace", "--json"])
    assert replaced["counties"] == [first["counties"][0] | {"status": "replaced"}]
    assert len(_json(["county", "list", "--json"])) == 3


def test_synth_is_the_same_for_the_same_seed(empty: Path, tmp_path_factory: Any,
                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Two databases, one seed: the same counties, figure for figure."""
    one = _json(["region", "synth", "--counties", "2", "--seed", "9", "--json"])
    _use(monkeypatch, tmp_path_factory.mktemp("other"))
    two = _json(["region", "synth", "--counties", "2", "--seed", "9", "--json"])
    assert one == two


def test_synth_leaves_a_real_county_alone_and_beside_it(empty: Path) -> None:
    """Heshuo loaded first keeps its code; no synthetic county takes a real one's."""
    assert runner.invoke(app, ["county", "load", "heshuo"]).exit_code == 0
    data = _json(["region", "synth", "--counties", "9", "--json"])
    assert "652828" not in {c["code"] for c in data["counties"]}
    names = {c["code"]: c["name"] for c in _json(["county", "list", "--json"])}
    assert names["652828"] == "和硕县" and len(names) == 10


# plan and simulate on a cluster -----------------------------------------------------------
@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Three synthetic counties; days simulated and the next morning sorted in two of them
    (on a local cluster of two workers); the third has nothing to plan."""
    folder = tmp_path_factory.mktemp("region")
    with pytest.MonkeyPatch.context() as mp:
        _use(mp, folder)
        _json(["region", "synth", "--counties", "3", "--seed", "2", "--json"])
        sim = _json([*SIM, "--morning", "-c", "990001", "-c", "990002"])
        assert [c["code"] for c in sim["counties"]] == ["990001", "990002"], sim
        assert all(c["morning_sorted"] > 0 and c["events"] > 0 for c in sim["counties"])
        assert sim["failed"] == []
    yield folder
    get_settings.cache_clear()


@pytest.fixture
def in_region(region: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    _use(monkeypatch, region)
    return region


def test_region_plan_plans_each_county_and_reports_the_one_that_fails(in_region: Path) -> None:
    """Two counties planned and stored on two local workers; the third, with no parcels
    waiting, is reported failed with its reason (exit 3) while the others finish."""
    data = _json([*PLAN, "--workers", "2"], code=3)
    assert [c["code"] for c in data["counties"]] == ["990001", "990002"]
    assert all(c["feasible"] and c["parcels"] > 0 for c in data["counties"])
    assert [f["code"] for f in data["failed"]] == ["990003"]
    assert "nothing to plan" in data["failed"][0]["reason"]
    shown = _json(["route", "show", data["counties"][0]["plan_id"], "--json"])
    assert shown["parcels"] == data["counties"][0]["parcels"]


def test_region_plan_gives_the_same_plans_for_the_same_seed(in_region: Path) -> None:
    """One worker or two: the same seed, the same figures (a fixed number of iterations)."""
    one = _json([*PLAN, "--workers", "1", "-c", "990001", "-c", "990002"])
    two = _json([*PLAN, "--workers", "2", "-c", "990001", "-c", "990002"])
    assert _same(one["counties"]) == _same(two["counties"])


def test_region_simulate_reports_a_county_whose_simulation_breaks(in_region: Path) -> None:
    """A county whose stored simulation names no centre of its own fails on its worker and
    is reported; the other county's days are simulated."""
    engine = sa.create_engine(os.environ["COUNTYEXPRESS_DATABASE_URL"])
    with engine.begin() as c:
        c.execute(
            sa.text(
                "UPDATE pack_documents SET content = replace(content, 'HS-CENTER', "
                "'NO-CENTRE') WHERE county_code = '990003' AND name = 'simulation'"
            )
        )
    engine.dispose()
    data = _json([*SIM, "--end", "2026-11-19", "-c", "990002", "-c", "990003"], code=3)
    assert [c["code"] for c in data["counties"]] == ["990002"]
    assert data["counties"][0]["simulated_days"] == 1
    assert [f["code"] for f in data["failed"]] == ["990003"]
    assert "NO-CENTRE" in data["failed"][0]["reason"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def scheduler(in_region: Path) -> Iterator[str]:
    """`dask scheduler` and two `dask worker` processes on 127.0.0.1, stopped afterwards."""
    from distributed import Client

    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    procs = [subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port",
                               str(port), "--no-dashboard"], **quiet)]  # fmt: skip
    procs += [
        subprocess.Popen(
            [
                str(DASK),
                "worker",
                address,
                "--nthreads",
                "1",
                "--no-dashboard",
                "--host",
                "127.0.0.1",
            ],
            **quiet,
        )
        for _ in range(2)
    ]
    try:
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for p in reversed(procs):
            p.send_signal(signal.SIGINT)
        for p in reversed(procs):
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def test_region_plan_on_a_real_scheduler_matches_the_local_cluster(scheduler: str) -> None:
    """`--scheduler tcp://…` with two workers started from the CLI: the same figures as the
    local cluster for the same seed, and the plans stored in the one database; a day
    simulated there too."""
    only = ["-c", "990001", "-c", "990002"]
    local = _json([*PLAN, "--workers", "2", *only])
    remote = _json([*PLAN, "--scheduler", scheduler, *only])
    assert _same(remote["counties"]) == _same(local["counties"])
    assert remote["failed"] == []
    for c in remote["counties"]:
        assert _json(["route", "show", c["plan_id"], "--json"])["county"] == c["code"]
    sim = [*SIM[:-3], "--end", "2026-11-25", "--scheduler", scheduler, "-c", "990001", "--json"]
    simulated = _json(sim)  # the workers write to the database their environment names
    assert simulated["failed"] == [] and simulated["counties"][0]["simulated_days"] == 1


def test_region_plan_says_when_no_scheduler_answers(
    in_region: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scheduler address where none listens: a clear error, exit 1."""
    monkeypatch.setattr("countyexpress.adapters.dask_cluster.CONNECT_TIMEOUT", "2s")
    result = runner.invoke(app, [*PLAN, "--scheduler", f"tcp://127.0.0.1:{_free_port()}"])
    assert result.exit_code == 1 and "no Dask scheduler" in result.stderr


@pytest.mark.postgres
def test_region_on_postgresql_simulates_and_plans_every_county(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL: two synthetic counties simulated by two workers writing at once, then
    planned on two workers; every county planned, the plans stored."""
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", postgres_url)
    monkeypatch.setenv("COUNTYEXPRESS_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    _json(["region", "synth", "--counties", "2", "--seed", "3", "--json"])
    sim = _json([*SIM, "--morning"])
    assert sim["failed"] == [] and all(c["morning_sorted"] > 0 for c in sim["counties"])
    plan = _json([*PLAN, "--workers", "2"])
    assert [c["code"] for c in plan["counties"]] == ["990001", "990002"]
    assert plan["failed"] == [] and all(c["feasible"] for c in plan["counties"])
    get_settings.cache_clear()
