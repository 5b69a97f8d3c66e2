"""Stored scenario runs on SQL (tables_scenario_runs), a unit of work that has them, and the
scratch databases a run simulates its scenarios in."""

from __future__ import annotations

import contextlib
import datetime as dt
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Self

from sqlalchemy import Connection, Engine, insert, select, update

from countyexpress.adapters.db.cached import CountyCachingUnitOfWork
from countyexpress.adapters.db.engine import make_engine
from countyexpress.adapters.db.migrate import upgrade
from countyexpress.adapters.db.tables_scenario_runs import scenario_runs as t
from countyexpress.domain.county import County
from countyexpress.services.scenario_runs import ScenarioRun
from countyexpress.services.scenarios import Workspace
from countyexpress.services.simulation import UowFactory

_TIMES = ("created_at", "started_at", "finished_at")


class SqlScenarioRuns:
    """A county's scenario runs, inside the unit of work's transaction."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, run: ScenarioRun) -> None:
        """Store a new run."""
        values: dict[str, Any] = {
            "run_id": run.run_id,
            "county_code": run.county,
            "kind": run.kind,
            "status": run.status,
            "request": dict(run.request),
            "done_steps": run.done_steps,
            "total_steps": run.total_steps,
            "stage": run.stage,
            "result": run.result,
            "error": run.error,
            "created_by": run.created_by,
        }
        for name in _TIMES:
            at: dt.datetime | None = getattr(run, name)
            values[name] = at.astimezone(dt.UTC) if at is not None else None
        self._c.execute(insert(t).values(**values))

    def update(self, run_id: str, **values: Any) -> None:
        """Change some of a run's values (status, steps, stage, result, error, times)."""
        for name in _TIMES:
            if values.get(name) is not None:
                values[name] = values[name].astimezone(dt.UTC)
        self._c.execute(update(t).where(t.c.run_id == run_id).values(**values))

    def get(self, run_id: str) -> ScenarioRun | None:
        """The run with this id, if any."""
        row = self._c.execute(select(t).where(t.c.run_id == run_id)).first()
        return None if row is None else _run(row._mapping)

    def recent(self, county: str, limit: int = 20) -> list[ScenarioRun]:
        """The county's newest runs first."""
        rows = self._c.execute(
            select(t)
            .where(t.c.county_code == county)
            .order_by(t.c.created_at.desc(), t.c.run_id.desc())
            .limit(limit)
        )
        return [_run(r._mapping) for r in rows]

    def unfinished(self, county: str | None = None) -> list[ScenarioRun]:
        """Runs queued or running (of one county, or of all)."""
        q = select(t).where(t.c.status.in_(("queued", "running")))
        if county is not None:
            q = q.where(t.c.county_code == county)
        return [_run(r._mapping) for r in self._c.execute(q.order_by(t.c.created_at))]


def _utc(at: dt.datetime | None) -> dt.datetime | None:
    if at is None or at.tzinfo is not None:
        return at
    return at.replace(tzinfo=dt.UTC)  # SQLite keeps no offset; stored in UTC


def _run(m: Any) -> ScenarioRun:
    return ScenarioRun(
        run_id=m["run_id"],
        county=m["county_code"],
        kind=m["kind"],
        status=m["status"],
        request=dict(m["request"]),
        done_steps=m["done_steps"],
        total_steps=m["total_steps"],
        stage=m["stage"],
        result=m["result"],
        error=m["error"],
        created_at=_utc(m["created_at"]) or dt.datetime.now(dt.UTC),
        created_by=m["created_by"],
        started_at=_utc(m["started_at"]),
        finished_at=_utc(m["finished_at"]),
    )


class ScenarioRunsUnitOfWork(CountyCachingUnitOfWork):
    """The ordinary unit of work (county cached for long runs) with the scenario runs."""

    scenario_runs: SqlScenarioRuns

    def __init__(self, engine: Engine, cache: dict[str, County] | None = None) -> None:
        super().__init__(engine, cache)

    def __enter__(self) -> Self:
        super().__enter__()
        assert self._connection is not None
        self.scenario_runs = SqlScenarioRuns(self._connection)
        return self


@contextlib.contextmanager
def scratch_workspace(folder: Path | None = None) -> Iterator[Workspace]:
    """Fresh migrated SQLite databases, one per scenario, in a temporary folder (or in
    `folder`) that is removed with them when the run ends, as `countyexpress simulate compare`
    makes them."""
    engines: list[Engine] = []
    with contextlib.ExitStack() as stack:
        where = folder or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cx-scn-")))

        def workspace(name: str) -> UowFactory:
            engine = make_engine(f"sqlite:///{where / f'{len(engines):02d}-{name}'}.db")
            upgrade(engine)
            engines.append(engine)
            cache: dict[str, County] = {}
            return lambda: CountyCachingUnitOfWork(engine, cache)

        try:
            yield workspace
        finally:
            for engine in engines:
                engine.dispose()


__all__: Sequence[str] = ("ScenarioRunsUnitOfWork", "SqlScenarioRuns", "scratch_workspace")
