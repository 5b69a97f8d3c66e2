"""The centre on a simulated Heshuo day (issue 12, wrong result 3): the simulation's parcels
sort, an outbound parcel is known from the ledger, a parcel on no manifest is really queued
(once, until handled), and a number that cannot be a waybill is refused, never queued."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import select

from countyexpress.adapters.db.cached import CountyCachingUnitOfWork
from countyexpress.adapters.db.engine import make_engine
from countyexpress.adapters.db.migrate import upgrade
from countyexpress.adapters.db.tables_ledger import parcels
from countyexpress.adapters.db.tables_ops import manifest_items
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.adapters.packs.simulation import params_for
from countyexpress.adapters.vault import Vault
from countyexpress.adapters.waybill_patterns import load_waybill_patterns
from countyexpress.domain.access import Principal, Role
from countyexpress.domain.county import County
from countyexpress.errors import InvalidValue, PackInvalid
from countyexpress.services import centre, centre_desk, counties, scans, simulation

VAULT = Vault(b"test-key-material-of-enough-length")
HESHUO, CENTRE = "652828", "HS-CENTER"
PATTERNS = load_waybill_patterns()
STRAY = "7312345678999"  # fits ZTO's format; no carrier announced it


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Callable[[], CountyCachingUnitOfWork]:
    """Two simulated days (3 % scale): inbound parcels delivered, outbound ones on the way."""
    path = builtin_pack_path("heshuo")
    assert path is not None
    county = read_pack(path)
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('q') / 'q.db'}")
    upgrade(engine)
    cache: dict[str, County] = {}

    def factory() -> CountyCachingUnitOfWork:
        return CountyCachingUnitOfWork(engine, cache)

    counties.load_county(factory(), county)
    simulation.simulate(
        factory, VAULT, HESHUO, params_for(county), dt.date(2026, 11, 9), 2, seed=1, scale=0.03
    )
    factory.engine = engine  # type: ignore[attr-defined]
    return factory


def _queue(f: Callable[[], CountyCachingUnitOfWork]) -> list[str]:
    operator = Principal("op", "op", Role.CENTRE_OPERATOR, county=HESHUO)
    return [q.waybill_no for q in centre_desk.manual_queue(f(), HESHUO, by=operator)]


def test_the_simulations_parcels_sort_at_the_centre(day) -> None:  # type: ignore[no-untyped-def]
    """Every parcel the simulation left on its way is sorted or known as outbound; only
    those the simulation's carriers never announced wait in the manual queue, and the
    queue lists them."""
    with day.engine.connect() as c:
        states = c.execute(select(parcels.c.waybill_no, parcels.c.state)).all()
        listed = {w for (w,) in c.execute(select(manifest_items.c.waybill_no))}
    queued = _queue(day)
    assert queued and not [w for w in queued if w in listed]  # the sim's unannounced parcels
    moving = [w for w, s in states if s in ("in_transit", "inspected", "arrived", "sorted")]
    assert [w for w in moving if w not in queued]
    results = centre.centre_inbound_many(
        day(), HESHUO, [(w, None) for w in moving], CENTRE, patterns=PATTERNS
    )
    by_outcome = {r.waybill_no: r.outcome for r in results}
    assert {w for w, o in by_outcome.items() if o == "queued"} == set(queued) & set(moving)
    outbound = [r for r in results if r.outcome == "outbound"]
    assert outbound and all(r.waybill_no not in listed for r in outbound)
    assert all("line haul" in r.reason for r in outbound)
    assert _queue(day) == queued  # the rescans queued nothing new, listed nothing twice


def test_a_parcel_on_no_manifest_is_queued_once_and_leaves_when_handled(day) -> None:  # type: ignore[no-untyped-def]
    """Queued on the first scan, listed once after a second, gone once its manifest came
    and it was scanned again."""
    first = centre.centre_inbound(day(), HESHUO, STRAY, CENTRE, patterns=PATTERNS)
    assert first.outcome == "queued" and first.route_bag is None
    again = centre.centre_inbound(day(), HESHUO, STRAY, CENTRE, patterns=PATTERNS)
    assert again.outcome == "queued"
    assert _queue(day).count(STRAY) == 1
    events = scans.parcel_status(day(), STRAY, HESHUO).status.events
    assert [e.kind.value for e in events] == ["arrive", "exception"]  # the rescan added none
    row = {"waybill_no": STRAY, "receiver_name": "张三", "receiver_phone": "13800138000",
           "address": "和硕县乌什塔拉回族乡塔拉村3组12号"}  # fmt: skip
    assert centre.add_manifest(day(), VAULT, HESHUO, "zto", [(1, row)]).accepted == 1
    sorted_ = centre.centre_inbound(day(), HESHUO, STRAY, CENTRE, patterns=PATTERNS)
    assert sorted_.outcome == "sorted" and sorted_.route_bag
    assert STRAY not in _queue(day)


@pytest.mark.parametrize(
    ("number", "why"),
    [
        ("ZZ123", "6 to 32 letters or digits"),
        ("", "nothing was scanned"),
        ("   ", "nothing was scanned"),
        ("ZZ1234567", "fits no carrier's number format"),
    ],
)
def test_an_invalid_number_is_refused_not_queued(day, number: str, why: str) -> None:  # type: ignore[no-untyped-def]
    """Answered 'invalid waybill number' with the reason (a catalogue message); nothing
    recorded, nothing queued."""
    before = _queue(day)
    with pytest.raises(InvalidValue) as caught:
        centre.centre_inbound(day(), HESHUO, number, CENTRE, patterns=PATTERNS)
    assert "invalid waybill number" in str(caught.value) and why in str(caught.value)
    assert caught.value.msgid.startswith("invalid waybill number")
    assert _queue(day) == before


def test_a_manifest_file_is_taken_whole_or_refused_by_line_and_field(day) -> None:  # type: ignore[no-untyped-def]
    """The CLI's and the screen's import: a bad row refuses the file, naming file/line/field."""
    good = "waybill_no,receiver_name,receiver_phone,address\n"
    good += "ZT7312345600001,李四,13800138001,和硕县乌什塔拉回族乡塔拉村1号\n"
    bad = good + "ZT7312345600002,,13800138002,和硕县乌什塔拉回族乡塔拉村2号\n"
    with pytest.raises(PackInvalid) as caught:
        centre.import_manifest_upload(day(), VAULT, HESHUO, "zto", "m.csv", bad.encode())
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.field) == ("m.csv", 3, "receiver_name")
    assert (
        centre.import_manifest_upload(day(), VAULT, HESHUO, "zto", "m.csv", good.encode()).accepted
        == 1
    )
    with pytest.raises(PackInvalid):
        centre.import_manifest_upload(day(), VAULT, HESHUO, "zto", "m.txt", good.encode())
