"""Policy support (plan task 8, and the subsidies of tasks 10 and 18): programmes and rules.

The plan promises money without numbers: "policy funds" for carriers that site the
southern-Xinjiang sorting centre in the county (task 8, section 2.3), support "by the
investment" for sorting-centre and warehouse-and-delivery centre projects (task 10, 2.5),
and purchase subsidies for new-energy delivery vehicles "as the rules provide" (task 18,
2.9). Which programmes a county runs, who is eligible and how much each grants are the
pack's (`policy.toml`), every figure with its source and how sure it is.

An application is checked against its programme with the facts the service gathers (the
carrier's licence and credit, the facility or vehicle it names): `check` says whether it is
eligible, the most it may be granted (`ceiling`) and why not. A grant is never above the
ceiling nor the amount asked (`check_grant`). Amounts are whole yuan (元).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from countyexpress.errors import N_, InvalidValue, NotAllowed, Said

__all__ = [
    "MAX_AMOUNT",
    "Application",
    "Eligibility",
    "Facts",
    "PolicyRules",
    "Programme",
    "ceiling",
    "check",
    "check_grant",
]

MAX_AMOUNT = 10**10
"""No amount (asked, invested or granted) reaches ten billion yuan: a typing error."""


def _amount(name: str, value: int) -> None:
    if not 0 < value < MAX_AMOUNT:
        raise InvalidValue(name, f"{value} is not an amount of yuan between 1 and {MAX_AMOUNT}")


@dataclass(frozen=True)
class Programme:
    """One support programme of the county: what it names, what it needs, what it grants."""

    code: str
    task: int
    title: str
    title_en: str
    max_grant: int
    """The most one application is granted (元)."""
    share_of_investment: Decimal | None = None
    """Where set, a grant is at most this share of the investment (or purchase price)."""
    min_investment: int | None = None
    """Where set, a project below this investment (元) is not eligible."""
    facility_kinds: tuple[str, ...] = ()
    """Where set, the application names a registered facility of one of these kinds, in
    one of the county's divisions and served by the applicant (the sorting centre)."""
    new_energy_vehicle: bool = False
    """The application names a registered new-energy vehicle owned by the applicant."""
    requires_licence: bool = False
    """The applicant holds a valid express business licence record in the county."""
    quality: str = "estimate"
    source: str = ""
    """Where the figures come from, in the county's language (Chinese); `source_en` in
    English."""
    source_en: str = ""

    def __post_init__(self) -> None:
        if not self.code.strip():
            raise InvalidValue("programme", "a programme needs a code")
        _amount(f"programmes.{self.code}.max_grant", self.max_grant)
        share = self.share_of_investment
        if share is not None and not 0 < share <= 1:
            raise InvalidValue(
                f"programmes.{self.code}.share_of_investment", f"{share} is not 0..1"
            )
        if self.min_investment is not None:
            _amount(f"programmes.{self.code}.min_investment", self.min_investment)

    @property
    def needs_investment(self) -> bool:
        """Whether an application states its investment (the rule depends on it)."""
        return self.share_of_investment is not None or self.min_investment is not None


@dataclass(frozen=True)
class PolicyRules:
    """A county's programmes, and whether the blacklist bars policy benefits."""

    programmes: Mapping[str, Programme]
    refuse_blacklisted: bool = True
    source: str = ""
    source_en: str = ""

    def programme(self, code: str) -> Programme:
        """The programme of this code; InvalidValue names those there are."""
        found = self.programmes.get(code)
        if found is None:
            known = ", ".join(self.programmes) or "none in the county's pack"
            raise InvalidValue("programme", f"{code!r} is not a support programme ({known})")
        return found


@dataclass(frozen=True)
class Application:
    """What a carrier asks for."""

    programme: str
    amount: int
    investment: int | None = None
    facility: str = ""
    vehicle: str = ""

    def __post_init__(self) -> None:
        _amount("amount", self.amount)
        if self.investment is not None:
            _amount("investment", self.investment)


@dataclass(frozen=True)
class Facts:
    """What the registries say of the applicant and what it names, gathered by the service."""

    carrier_of_county: bool = True
    licensed: bool = False
    blacklisted: bool = False
    facility_kind: str | None = None
    """The named facility's kind; None when it is not registered."""
    facility_in_county: bool = False
    facility_serves_applicant: bool = False
    vehicle_registered: bool = False
    vehicle_new_energy: bool = False
    vehicle_owned: bool = False
    earlier: int | None = None
    """An earlier application (its number), not refused or withdrawn, for the same facility
    or vehicle under the same programme."""


