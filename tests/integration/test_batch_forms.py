"""The batch forms of the station, locker and intake services: the same outcome as the
single forms called one after the other, and per-item refusals that leave no trace.

The properties run on copies of one SQLite file (a small county with a small locker and
a station of small shelves, or Heshuo for intake): the batch on one copy, the single forms
on the other. The refusal tests run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from countyexpress.adapters.db.engine import make_engine
from countyexpress.adapters.db.migrate import upgrade
from countyexpress.adapters.db.tables_ops import (
    locker_compartments,
    manifest_items,
    station_slots,
)
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.adapters.vault import Vault
from countyexpress.domain.access import Principal, Role
from countyexpress.domain.county import County
from countyexpress.domain.delivery import DeliveryChoice
from countyexpress.domain.facilities import Facility, FacilityKind, LockerCompartments
from countyexpress.domain.identity import IdType, SenderIdentity
from countyexpress.domain.inspection import ContentCategory, Inspection, ProhibitedCategory
from countyexpress.domain.lockers import Size
from countyexpress.domain.shelves import ShelfLayout
from countyexpress.errors import (
    CountyExpressError,
    Forbidden,
    InvalidValue,
    NotAllowed,
    NotFound,
)
from countyexpress.planning.simulation.synthetic import cooperative_uscc
from countyexpress.services import centre, counties, intake, scans, stations
from countyexpress.services.batch import Batch, Refusal
from countyexpress.services.intake import Departure, Refused, Screening, TakeIn
from support.small_county import AT, C1, V1, V2, small_county
from support.small_county import station as small_station

VAULT = Vault(b"test-key-material-of-enough-length")
SORTED = dt.datetime(2026, 11, 2, 7, 0, tzinfo=dt.UTC)  # manifest and centre inbound
T0 = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)  # the van reaches the locker and station
COUNTY = "990101"
LOCKER_PHONE, STATION_PHONE, DOOR_PHONE = "13800000001", "13800000002", "13800000003"
SIZES = ("S", "M", "L")
# on the manifest: 9 parcels for the locker (sizes in turn), 8 for the station, 2 for the door
LOCKER_PARCELS = [f"ZT7300000001{n:02d}" for n in range(9)]
STATION_PARCELS = [f"ZT7300000002{n:02d}" for n in range(8)]
DOOR_PARCELS = [f"ZT7300000003{n:02d}" for n in range(2)]
STATION2_PARCELS = [f"ZT7300000004{n:02d}" for n in range(4)]  # for 二号站 (S2)
UNKNOWN = "ZT7399999999999"
POOL = LOCKER_PARCELS + STATION_PARCELS + DOOR_PARCELS + [UNKNOWN]

T = TypeVar("T")


def _county() -> County:
    locker = Facility("L1", "一号柜", FacilityKind.LOCKER, AT[C1], C1,
                      compartments=LockerCompartments(small=3, medium=2, large=1))  # fmt: skip
    locker2 = Facility("L2", "二号柜", FacilityKind.LOCKER, AT[C1], C1,
                       compartments=LockerCompartments(small=1, medium=1))  # fmt: skip
    station = dataclasses.replace(small_station("S1", V1), name="一号站")
    station2 = dataclasses.replace(small_station("S2", V2), name="二号站")
    centre_ = Facility("CTR", "中心", FacilityKind.CENTER, AT[C1], C1)
    county = small_county([locker, locker2, station, station2, centre_])  # parcels go to L1
    rules = dataclasses.replace(county.operations, shelves=ShelfLayout(("A", "B"), capacity=3))
    return dataclasses.replace(county, operations=rules)


def _manifest_rows() -> list[dict[str, object]]:
    def row(waybill: str, phone: str, address: str, size: str = "S") -> dict[str, object]:
        return {"waybill_no": waybill, "receiver_name": "王模拟", "receiver_phone": phone,
                "address": address, "weight_kg": 1.0, "size": size}  # fmt: skip

    return (
        [
            row(w, LOCKER_PHONE, "一号镇一号社区5号", SIZES[i % 3])
            for i, w in enumerate(LOCKER_PARCELS)
        ]
        + [row(w, STATION_PHONE, "一号镇一号村3组") for w in STATION_PARCELS]
        + [row(w, DOOR_PHONE, "一号镇一号村4组") for w in DOOR_PARCELS]
        + [row(w, STATION_PHONE, "一号镇二号村2组") for w in STATION2_PARCELS]
    )


@pytest.fixture(scope="module")
def small_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file: the small county, consents, a manifest, every parcel sorted."""
    path = tmp_path_factory.mktemp("batch") / "small.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    _fill_small(engine)
    engine.dispose()
    return path


