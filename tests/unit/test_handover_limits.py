"""The hand-over throttle (defect 8 of issue 11): failures counted per client and per parcel,
and what the limits allow an attacker in a day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from countyexpress.adapters.packs.reader import builtin_pack_path, read_pack
from countyexpress.domain.shelves import (
    TAIL_SPACE,
    HandoverPolicy,
    attempts_per_day,
    client_blocked_until,
    expected_successes_per_day,
    parcel_locked_until,
)
from countyexpress.services.handover_guard import HORIZON, HandoverGuard

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_a_parcel_locks_after_its_nth_failure_for_the_lockout() -> None:
    """Five failures lock the parcel for 30 minutes from the fifth; four do not."""
    policy = HandoverPolicy()
    fails = [NOW - timedelta(minutes=5 - i) for i in range(policy.max_failures)]
    assert parcel_locked_until(fails[:-1], NOW, policy) is None
    assert parcel_locked_until(fails, NOW, policy) == fails[-1] + policy.lockout
    assert parcel_locked_until(fails, fails[-1] + policy.lockout, policy) is None


def test_a_client_is_blocked_after_its_failures_in_the_window() -> None:
    """M failures within the window block the client until the oldest of them leaves it."""
    policy = HandoverPolicy()
    m, window = policy.client_failures_per_window, policy.client_window
    fails = [NOW - timedelta(minutes=m - i) for i in range(m)]
    assert client_blocked_until(fails[1:], NOW, policy) is None
    assert client_blocked_until(fails, NOW, policy) == fails[0] + window
    assert client_blocked_until(fails, fails[0] + window, policy) is None


@settings(max_examples=40, deadline=None)
@given(
    m=st.integers(1, 30),
    window_min=st.integers(1, 24 * 60),
    gaps=st.lists(st.integers(0, 240), min_size=1, max_size=400),
)
def test_no_client_fails_more_than_the_daily_figure_in_any_day(
    m: int, window_min: int, gaps: list[int]
) -> None:
    """An attacker trying at any pace gets at most `attempts_per_day` failures counted in
    any 24 hours: the figure the docs quote is a bound of the rule itself."""
    policy = HandoverPolicy(
        client_failures_per_window=m, client_window=timedelta(minutes=window_min)
    )
    counted: list[datetime] = []
    at = NOW
    for gap in gaps:
        at += timedelta(minutes=gap)
        if client_blocked_until(counted, at, policy) is None:
            counted.append(at)  # every attempt let through fails
    worst = max(
        sum(1 for t in counted if start <= t < start + timedelta(days=1)) for start in counted
    )
    assert worst <= attempts_per_day(policy)


def test_the_configured_limits_give_under_one_lucky_guess_in_a_hundred_days() -> None:
    """Heshuo's pack: attempts a client may fail in a day × (1 / tail space), assuming the
    attacker knows a waiting parcel's pickup code: below 0.01 successful guesses a day."""
    heshuo = builtin_pack_path("heshuo")
    assert heshuo is not None
    policy = read_pack(heshuo).operations.handover
    figure = expected_successes_per_day(policy)
    assert figure == attempts_per_day(policy) / TAIL_SPACE
    assert figure < 0.01
    assert expected_successes_per_day(HandoverPolicy()) < 0.01  # the defaults too


def test_the_guard_forgets_clients_after_a_day() -> None:
    """Failures older than the horizon stop counting, and clients that never come back are
    dropped from memory once a day."""
    guard = HandoverGuard()
    guard.failed("user:1@10.0.0.1", "652828/ZT1", NOW)
    assert guard.client_failures("user:1@10.0.0.1", NOW) == [NOW]
    assert guard.parcel_failures("user:1@10.0.0.1", "652828/ZT1", NOW) == [NOW]
    assert len(guard) == 2
    later = NOW + HORIZON
    guard.failed("user:2@10.0.0.2", "", later)
    assert len(guard) == 1  # only the new client's own count
    assert guard.client_failures("user:1@10.0.0.1", later) == []
    guard.failed("user:2@10.0.0.2", "652828/ZT1", later)
    guard.succeeded("user:2@10.0.0.2", "652828/ZT1")
    assert guard.parcel_failures("user:2@10.0.0.2", "652828/ZT1", later) == []
    assert guard.client_failures("user:2@10.0.0.2", later) == [later, later]
