"""Counties stored and read back, all or nothing, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, select, text

from countyexpress.adapters.db import tables as t
from countyexpress.adapters.db.engine import make_engine
from countyexpress.adapters.db.migrate import downgrade, upgrade
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.domain.county import County
from countyexpress.services import counties as service
from packs import FIXTURES


def heshuo() -> County:
    path = builtin_pack_path("heshuo")
    assert path is not None
    return read_pack(path)


def snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every pack table, to compare a database before and after."""
    with engine.connect() as conn:
        return {
            table.name: sorted(
                tuple(r) for r in conn.execute(select(table).order_by(*table.primary_key))
            )
            for table in (t.counties, t.divisions, t.facilities, t.carriers)
        }


def test_a_stored_county_reads_back_equal(engine: Engine) -> None:
    """Divisions, facilities (with their parts), carriers and plan survive the database."""
    county = heshuo()
    service.load_county(SqlUnitOfWork(engine), county)
    with SqlUnitOfWork(engine) as uow:
        again = uow.counties.get("652828")
    assert again is not None
    assert again.divisions == county.divisions
    assert again.facilities == county.facilities
    assert again.carriers == county.carriers
    assert again.plan == county.plan
    assert again.operations == county.operations
    assert again.sources == county.sources
    assert again.summary() == county.summary()


def test_every_pack_row_carries_its_county_code(engine: Engine) -> None:
    """One database can hold many counties: each table keys rows by county."""
    service.load_county(SqlUnitOfWork(engine), heshuo())
    for table in (t.divisions, t.facilities, t.carriers):
        assert "county_code" in [c.name for c in table.primary_key.columns]
        with engine.connect() as conn:
            codes = {r[0] for r in conn.execute(select(table.c.county_code).distinct())}
        assert codes == {"652828"}


def test_a_second_county_loads_beside_the_first(engine: Engine) -> None:
    """Loading another county leaves Heshuo as it was."""
    service.load_county(SqlUnitOfWork(engine), heshuo())
    before = snapshot(engine)
    result = service.load_county(SqlUnitOfWork(engine), read_pack(FIXTURES / "testcounty"))
    assert (result.code, result.replaced) == ("990101", False)
    summaries = service.list_counties(SqlUnitOfWork(engine))
    assert [(s.code, s.villages) for s in summaries] == [("652828", 25), ("990101", 2)]
    after = snapshot(engine)
    for name, rows in before.items():
        assert [r for r in after[name] if r[0] == "652828"] == rows


def test_loading_a_county_again_replaces_it(engine: Engine) -> None:
    """A reload leaves one copy: same rows, not twice as many."""
    service.load_county(SqlUnitOfWork(engine), heshuo())
    first = snapshot(engine)
    result = service.load_county(SqlUnitOfWork(engine), heshuo())
    assert result.replaced
    again = snapshot(engine)
    assert {k: len(v) for k, v in again.items()} == {k: len(v) for k, v in first.items()}


def test_a_failed_write_leaves_the_database_exactly_as_it_was(engine: Engine) -> None:
    """A county that breaks a database rule half-way is rolled back whole."""
    service.load_county(SqlUnitOfWork(engine), heshuo())
    before = snapshot(engine)
    county = heshuo()
    county.divisions.append(county.divisions[-1])  # slips past the reader: a duplicate key
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        service.load_county(SqlUnitOfWork(engine), county)
    assert snapshot(engine) == before


def test_migrations_go_down_and_up_again(database_url: str) -> None:
    """The schema is Alembic's: downgrade to nothing removes the tables, upgrade restores them."""
    eng = make_engine(database_url)
    upgrade(eng)
    assert {"counties", "divisions", "facilities", "carriers"} <= set(
        inspect(eng).get_table_names()
    )
    downgrade(eng, "base")
    assert "counties" not in inspect(eng).get_table_names()
    upgrade(eng)
    assert "counties" in inspect(eng).get_table_names()
    eng.dispose()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    """The embedded database tolerates a reader and a writer at once."""
    eng = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with eng.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    eng.dispose()
