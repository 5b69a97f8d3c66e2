"""services.region without a cluster: a fake fan-out runs each county's call in process."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from countyexpress.errors import InvalidValue
from countyexpress.services.region import Call, Completed, CountyFailed, simulate_region


class InProcess:
    """Runs each call at once, in reverse order (completion order is not submission order)."""

    def completed(self, calls: Iterable[Call]) -> Iterator[Completed]:
        for call in reversed(list(calls)):
            try:
                yield call.code, call.fn(*call.args), None
            except Exception as exc:  # what a worker's future would hold
                yield call.code, None, exc


def _task(code: str, days: int) -> dict[str, Any]:
    if code == "990002":
        raise CountyFailed("centre NO-CENTRE is not a facility of county 990002")
    if code == "990003":
        raise InvalidValue("days", "simulate at least one day")
    if code == "990004":
        raise ZeroDivisionError("division by zero")
    return {"simulated_days": days}


def test_a_failing_county_is_reported_with_its_reason_and_the_others_finish() -> None:
    """Failures of every kind are listed by code with a readable reason; figures of the
    rest come back sorted by code, whatever order they completed in."""
    counties = [("990001", "模拟县 01"), ("990002", "模拟县 02"), ("990003", "模拟县 03"),
                ("990004", "模拟县 04"), ("990005", "模拟县 05")]  # fmt: skip
    seen: list[tuple[int, str]] = []
    result = simulate_region(
        InProcess(), counties, _task, (2,), lambda d, _n, c: seen.append((d, c))
    )
    data = result.as_dict()
    assert [c["code"] for c in data["counties"]] == ["990001", "990005"]
    assert data["counties"][0] == {"code": "990001", "name": "模拟县 01", "simulated_days": 2}
    reasons = {f["code"]: f["reason"] for f in data["failed"]}
    assert reasons == {
        "990002": "centre NO-CENTRE is not a facility of county 990002",
        "990003": "days: simulate at least one day",
        "990004": "ZeroDivisionError: division by zero",
    }
    assert [d for d, _ in seen] == [1, 2, 3, 4, 5]
