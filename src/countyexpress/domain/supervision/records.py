"""Supervision records: one mechanism for filings, inspections, findings, complaints …

A record is about a subject (a carrier's county operation, an outlet, a station, a person,
a vehicle), has a kind, and moves through the kind's states by verbs (submit, accept,
notify_incomplete …). A verb may start clocks and stop others; every step is kept, so a
record carries its own audit trail. Kinds are data (`RecordKind`); what differs between a
filing and a complaint is which states, verbs and clocks they have, not the code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType

from countyexpress.domain.supervision.calendar import WorkingCalendar
from countyexpress.domain.supervision.clocks import Clock, ClockRule, ClockState
from countyexpress.errors import InvalidValue, NotAllowed

__all__ = [
    "Record",
    "RecordKind",
    "Step",
    "Subject",
    "SubjectKind",
    "Transition",
]


class SubjectKind(StrEnum):
    """What a record is about."""

    CARRIER = "carrier"  # a carrier's county operation (by carrier code)
    OUTLET = "outlet"  # a last-mile outlet (by facility code)
    STATION = "station"  # a village station (by facility code)
    LOCKER = "locker"
    PERSON = "person"  # a courier or keeper (by staff number, never an ID number)
    VEHICLE = "vehicle"  # by its unified number


@dataclass(frozen=True)
class Subject:
    """A subject as `kind:key`, e.g. `carrier:zto` or `outlet:HS-OUT-03`."""

    kind: SubjectKind
    key: str

    def __post_init__(self) -> None:
        if not self.key or self.key != self.key.strip() or ":" in self.key:
            raise InvalidValue("subject", f"subject key {self.key!r} is empty or malformed")

    @classmethod
    def parse(cls, text: str) -> Subject:
        """`carrier:zto` → Subject(CARRIER, "zto"); InvalidValue says what is wrong."""
        kind, sep, key = text.strip().partition(":")
        if not sep:
            raise InvalidValue("subject", f"{text!r} is not kind:key (e.g. carrier:zto)")
        try:
            subject_kind = SubjectKind(kind.lower())
        except ValueError:
            kinds = ", ".join(k.value for k in SubjectKind)
            raise InvalidValue("subject", f"{kind!r} is not one of: {kinds}") from None
        return cls(subject_kind, key.strip())

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.key}"


@dataclass(frozen=True)
class Transition:
    """A verb that moves a record from any of `sources` to `target`, starting and stopping
    clocks on the way (a clock restarted by `starts` begins afresh)."""

    verb: str
    sources: frozenset[str]
    target: str
    starts: tuple[str, ...] = ()
    stops: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordKind:
    """A kind of record: its states, where it begins, where it ends, and its verbs.

    `opening` is the verb that creates a record (its sources are empty)."""

    name: str
    initial: str
    finals: frozenset[str]
    transitions: tuple[Transition, ...]
    opening: Transition

    def __post_init__(self) -> None:
        states = self.states
        if self.opening.sources or self.opening.target != self.initial:
            raise InvalidValue(
                self.name, "the opening verb creates the record in its initial state"
            )
        verbs = [t.verb for t in self.transitions]
        if len(set(verbs)) != len(verbs) or self.opening.verb in verbs:
            raise InvalidValue(self.name, "each verb of a kind is defined once")
        for t in self.transitions:
            if not t.sources:
                raise InvalidValue(self.name, f"verb {t.verb!r} moves from no state")
            if t.sources & self.finals:
                raise InvalidValue(self.name, f"verb {t.verb!r} leaves a final state")
        unreachable = states - self._reachable()
        if unreachable:
            raise InvalidValue(self.name, f"states {sorted(unreachable)} cannot be reached")
        if not self.finals <= states:
            raise InvalidValue(self.name, "a final state is not a state of the kind")

    @property
    def states(self) -> frozenset[str]:
        """Every state the kind names."""
        named = {self.initial, *self.finals}
        for t in self.transitions:
            named |= t.sources | {t.target}
        return frozenset(named)

    @property
    def clock_names(self) -> frozenset[str]:
        """Every clock the kind's verbs start."""
        return frozenset(c for t in (self.opening, *self.transitions) for c in t.starts)

    def _reachable(self) -> set[str]:
        seen, frontier = {self.initial}, [self.initial]
        while frontier:
            state = frontier.pop()
            for t in self.transitions:
                if state in t.sources and t.target not in seen:
                    seen.add(t.target)
                    frontier.append(t.target)
        return seen

    def verbs_from(self, state: str) -> list[str]:
        """The verbs that may be applied in `state`, in the kind's order."""
        return [t.verb for t in self.transitions if state in t.sources]

    def transition(self, state: str, verb: str) -> Transition:
        """The transition `verb` from `state`; NotAllowed names the verbs that are."""
        for t in self.transitions:
            if t.verb == verb and state in t.sources:
                return t
        if verb not in {t.verb for t in self.transitions}:
            raise InvalidValue("verb", f"a {self.name} has no verb {verb!r}")
        allowed = ", ".join(self.verbs_from(state)) or "none: it is closed"
        raise NotAllowed(f"a {self.name} that is {state} cannot {verb} (allowed: {allowed})")


