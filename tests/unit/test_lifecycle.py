"""The parcel state machine: states derived from scan events, whatever their order."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.lifecycle import (
    AFTER,
    ALLOWED_FROM,
    ParcelState,
    ParcelSummary,
    advance,
    derive,
    order,
)
from countyexpress.domain.scans import ScanEvent, ScanKind
from countyexpress.errors import InvalidValue

T0 = datetime(2026, 11, 28, 8, 0, tzinfo=timezone(timedelta(hours=8)))
K = ScanKind


def scan(kind: ScanKind, minutes: int, facility: str = "HS-CENTER", n: int = 0) -> ScanEvent:
    return ScanEvent(
        event_id=str(uuid.UUID(int=minutes * 1000 + n)),
        waybill_no="JT0019812345678",
        carrier="jt",
        kind=kind,
        facility=facility,
        at=T0 + timedelta(minutes=minutes),
    )


DOWN = [
    scan(K.ARRIVE, 0),
    scan(K.SORT, 10),
    scan(K.DEPART, 20),
    scan(K.ARRIVE, 60, "HS-STA-01"),
    scan(K.STORE, 61, "HS-STA-01"),
    scan(K.PICKUP, 300, "HS-STA-01"),
]


def test_a_parcel_down_the_network_ends_delivered_at_its_station() -> None:
    """Centre arrival, sort, depart, station arrival, store, pickup: delivered, no anomaly."""
    status = derive("JT0019812345678", DOWN)
    assert status.state is ParcelState.DELIVERED
    assert status.place == "HS-STA-01"
    assert status.anomalies == ()


def test_late_uploads_out_of_order_end_in_the_right_state() -> None:
    """Events arriving in any order are replayed by device time."""
    shuffled = [DOWN[4], DOWN[0], DOWN[5], DOWN[2], DOWN[1], DOWN[3]]
    assert derive("W", shuffled).state is ParcelState.DELIVERED
    partial = derive("W", [DOWN[3], DOWN[0]])
    assert partial.state is ParcelState.ARRIVED and partial.place == "HS-STA-01"


def test_a_second_pickup_is_an_anomaly_and_changes_nothing() -> None:
    """At most one pickup: a parcel handed over stays handed over."""
    status = derive("W", [*DOWN, scan(K.PICKUP, 400, "HS-STA-01")])
    assert status.state is ParcelState.DELIVERED
    assert [a.kind for a in status.anomalies] == [K.PICKUP]


def test_a_pickup_without_arrival_is_reported_not_refused() -> None:
    """Skipping states is an anomaly the ledger keeps; the state follows the scan."""
    status = derive("W", [scan(K.PICKUP, 5)])
    assert status.state is ParcelState.DELIVERED
    assert status.anomalies[0].state_before is ParcelState.NEW


def test_an_exception_keeps_the_state_and_is_open_until_the_next_scan() -> None:
    """问题件: flagged, state unchanged, cleared by the next regular scan."""
    flagged = derive("W", [scan(K.ARRIVE, 0), scan(K.EXCEPTION, 5)])
    assert (flagged.state, flagged.open_exception) == (ParcelState.ARRIVED, True)
    cleared = derive("W", [scan(K.ARRIVE, 0), scan(K.EXCEPTION, 5), scan(K.SORT, 9)])
    assert (cleared.state, cleared.open_exception) == (ParcelState.SORTED, False)


def test_an_outbound_parcel_goes_collect_inspect_screen_depart() -> None:
    """Up the network: collected, inspected and screened before it leaves."""
    up = [scan(K.COLLECT, 0, "HS-STA-03"), scan(K.INSPECT, 1, "HS-STA-03"),
          scan(K.DEPART, 30, "HS-STA-03"), scan(K.ARRIVE, 90), scan(K.SCREEN, 95),
          scan(K.DEPART, 120)]  # fmt: skip
    status = derive("W", up)
    assert status.state is ParcelState.IN_TRANSIT and status.anomalies == ()


def test_event_times_need_an_offset() -> None:
    """A device time without its UTC offset is ambiguous and refused."""
    with pytest.raises(InvalidValue) as info:
        ScanEvent(str(uuid.uuid4()), "W1234567", "jt", K.ARRIVE, "F", datetime(2026, 1, 1))
    assert info.value.field == "at"


kinds = st.sampled_from(list(ScanKind))
events = st.lists(
    st.tuples(kinds, st.integers(0, 10_000), st.sampled_from(["A", "B", "C"])),
    max_size=25,
).map(lambda xs: [scan(k, m, f, n) for n, (k, m, f) in enumerate(xs)])


@given(events, st.randoms())
def test_the_order_of_arrival_never_changes_the_state(evs: list[ScanEvent], rnd) -> None:
    """Derivation depends only on the events, not on the order they were received."""
    shuffled = list(evs)
    rnd.shuffle(shuffled)
    assert derive("W", evs) == derive("W", shuffled)


@given(events)
def test_replaying_events_changes_nothing(evs: list[ScanEvent]) -> None:
    """Duplicates (the same event twice) are ignored by the state machine."""
    assert derive("W", evs + evs) == derive("W", evs)


@given(events)
def test_every_step_is_allowed_or_reported(evs: list[ScanEvent]) -> None:
    """No state is skipped silently: a transition outside the table is an anomaly."""
    status = derive("W", evs)
    reported = {a.event_id for a in status.anomalies}
    state = ParcelState.NEW
    pickups = 0
    for e in status.events:
        if e.kind is K.EXCEPTION:
            continue
        if state is ParcelState.DELIVERED:
            assert e.event_id in reported
            continue
        if state not in ALLOWED_FROM[e.kind]:
            assert e.event_id in reported
        else:
            assert e.event_id not in reported
        state = AFTER[e.kind]
        pickups += e.kind is K.PICKUP
    assert state is status.state
    assert pickups <= 1


def test_times_in_other_offsets_compare_as_instants() -> None:
    """08:00+08:00 is before 01:00Z: device clocks in any zone order correctly."""
    a = scan(K.ARRIVE, 0)
    b = ScanEvent(str(uuid.uuid4()), "W", "jt", K.SORT, "HS-CENTER",
                  datetime(2026, 11, 28, 1, 0, tzinfo=UTC))  # fmt: skip
    assert derive("W", [b, a]).state is ParcelState.SORTED


@given(events, st.integers(0, 25))
def test_advancing_a_summary_equals_replaying_the_whole_history(
    evs: list[ScanEvent], cut: int
) -> None:
    """The projection continued with later events is the projection of all events; when
    the new events cannot simply follow, `advance` says so instead of guessing."""
    evs = order(evs)  # mostly later events after the cut; ties in time make some replays
    before, after = evs[:cut], evs[cut:]
    summary = ParcelSummary.of(derive("W", before))
    advanced = advance(summary, after)
    whole = ParcelSummary.of(derive("W", evs))
    if advanced is not None:
        assert advanced == whole
    if not before:  # a parcel new to the ledger: its summary is made by advancing, always
        assert summary == ParcelSummary.unseen("W") and advanced is not None
        return
    latest = max(e.at for e in before)
    if after and summary.state is not ParcelState.DELIVERED and min(e.at for e in after) > latest:
        assert advanced is not None  # the common case is never sent back to a replay


def test_a_late_upload_before_the_latest_scan_asks_for_a_replay() -> None:
    arrive, store = scan(K.ARRIVE, 10, "A", 1), scan(K.STORE, 30, "B", 2)
    summary = ParcelSummary.of(derive("W", [arrive, store]))
    assert advance(summary, [scan(K.DEPART, 20, "A", 3)]) is None
    assert advance(summary, [scan(K.PICKUP, 40, "B", 4)]) == ParcelSummary.of(
        derive("W", [arrive, store, scan(K.PICKUP, 40, "B", 4)])
    )
