"""More priority stops than vehicles (应急物资, task 13): they are served in a chain before
every other stop, and the plan is feasible."""

from __future__ import annotations

from routing_fixtures import line_of_three, van

from countyexpress.planning.routing import Load, PyVRPPlanner, Stop, pyvrp_adapter

QUICK = PyVRPPlanner(seconds=5.0, seed=1, max_iterations=300)


def stops(*priority: str) -> tuple[Stop, ...]:
    return tuple(Stop(c, delivery=Load(3), service_min=5.0, priority=c in priority) for c in "ABC")


def test_two_priority_stops_and_one_van_serve_both_before_the_third() -> None:
    """A and C carry emergency supplies and one van serves the day: both come before B."""
    problem = line_of_three(*stops("A", "C"))
    plan = QUICK(problem)
    assert plan.check(problem).feasible, plan.check(problem).violations
    (route,) = plan.routes
    assert set(route.stops[:2]) == {"A", "C"} and route.stops[2] == "B"


def test_with_enough_vehicles_each_priority_stop_keeps_the_direct_drive_window() -> None:
    problem = line_of_three(*stops("A", "C"), vehicles=(van(count=2),))
    data = pyvrp_adapter.to_model(problem)
    start_s = problem.vehicles[0].shift_start_min * 60
    assert data.clients()[0].tw_late == start_s + 10 * 60
    assert data.clients()[2].tw_late == start_s + 30 * 60
    assert data.clients()[1].tw_early == 0  # the other stop waits for nothing
    assert pyvrp_adapter.priority_chain(problem) == 1


def test_a_chain_of_priority_stops_makes_the_others_wait_until_it_can_be_done() -> None:
    """With one van for two priority stops, each other stop opens only when the chain of two
    could be over, so none can be served between or before them."""
    problem = line_of_three(*stops("A", "C"))
    assert pyvrp_adapter.priority_chain(problem) == 2
    data = pyvrp_adapter.to_model(problem)
    a, b, c = data.clients()
    assert b.tw_early >= max(a.tw_late, c.tw_late)