def _fill_small(engine: Engine) -> None:
    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(engine)

    counties.load_county(uow(), _county())
    centre.record_consents(uow(), VAULT, COUNTY, [(LOCKER_PHONE, DeliveryChoice.LOCKER),
                           (STATION_PHONE, DeliveryChoice.STATION)], now=SORTED)  # fmt: skip
    rows = _manifest_rows()
    done = centre.add_manifest(uow(), VAULT, COUNTY, "zto", list(enumerate(rows, 1)), now=SORTED)
    assert done.accepted == len(rows) and not done.rejected
    sorted_ = centre.centre_inbound_many(
        uow(), COUNTY, [(str(r["waybill_no"]), SORTED) for r in rows], "CTR"
    )
    assert all(s.route_bag for s in sorted_)


@pytest.fixture
def small(engine: Engine) -> Engine:
    """The small county on SQLite or PostgreSQL."""
    _fill_small(engine)
    return engine


class Pair:
    """Two copies of a template database: `batch` and `single`."""

    def __init__(self, template: Path, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.engines: list[Engine] = []
        for name in ("batch", "single"):
            shutil.copy(template, folder / f"{name}.db")
            self.engines.append(make_engine(f"sqlite:///{folder / name}.db"))
        self.batch, self.single = self.engines

    def close(self) -> None:
        for e in self.engines:
            e.dispose()


_examples = iter(range(10**9))


@pytest.fixture
def pairs(tmp_path: Path) -> Iterator[Callable[[Path], Pair]]:
    made: list[Pair] = []

    def make(template: Path) -> Pair:
        pair = Pair(template, tmp_path / str(next(_examples)))
        made.append(pair)
        return pair

    yield make
    for p in made:
        p.close()


def one_by_one(calls: list[Callable[[], T]]) -> Batch[T]:
    """The single forms called in turn, collected as a batch would report them."""
    out: Batch[T] = Batch()
    for position, call in enumerate(calls):
        try:
            out.done.append(call())
        except CountyExpressError as exc:
            out.refused.append(Refusal(position, "", exc))
    return out


def refusals(batch: Batch[Any]) -> list[tuple[int, str, str]]:
    return [(r.position, type(r.error).__name__, str(r.error)) for r in batch.refused]


def ledger(engine: Engine, county: str = COUNTY) -> dict[str, int]:
    return scans.counts_by_state(SqlUnitOfWork(engine), county)


def table(engine: Engine, t: Any, *skip: str) -> list[tuple[Any, ...]]:
    cols = [c for c in t.columns if c.name not in skip]
    with engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(select(*cols)))


def occupied(engine: Engine) -> list[tuple[Any, ...]]:
    """The filled compartments of L1 (the codes are random: left out)."""
    return [r for r in table(engine, locker_compartments, "pickup_code") if r[4] is not None]


