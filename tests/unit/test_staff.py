"""Staff rules (issue 14, tasks 19-20): the gate, the training clock and the indicators."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.staff import (
    STAFF_INDICATORS,
    Occupation,
    StaffMember,
    StaffSnapshot,
    check_may_work,
    subject_of,
)
from countyexpress.errors import InvalidValue, NotAllowed

D = dt.date(2026, 12, 6)


def member(**kw: object) -> StaffMember:
    base: dict[str, object] = {
        "staff_no": "S001",
        "employer": "ZTO",
        "occupation": Occupation.COURIER,
        "pre_job_trained_on": dt.date(2026, 1, 5),
    }
    base.update(kw)
    return StaffMember(**base)  # type: ignore[arg-type]


def test_untrained_person_is_refused_with_the_reason() -> None:
    with pytest.raises(NotAllowed, match="pre-job training"):
        check_may_work(member(pre_job_trained_on=None), blacklisted=False, what="put on a run")


def test_blacklisted_person_is_refused_with_the_reason() -> None:
    with pytest.raises(NotAllowed, match="person:S001 is on the blacklist"):
        check_may_work(member(), blacklisted=True, what="bound to a station")


def test_trained_unlisted_person_passes() -> None:
    check_may_work(member(), blacklisted=False, what="put on a run")


def test_subject_is_the_staff_number_never_an_id_number() -> None:
    assert subject_of("S001") == "person:S001"


@pytest.mark.parametrize("bad", [{"staff_no": ""}, {"staff_no": "a b"}, {"level": 0},
                                 {"level": 6}, {"employer": " "}])  # fmt: skip
def test_bad_fields_are_named(bad: dict[str, object]) -> None:
    with pytest.raises(InvalidValue) as e:
        member(**bad)
    assert e.value.field == next(iter(bad))


def test_training_falls_due_an_interval_after_the_last_training() -> None:
    assert member().training_due(12) == dt.date(2027, 1, 5)
    assert member(trained_on=dt.date(2026, 6, 30)).training_due(6) == dt.date(2026, 12, 30)
    assert member(pre_job_trained_on=None).training_due(12) is None


@given(st.dates(), st.dates())
def test_insured_needs_both_insurances_valid(social: dt.date, injury: dt.date) -> None:
    m = member(social_insurance_until=social, injury_insurance_until=injury)
    assert m.insured(D) == (social >= D and injury >= D)
    assert not member(social_insurance_until=social).insured(D)


def test_indicators_count_staff() -> None:
    snap = StaffSnapshot(D, [
        member(staff_no="A", level=5, social_insurance_until=D, injury_insurance_until=D),
        member(staff_no="B", pre_job_trained_on=None, level=4),
        member(staff_no="C", occupation=Occupation.HANDLER),
        member(staff_no="D", social_insurance_until=D, injury_insurance_until=D - dt.timedelta(1)),
    ])  # fmt: skip
    got = {i.name: i.compute(None, {"staff": snap}) for i in STAFF_INDICATORS}  # type: ignore[arg-type]
    assert got["staff_insured_share"].value == 0.25
    assert got["staff_pre_job_trained_share"].value == 0.75
    skill = got["staff_skill_level_share"]
    assert skill.value == 0.5
    assert skill.detail["level_5"] == 1 and skill.detail["unassessed"] == 2
    empty = STAFF_INDICATORS[0].compute(None, {"staff": StaffSnapshot(D, [])})  # type: ignore[arg-type]
    assert empty.value is None
    assert {i.task for i in STAFF_INDICATORS} == {19, 20}
