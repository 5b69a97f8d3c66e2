"""A day's problem from route bags and pickups, the vehicle registry, timetables, progress."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from routing_fixtures import line_of_three

from countyexpress.domain.coverage import RoadDistances
from countyexpress.domain.geography import Coordinates
from countyexpress.domain.scans import ScanEvent, ScanKind
from countyexpress.errors import InvalidValue
from countyexpress.planning.routing import Capacity, Load, VehicleKind
from countyexpress.planning.routing.daily import (
    DayProblem,
    DaySettings,
    Parcel,
    Pickup,
    Place,
    day_problem,
    stops_of_day,
    travel_of_day,
)
from countyexpress.planning.routing.dayplan import DayPlan, day_plan, local_time, stop_parcels
from countyexpress.planning.routing.fleet import Fleet, FleetVehicle
from countyexpress.planning.routing.plan import Route, RoutePlan, check_route, timetable
from countyexpress.planning.routing.progress import StopState, progress

CST = dt.timezone(dt.timedelta(hours=8))
DAY = dt.date(2026, 11, 28)
CENTRE = Place("C", "centre", "center", Coordinates(42.0, 86.0))
PLACES = {
    "STA-1": Place("STA-1", "station one", "station", Coordinates(42.0, 86.1)),
    "STA-2": Place("STA-2", "station two", "station", Coordinates(42.1, 86.1)),
    "DOOR-V1": Place("DOOR-V1", "village one", "door", Coordinates(42.1, 86.0), "V1"),
}
RULES = DaySettings(per_stop_min=5, per_parcel_min=1, door_per_parcel_min=3, kg_if_unknown=2)


def van(code: str = "V1", refrigerated: bool = False, parcels: int = 100) -> FleetVehicle:
    """A van with a plate, 1 yuan per km."""
    return FleetVehicle(code, VehicleKind.VAN, Capacity(parcels, 1000.0), plate=f"新F-{code}",
                        cost_per_km=1.0, refrigerated=refrigerated)  # fmt: skip


def test_each_route_bag_becomes_one_stop_with_its_count_weight_and_service_time() -> None:
    """Two parcels of one bag: 2 parcels, their kg (unknown weight at the default), 5 + 2 min."""
    parcels = [Parcel("W1", "zto", "STA-1", 3.0), Parcel("W2", "yto", "STA-1", None, "L")]
    stops, bags, _ = stops_of_day(parcels, [], PLACES, RULES)
    assert [s.code for s in stops] == ["STA-1"]
    assert stops[0].delivery == Load(2, 5.0, RULES.m3_by_size["S"] + RULES.m3_by_size["L"])
    assert stops[0].service_min == 7
    assert [p.waybill_no for p in bags["STA-1"]] == ["W1", "W2"]


def test_pickups_join_their_stations_stop_or_make_one_of_their_own() -> None:
    """A pickup at a station with a bag adds to that stop; at another station it is a stop."""
    stops, _, pickups = stops_of_day(
        [Parcel("W1", "zto", "STA-1")],
        [Pickup("P1", "zto", "STA-1"), Pickup("P2", "zto", "STA-2")],
        PLACES,
        RULES,
    )
    by = {s.code: s for s in stops}
    assert by["STA-1"].pickup == Load(1, RULES.pickup_kg)
    assert by["STA-2"].delivery.is_empty and by["STA-2"].pickup.parcels == 1
    assert set(pickups) == {"STA-1", "STA-2"}


def test_a_bag_with_a_cold_parcel_is_a_cold_chain_stop_and_door_parcels_take_longer() -> None:
    """One cold parcel makes the whole door bag cold-chain; 3 min per door parcel."""
    stops, _, _ = stops_of_day(
        [Parcel("W1", "zto", "DOOR-V1", 1.0, cold=True), Parcel("W2", "zto", "DOOR-V1", 1.0)],
        [],
        PLACES,
        RULES,
    )
    assert stops[0].cold_chain and stops[0].service_min == 5 + 2 * 3


def test_a_bag_whose_place_is_unknown_is_refused_by_its_code() -> None:
    """A route bag the county has no coordinates for cannot be routed."""
    with pytest.raises(InvalidValue, match="NOWHERE"):
        stops_of_day([Parcel("W1", "zto", "NOWHERE")], [], PLACES, RULES)


def test_the_road_matrix_is_used_where_it_has_the_pair_by_the_places_road_code() -> None:
    """A door bag is found in the road matrix by its village's code; others by great circle."""
    roads = RoadDistances({("C", "V1"): 50.0})
    travel = travel_of_day(CENTRE, [PLACES["DOOR-V1"], PLACES["STA-1"]], 1.3, 40.0, roads)
    assert travel.km_between("DOOR-V1", "C") == 50.0
    assert travel.minutes_between("C", "DOOR-V1") == pytest.approx(75.0)
    assert 1.3 * 8 < travel.km_between("C", "STA-1") < 1.3 * 9  # 0.1° of longitude at 42° N


