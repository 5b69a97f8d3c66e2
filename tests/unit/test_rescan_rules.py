"""A desk refuses a live scan that contradicts the parcel's later state (issue 12)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.desk_rules import Desk, desk_refusal, when
from countyexpress.domain.lifecycle import ParcelState, ParcelSummary, derive, entered_at
from countyexpress.domain.scans import ScanEvent, ScanKind

K = ScanKind
S = ParcelState
T0 = datetime(2026, 12, 3, 0, 0, tzinfo=UTC)  # 08:00 in the county
WB = "ZT7312345678901"
STATION, CENTRE = "HS-STA-01", "HS-CENTER"
PLACES = [STATION, CENTRE, "HS-STA-02", "HS-LOCKER-01"]


def scan(kind: ScanKind, minutes: int, facility: str = CENTRE) -> ScanEvent:
    return ScanEvent(
        str(uuid.UUID(int=minutes)), WB, "zto", kind, facility, T0 + timedelta(minutes=minutes)
    )


def summary(events: list[ScanEvent]) -> ParcelSummary:
    return ParcelSummary.of(derive(WB, events))


DOWN = [
    scan(K.ARRIVE, 0),
    scan(K.SORT, 1),
    scan(K.DEPART, 20),
    scan(K.ARRIVE, 60, STATION),
    scan(K.STORE, 61, STATION),
    scan(K.PICKUP, 159, STATION),  # 02:39 UTC: 10:39 in the county
]

histories = st.lists(
    st.tuples(st.sampled_from(list(ScanKind)), st.sampled_from(PLACES)), max_size=12
).map(lambda steps: [scan(k, i * 7, f) for i, (k, f) in enumerate(steps)])
desks = st.sampled_from([(Desk.STATION, STATION), (Desk.CENTRE, CENTRE)])


def test_a_parcel_handed_over_is_refused_at_the_station_with_the_county_time() -> None:
    """The issue's case: handed over at 10:39 county time, then rescanned at the station."""
    refusal = desk_refusal(Desk.STATION, STATION, summary(DOWN))
    assert refusal is not None
    assert str(refusal) == f"{WB} was handed over on 12-03 10:39"
    assert refusal.params["when"] == "12-03 10:39"


def test_a_parcel_dispatched_from_the_centre_is_refused_there_but_not_at_its_station() -> None:
    """发车 from the centre: the centre refuses it; its station scans it in."""
    dispatched = summary(DOWN[:3])
    refusal = desk_refusal(Desk.CENTRE, CENTRE, dispatched)
    assert refusal is not None and "left HS-CENTER on a vehicle on 12-03 08:20" in str(refusal)
    assert desk_refusal(Desk.STATION, STATION, dispatched) is None


def test_a_parcel_new_to_the_ledger_or_on_its_way_is_never_refused() -> None:
    """Nothing scanned, arrived, sorted: every desk scans it in."""
    for desk, facility in ((Desk.STATION, STATION), (Desk.CENTRE, CENTRE)):
        assert desk_refusal(desk, facility, None) is None
        assert desk_refusal(desk, facility, summary(DOWN[:1])) is None
        assert desk_refusal(desk, facility, summary(DOWN[:2])) is None


def test_a_returned_parcel_is_refused_at_a_station_but_scanned_in_at_the_centre() -> None:
    """退回: it goes back through the centre, not onto a shelf again."""
    returned = summary([*DOWN[:5], scan(K.RETURN, 200, STATION)])
    assert desk_refusal(Desk.STATION, STATION, returned) is not None
    assert desk_refusal(Desk.CENTRE, CENTRE, returned) is None


@given(histories, desks, st.lists(st.sampled_from(list(ScanKind)), max_size=5))
def test_once_handed_over_every_desk_refuses_whatever_comes_after(
    before: list[ScanEvent], desk: tuple[Desk, str], after: list[ScanKind]
) -> None:
    """A hand-over is final: any later scans leave every desk refusing, with 交付."""
    events = [*before, scan(K.PICKUP, 1000, STATION)]
    events += [scan(k, 1001 + i, CENTRE) for i, k in enumerate(after)]
    refusal = desk_refusal(desk[0], desk[1], summary(events))
    assert refusal is not None and "handed over" in str(refusal)


@given(histories, desks)
def test_the_verdict_follows_the_state_now_and_an_exception_scan_does_not_change_it(
    events: list[ScanEvent], desk: tuple[Desk, str]
) -> None:
    """Refused exactly when the state is later than the desk's own step; an exception scan
    (a note, not a move) leaves the verdict as it was."""
    s = summary(events)
    refused = desk_refusal(desk[0], desk[1], s) is not None
    later = {S.DELIVERED, S.STORED} | ({S.RETURNED} if desk[0] is Desk.STATION else set())
    assert refused == (s.state in later or (s.state is S.IN_TRANSIT and s.place == desk[1]))
    noted = summary([*events, scan(K.EXCEPTION, 999, desk[1])])
    assert (desk_refusal(desk[0], desk[1], noted) is not None) == refused


@given(histories)
def test_a_station_scan_in_taken_is_refused_when_repeated(events: list[ScanEvent]) -> None:
    """The rescan: whatever came before, once the station's 到件 + 入库 is recorded, the same
    desk refuses the same parcel again (a second pickup code, a second SMS)."""
    shelved = [*events, scan(K.ARRIVE, 500, STATION), scan(K.STORE, 501, STATION)]
    s = summary(shelved)
    if s.state is S.STORED:  # not after a hand-over, where it stays handed over
        refusal = desk_refusal(Desk.STATION, STATION, s)
        assert refusal is not None and "stored at HS-STA-01" in str(refusal)


@given(st.datetimes(timezones=st.just(UTC)))
def test_the_time_said_is_the_countys(at: datetime) -> None:
    """MM-DD HH:MM eight hours ahead of UTC."""
    local = at + timedelta(hours=8) if at.year < 9999 else None
    if local is not None:
        assert when(at) == local.strftime("%m-%d %H:%M")


@given(histories, st.lists(st.integers(0, 50), max_size=4))
def test_the_time_said_is_when_the_parcel_came_into_its_state_not_a_later_note(
    events: list[ScanEvent], notes: list[int]
) -> None:
    """Exception scans after the history (a note, not a move) leave `entered_at` as it was;
    it is the time of the latest moving scan, and never later than `last_at`."""
    settled = entered_at(events)
    noted = [*events, *(scan(K.EXCEPTION, 2000 + n, CENTRE) for n in notes)]
    assert entered_at(noted) == settled
    s = summary(events)
    assert settled is None or (s.last_at is not None and settled <= s.last_at)
    if s.state is not S.NEW:
        assert settled is not None


def test_a_note_after_the_hand_over_does_not_move_the_time_said() -> None:
    """Handed over at 10:39, a problem noted at 11:00: still 已于 12-03 10:39 交付."""
    events = [*DOWN, scan(K.EXCEPTION, 180, STATION)]
    s = summary(events)
    assert when(s.last_at) == "12-03 11:00"
    settled = ParcelSummary(s.waybill_no, s.carrier, s.state, s.place, entered_at(events),
                            s.events, s.anomalies, s.open_exception)  # fmt: skip
    refusal = desk_refusal(Desk.STATION, STATION, settled)
    assert refusal is not None and refusal.params["when"] == "12-03 10:39"
