"""The sliding-window throttle behind the public look-up and the log-in form."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from countyexpress.entrypoints.api.throttle import SlidingWindow


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_hit_over_the_limit_waits_until_the_oldest_leaves_the_window() -> None:
    clock = Clock()
    w = SlidingWindow(3, 60, clock)
    assert [w.hit("a") for _ in range(4)] == [True, True, True, False]
    assert w.retry_after("a") == 60 and w.retry_after("b") == 0  # keys are apart
    clock.now += 59.5
    assert w.retry_after("a") == 1 and not w.hit("a")
    clock.now += 0.5
    assert w.retry_after("a") == 0 and w.hit("a")


def test_forget_clears_a_key() -> None:
    w = SlidingWindow(1, 60, Clock())
    w.record("a")
    assert w.retry_after("a") > 0
    w.forget("a")
    assert w.retry_after("a") == 0


@given(st.lists(st.floats(0, 30, allow_nan=False), max_size=60), st.integers(1, 5))
def test_no_window_ever_holds_more_than_the_limit(gaps: list[float], limit: int) -> None:
    """Whatever the timing of the attempts, the allowed ones within any window of
    `window_s` seconds never exceed the limit, and an attempt is refused only at it."""
    clock = Clock()
    w = SlidingWindow(limit, 60, clock)
    allowed: list[float] = []
    for gap in gaps:
        clock.now += gap
        in_window = [t for t in allowed if clock.now - t < 60]
        ok = w.hit("k")
        assert ok == (len(in_window) < limit)
        if ok:
            allowed.append(clock.now)