def test_a_registered_vehicle_needs_a_plate_or_a_unified_number() -> None:
    """Task 18: an e-tricycle without a plate carries the county's unified number instead."""
    with pytest.raises(InvalidValue, match="plate or its unified number"):
        FleetVehicle("T1", VehicleKind.E_TRICYCLE, Capacity(100))
    tri = FleetVehicle("T1", VehicleKind.E_TRICYCLE, Capacity(100), number="HS-001")
    assert tri.label == "HS-001" and tri.routing("C").depot == "C"


def test_a_timetable_leaves_at_the_shift_start_and_its_length_is_the_route_duration() -> None:
    """D-A-B-C at 60 km/h, no windows: due at A at 08:10, B 08:20; back after 60 min."""
    problem = line_of_three()
    times = timetable(problem, "V", ("A", "B", "C"))
    assert times.departs == 480 and times.starts == (490, 500, 510)
    assert times.minutes == pytest.approx(
        check_route(problem, "V", ("A", "B", "C")).duration_h * 60
    )


def _day() -> tuple[DayProblem, DayPlan]:
    dp = day_problem(
        CENTRE,
        [Parcel("W1", "zto", "STA-1"), Parcel("W2", "zto", "STA-2")],
        [Pickup("P1", "zto", "STA-2")],
        PLACES,
        Fleet.of([van()]).routing("C"),
        1.3,
        RULES,
    )
    route = Route("V1", ("STA-1", "STA-2"), 0.0, 0.0, 0.0)
    plan = RoutePlan((route,))
    made = dt.datetime(2026, 11, 28, 7, 0, tzinfo=CST)
    stored = day_plan("RP-1", "652828", DAY, made, dp, plan, plan.check(dp.problem),
                      Fleet.of([van()]), CENTRE, "test")  # fmt: skip
    return dp, stored


def test_a_day_plan_carries_local_planned_times_and_each_stops_parcels() -> None:
    """Times are in the county's offset; the stop parcels list deliveries and pickups."""
    dp, stored = _day()
    run = stored.runs[0]
    assert run.departs == local_time(DAY, 480, 8) and run.label == "V1 · 新F-V1 · 厢式货车"
    assert [s.code for s in run.stops] == ["STA-1", "STA-2"]
    assert run.stops[0].arrival.utcoffset() == dt.timedelta(hours=8)
    assert sorted(stop_parcels(dp)["STA-2"]) == [("P1", "zto", "pickup"), ("W2", "zto", "delivery")]


def scan(waybill: str, kind: ScanKind, facility: str, minute: int, **payload: object) -> ScanEvent:
    """A scan on the plan's day at 09:00 + `minute`."""
    at = dt.datetime(2026, 11, 28, 9, minute, tzinfo=CST)
    return ScanEvent(str(uuid.uuid4()), waybill, "zto", kind, facility, at, "", payload)


def test_scans_make_stops_done_partial_or_pending_and_list_what_is_off_the_plan() -> None:
    """STA-1 scanned in: done; STA-2's parcel in but its pickup not left: partial; a parcel
    that left on another vehicle, and one stored at another station, are off-plan."""
    _, stored = _day()
    expected = {"STA-1": [("W1", "delivery")], "STA-2": [("W2", "delivery"), ("P1", "pickup")]}
    events = {
        "W1": [scan("W1", ScanKind.DEPART, "C", 0, vehicle="新F-V9"),
               scan("W1", ScanKind.STORE, "STA-1", 30)],
        "W2": [scan("W2", ScanKind.DEPART, "C", 0, vehicle="新F-V1"),
               scan("W2", ScanKind.ARRIVE, "STA-2", 50)],
        "P1": [],
    }  # fmt: skip
    report = progress(stored, expected, events)
    states = {s.stop: s.state for s in report.stops}
    assert states == {"STA-1": StopState.DONE, "STA-2": StopState.PARTIAL}
    reason = "left C on 新F-V9, planned on V1 (V1 · 新F-V1 · 厢式货车)"
    assert [o.reason for o in report.off_plan] == [reason]
    events["P1"] = [scan("P1", ScanKind.DEPART, "STA-2", 55, vehicle="V1")]
    events["W2"].append(scan("W2", ScanKind.STORE, "STA-1", 59))
    report = progress(stored, expected, events)
    assert report.count(StopState.DONE) == 2
    assert "scanned in at STA-1, planned for STA-2" in [o.reason for o in report.off_plan]


def test_scans_before_the_plan_was_made_do_not_count() -> None:
    """A parcel stored at 06:00 belongs to an earlier run, not to this plan made at 07:00."""
    _, stored = _day()
    early = scan("W1", ScanKind.STORE, "STA-1", 0)
    early = ScanEvent(early.event_id, "W1", "zto", ScanKind.STORE, "STA-1",
                      dt.datetime(2026, 11, 28, 6, 0, tzinfo=CST))  # fmt: skip
    report = progress(stored, {"STA-1": [("W1", "delivery")]}, {"W1": [early]})
    assert report.stops[0].state is StopState.PENDING
