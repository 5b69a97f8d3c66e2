"""Daily co-delivery routing: a pure model, travel matrices, and PyVRP behind one adapter."""

from countyexpress.planning.routing.distances import TravelMatrix, great_circle_km
from countyexpress.planning.routing.loads import Capacity, Load
from countyexpress.planning.routing.plan import PlanCheck, Route, RoutePlan, check_route
from countyexpress.planning.routing.planner import Planner, PyVRPPlanner
from countyexpress.planning.routing.problem import RoutingProblem
from countyexpress.planning.routing.stops import Depot, Stop, TimeWindow
from countyexpress.planning.routing.vehicles import Vehicle, VehicleKind

__all__ = [
    "Capacity",
    "Depot",
    "Load",
    "PlanCheck",
    "Planner",
    "PyVRPPlanner",
    "Route",
    "RoutePlan",
    "RoutingProblem",
    "Stop",
    "TimeWindow",
    "TravelMatrix",
    "Vehicle",
    "VehicleKind",
    "check_route",
    "great_circle_km",
]
