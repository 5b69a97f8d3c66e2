"""Random inspections (双随机一公开; 快递市场管理办法 art. 42): who is drawn, by credit.

An inspection plan gives each credit level a ratio (the share of its subjects inspected
per round), higher for lower levels, and the blacklisted the highest of all. A draw takes
⌈ratio × n⌉ subjects of each group at random with a seed, so a draw can be repeated and
checked by anyone holding the seed (the "public" of 双随机一公开).
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from countyexpress.domain.supervision.records import Subject
from countyexpress.errors import InvalidValue

__all__ = ["BLACKLISTED", "Candidate", "InspectionRatios", "draw"]

BLACKLISTED = "blacklisted"
"""The group of blacklisted subjects, whatever their level."""


@dataclass(frozen=True)
class Candidate:
    """A subject that may be drawn, with its credit level and blacklist state."""

    subject: Subject
    level: str
    blacklisted: bool = False

    @property
    def group(self) -> str:
        """The ratio group: its level, or `blacklisted`."""
        return BLACKLISTED if self.blacklisted else self.level


@dataclass(frozen=True)
class InspectionRatios:
    """Ratios by credit level (best level first) and for the blacklisted."""

    levels: tuple[str, ...]
    ratios: Mapping[str, float]

    def __post_init__(self) -> None:
        groups = (*self.levels, BLACKLISTED)
        missing = [g for g in groups if g not in self.ratios]
        if missing:
            raise InvalidValue("inspection.ratios", f"no ratio for {', '.join(missing)}")
        values = [self.ratios[g] for g in groups]
        if any(not 0.0 <= v <= 1.0 for v in values):
            raise InvalidValue("inspection.ratios", "ratios lie between 0 and 1")
        if values != sorted(values):
            raise InvalidValue(
                "inspection.ratios",
                "a lower credit level is inspected at least as often as a higher one, "
                "and the blacklisted most often",
            )


def draw(candidates: Sequence[Candidate], ratios: InspectionRatios, seed: int) -> list[Candidate]:
    """The subjects drawn for one round: ⌈ratio × n⌉ of each group, at random with `seed`."""
    groups: dict[str, list[Candidate]] = {}
    for c in sorted(candidates, key=lambda c: (c.group, str(c.subject))):
        if c.group != BLACKLISTED and c.level not in ratios.levels:
            raise InvalidValue("level", f"{c.subject}: {c.level!r} is not a credit level")
        groups.setdefault(c.group, []).append(c)
    rng = random.Random(seed)
    drawn: list[Candidate] = []
    for group in sorted(groups):
        members = groups[group]
        k = min(len(members), math.ceil(ratios.ratios[group] * len(members) - 1e-9))
        drawn.extend(rng.sample(members, k))
    return sorted(drawn, key=lambda c: str(c.subject))