# lockers -------------------------------------------------------------------------------
DEPOSITS = st.lists(
    st.tuples(st.sampled_from(LOCKER_PARCELS + DOOR_PARCELS + [UNKNOWN]),
              st.sampled_from([None, Size.S, Size.M, Size.L])),
    max_size=12,
)  # fmt: skip
PICKUPS = st.lists(st.tuples(st.integers(0, len(POOL) - 1), st.integers(0, 60)), max_size=10)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(deposits=DEPOSITS, pickups=PICKUPS)
@example(
    deposits=[(w, None) for w in LOCKER_PARCELS] + [(DOOR_PARCELS[0], None), (UNKNOWN, Size.S)],
    pickups=[(0, 5), (1, 30), (0, 31), (len(POOL) - 1, 1), (2, 60)],
)
def test_locker_batches_do_what_the_single_forms_do_one_after_the_other(
    small_template: Path,
    pairs: Callable[[Path], Pair],
    deposits: list[tuple[str, Size | None]],
    pickups: list[tuple[int, int]],
) -> None:
    """Compartments, refusals (error and message), fees, ledger states: all the same; only
    the random pickup codes differ."""
    pair = pairs(small_template)
    when = [T0 + dt.timedelta(minutes=i) for i in range(len(deposits))]
    batch = stations.locker_deposit_many(
        SqlUnitOfWork(pair.batch), VAULT, COUNTY, "L1",
        [(w, size, at) for (w, size), at in zip(deposits, when, strict=True)],
    )  # fmt: skip
    single = one_by_one([
        (lambda w=w, size=size, at=at: stations.locker_deposit(
            SqlUnitOfWork(pair.single), VAULT, COUNTY, "L1", w, size, at=at))
        for (w, size), at in zip(deposits, when, strict=True)
    ])  # fmt: skip
    assert [(s.waybill_no, s.place) for s in batch.done] == [
        (s.waybill_no, s.place) for s in single.done
    ]
    assert refusals(batch) == refusals(single)

    def codes(done: list[stations.Stored]) -> dict[str, str]:
        return {s.waybill_no: s.pickup_code for s in done}

    def asked(done: list[stations.Stored]) -> list[tuple[str, dt.datetime]]:
        known = codes(done)
        return [(known.get(POOL[i], "not-a-code"), T0 + dt.timedelta(hours=h))
                for i, h in pickups]  # fmt: skip

    got = stations.locker_pickup_many(SqlUnitOfWork(pair.batch), COUNTY, "L1", asked(batch.done))
    one = one_by_one([
        (lambda code=code, at=at: stations.locker_pickup(
            SqlUnitOfWork(pair.single), COUNTY, "L1", code, at=at))
        for code, at in asked(single.done)
    ])  # fmt: skip
    assert got.done == one.done
    assert refusals(got) == refusals(one)
    assert ledger(pair.batch) == ledger(pair.single)
    assert occupied(pair.batch) == occupied(pair.single)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(one=DEPOSITS, two=DEPOSITS, pickups=PICKUPS)
@example(
    one=[(w, None) for w in LOCKER_PARCELS[:4]],
    two=[(LOCKER_PARCELS[0], None), (LOCKER_PARCELS[5], None), (LOCKER_PARCELS[6], Size.L)],
    pickups=[(0, 5), (5, 30), (0, 31)],
)
def test_a_round_of_lockers_does_what_each_locker_would_one_after_the_other(
    small_template: Path,
    pairs: Callable[[Path], Pair],
    one: list[tuple[str, Size | None]],
    two: list[tuple[str, Size | None]],
    pickups: list[tuple[int, int]],
) -> None:
    """Deposits at L1 and L2 in one run, then pickups at both in one call: the same
    compartments, refusals (a parcel put in L1 is refused at L2 as a later call would),
    fees and ledger as locker by locker."""
    pair = pairs(small_template)
    stops = [
        (code, [(w, size, T0 + dt.timedelta(minutes=i)) for i, (w, size) in enumerate(d)])
        for code, d in (("L1", one), ("L2", two))
    ]
    run = stations.locker_deposit_run(SqlUnitOfWork(pair.batch), VAULT, COUNTY, stops)
    each_ = [stations.locker_deposit_many(SqlUnitOfWork(pair.single), VAULT, COUNTY, f, d)
             for f, d in stops]  # fmt: skip
    for got, want in zip(run, each_, strict=True):
        assert [(s.waybill_no, s.facility, s.place) for s in got.done] == [
            (s.waybill_no, s.facility, s.place) for s in want.done
        ]
        assert refusals(got) == refusals(want)
    assert ledger(pair.batch) == ledger(pair.single)
    assert occupied(pair.batch) == occupied(pair.single)

    def asked(batches: list[Batch[stations.Stored]]) -> list[tuple[str, list[Any]]]:
        codes = {s.waybill_no: (s.facility, s.pickup_code) for b in batches for s in b.done}
        out: dict[str, list[Any]] = {"L1": [], "L2": []}
        for i, h in pickups:
            locker, code = codes.get(POOL[i], ("L1", "not-a-code"))
            out[locker].append((code, T0 + dt.timedelta(hours=h)))
        return list(out.items())

    got = stations.locker_pickup_run(SqlUnitOfWork(pair.batch), COUNTY, asked(run))
    one_by_one_ = [stations.locker_pickup_many(SqlUnitOfWork(pair.single), COUNTY, f, p)
                   for f, p in asked(each_)]  # fmt: skip
    assert [b.done for b in got] == [b.done for b in one_by_one_]
    assert [refusals(b) for b in got] == [refusals(b) for b in one_by_one_]
    assert ledger(pair.batch) == ledger(pair.single)
    assert occupied(pair.batch) == occupied(pair.single)
    with pytest.raises(InvalidValue, match="appears twice"):
        stations.locker_deposit_run(SqlUnitOfWork(pair.batch), VAULT, COUNTY, [stops[0]] * 2)
    with pytest.raises(InvalidValue, match="appears twice"):
        stations.locker_pickup_run(SqlUnitOfWork(pair.batch), COUNTY, [("L1", []), ("L1", [])])


