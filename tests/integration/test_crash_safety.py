"""T1 crash safety, the suite's share: kill -9 the ingest during an upload, then check.

The benchmark (benchmarks/reliability/crash.py) kills 100 times over 20,000 events on
SQLite and PostgreSQL; here 5 kills of the CLI and 5 of a real uvicorn over 2,000 events on
SQLite, with the same checks: no event lost or duplicated, every answer all or nothing,
`PRAGMA integrity_check` ok, the projection equal to a replay from scratch.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def crash() -> ModuleType:
    sys.path.insert(0, str(ROOT / "benchmarks" / "reliability"))
    import crash as module

    return module


@pytest.mark.parametrize("transport", ["cli", "http"])
def test_kill_9_during_ingest_loses_and_duplicates_nothing(
    crash: ModuleType, transport: str
) -> None:
    result: dict[str, Any] = crash.crash_run(
        "sqlite", transport, n_events=2_000, kills=5, chunk_size=500, seed=3
    )
    run, checks = result["run"], result["checks"]
    assert run["kills"] == 5, run
    assert run["partial"] == [] and run["refused"] == [], run
    assert checks["events_stored"] == checks["events_uploaded"] == 2_000
    assert checks["lost_count"] == 0 and checks["duplicated"] == 0, checks
    assert checks["foreign_count"] == 0 and checks["wrong_digest"] == 0, checks
    assert checks["integrity_check"] == ["ok"]
    assert checks["projection_rows"] == checks["parcels"]
    assert checks["projection_unlike_replay_of_ledger"] == []
    assert checks["projection_unlike_replay_of_upload"] == []
    assert result["ok"]


def test_the_checks_see_a_lost_event_and_a_stale_projection(
    crash: ModuleType, tmp_path: Path
) -> None:
    """The verification is not vacuous: an event removed behind the ledger's back and a
    projection row set to another state are both reported."""
    from countyexpress.adapters.db.uow import SqlUnitOfWork
    from countyexpress.services import scans

    events = crash.generate_events(300, seed=5)
    engine = crash.prepare(f"sqlite:///{tmp_path / 'v.db'}")
    try:
        scans.ingest(SqlUnitOfWork(engine), list(enumerate(events, 1)))
        assert crash.verify(engine, events)["ok"]
        gone = events[0]
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM scan_events WHERE event_id = :e"),
                         {"e": gone["event_id"]})  # fmt: skip
            conn.execute(text("UPDATE parcels SET state = 'returned' WHERE waybill_no = :w"),
                         {"w": events[-1]["waybill_no"]})  # fmt: skip
        checks = crash.verify(engine, events)
    finally:
        engine.dispose()
    assert not checks["ok"]
    assert checks["lost"] == [gone["event_id"]]
    assert gone["waybill_no"] in checks["projection_unlike_replay_of_ledger"]
    assert events[-1]["waybill_no"] in checks["projection_unlike_replay_of_upload"]
