"""`reaches`: refusing a request for another county before looking it up says no more than
the rules would say after (issue 11, defect 11)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.access import (
    Action,
    Principal,
    Resource,
    Role,
    Where,
    allowed,
    reaches,
)

COUNTIES = st.sampled_from(["652828", "990101", "652827"])
OPTIONAL = st.one_of(st.none(), st.sampled_from(["HS-STA-01", "HS-STA-02", "zto", "jt"]))


@st.composite
def principals(draw: st.DrawFn) -> Principal:
    role = draw(st.sampled_from(list(Role)))
    county = draw(COUNTIES)
    if role is Role.STATION_KEEPER:
        return Principal("k", "k", role, county, station=draw(st.sampled_from(["HS-STA-01"])))
    if role is Role.CARRIER:
        return Principal("c", "c", role, draw(st.one_of(st.none(), COUNTIES)), carrier="zto")
    if role in (Role.CENTRE_OPERATOR, Role.DRIVER):
        return Principal("p", "p", role, county)
    return Principal("p", "p", role, draw(st.one_of(st.none(), COUNTIES)))


@given(
    principals(),
    COUNTIES,
    st.sampled_from(list(Action)),
    st.sampled_from(list(Resource)),
    OPTIONAL,
    OPTIONAL,
)
def test_a_county_out_of_reach_allows_nothing_in_it(
    p: Principal, county: str, action: Action, resource: Resource, station: str | None,
    carrier: str | None,
) -> None:  # fmt: skip
    """Whatever the action, resource, station or carrier: out of reach means not allowed."""
    if not reaches(p, county):
        assert not allowed(p, action, resource, Where(county, station=station, carrier=carrier))


def test_the_own_county_and_unbound_principals_reach() -> None:
    """A principal reaches its own county; an administrator every county."""
    assert reaches(Principal("r", "r", Role.REGULATOR, "652828"), "652828")
    assert not reaches(Principal("r", "r", Role.REGULATOR, "652828"), "990101")
    assert reaches(Principal("a", "a", Role.ADMIN), "990101")