def test_a_locker_batch_refuses_each_parcel_as_the_single_form_would(small: Engine) -> None:
    """Not on a manifest: NotFound; no consent, or no compartment left: NotAllowed; the
    refused leave no compartment and no scan, the others go in."""
    ls = LOCKER_PARCELS
    asked = [ls[2], UNKNOWN, DOOR_PARCELS[0], ls[5], ls[0], ls[1], ls[3], ls[4], ls[6]]
    result = stations.locker_deposit_many(
        SqlUnitOfWork(small), VAULT, COUNTY, "L1", [(w, None, T0) for w in asked]
    )
    # sizes L, ?, door, L, S, M, S, M, S: one L compartment, then M and S fill up
    assert [(s.waybill_no, s.place) for s in result.done] == [
        (ls[2], "L01"), (ls[0], "S01"), (ls[1], "M01"), (ls[3], "S02"), (ls[4], "M02"),
        (ls[6], "S03"),
    ]  # fmt: skip
    assert [(r.position, r.key, type(r.error)) for r in result.refused] == [
        (1, UNKNOWN, NotFound), (2, DOOR_PARCELS[0], NotAllowed), (3, ls[5], NotAllowed),
    ]  # fmt: skip
    assert "no free compartment of size L" in result.refused[2].reason
    assert "no consent to put" in result.refused[1].reason
    assert len({s.pickup_code for s in result.done}) == len(result.done)
    with pytest.raises(NotAllowed, match="no free compartment"):
        stations.locker_deposit(SqlUnitOfWork(small), VAULT, COUNTY, "L1", ls[7], at=T0)
    view = scans.parcel_status(SqlUnitOfWork(small), ls[5], COUNTY)
    assert view.status.state.value == "sorted"
    picked = stations.locker_pickup_many(
        SqlUnitOfWork(small), COUNTY, "L1",
        [(result.done[0].pickup_code, T0 + dt.timedelta(hours=30)), ("999999x", T0),
         (result.done[0].pickup_code, T0 + dt.timedelta(hours=31))],
    )  # fmt: skip
    assert [(p.waybill_no, str(p.fee)) for p in picked.done] == [(ls[2], "1.0")]
    assert [(r.position, type(r.error)) for r in picked.refused] == [(1, NotFound), (2, NotFound)]
    assert scans.parcel_status(SqlUnitOfWork(small), ls[2], COUNTY).status.state.value == (
        "delivered"
    )


