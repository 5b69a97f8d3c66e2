"""A regulator bound to a prefecture (issue 17, item 5): it reaches a county iff the county's
code starts with the prefecture's 4 digits; a principal bound to a county is unchanged."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.access import (
    Action,
    Principal,
    Resource,
    Role,
    Where,
    allowed,
    covers,
    reaches,
)
from countyexpress.domain.geography import prefecture_code
from countyexpress.errors import InvalidValue

DIGITS = st.text(alphabet="0123456789", min_size=2, max_size=2)
PREFECTURES = st.builds(lambda a, b: a + b, st.sampled_from(["65", "99", "11"]), DIGITS).filter(
    lambda p: p[2:] != "00"
)
COUNTIES = st.one_of(
    st.builds(lambda p, c: p + c, PREFECTURES, DIGITS.filter(lambda c: c != "00")),
    st.sampled_from(["652828", "652801", "990101", "990102", "110101"]),
)


@given(PREFECTURES, COUNTIES, st.sampled_from(list(Action)), st.sampled_from(list(Resource)))
def test_a_prefecture_regulator_reaches_a_county_iff_its_code_starts_with_it(
    prefecture: str, county: str, action: Action, resource: Resource
) -> None:
    p = Principal("p", "p", Role.REGULATOR, prefecture)
    inside = county.startswith(prefecture)
    assert reaches(p, county) is inside
    assert covers(p.county, county) is inside
    as_everywhere = allowed(Principal("r", "r", Role.REGULATOR), action, resource)
    assert allowed(p, action, resource, Where(county=county)) is (inside and as_everywhere)


@given(COUNTIES, COUNTIES, st.sampled_from(list(Action)), st.sampled_from(list(Resource)))
def test_a_county_bound_principal_reaches_only_its_county(
    own: str, county: str, action: Action, resource: Resource
) -> None:
    for role in (Role.REGULATOR, Role.CENTRE_OPERATOR, Role.DRIVER):
        p = Principal("p", "p", role, own)
        assert reaches(p, county) is (county == own)
        if county != own:
            assert not allowed(p, action, resource, Where(county=county))
    assert Principal("p", "p", Role.REGULATOR, own).prefecture is None


@pytest.mark.parametrize("role", [Role.CENTRE_OPERATOR, Role.DRIVER, Role.ADMIN])
def test_only_a_regulator_is_bound_to_a_prefecture(role: Role) -> None:
    with pytest.raises(InvalidValue):
        Principal("p", "p", role, "6528")
    with pytest.raises(InvalidValue):
        Principal("p", "p", Role.REGULATOR, "6528", unit="transport")
    assert Principal("p", "p", Role.REGULATOR, "6528").prefecture == "6528"


@pytest.mark.parametrize("bad", ["65", "652800", "6500", "65a8", ""])
def test_a_prefecture_code_is_four_digits_not_ending_in_00(bad: str) -> None:
    with pytest.raises(InvalidValue):
        prefecture_code(bad)
    assert prefecture_code(" 6528 ") == "6528"


def test_the_first_synthetic_prefecture_may_end_in_00() -> None:
    """`region synth` numbers its counties 990001 … 990099, 990101 …: the first hundred are
    the prefecture 9900, which a regulator may be bound to like any other."""
    assert prefecture_code("9900") == "9900"
    regulator = Principal("p", "p", Role.REGULATOR, "9900")
    assert regulator.prefecture == "9900"
    assert covers(regulator.county, "990001") and not covers(regulator.county, "990101")
