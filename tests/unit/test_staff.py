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
    member_from_row,
    members_from_rows,
    subject_of,
)
from countyexpress.errors import InvalidValue, NotAllowed, PackInvalid

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


ROW = {
    "staff_no": "S009", "employer": "ZTO", "occupation": "快递员", "level": "4",
    "name": "王小明", "id_number": "11010519491231002X", "phone": "138 0013 8000",
    "pre_job_trained_on": "2026-03-01", "trained_on": "", "social_insurance_until": "2027-01-31",
    "injury_insurance_until": "2027-01-31", "username": "",
}  # fmt: skip


def test_a_row_gives_a_member_and_its_personal_data_apart() -> None:
    m, personal = member_from_row(ROW, D)
    assert m.staff_no == "S009" and m.occupation is Occupation.COURIER and m.level == 4
    assert m.pre_job_trained_on == dt.date(2026, 3, 1) and m.trained_on is None
    assert personal == {"name": "王小明", "id_number": "11010519491231002X", "phone": "13800138000"}
    assert "王小明" not in repr(m)


def test_rows_are_all_or_nothing_with_every_problem_located() -> None:
    good = dict(ROW, staff_no="S010")
    bad = [dict(ROW, occupation="cook"), dict(ROW, staff_no="S011", id_number="123", level="9")]
    with pytest.raises(PackInvalid) as e:
        members_from_rows("staff.xlsx", [good, *bad], D)
    where = {(p.line, p.field) for p in e.value.problems}
    assert where == {(3, "occupation"), (4, "id_number"), (4, "level")}
    assert all(p.file == "staff.xlsx" for p in e.value.problems)
    assert "123" not in str(e.value)  # an ID number is not repeated in the error


def test_duplicate_staff_numbers_are_refused() -> None:
    with pytest.raises(PackInvalid, match="staff_no"):
        members_from_rows("staff.csv", [ROW, ROW], D)
    assert len(members_from_rows("staff.csv", [ROW], D)) == 1