# stations ------------------------------------------------------------------------------
INBOUND = st.lists(st.sampled_from(STATION_PARCELS + DOOR_PARCELS + [UNKNOWN]), max_size=12)
ATTEMPTS = st.lists(
    st.tuples(st.integers(0, len(STATION_PARCELS) - 1), st.booleans(), st.integers(0, 20)),
    max_size=14,
)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(inbound=INBOUND, attempts=ATTEMPTS)
@example(
    inbound=[*STATION_PARCELS, STATION_PARCELS[0], DOOR_PARCELS[0], UNKNOWN],
    attempts=[(0, False, 0)] * 5 + [(0, True, 1), (0, True, 30), (1, True, 0), (1, True, 0)],
)
def test_station_batches_do_what_the_single_forms_do_one_after_the_other(
    small_template: Path,
    pairs: Callable[[Path], Pair],
    inbound: list[str],
    attempts: list[tuple[int, bool, int]],
) -> None:
    """Shelving (full shelves, repeats, no consent, unknown) and hand-overs (wrong tails,
    lock-outs, parcels already handed over): the same answers and the same records."""
    pair = pairs(small_template)
    batch = stations.station_inbound_many(
        SqlUnitOfWork(pair.batch), VAULT, COUNTY, "S1", [(w, T0) for w in inbound]
    )
    stored: list[stations.Stored] = []
    refused: list[tuple[str, str]] = []
    for w in inbound:
        try:
            stored.append(stations.station_inbound(
                SqlUnitOfWork(pair.single), VAULT, COUNTY, "S1", w, at=T0))  # fmt: skip
        except NotAllowed as exc:
            refused.append((w, str(exc)))
    assert (batch.stored, batch.refused) == (stored, refused)
    codes = {s.waybill_no: s.pickup_code for s in stored}
    tries: list[tuple[str, str, dt.datetime | None]] = []
    minute = 0
    for i, right, gap in attempts:
        minute += gap
        code = codes.get(STATION_PARCELS[i], "Z-0")
        tries.append((code, "0002" if right else "1234", T0 + dt.timedelta(minutes=minute)))
    answers = stations.hand_over_many(SqlUnitOfWork(pair.batch), VAULT, COUNTY, "S1", tries)
    singles = [
        stations.hand_over(SqlUnitOfWork(pair.single), VAULT, COUNTY, "S1", code, tail, at=at)
        for code, tail, at in tries
    ]
    assert answers == singles
    assert ledger(pair.batch) == ledger(pair.single)
    assert table(pair.batch, station_slots) == table(pair.single, station_slots)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    one=st.lists(st.sampled_from([*STATION_PARCELS, DOOR_PARCELS[0], UNKNOWN]), max_size=8),
    two=st.lists(st.sampled_from([*STATION2_PARCELS, STATION_PARCELS[0]]), max_size=6),
    tails=st.lists(st.tuples(st.booleans(), st.booleans(), st.integers(0, 9)), max_size=10),
)
def test_a_run_of_stations_does_what_each_station_would_one_after_the_other(
    small_template: Path,
    pairs: Callable[[Path], Pair],
    one: list[str],
    two: list[str],
    tails: list[tuple[bool, bool, int]],
) -> None:
    """Shelving at S1 and S2 in one run, then hand-overs at both in one call: the same
    answers, slots and ledger as station by station."""
    pair = pairs(small_template)
    stops: list[tuple[str, list[tuple[str, dt.datetime | None]]]] = [
        ("S1", [(w, T0) for w in one]), ("S2", [(w, T0) for w in two]),
    ]  # fmt: skip
    run = stations.station_inbound_run(SqlUnitOfWork(pair.batch), VAULT, COUNTY, stops)
    each_ = [stations.station_inbound_many(SqlUnitOfWork(pair.single), VAULT, COUNTY, f, s)
             for f, s in stops]  # fmt: skip
    assert run == each_
    stored = [s for r in each_ for s in r.stored]
    asked: dict[str, list[tuple[str, str, dt.datetime | None]]] = {"S1": [], "S2": []}
    for i, (first, right, minute) in enumerate(tails):
        if stored:
            s = stored[0] if first else stored[i % len(stored)]
            at = T0 + dt.timedelta(hours=1, minutes=minute + i)
            asked[s.facility].append((s.pickup_code, "0002" if right else "9999", at))
    at_both = list(asked.items())
    got = stations.hand_over_at_stations(SqlUnitOfWork(pair.batch), VAULT, COUNTY, at_both)
    one_by_one_ = [stations.hand_over_many(SqlUnitOfWork(pair.single), VAULT, COUNTY, f, a)
                   for f, a in at_both]  # fmt: skip
    assert got == one_by_one_
    assert ledger(pair.batch) == ledger(pair.single)
    assert table(pair.batch, station_slots) == table(pair.single, station_slots)


def test_a_run_names_each_station_once(small: Engine) -> None:
    """Twice the same station in one run or one upload is refused as a whole."""
    twice = [("S1", [(STATION_PARCELS[0], T0)]), ("S1", [(STATION_PARCELS[1], T0)])]
    with pytest.raises(InvalidValue, match="appears twice"):
        stations.station_inbound_run(SqlUnitOfWork(small), VAULT, COUNTY, twice)
    with pytest.raises(InvalidValue, match="appears twice"):
        stations.hand_over_at_stations(
            SqlUnitOfWork(small), VAULT, COUNTY, [("S1", []), ("S1", [])]
        )
    assert ledger(small) == {"sorted": len(POOL) - 1 + len(STATION2_PARCELS)}


