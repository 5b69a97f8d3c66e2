"""A county's supervision rules as one value: calendar, clocks, credit and inspection ratios.

They come from the pack's `supervision.toml` and are stored with the county, so the
numbers of the regulations (20 days to file, 5 working days to decide, 7 days to answer
a complaint, points and blacklist thresholds) are data with their sources, never code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from countyexpress.domain.supervision.calendar import WorkingCalendar
from countyexpress.domain.supervision.clocks import ClockRule
from countyexpress.domain.supervision.credit import CreditRules
from countyexpress.domain.supervision.draws import InspectionRatios
from countyexpress.domain.supervision.kinds import KINDS
from countyexpress.domain.supervision.quality import QualityRules
from countyexpress.errors import InvalidValue

__all__ = ["OUTLET_FILING_CLOCK", "SupervisionRules", "required_clocks"]

OUTLET_FILING_CLOCK = "filing.file"
"""The clock from an outlet's opening to its filing (20 days in the 2018 rules)."""


def required_clocks() -> frozenset[str]:
    """The clocks every county's rules must give: the outlet filing's and every kind's."""
    needed = {OUTLET_FILING_CLOCK}
    for kind in KINDS.values():
        needed |= kind.clock_names
    return frozenset(needed)


@dataclass(frozen=True)
class SupervisionRules:
    """Everything the regulator's clocks, credit and draws need from the pack."""

    clocks: Mapping[str, ClockRule]
    credit: CreditRules
    ratios: InspectionRatios
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    quality: QualityRules | None = None
    """Time limits of service quality by destination; None: not set in the pack."""
    notes: Mapping[str, str] = field(default_factory=dict)
    """Where each part comes from and how sure it is (shown with the figures)."""

    def __post_init__(self) -> None:
        missing = sorted(required_clocks() - set(self.clocks))
        if missing:
            raise InvalidValue("clocks", f"no rule for the clocks {', '.join(missing)}")
        for name, rule in self.clocks.items():
            if name != rule.name:
                raise InvalidValue(f"clocks.{name}", f"the rule is named {rule.name!r}")
        levels = tuple(lv.name for lv in self.credit.levels)
        if self.ratios.levels != levels:
            raise InvalidValue(
                "inspection.ratios",
                f"ratios are given for levels {list(self.ratios.levels)}, "
                f"the credit levels are {list(levels)}",
            )
