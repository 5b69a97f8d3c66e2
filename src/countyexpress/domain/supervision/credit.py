"""Credit (task 12; 快递暂行条例 art. 8): events with points, a score, a level, the blacklist.

The legal basis is confirmed; the scoring is not published nationally, so every number is
the county pack's (`CreditRules`), with a default in the Heshuo pack:

- a subject starts from `base` points; each credit event deducts its type's points for as
  long as the type's validity lasts (months from the event's day);
- the score gives a level: the first level whose `min_score` it reaches (A/B/C/D by default);
- a blacklist rule names an event type, a count and a window ("one personal_data_leak", or
  "two prohibited_item_accepted within 12 months"); the day the count is reached, the
  subject is on the blacklist (失信名单). It comes off only by repair: after the subject has
  rectified, and not before `repair_months` from the day it went on (national rule
  发改办财金〔2019〕527号: at least 6 months, at most 3 years of publicity).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from countyexpress.domain.supervision.calendar import add_months
from countyexpress.domain.supervision.records import Subject, SubjectKind
from countyexpress.errors import InvalidValue

__all__ = [
    "BlacklistEntry",
    "BlacklistRule",
    "CreditEvent",
    "CreditEventType",
    "CreditRules",
    "Level",
    "Standing",
    "standing",
]

MIN_REPAIR_MONTHS, MAX_REPAIR_MONTHS = 6, 36


@dataclass(frozen=True)
class CreditEventType:
    """A kind of credit event: points deducted, for how long, and its rule."""

    code: str
    points: int
    valid_months: int
    label: str = ""
    """In the county's language (Chinese); `label_en` in English."""
    source: str = ""
    label_en: str = ""

    def __post_init__(self) -> None:
        if not self.code:
            raise InvalidValue("credit.events", "an event type needs a code")
        if self.points < 0:
            raise InvalidValue(f"credit.events.{self.code}.points", "points deducted are 0 or more")
        if not 1 <= self.valid_months <= 120:
            raise InvalidValue(
                f"credit.events.{self.code}.valid_months", f"{self.valid_months} is not 1..120"
            )


@dataclass(frozen=True)
class BlacklistRule:
    """`count` events of type `event` within `within_months` put a subject on the list."""

    event: str
    count: int
    within_months: int
    repair_months: int
    subjects: frozenset[SubjectKind] = frozenset()
    """The subjects the rule applies to; empty: every subject."""

    def __post_init__(self) -> None:
        if self.count < 1 or not 1 <= self.within_months <= 120:
            raise InvalidValue(
                "credit.blacklist", f"rule on {self.event!r}: count ≥ 1, window 1..120"
            )
        if not MIN_REPAIR_MONTHS <= self.repair_months <= MAX_REPAIR_MONTHS:
            raise InvalidValue(
                "credit.blacklist.repair_months",
                f"{self.repair_months} is not {MIN_REPAIR_MONTHS}..{MAX_REPAIR_MONTHS} months",
            )

    def applies_to(self, subject: Subject) -> bool:
        """Whether the rule concerns this subject's kind."""
        return not self.subjects or subject.kind in self.subjects


@dataclass(frozen=True)
class Level:
    """A credit level and the lowest score that reaches it."""

    name: str
    min_score: int


@dataclass(frozen=True)
class CreditRules:
    """The pack's credit scoring: base points, levels, event types and blacklist rules."""

    levels: tuple[Level, ...]
    events: Mapping[str, CreditEventType]
    blacklist: tuple[BlacklistRule, ...] = ()
    base: int = 100

    def __post_init__(self) -> None:
        if not self.levels:
            raise InvalidValue("credit.levels", "at least one level is needed")
        mins = [lv.min_score for lv in self.levels]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            raise InvalidValue("credit.levels", "levels go from the highest min_score down")
        if len({lv.name for lv in self.levels}) != len(self.levels):
            raise InvalidValue("credit.levels", "level names repeat")
        for rule in self.blacklist:
            if rule.event not in self.events:
                raise InvalidValue("credit.blacklist", f"unknown event type {rule.event!r}")

    def level_of(self, score: int) -> str:
        """The level a score reaches (the lowest level below every threshold)."""
        for lv in self.levels:
            if score >= lv.min_score:
                return lv.name
        return self.levels[-1].name

    def event_type(self, code: str) -> CreditEventType:
        """The event type `code`; InvalidValue lists the known ones."""
        try:
            return self.events[code]
        except KeyError:
            known = ", ".join(sorted(self.events))
            raise InvalidValue("event", f"{code!r} is not a credit event type ({known})") from None


