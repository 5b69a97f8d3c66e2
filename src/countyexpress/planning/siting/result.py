"""What a siting run found, how well the open sites serve the demand, and the planner's sentence."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from countyexpress.planning.siting.model import Objective, SitingProblem, SitingRequest


@dataclass(frozen=True)
class Service:
    """How a set of open sites serves the demand: weighted mean distance, share within radius."""

    open_sites: int
    mean_km: float | None  # None when no site is open
    covered_share: float | None  # None when no radius was asked


def evaluate(problem: SitingProblem, is_open: Sequence[bool], radius_km: float | None) -> Service:
    """The service given by the sites marked open (existing ones included by the caller)."""
    mask = np.asarray(is_open, dtype=bool)
    w = problem.weights
    if not mask.any():
        return Service(0, None, 0.0 if radius_km is not None else None)
    nearest = problem.distances_km[:, mask].min(axis=1)
    total = float(w.sum())
    mean = float(w @ nearest) / total
    share = None if radius_km is None else float(w[nearest <= radius_km].sum()) / total
    return Service(int(mask.sum()), mean, share)


@dataclass(frozen=True)
class SitingResult:
    """The chosen new sites with the objective, whether it is proven optimal, gap and time.

    `objective` is the total weighted distance (km × weight) for p-median, the covered weight
    for MCLP, and the number of new sites for set covering; existing sites always count.
    """

    request: SitingRequest
    chosen: tuple[str, ...]
    objective: float
    optimal: bool
    gap: float
    seconds: float
    before: Service
    after: Service
    unreachable: tuple[str, ...] = ()  # demand points no candidate reaches within the radius
    unreachable_share: float = 0.0

    def as_dict(self) -> dict[str, object]:
        """The machine answer: chosen ids, objective, optimal, gap, seconds."""
        return {
            "chosen": list(self.chosen),
            "objective": self.objective,
            "optimal": self.optimal,
            "gap": self.gap if math.isfinite(self.gap) else None,
            "seconds": round(self.seconds, 3),
        }

    def explain(self, kind: str = "site") -> str:
        """The planner's sentence, like "these 3 lockers raise coverage … from 61 % to 83 %"."""
        n = len(self.chosen)
        these = f"this {kind}" if n == 1 else f"these {n} {kind}s"
        verb = _singular if n == 1 else _plural
        r = self.request.radius_km
        b, a = self.before, self.after
        if self.request.objective == Objective.PMEDIAN:
            text = _distance_sentence(these, verb, b, a)
        elif self.request.objective == Objective.MCLP:
            text = f"{these} {verb('raise')} coverage within {r:g} km from {_pct(b)} to {_pct(a)}"
        elif n == 0:
            text = f"the existing sites already bring all reachable demand within {r:g} km"
        else:
            text = (
                f"{these} {verb('bring')} all reachable demand within {r:g} km "
                f"(coverage from {_pct(b)} to {_pct(a)})"
            )
        if self.unreachable:
            text += (
                f"; {len(self.unreachable)} demand point(s) ({self.unreachable_share:.0%} of "
                f"the demand) are beyond {r:g} km of every candidate"
            )
        if not self.optimal:
            gap = "unknown" if math.isinf(self.gap) else f"{self.gap:.1%}"
            text += f" (best found in {self.seconds:.0f} s, gap to the optimum at most {gap})"
        return text


def _singular(verb: str) -> str:
    return verb + "s"


def _plural(verb: str) -> str:
    return verb


def _pct(s: Service) -> str:
    return f"{(s.covered_share or 0.0) * 100:.0f} %"


def _distance_sentence(these: str, verb: Callable[[str], str], b: Service, a: Service) -> str:
    if b.mean_km is None:
        return f"{these} {verb('give')} a mean distance of {a.mean_km:.1f} km"
    return f"{these} {verb('cut')} the mean distance from {b.mean_km:.1f} km to {a.mean_km:.1f} km"
