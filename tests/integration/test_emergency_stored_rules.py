"""Supervision rules saved before a clock existed still load, with the pack's rule for it."""

from __future__ import annotations

from sqlalchemy import Engine, update

from countyexpress.adapters.db.tables_supervision import supervision_rules
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.adapters.packs.supervision import to_data
from countyexpress.domain.supervision.clocks import Unit
from countyexpress.services import counties
from countyexpress.services import supervision as service

HESHUO = "652828"


def test_rules_stored_without_the_emergency_report_clock_load_with_the_packs_24_hours(
    engine: Engine,
) -> None:
    """An install that saved its rules before `emergency.report` was added reads them back
    with the pack's clock, keeping every clock it had."""
    path = builtin_pack_path("heshuo")
    assert path is not None
    counties.load_county(SqlUnitOfWork(engine), read_pack(path))
    uow = SqlUnitOfWork(engine)
    rules = service.rules_for(uow, HESHUO)
    old = to_data(rules)
    old["clocks"] = [c for c in old["clocks"] if c["name"] != "emergency.report"]
    old["clocks"][0]["length"] = 21  # the county's own figure must survive
    service.load_rules(uow, HESHUO, rules, "heshuo/supervision.toml")
    with engine.begin() as c:
        c.execute(update(supervision_rules).values(rules=old))
    back = service.rules_for(SqlUnitOfWork(engine), HESHUO)
    report = back.clocks["emergency.report"]
    assert (report.length, report.unit) == (24, Unit.HOURS)
    assert back.clocks[old["clocks"][0]["name"]].length == 21
