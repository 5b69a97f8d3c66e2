"""Recognising the carrier of a waybill number (运单号): a ranked list, never a silent pick.

Public patterns overlap (13 digits can be Yunda, EMS or STO), so recognition scores every
carrier whose pattern matches and leaves the choice to the person scanning. Each
confirmation they make is counted by the number's `shape` and sharpens later rankings
of numbers of the same shape.

Scoring is the posterior mean of a Dirichlet–categorical model. Among the carriers
matching the number, carrier c has prior share πc = wc / Σw, where wc is the largest
prior weight of c's matching patterns. The prior is worth `PRIOR_STRENGTH` confirmations:

    score(c) = (s·πc + nc) / (s + N)

with nc the confirmations of c for this shape and N their sum over the matching
carriers. Scores are positive and sum to 1; with no confirmations they are the priors'
shares; a confirmation of c raises c's score and lowers every other in the same
proportion, so it never moves c down the ranking.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from countyexpress.errors import InvalidValue

__all__ = [
    "PRIOR_STRENGTH",
    "Candidate",
    "WaybillPattern",
    "normalise_waybill_no",
    "rank_carriers",
    "shape",
]

PRIOR_STRENGTH = 5.0
"""How many confirmations the prior weights are worth (the Dirichlet's total mass)."""

_CARRIER_CODE = re.compile(r"[a-z][a-z0-9_]{1,19}")
_LEADING_LETTERS = re.compile(r"[A-Z]*")


def normalise_waybill_no(number: str) -> str:
    """Full-width to ASCII, whitespace dropped, letters upper case."""
    return "".join(unicodedata.normalize("NFKC", number).split()).upper()


def shape(number: str) -> str:
    """The shape confirmations are counted by: leading letters, length, next two characters.

    "JT0019812345678" → "JT15:00", "79105030690097" → "14:79", "1240921381750" → "13:12".
    """
    n = normalise_waybill_no(number)
    letters = _LEADING_LETTERS.match(n)
    prefix = letters.group() if letters else ""
    return f"{prefix}{len(n)}:{n[len(prefix) : len(prefix) + 2]}"


@dataclass(frozen=True)
class WaybillPattern:
    """One carrier's waybill-number pattern (matched whole, case-insensitive) and its prior."""

    carrier: str
    regex: str
    prior: float
    note: str = ""
    compiled: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not _CARRIER_CODE.fullmatch(self.carrier):
            raise InvalidValue("carrier", f"carrier code {self.carrier!r} must be lower-case")
        if isinstance(self.prior, bool) or not math.isfinite(self.prior) or self.prior <= 0:
            raise InvalidValue("prior", f"prior {self.prior!r} must be a positive number")
        try:
            compiled = re.compile(self.regex, re.IGNORECASE)
        except re.error as exc:
            reason = f"{self.regex!r} is not a regular expression: {exc}"
            raise InvalidValue("regex", reason) from exc
        if compiled.fullmatch(""):
            raise InvalidValue("regex", f"{self.regex!r} matches an empty number")
        object.__setattr__(self, "compiled", compiled)

    def matches(self, number: str) -> bool:
        """Whether the whole (normalised) number fits this pattern."""
        return self.compiled.fullmatch(normalise_waybill_no(number)) is not None


@dataclass(frozen=True)
class Candidate:
    """A carrier the number may belong to, with its score (the scores of a ranking sum to 1)."""

    carrier: str
    score: float


def rank_carriers(
    number: str,
    patterns: Iterable[WaybillPattern],
    confirmations: Mapping[tuple[str, str], int],
    *,
    prior_strength: float = PRIOR_STRENGTH,
) -> list[Candidate]:
    """Every carrier whose pattern matches, best first; [] when none does.

    `confirmations` counts past confirmations by (shape(number), carrier). Ties are
    broken by carrier code so the order is stable.
    """
    if prior_strength <= 0:
        raise InvalidValue("prior_strength", "the prior must be worth more than 0 confirmations")
    n = normalise_waybill_no(number)
    if not n:
        return []
    weights: dict[str, float] = {}
    for p in patterns:
        if p.compiled.fullmatch(n):
            weights[p.carrier] = max(weights.get(p.carrier, 0.0), p.prior)
    if not weights:
        return []
    key = shape(n)
    counts = {c: max(0, confirmations.get((key, c), 0)) for c in weights}
    total_weight = sum(weights.values())
    total = prior_strength + sum(counts.values())
    scored = [
        Candidate(c, (prior_strength * w / total_weight + counts[c]) / total)
        for c, w in weights.items()
    ]
    return sorted(scored, key=lambda cand: (-cand.score, cand.carrier))