def test_a_hand_over_batch_locks_a_parcel_after_five_wrong_tails(small: Engine) -> None:
    """The attempts of the batch count with the stored ones (read in one query)."""
    w = STATION_PARCELS[0]
    code = stations.station_inbound(SqlUnitOfWork(small), VAULT, COUNTY, "S1", w, at=T0)
    wrong = [(code.pickup_code, "1111", T0 + dt.timedelta(minutes=i)) for i in range(3)]
    stations.hand_over_many(SqlUnitOfWork(small), VAULT, COUNTY, "S1", list(wrong))
    more = [(code.pickup_code, "1111", T0 + dt.timedelta(minutes=3 + i)) for i in range(2)]
    right = (code.pickup_code, "0002", T0 + dt.timedelta(minutes=6))
    later = (code.pickup_code, "0002", T0 + dt.timedelta(minutes=40))
    answers = stations.hand_over_many(
        SqlUnitOfWork(small), VAULT, COUNTY, "S1", [*more, right, later]
    )
    assert [a.outcome.value for a in answers] == ["wrong", "wrong", "locked", "ok"]
    assert answers[-1].waybill_no == w


# dispatch ------------------------------------------------------------------------------
def test_route_bags_dispatched_together_leave_as_they_would_one_by_one(
    small_template: Path, pairs: Callable[[Path], Pair]
) -> None:
    """Each bag's parcels on its vehicle; a bag named twice leaves once; the same ledger."""
    pair = pairs(small_template)
    bags = [("L1", "VAN-1"), (f"DOOR-{V1}", "VAN-2"), ("S1", "VAN-1"), ("L1", "VAN-2")]
    sent = centre.dispatch_many(SqlUnitOfWork(pair.batch), COUNTY, bags, "CTR", at=T0)
    one = [centre.dispatch(SqlUnitOfWork(pair.single), COUNTY, b, v, "CTR", at=T0)
           for b, v in bags]  # fmt: skip
    assert [sent[b] for b, _ in bags[:3]] == one[:3] and one[3] == []
    assert sent["L1"] == sorted(LOCKER_PARCELS) and sent["S1"] == sorted(STATION_PARCELS)
    assert ledger(pair.batch) == ledger(pair.single)
    assert ledger(pair.batch)["in_transit"] == len(POOL) - 1
    assert table(pair.batch, manifest_items) == table(pair.single, manifest_items)


# intake --------------------------------------------------------------------------------
HESHUO = "652828"
CST = dt.timezone(dt.timedelta(hours=8))
I0 = dt.datetime(2026, 11, 28, 9, 0, tzinfo=CST)
PEPPERS = Inspection(ContentCategory.PEPPERS, "干辣椒 5 kg", "keeper-01")
FUEL = Inspection(ProhibitedCategory.FLAMMABLE_LIQUIDS, "", "keeper-01")
OUT = ["75012345678901", "75012345678902", "SF1234567890123", "SF1234567890124", "75012345678903"]


def _uscc() -> SenderIdentity:
    """A synthetic cooperative (never a personal ID number)."""
    return SenderIdentity(
        IdType.USCC, cooperative_uscc(HESHUO, 17), "和硕县模拟合作社", date(2026, 11, 28)
    )


INTAKES = st.lists(
    st.tuples(
        st.sampled_from(OUT),
        st.sampled_from(["HS-STA-01", "HS-STA-02", "HS-SF-OFFICE", "HS-CENTER", "NOWHERE"]),
        st.sampled_from(["zto", "sf", "dhl"]),
        st.booleans(),  # prohibited contents
    ),
    max_size=8,
)
SCREENS = st.lists(
    st.tuples(st.sampled_from(OUT), st.sampled_from(["BZ-SORT", "HS-SF-OFFICE", "HS-STA-01"])),
    max_size=6,
)
DEPARTS = st.lists(
    st.tuples(
        st.sampled_from(OUT),
        st.sampled_from(["HS-STA-01", "HS-STA-02", "HS-CENTER", "HS-SF-OFFICE", "BZ-SORT"]),
        st.sampled_from([None, "HS-SF-OFFICE", "BZ-SORT"]),
        st.sampled_from(["VAN-1", " "]),
    ),
    max_size=8,
)


@pytest.fixture(scope="module")
def heshuo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("batch") / "heshuo.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    pack = builtin_pack_path("heshuo")
    assert pack is not None
    counties.load_county(SqlUnitOfWork(engine), read_pack(pack))
    engine.dispose()
    return path