@dataclass(frozen=True)
class Step:
    """One entry of a record's trail: who did what, when, and the state it left."""

    verb: str
    on: dt.date
    by: str
    state: str
    note: str = ""


@dataclass(frozen=True)
class Record:
    """A supervision record: kind, subject, state, clocks and the trail of its steps."""

    kind: RecordKind
    subject: Subject
    state: str
    clocks: Mapping[str, Clock]
    trail: tuple[Step, ...]
    facts: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def open(
        cls,
        kind: RecordKind,
        subject: Subject,
        on: dt.date,
        by: str,
        rules: Mapping[str, ClockRule],
        calendar: WorkingCalendar,
        facts: Mapping[str, str] | None = None,
        note: str = "",
    ) -> Record:
        """A new record, its opening verb applied on `on`."""
        clocks = _start(kind.opening.starts, on, rules, calendar, {})
        step = Step(kind.opening.verb, on, by, kind.initial, note)
        return cls(
            kind, subject, kind.initial, clocks, (step,), MappingProxyType(dict(facts or {}))
        )

    @property
    def closed(self) -> bool:
        """Whether the record has reached a final state."""
        return self.state in self.kind.finals

    @property
    def last_on(self) -> dt.date:
        """The day of the latest step."""
        return self.trail[-1].on

    def apply(
        self,
        verb: str,
        on: dt.date,
        by: str,
        rules: Mapping[str, ClockRule],
        calendar: WorkingCalendar,
        note: str = "",
        facts: Mapping[str, str] | None = None,
    ) -> Record:
        """The record after `verb` on `on`; NotAllowed when the state does not allow it,
        InvalidValue when `on` is before the record's latest step."""
        if on < self.last_on:
            raise InvalidValue("on", f"{on} is before the record's last step ({self.last_on})")
        t = self.kind.transition(self.state, verb)
        stopped = {n: (c.stop(on) if n in t.stops else c) for n, c in self.clocks.items()}
        clocks = _start(t.starts, on, rules, calendar, stopped)
        merged = {**self.facts, **(facts or {})}
        return replace(
            self,
            state=t.target,
            clocks=clocks,
            trail=(*self.trail, Step(verb, on, by, t.target, note)),
            facts=MappingProxyType(merged),
        )

    def overdue(self, today: dt.date) -> list[Clock]:
        """The clocks that are past due and not met on `today`."""
        return [c for c in self.clocks.values() if c.state(today) is ClockState.OVERDUE]


def _start(
    names: Iterable[str],
    on: dt.date,
    rules: Mapping[str, ClockRule],
    calendar: WorkingCalendar,
    clocks: Mapping[str, Clock],
) -> Mapping[str, Clock]:
    out = dict(clocks)
    for name in names:
        rule = rules.get(name)
        if rule is None:
            raise InvalidValue("clocks", f"the pack has no rule for clock {name!r}")
        out[name] = rule.start(on, calendar)
    return MappingProxyType(out)
