"""The siting model: demand points, candidate sites, existing facilities and what is asked."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

import numpy as np
import numpy.typing as npt

from countyexpress.domain.geography import Coordinates
from countyexpress.errors import InvalidValue
from countyexpress.planning.siting.distances import great_circle_km

FloatMatrix = npt.NDArray[np.float64]


@dataclass(frozen=True)
class DemandPoint:
    """A place with demand: a village, a community, a block of residents; `weight` is its size."""

    id: str
    weight: float = 1.0
    location: Coordinates | None = None

    def __post_init__(self) -> None:
        if not self.id.strip():
            raise InvalidValue("id", "a demand point needs an id")
        if not (math.isfinite(self.weight) and self.weight >= 0):
            raise InvalidValue("weight", f"weight {self.weight} of {self.id} must be 0 or more")


@dataclass(frozen=True)
class CandidateSite:
    """A place where a facility could open; an `existing` one is open already and stays open."""

    id: str
    location: Coordinates | None = None
    existing: bool = False

    def __post_init__(self) -> None:
        if not self.id.strip():
            raise InvalidValue("id", "a candidate site needs an id")


def _unique_ids(kind: str, ids: Sequence[str]) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise InvalidValue("id", f"{kind} id {i!r} appears twice")
        seen.add(i)


@dataclass(frozen=True, eq=False)
class SitingProblem:
    """Demand points, candidate sites and the distance (km) from each point to each site.

    Distances are great-circle km from the locations unless a matrix is given
    (rows: demand points, columns: candidates), e.g. road distances.
    """

    demand: tuple[DemandPoint, ...]
    candidates: tuple[CandidateSite, ...]
    given_km: FloatMatrix | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.demand:
            raise InvalidValue("demand", "there are no demand points")
        if not self.candidates:
            raise InvalidValue("candidates", "there are no candidate sites")
        _unique_ids("demand point", [d.id for d in self.demand])
        _unique_ids("candidate site", [c.id for c in self.candidates])
        if not sum(d.weight for d in self.demand) > 0:
            raise InvalidValue("weight", "the demand weights add up to 0")
        if self.given_km is None:
            self._check_locations()
        else:
            self._check_matrix(self.given_km)

    def _check_locations(self) -> None:
        for d in self.demand:
            if d.location is None:
                raise InvalidValue("location", f"demand point {d.id} has no location")
        for c in self.candidates:
            if c.location is None:
                raise InvalidValue("location", f"candidate site {c.id} has no location")

    def _check_matrix(self, km: FloatMatrix) -> None:
        shape = (len(self.demand), len(self.candidates))
        if km.shape != shape:
            raise InvalidValue("distances", f"distance matrix is {km.shape}, expected {shape}")
        if not np.all(np.isfinite(km)) or np.any(km < 0):
            raise InvalidValue("distances", "distances must be finite and 0 or more")

    @cached_property
    def distances_km(self) -> FloatMatrix:
        """Distance (km) from each demand point (rows) to each candidate (columns), read-only."""
        if self.given_km is not None:
            km = np.array(self.given_km, dtype=np.float64)
        else:
            lat1, lon1 = _coords(d.location for d in self.demand)
            lat2, lon2 = _coords(c.location for c in self.candidates)
            km = great_circle_km(lat1, lon1, lat2, lon2)
        km.setflags(write=False)
        return km

    @cached_property
    def weights(self) -> FloatMatrix:
        """The demand weights as an array."""
        return np.array([d.weight for d in self.demand], dtype=np.float64)

    @cached_property
    def existing(self) -> npt.NDArray[np.bool_]:
        """Which candidates are existing facilities (fixed open)."""
        return np.array([c.existing for c in self.candidates], dtype=bool)

    @property
    def free_count(self) -> int:
        """How many candidates are not yet open."""
        return int((~self.existing).sum())


def _coords(points: Iterable[Coordinates | None]) -> tuple[FloatMatrix, FloatMatrix]:
    pts = [p for p in points if p is not None]
    return (
        np.array([p.lat for p in pts], dtype=np.float64),
        np.array([p.lon for p in pts], dtype=np.float64),
    )


class Objective(StrEnum):
    """What a siting run optimises."""

    PMEDIAN = "pmedian"  # least weighted distance with p new sites
    MCLP = "mclp"  # most weight within the radius with p new sites
    SETCOVER = "setcover"  # fewest new sites that bring all reachable weight within the radius


@dataclass(frozen=True)
class SitingRequest:
    """The question: which objective, `p` new sites (besides the existing ones), what radius."""

    objective: Objective
    p: int | None = None
    radius_km: float | None = None

    def __post_init__(self) -> None:
        if self.objective in (Objective.PMEDIAN, Objective.MCLP):
            if self.p is None:
                raise InvalidValue("p", f"{self.objective} needs p, the number of new sites")
            if self.p < 1:
                raise InvalidValue("p", f"p {self.p} must be 1 or more")
        if self.objective in (Objective.MCLP, Objective.SETCOVER) and self.radius_km is None:
            raise InvalidValue("radius_km", f"{self.objective} needs a radius in km")
        if self.radius_km is not None and not (
            math.isfinite(self.radius_km) and self.radius_km > 0
        ):
            raise InvalidValue("radius_km", f"radius {self.radius_km} km must be more than 0")

    def check(self, problem: SitingProblem) -> None:
        """Refuse a request the problem cannot answer: more new sites than free candidates."""
        if self.p is not None and self.objective != Objective.SETCOVER:
            free = problem.free_count
            if self.p > free:
                raise InvalidValue(
                    "p", f"p {self.p} is more than the {free} candidate site(s) not yet open"
                )


@dataclass(frozen=True)
class SolveLimits:
    """How long the solver may run and when a solution counts as proven optimal."""

    time_limit_s: float = 60.0
    mip_rel_gap: float = 1e-6

    def __post_init__(self) -> None:
        if not (math.isfinite(self.time_limit_s) and self.time_limit_s > 0):
            raise InvalidValue("time_limit", f"time limit {self.time_limit_s} s must be above 0")
        if not (0 <= self.mip_rel_gap < 1):
            raise InvalidValue("mip_rel_gap", f"gap {self.mip_rel_gap} must be in [0, 1)")