def receipt(r: intake.IntakeReceipt) -> tuple[Any, ...]:
    """A receipt without its status (the status after the whole batch)."""
    return tuple(getattr(r, f.name) for f in dataclasses.fields(r) if f.name != "status")


def movement(m: intake.Movement) -> tuple[Any, ...]:
    return (m.waybill_no, m.carrier, m.kind, m.facility, m.security_mark, m.note)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(intakes=INTAKES, screens=SCREENS, departs=DEPARTS)
@example(
    intakes=[(OUT[0], "HS-STA-01", "zto", False), (OUT[2], "HS-SF-OFFICE", "sf", False),
             (OUT[3], "HS-STA-02", "sf", False), (OUT[0], "HS-STA-01", "zto", False)],
    screens=[(OUT[2], "HS-SF-OFFICE"), (OUT[3], "BZ-SORT"), (OUT[2], "HS-SF-OFFICE")],
    departs=[(OUT[2], "HS-SF-OFFICE", None, "VAN-1"), (OUT[0], "HS-STA-01", None, "VAN-1"),
             (OUT[0], "HS-CENTER", "BZ-SORT", "VAN-1"), (OUT[3], "HS-STA-02", None, " ")],
)  # fmt: skip
def test_intake_batches_do_what_the_single_forms_do_one_after_the_other(
    heshuo_template: Path,
    pairs: Callable[[Path], Pair],
    intakes: list[tuple[str, str, str, bool]],
    screens: list[tuple[str, str]],
    departs: list[tuple[str, str, str | None, str]],
) -> None:
    """Intake (repeats, prohibited contents, wrong places and carriers), screening (wrong
    place, twice) and departures (unscreened, wrong legs, bad vehicle): the same answers,
    refusals and ledger. A parcel's status is the one after the whole batch, so it is
    compared where the parcel appears once in the batch."""
    pair = pairs(heshuo_template)
    who = _uscc()
    take = [TakeIn(f, c, w, who, FUEL if bad else PEPPERS, I0 + dt.timedelta(minutes=i))
            for i, (w, f, c, bad) in enumerate(intakes)]  # fmt: skip
    batch = intake.take_in_many(SqlUnitOfWork(pair.batch), VAULT, HESHUO, take, "k")
    single = one_by_one([
        (lambda t=t: intake.take_in(SqlUnitOfWork(pair.single), VAULT, HESHUO, t.facility,
                                    t.carrier, t.waybill_no, t.identity, t.inspection, "k", t.at))
        for t in take
    ])  # fmt: skip
    assert [receipt(r) for r in batch.done] == [receipt(r) for r in single.done]
    assert refusals(batch) == refusals(single)

    sc = [Screening(f, w, I0 + dt.timedelta(hours=1, minutes=i))
          for i, (w, f) in enumerate(screens)]  # fmt: skip
    b2 = intake.screen_many(SqlUnitOfWork(pair.batch), HESHUO, sc, "op")
    s2 = one_by_one([
        (lambda s=s: intake.screen(SqlUnitOfWork(pair.single), HESHUO, s.facility, s.waybill_no,
                                   "op", s.at))
        for s in sc
    ])  # fmt: skip
    assert [movement(m) for m in b2.done] == [movement(m) for m in s2.done]
    assert refusals(b2) == refusals(s2)

    dp = [Departure(f, w, v, I0 + dt.timedelta(hours=2, minutes=i), to)
          for i, (w, f, to, v) in enumerate(departs)]  # fmt: skip
    b3 = intake.depart_outbound_many(SqlUnitOfWork(pair.batch), HESHUO, dp, "d")
    s3 = one_by_one([
        (lambda d=d: intake.depart_outbound(SqlUnitOfWork(pair.single), HESHUO, d.facility,
                                            d.waybill_no, d.vehicle, "d", d.at, d.to))
        for d in dp
    ])  # fmt: skip
    assert [movement(m) for m in b3.done] == [movement(m) for m in s3.done]
    assert refusals(b3) == refusals(s3)
    once = {w for w in OUT if [m.waybill_no for m in b3.done].count(w) == 1}
    assert [m.status for m in b3.done if m.waybill_no in once] == [
        m.status for m in s3.done if m.waybill_no in once
    ]
    assert ledger(pair.batch, HESHUO) == ledger(pair.single, HESHUO)


