"""Random inspections (双随机, task 14) and their findings, on the one record mechanism.

A round is planned with a seed: every subject of the chosen kinds gets an inspection task
(to_draw) with its credit level; the draw takes ⌈ratio × n⌉ of each level (the
blacklisted most) and cancels the rest, so anyone with the seed can repeat it. An
inspector records what was checked; each finding opens a `finding` record with its
rectification clock and counts against the subject's credit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from countyexpress.domain.access import Action, Principal, Resource, Where
from countyexpress.domain.county_time import county_today
from countyexpress.domain.facilities import FacilityKind
from countyexpress.domain.geography import county_code6
from countyexpress.domain.privacy import scrub
from countyexpress.domain.supervision.clocks import ClockRule
from countyexpress.domain.supervision.credit import CreditEvent, standing
from countyexpress.domain.supervision.draws import Candidate, draw
from countyexpress.domain.supervision.kinds import FINDING, INSPECTION, INSPECTION_ITEMS
from countyexpress.domain.supervision.records import Record, Subject, SubjectKind
from countyexpress.errors import InvalidValue, NotAllowed, NotFound
from countyexpress.services.authz import check
from countyexpress.services.supervision import RecordView, all_events, rules_of
from countyexpress.services.unit_of_work import UnitOfWork

__all__ = ["FINDING_EVENT", "Finding", "close_finding", "draw_round", "plan_round", "record"]

FINDING_EVENT = "inspection_finding"
_KINDS = {
    SubjectKind.CARRIER: None,
    SubjectKind.OUTLET: FacilityKind.OUTLET,
    SubjectKind.STATION: FacilityKind.STATION,
}


@dataclass(frozen=True)
class Finding:
    """What an inspector found: the item checked, what is wrong, and the deadline in days
    (None: the pack's `finding.rectify`)."""

    item: str
    text: str
    deadline_days: int | None = None

    def __post_init__(self) -> None:
        if self.item not in INSPECTION_ITEMS:
            raise InvalidValue(
                "item", f"{self.item!r} is not one of: {', '.join(INSPECTION_ITEMS)}"
            )
        if not self.text.strip():
            raise InvalidValue("finding", "say what was found")
        if self.deadline_days is not None and not 1 <= self.deadline_days <= 180:
            raise InvalidValue("deadline_days", "a rectification deadline is 1..180 days")


def _name(by: Principal | None) -> str:
    return "local" if by is None else by.name


def _check(by: Principal | None, county: str) -> None:
    check(by, Action.EDIT, Resource.SUPERVISION, Where(county))


def plan_round(
    uow: UnitOfWork,
    county: str,
    round_name: str,
    seed: int,
    kinds: Sequence[SubjectKind] = (SubjectKind.CARRIER, SubjectKind.OUTLET, SubjectKind.STATION),
    on: dt.date | None = None,
    by: Principal | None = None,
) -> list[RecordView]:
    """An inspection task (to_draw) for every carrier, open outlet and open station, with
    its credit level on the day; refused if the round exists."""
    code = county_code6(county)
    _check(by, code)
    name = round_name.strip()
    if not name or len(name) > 40:
        raise InvalidValue("round", "a round needs a name of 1..40 characters")
    day = on or county_today()
    with uow:
        county_obj = uow.counties.get(code)
        if county_obj is None:
            raise NotFound(f"county {code} is not loaded")
        if any(
            s.record.facts.get("round") == name for s in uow.supervision.find(code, "inspection")
        ):
            raise NotAllowed(f"round {name!r} is planned already")
        rules = rules_of(uow, code)
        subjects: list[Subject] = []
        for kind in kinds:
            if kind not in _KINDS:
                raise InvalidValue("kinds", f"{kind.value} subjects are not inspected in rounds")
            facility_kind = _KINDS[kind]
            if facility_kind is None:
                subjects += [Subject(kind, c.code) for c in county_obj.carriers]
            else:
                subjects += [
                    Subject(kind, f.code)
                    for f in county_obj.facilities_of(facility_kind)
                    if f.is_operating
                ]
        events = all_events(uow, code, rules, day)
        repairs = uow.supervision.repairs(code)
        out = []
        for s in subjects:
            st = standing(rules.credit, s, events, day, repairs.get(str(s)))
            facts = {
                "round": name,
                "seed": str(seed),
                "level": st.level,
                "blacklisted": "yes" if st.blacklisted else "no",
            }
            rec = Record.open(INSPECTION, s, day, _name(by), rules.clocks, rules.calendar, facts)
            out.append(RecordView(uow.supervision.add(code, rec, None), rec))
        uow.commit()
    return out


def draw_round(
    uow: UnitOfWork,
    county: str,
    round_name: str,
    on: dt.date | None = None,
    by: Principal | None = None,
) -> tuple[list[RecordView], list[RecordView]]:
    """Draw the round with its seed: the drawn tasks (their carry_out clock started) and the
    cancelled ones."""
    code = county_code6(county)
    _check(by, code)
    day = on or county_today()
    with uow:
        rules = rules_of(uow, code)
        tasks = [
            s
            for s in uow.supervision.find(code, "inspection", states=["to_draw"])
            if s.record.facts.get("round") == round_name
        ]
        if not tasks:
            raise NotFound(f"no round {round_name!r} waiting to be drawn in county {code}")
        seed = int(tasks[0].record.facts["seed"])
        cands = {
            str(s.record.subject): Candidate(
                s.record.subject, s.record.facts["level"], s.record.facts["blacklisted"] == "yes"
            )
            for s in tasks
        }
        chosen = {str(c.subject) for c in draw(list(cands.values()), rules.ratios, seed)}
        drawn: list[RecordView] = []
        cancelled: list[RecordView] = []
        for s in tasks:
            is_drawn = str(s.record.subject) in chosen
            verb, note = ("draw", "") if is_drawn else ("cancel", "not drawn")
            rec = s.record.apply(verb, day, _name(by), rules.clocks, rules.calendar, note)
            uow.supervision.save(s.id, s.record, rec, None)
            (drawn if is_drawn else cancelled).append(RecordView(s.id, rec))
        uow.commit()
    return drawn, cancelled


def record(
    uow: UnitOfWork,
    county: str,
    inspection_id: int,
    checked: Mapping[str, bool],
    findings: Sequence[Finding] = (),
    on: dt.date | None = None,
    by: Principal | None = None,
) -> tuple[RecordView, list[RecordView]]:
    """Record a drawn inspection: the items checked (True: in order) and the findings, each
    a `finding` record with its deadline and an `inspection_finding` credit event."""
    code = county_code6(county)
    _check(by, code)
    unknown = sorted(set(checked) - set(INSPECTION_ITEMS))
    if unknown:
        raise InvalidValue("items", f"unknown items: {', '.join(unknown)}")
    if not checked:
        raise InvalidValue("items", "say which items were checked")
    failed = {f.item for f in findings}
    if any(checked.get(item) for item in failed):
        raise InvalidValue("items", "an item with a finding cannot also be in order")
    day = on or county_today()
    with uow:
        stored = uow.supervision.get(code, inspection_id)
        if stored is None or stored.record.kind.name != "inspection":
            raise NotFound(f"no inspection {inspection_id} in county {code}")
        rules = rules_of(uow, code)
        facts = {
            "checked": " ".join(sorted(checked)),
            "in_order": " ".join(sorted(k for k, ok in checked.items() if ok)),
            "findings": str(len(findings)),
        }
        done = stored.record.apply("record", day, _name(by), rules.clocks, rules.calendar,
                                   facts=facts)  # fmt: skip
        uow.supervision.save(stored.id, stored.record, done, None)
        opened = []
        for f in findings:
            clocks = dict(rules.clocks)
            if f.deadline_days is not None:
                clocks["finding.rectify"] = ClockRule("finding.rectify", f.deadline_days)
            rec = Record.open(FINDING, stored.record.subject, day, _name(by), clocks,
                              rules.calendar,
                              {"item": f.item, "inspection": str(inspection_id)},
                              scrub(f.text))  # fmt: skip
            number = uow.supervision.add(code, rec, None)
            event = CreditEvent(stored.record.subject, FINDING_EVENT, day, scrub(f.text),
                                f"finding:{number}")  # fmt: skip
            uow.supervision.add_credit_event(code, event, _name(by))
            opened.append(RecordView(number, rec))
        uow.commit()
    return RecordView(inspection_id, done), opened


def close_finding(
    uow: UnitOfWork,
    county: str,
    finding_id: int,
    accepted: bool = True,
    on: dt.date | None = None,
    note: str = "",
    by: Principal | None = None,
) -> RecordView:
    """The follow-up: the rectification reported and accepted (closed), or not accepted
    (open again with a new deadline)."""
    code = county_code6(county)
    _check(by, code)
    day = on or county_today()
    with uow:
        stored = uow.supervision.get(code, finding_id)
        if stored is None or stored.record.kind.name != "finding":
            raise NotFound(f"no finding {finding_id} in county {code}")
        rules = rules_of(uow, code)
        rec = stored.record
        who = _name(by)
        if rec.state == "open":
            rec = rec.apply("report_rectified", day, who, rules.clocks, rules.calendar)
        verb = "close" if accepted else "reject_rectification"
        rec = rec.apply(verb, day, who, rules.clocks, rules.calendar, scrub(note))
        uow.supervision.save(stored.id, stored.record, rec, None)
        uow.commit()
    return RecordView(finding_id, rec)
