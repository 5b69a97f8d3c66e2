"""Planning a problem end to end: translate, solve, translate back, each step on its own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from countyexpress.errors import InvalidValue
from countyexpress.planning.routing import pyvrp_adapter
from countyexpress.planning.routing.plan import RoutePlan
from countyexpress.planning.routing.problem import RoutingProblem


class Planner(Protocol):
    """Anything that turns a routing problem into a route plan."""

    def __call__(self, problem: RoutingProblem) -> RoutePlan: ...


@dataclass(frozen=True)
class PyVRPPlanner:
    """The default planner: PyVRP for `seconds` (or `max_iterations`) with a fixed seed."""

    seconds: float = 10.0
    seed: int = 0
    max_iterations: int | None = None

    def __post_init__(self) -> None:
        if not self.seconds > 0:
            raise InvalidValue("seconds", f"a time limit of {self.seconds} s must be positive")

    def __call__(self, problem: RoutingProblem) -> RoutePlan:
        if not problem.stops:
            return RoutePlan(())
        data = pyvrp_adapter.to_model(problem)
        result = pyvrp_adapter.solve(data, self.seconds, self.seed, self.max_iterations)
        return pyvrp_adapter.from_result(result, problem)