@pytest.fixture
def heshuo(engine: Engine) -> Engine:
    pack = builtin_pack_path("heshuo")
    assert pack is not None
    counties.load_county(SqlUnitOfWork(engine), read_pack(pack))
    return engine


def test_an_intake_batch_refuses_item_by_item_and_stores_only_the_rest(heshuo: Engine) -> None:
    """A keeper of HS-STA-01 takes in at her station; the parcel named for another station
    is Forbidden, the prohibited one and the repeat Refused; two records, four scans."""
    keeper = Principal("u1", "keeper", Role.STATION_KEEPER, HESHUO, "HS-STA-01")
    who = _uscc()
    result = intake.take_in_many(
        SqlUnitOfWork(heshuo), VAULT, HESHUO,
        [TakeIn("HS-STA-01", "zto", OUT[0], who, PEPPERS, I0),
         TakeIn("HS-STA-02", "zto", OUT[1], who, PEPPERS, I0),
         TakeIn("HS-STA-01", "zto", OUT[4], who, FUEL, I0),
         TakeIn("HS-STA-01", "zto", OUT[0], who, PEPPERS, I0),
         TakeIn("HS-STA-01", "sf", OUT[2], who, PEPPERS, I0)],
        "keeper", by=keeper,
    )  # fmt: skip
    assert [r.waybill_no for r in result.done] == [OUT[0], OUT[2]]
    assert [(r.position, type(r.error)) for r in result.refused] == [
        (1, Forbidden), (2, Refused), (3, Refused),
    ]  # fmt: skip
    assert "already been taken in" in result.refused[2].reason
    assert all(r.status.state.value == "inspected" for r in result.done)
    with SqlUnitOfWork(heshuo) as u:
        assert set(u.intake.get_many(HESHUO, OUT)) == {OUT[0], OUT[2]}
        events = u.ledger.events_of(HESHUO, OUT)
    assert {w: len(e) for w, e in events.items() if e} == {OUT[0]: 2, OUT[2]: 2}
    moved = intake.depart_outbound_many(
        SqlUnitOfWork(heshuo), HESHUO,
        [Departure("HS-STA-01", OUT[0], "VAN-1", I0 + dt.timedelta(hours=1)),
         Departure("HS-STA-01", OUT[1], "VAN-1", I0 + dt.timedelta(hours=1)),
         Departure("HS-CENTER", OUT[0], "LH-1", I0 + dt.timedelta(hours=2), "BZ-SORT")],
    )  # fmt: skip
    assert [(m.waybill_no, m.facility) for m in moved.done] == [
        (OUT[0], "HS-STA-01"), (OUT[0], "HS-CENTER"),
    ]  # fmt: skip
    assert "take it in first" in moved.refused[0].reason
    screened = intake.screen_many(
        SqlUnitOfWork(heshuo), HESHUO,
        [Screening("BZ-SORT", OUT[0], I0 + dt.timedelta(hours=5)),
         Screening("BZ-SORT", OUT[0], I0 + dt.timedelta(hours=6))],
    )  # fmt: skip
    assert [m.security_mark for m in screened.done] == [True]
    assert "screened once" in screened.refused[0].reason
    with SqlUnitOfWork(heshuo) as u:
        assert u.intake.get(HESHUO, OUT[0])["security_mark"] is True  # type: ignore[index]


def test_manifest_values_go_in_by_group_and_an_item_named_twice_gets_both(small: Engine) -> None:
    """Items given the same values share one update; later values of a column win."""
    a, b, c = STATION_PARCELS[:3]
    with SqlUnitOfWork(small) as u:
        u.ops.set_manifest_values(
            COUNTY,
            [(a, {"vehicle": "V1"}), (b, {"vehicle": "V1"}), (a, {"route_bag": "X"}),
             (c, {"vehicle": "V2"}), (c, {"vehicle": "V3"})],
        )  # fmt: skip
        u.commit()
    with SqlUnitOfWork(small) as u:
        got = u.ops.manifest_items_for(COUNTY, [a, b, c], ("route_bag", "vehicle"))
    assert {w: (r["route_bag"], r["vehicle"]) for w, r in got.items()} == {
        a: ("X", "V1"), b: ("S1", "V1"), c: ("S1", "V3"),
    }  # fmt: skip