@dataclass(frozen=True)
class Eligibility:
    """The check of an application: eligible or not, why, and the most it may be granted."""

    programme: Programme
    ceiling: int
    reasons: tuple[str, ...] = ()
    passed: tuple[str, ...] = field(default=())

    @property
    def eligible(self) -> bool:
        """Whether nothing bars it."""
        return not self.reasons


def ceiling(programme: Programme, investment: int | None) -> int:
    """The most an application may be granted: the programme's cap, and where the programme
    grants by investment, its share of the investment (rounded down to the yuan)."""
    top = programme.max_grant
    if programme.share_of_investment is not None:
        if investment is None:
            return 0
        by_share = (programme.share_of_investment * investment).to_integral_value(ROUND_FLOOR)
        top = min(top, int(by_share))
    return top


def check(rules: PolicyRules, a: Application, facts: Facts) -> Eligibility:
    """Whether `a` is eligible under its programme given `facts`; every reason it is not."""
    p = rules.programme(a.programme)
    top = ceiling(p, a.investment)
    no: list[str] = []
    ok: list[str] = []
    if not facts.carrier_of_county:
        no.append(Said(N_("the applicant is not a carrier of the county")))
    if rules.refuse_blacklisted and facts.blacklisted:
        no.append(Said(N_("the applicant is on the blacklist (失信名单): no policy benefits")))
    if p.requires_licence:
        if facts.licensed:
            ok.append(Said(N_("holds a valid express business licence")))
        else:
            no.append(Said(N_("no valid express business licence (快递业务经营许可) is recorded")))
    if p.facility_kinds:
        kinds = "/".join(p.facility_kinds)
        if not a.facility:
            no.append(Said(N_("the application names no facility (%(kinds)s)"), kinds=kinds))
        elif facts.facility_kind is None:
            no.append(Said(N_("facility %(f)s is not in the facilities registry"), f=a.facility))
        elif facts.facility_kind not in p.facility_kinds:
            no.append(Said(N_("facility %(f)s is a %(kind)s, not a %(kinds)s"), f=a.facility,
                             kind=facts.facility_kind, kinds=kinds))  # fmt: skip
        elif not facts.facility_in_county:
            no.append(Said(N_("facility %(f)s is not sited in the county"), f=a.facility))
        elif not facts.facility_serves_applicant:
            no.append(
                Said(N_("facility %(f)s does not list the applicant as its carrier"), f=a.facility)
            )
        else:
            ok.append(Said(N_("%(f)s is a %(kind)s sited in the county"), f=a.facility,
                             kind=facts.facility_kind))  # fmt: skip
    if p.new_energy_vehicle:
        if not a.vehicle:
            no.append(Said(N_("the application names no vehicle (its unified number)")))
        elif not facts.vehicle_registered:
            no.append(Said(N_("vehicle %(v)s is not in the vehicle registry"), v=a.vehicle))
        elif not facts.vehicle_new_energy:
            no.append(Said(N_("vehicle %(v)s is not a new-energy vehicle"), v=a.vehicle))
        elif not facts.vehicle_owned:
            no.append(Said(N_("vehicle %(v)s is not registered to the applicant"), v=a.vehicle))
        else:
            ok.append(
                Said(N_("%(v)s is a registered new-energy vehicle of the applicant"), v=a.vehicle)
            )
    if p.needs_investment and a.investment is None:
        no.append(Said(N_("the programme grants by investment: state the investment")))
    if p.min_investment is not None and a.investment is not None:
        if a.investment < p.min_investment:
            no.append(Said(N_("an investment of %(i)s 元 is below the programme's %(min)s 元"),
                           i=a.investment, min=p.min_investment))  # fmt: skip
        else:
            ok.append(
                Said(N_("investment %(i)s 元 ≥ %(min)s 元"), i=a.investment, min=p.min_investment)
            )
    if facts.earlier is not None:
        no.append(Said(N_("application %(n)s already asks this programme for it"), n=facts.earlier))
    if a.amount > top and not (p.needs_investment and a.investment is None):
        asks = N_("asks %(a)s 元; the programme grants at most %(top)s 元 here")
        no.append(Said(asks, a=a.amount, top=top))
    return Eligibility(p, top, tuple(no), tuple(ok))


def check_grant(e: Eligibility, asked: int, granted: int) -> None:
    """Refuse (NotAllowed) a grant to an ineligible application, or above the ceiling or
    the amount asked."""
    _amount("grant", granted)
    if not e.eligible:
        raise NotAllowed(f"cannot grant: {'; '.join(e.reasons)} — refuse it with the reason")
    if granted > e.ceiling:
        raise NotAllowed(
            f"cannot grant {granted} 元: {e.programme.code} grants at most {e.ceiling} 元 here"
        )
    if granted > asked:
        raise NotAllowed(f"cannot grant {granted} 元: the application asks {asked} 元")
