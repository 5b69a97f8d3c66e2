"""Siting: where to add outlets, lockers and stations (p-median, maximal covering, set covering).

`p` always counts new sites; existing facilities stay open on top of them.
"""

from countyexpress.planning.siting.model import (
    CandidateSite,
    DemandPoint,
    Objective,
    SitingProblem,
    SitingRequest,
    SolveLimits,
)
from countyexpress.planning.siting.result import Service, SitingResult, evaluate
from countyexpress.planning.siting.solver import solve

__all__ = [
    "CandidateSite",
    "DemandPoint",
    "Objective",
    "Service",
    "SitingProblem",
    "SitingRequest",
    "SitingResult",
    "SolveLimits",
    "evaluate",
    "solve",
]
