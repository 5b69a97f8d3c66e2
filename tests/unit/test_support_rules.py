"""Support programmes (tasks 8, 10, 18): eligibility and the amount rule, from the pack."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.adapters.packs.policy import pack_policy, policy_for, read_policy
from countyexpress.domain.supervision.support import (
    Application,
    Facts,
    PolicyRules,
    Programme,
    ceiling,
    check,
    check_grant,
)
from countyexpress.errors import InvalidValue, NotAllowed, PackInvalid

PACK = Path(__file__).parents[2] / "src/countyexpress/packs/heshuo"
PROJECT = Programme("warehouse_project", 10, "项目", "projects", max_grant=1_000_000,
                    share_of_investment=Decimal("0.10"), min_investment=1_000_000)  # fmt: skip
CENTRE = Programme("sorting_centre", 8, "分拨中心", "centre", max_grant=500_000,
                   facility_kinds=("sorting_center",), requires_licence=True)  # fmt: skip
NEV = Programme("nev_purchase", 18, "新能源", "nev", max_grant=30_000, new_energy_vehicle=True)
RULES = PolicyRules({p.code: p for p in (PROJECT, CENTRE, NEV)})
CAR = Facts(vehicle_registered=True, vehicle_new_energy=True, vehicle_owned=True)
SITE = Facts(licensed=True, facility_kind="sorting_center", facility_in_county=True,
             facility_serves_applicant=True)  # fmt: skip


def test_the_heshuo_pack_names_the_plans_three_programmes_as_estimates() -> None:
    rules = read_policy(PACK / "policy.toml")
    assert {c: p.task for c, p in rules.programmes.items()} == {
        "sorting_centre": 8, "warehouse_project": 10, "nev_purchase": 18}  # fmt: skip
    assert all(p.quality == "estimate" and "plan 2." in p.source_en and "方案2." in p.source
               for p in rules.programmes.values())  # fmt: skip
    assert rules.programmes["warehouse_project"].share_of_investment == Decimal("0.10")
    assert policy_for("652828") == rules
    assert rules.refuse_blacklisted


def test_a_county_without_a_policy_file_runs_no_programme(tmp_path: Path) -> None:
    rules = pack_policy(tmp_path)
    with pytest.raises(InvalidValue, match="none in the county's pack"):
        rules.programme("nev_purchase")
    assert policy_for("110101").programmes == {}


def test_a_bad_figure_in_the_pack_is_located(tmp_path: Path) -> None:
    text = (PACK / "policy.toml").read_text(encoding="utf-8")
    (tmp_path / "policy.toml").write_text(text.replace("max_grant = 30000", "max_grant = -1"))
    with pytest.raises(PackInvalid, match=r"programmes\.nev_purchase\.max_grant"):
        read_policy(tmp_path)


def test_a_new_energy_vehicle_of_the_applicant_is_eligible_up_to_the_cap() -> None:
    e = check(RULES, Application("nev_purchase", 30_000, vehicle="HS-KD-E01"), CAR)
    assert e.eligible and e.ceiling == 30_000
    assert "new-energy" in e.passed[0]


@pytest.mark.parametrize(
    ("facts", "reason"),
    [
        (Facts(), "not in the vehicle registry"),
        (Facts(vehicle_registered=True, vehicle_owned=True), "not a new-energy vehicle"),
        (
            Facts(vehicle_registered=True, vehicle_new_energy=True),
            "not registered to the applicant",
        ),
        (Facts(**{**CAR.__dict__, "blacklisted": True}), "blacklist"),
        (Facts(**{**CAR.__dict__, "earlier": 7}), "application 7 already asks"),
    ],
)
def test_an_ineligible_vehicle_application_says_why(facts: Facts, reason: str) -> None:
    e = check(RULES, Application("nev_purchase", 20_000, vehicle="HS-KD-E01"), facts)
    assert not e.eligible and any(reason in r for r in e.reasons)


def test_asking_above_the_cap_is_refused_with_the_cap() -> None:
    e = check(RULES, Application("nev_purchase", 30_001, vehicle="HS-KD-E01"), CAR)
    assert e.reasons == ("asks 30001 元; the programme grants at most 30000 元 here",)


def test_a_sorting_centre_outside_the_county_is_not_eligible() -> None:
    outside = Facts(**{**SITE.__dict__, "facility_in_county": False})
    e = check(RULES, Application("sorting_centre", 100_000, facility="BZ-SORT"), outside)
    assert e.reasons == ("facility BZ-SORT is not sited in the county",)
    unlicensed = Facts(**{**SITE.__dict__, "licensed": False})
    e = check(RULES, Application("sorting_centre", 100_000, facility="HS-SORT"), unlicensed)
    assert "licence" in e.reasons[0]
    assert check(RULES, Application("sorting_centre", 500_000, facility="HS-SORT"), SITE).eligible


def test_a_project_needs_its_investment_and_the_threshold() -> None:
    e = check(RULES, Application("warehouse_project", 50_000), Facts())
    assert e.reasons == ("the programme grants by investment: state the investment",)
    e = check(RULES, Application("warehouse_project", 50_000, investment=999_999), Facts())
    assert "below the programme's 1000000 元" in e.reasons[0]
    e = check(RULES, Application("warehouse_project", 250_000, investment=2_500_000), Facts())
    assert e.eligible and e.ceiling == 250_000


def test_a_grant_is_refused_above_the_ceiling_or_the_amount_asked() -> None:
    e = check(RULES, Application("warehouse_project", 200_000, investment=2_500_000), Facts())
    check_grant(e, 200_000, 200_000)
    with pytest.raises(NotAllowed, match="at most 250000"):
        check_grant(e, 300_000, 250_001)
    with pytest.raises(NotAllowed, match="asks 200000"):
        check_grant(e, 200_000, 200_001)
    bad = check(RULES, Application("nev_purchase", 1, vehicle="X"), Facts())
    with pytest.raises(NotAllowed, match="refuse it with the reason"):
        check_grant(bad, 1, 1)


@given(
    cap=st.integers(1, 10**8),
    share=st.decimals(Decimal("0.01"), Decimal("1"), places=2),
    investment=st.integers(1, 10**9),
    more=st.integers(0, 10**8),
)
def test_the_ceiling_is_within_the_cap_and_the_share_and_grows_with_the_investment(
    cap: int, share: Decimal, investment: int, more: int
) -> None:
    """Never above the cap nor share × investment; more investment never lowers it."""
    p = Programme("p", 10, "p", "p", max_grant=cap, share_of_investment=share)
    top = ceiling(p, investment)
    assert 0 <= top <= cap
    assert top <= share * investment < top + 1 or top == cap
    assert ceiling(p, investment + more) >= top


@given(
    investment=st.integers(1_000_000, 10**9),
    asked=st.integers(1, 2 * 10**6),
    granted=st.integers(1, 2 * 10**6),
)
def test_a_grant_passes_exactly_when_within_the_ceiling_and_the_amount_asked(
    investment: int, asked: int, granted: int
) -> None:
    """check_grant accepts a grant iff granted ≤ min(asked, ceiling) of an eligible one."""
    e = check(RULES, Application("warehouse_project", asked, investment=investment), Facts())
    allowed = e.eligible and granted <= min(asked, e.ceiling)
    if allowed:
        check_grant(e, asked, granted)
    else:
        with pytest.raises(NotAllowed):
            check_grant(e, asked, granted)