@dataclass(frozen=True)
class CreditEvent:
    """Something that counts against a subject's credit, on a day, with where it came from."""

    subject: Subject
    type: str
    on: dt.date
    note: str = ""
    ref: str = ""
    """The record it came from (a finding, a complaint, a ledger anomaly), if any."""


@dataclass(frozen=True)
class BlacklistEntry:
    """A subject on the blacklist: since when, why, and from when it may come off."""

    subject: Subject
    rule: BlacklistRule
    start: dt.date
    events: tuple[CreditEvent, ...]
    rectified: dt.date | None = None

    @property
    def repairable_from(self) -> dt.date:
        """The earliest day it can come off: `repair_months` after it went on."""
        return add_months(self.start, self.rule.repair_months)

    @property
    def end(self) -> dt.date | None:
        """The day it comes off: rectified and the waiting period over; None while not rectified."""
        if self.rectified is None:
            return None
        return max(self.rectified, self.repairable_from)

    def active(self, on: dt.date) -> bool:
        """Whether the subject is on the list on `on`."""
        end = self.end
        return self.start <= on and (end is None or on < end)

    @property
    def reason(self) -> str:
        """The rule in words, e.g. "2 × prohibited_item_accepted within 12 months"."""
        return f"{self.rule.count} × {self.rule.event} within {self.rule.within_months} months"


@dataclass(frozen=True)
class Standing:
    """A subject's credit on a day."""

    subject: Subject
    on: dt.date
    score: int
    level: str
    counted: tuple[CreditEvent, ...]
    blacklist: tuple[BlacklistEntry, ...] = field(default_factory=tuple)

    @property
    def blacklisted(self) -> bool:
        """Whether any blacklist entry is active on the day."""
        return any(e.active(self.on) for e in self.blacklist)


def standing(
    rules: CreditRules,
    subject: Subject,
    events: Iterable[CreditEvent],
    on: dt.date,
    rectified: Mapping[dt.date, dt.date] | None = None,
) -> Standing:
    """`subject`'s score, level and blacklist entries on `on`, from its events up to `on`.

    `rectified` maps the start day of a blacklist entry to the day its rectification was
    accepted. Events of other subjects or after `on` are ignored."""
    mine = sorted((e for e in events if e.subject == subject and e.on <= on), key=lambda e: e.on)
    for e in mine:
        rules.event_type(e.type)
    counted = tuple(e for e in mine if on < add_months(e.on, rules.events[e.type].valid_months))
    score = rules.base - sum(rules.events[e.type].points for e in counted)
    entries = _entries(rules, subject, mine, rectified or {})
    return Standing(subject, on, score, rules.level_of(score), counted, entries)


def _entries(
    rules: CreditRules,
    subject: Subject,
    events: list[CreditEvent],
    rectified: Mapping[dt.date, dt.date],
) -> tuple[BlacklistEntry, ...]:
    """Every blacklist entry the events trigger: a rule triggers on the day its count of
    events within the window is reached, and not again while that entry lasts."""
    out: list[BlacklistEntry] = []
    for rule in rules.blacklist:
        if not rule.applies_to(subject):
            continue
        hits = [e for e in events if e.type == rule.event]
        current: BlacklistEntry | None = None
        for i, e in enumerate(hits):
            if current is not None and (current.end is None or e.on < current.end):
                continue  # already on the list for this rule
            window = [h for h in hits[: i + 1] if e.on < add_months(h.on, rule.within_months)]
            if current is not None:
                window = [h for h in window if h.on >= current.start and h not in current.events]
            if len(window) >= rule.count:
                current = BlacklistEntry(
                    subject, rule, e.on, tuple(window[-rule.count :]), rectified.get(e.on)
                )
                out.append(current)
    return tuple(sorted(out, key=lambda x: x.start))
