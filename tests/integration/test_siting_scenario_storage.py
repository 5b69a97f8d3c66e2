"""Siting scenarios are saved, listed and compared on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.domain.access import Principal, Role
from countyexpress.domain.facilities import FacilityKind
from countyexpress.errors import Forbidden, InvalidValue, NotFound
from countyexpress.planning.siting import Objective, SitingRequest
from countyexpress.services import counties
from countyexpress.services import siting as service

HESHUO = "652828"


@pytest.fixture
def uow(engine: Engine) -> SqlUnitOfWork:
    """A unit of work on a database holding the Heshuo pack."""
    path = builtin_pack_path("heshuo")
    assert path is not None
    counties.load_county(SqlUnitOfWork(engine), read_pack(path))
    return SqlUnitOfWork(engine)


def _save(uow: SqlUnitOfWork, name: str, p: int) -> service.SitePlan:
    request = SitingRequest(Objective.MCLP, p, 2.0)
    return service.plan_sites(uow, HESHUO, FacilityKind.LOCKER, request, by=None, save=name)


def test_a_saved_scenario_compares_against_another(uow: SqlUnitOfWork) -> None:
    """Three lockers cover at least as many as one, at three times the setup cost."""
    _save(uow, "one", 1)
    three = _save(uow, "three", 3)
    assert three.saved == "three" and not three.replaced
    assert [s.name for s in service.list_scenarios(uow, HESHUO, by=None)] == ["one", "three"]
    one_f, three_f = service.compare_scenarios(uow, HESHUO, ["one", "three"], 2.0, by=None)
    assert (one_f.new, three_f.new) == (1, 3)
    assert (three_f.coverage_share or 0) >= (one_f.coverage_share or 0)
    assert three_f.cost_cny == 3 * one_f.cost_cny and three_f.cost_is_estimate
    assert three_f.coverage_share == pytest.approx(three.after.covered_share)


def test_a_saved_scenario_keeps_the_existing_lockers(uow: SqlUnitOfWork) -> None:
    """The scenario's open sites are the four open lockers and the new ones."""
    _save(uow, "two", 2)
    (s,) = service.list_scenarios(uow, HESHUO, by=None)
    assert sum(x.existing for x in s.sites) == 4
    assert len(s.new_sites) == 2 and s.explanation.startswith("these 2 lockers")


def test_saving_under_the_same_name_replaces_the_scenario(uow: SqlUnitOfWork) -> None:
    """A name is one scenario per county; saving again replaces it."""
    _save(uow, "same", 1)
    assert _save(uow, "same", 2).replaced
    (s,) = service.list_scenarios(uow, HESHUO, by=None)
    assert len(s.new_sites) == 2


def test_an_unknown_scenario_is_not_found(uow: SqlUnitOfWork) -> None:
    """Comparing a name never saved says which one."""
    with pytest.raises(NotFound, match="nope"):
        service.compare_scenarios(uow, HESHUO, ["nope"], by=None)


def test_a_bad_scenario_name_is_refused(uow: SqlUnitOfWork) -> None:
    """Names are short words: letters, digits, '.', '-' and '_'."""
    with pytest.raises(InvalidValue, match="scenario name"):
        _save(uow, "two words", 1)


@pytest.mark.parametrize(
    ("role", "may_plan", "may_read"),
    [
        (Role.REGULATOR, True, True),
        (Role.CENTRE_OPERATOR, False, True),
        (Role.DRIVER, False, False),
    ],
)
def test_planning_is_for_regulators_and_reading_for_planners(
    uow: SqlUnitOfWork, role: Role, may_plan: bool, may_read: bool
) -> None:
    """EDIT on planning plans and saves; READ lists; a driver does neither."""
    who = Principal("u1", "someone", role, county=HESHUO)
    request = SitingRequest(Objective.MCLP, 1, 2.0)
    if may_plan:
        service.plan_sites(uow, HESHUO, "locker", request, by=who, save="mine")
    else:
        with pytest.raises(Forbidden):
            service.plan_sites(uow, HESHUO, "locker", request, by=who, save="mine")
    if may_read:
        service.list_scenarios(uow, HESHUO, by=who)
    else:
        with pytest.raises(Forbidden):
            service.list_scenarios(uow, HESHUO, by=who)
