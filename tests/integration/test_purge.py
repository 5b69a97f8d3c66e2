"""The purge (issue 11, defect 5): every personal column of the schema, by its marks, is
cleared for rows older than the retention, and nothing of them is left in the database's files.

The tables are filled through the real services (a simulated fortnight: manifests, consents,
intake records; a real station store: the SMS outbox), and the test enumerates the schema's
marked columns, so a table that gains marks later is checked without a change here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from countyexpress.adapters.db.cached import CountyCachingUnitOfWork
from countyexpress.adapters.db.personal import (
    cleared,
    personal_columns,
    personal_tables,
    wipe_free_space,
)
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.adapters.packs.simulation import params_for
from countyexpress.adapters.vault import Vault
from countyexpress.domain.county import County
from countyexpress.domain.delivery import DeliveryChoice
from countyexpress.domain.identity import IdType, SenderIdentity
from countyexpress.domain.inspection import ContentCategory, Inspection
from countyexpress.errors import NotFound
from countyexpress.services import (
    assessment,
    centre,
    counties,
    intake,
    privacy,
    scans,
    simulation,
    stations,
    supervision,
)

VAULT = Vault(b"test-key-material-of-enough-length")
CODE = "652828"
START = dt.date(2026, 11, 9)
PHONE = "13812345678"
ID_NUMBER = "360426199101010071"
SENDER = "阿依古丽·买买提"
RECEIVER = "张三丰"
WAYBILL = "ZT7312345678901"


def _heshuo() -> County:
    path = builtin_pack_path("heshuo")
    assert path is not None
    return read_pack(path)


def _fill(engine: Engine) -> None:
    """Two simulated days and one parcel stored at a station through the real services."""
    cache: dict[str, County] = {}
    factory: Callable[[], CountyCachingUnitOfWork] = lambda: CountyCachingUnitOfWork(  # noqa: E731
        engine, cache
    )
    county = _heshuo()
    counties.load_county(factory(), county)
    simulation.simulate(factory, VAULT, CODE, params_for(county), START, 2, seed=3, scale=0.02)
    t0 = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)
    uow = lambda: SqlUnitOfWork(engine)  # noqa: E731
    centre.record_consent(uow(), VAULT, CODE, PHONE, DeliveryChoice.STATION, now=t0)
    row = {
        "waybill_no": WAYBILL,
        "receiver_name": RECEIVER,
        "receiver_phone": PHONE,
        "address": "和硕县乌什塔拉回族乡塔拉村3组12号",
    }
    centre.add_manifest(uow(), VAULT, CODE, "zto", [(1, row)], now=t0)
    bag = centre.centre_inbound(uow(), CODE, WAYBILL, "HS-CENTER", at=t0).route_bag
    assert bag is not None
    centre.dispatch(uow(), CODE, bag, "VAN-01", "HS-CENTER", at=t0 + dt.timedelta(hours=1))
    stations.station_inbound(uow(), VAULT, CODE, bag, WAYBILL, at=t0 + dt.timedelta(hours=3))
    sender = SenderIdentity(IdType.RESIDENT_ID, ID_NUMBER, SENDER, dt.date(2026, 11, 28))
    peppers = Inspection(ContentCategory.PEPPERS, "干辣椒 5 kg", "keeper-01")
    intake.take_in(uow(), VAULT, CODE, "HS-STA-01", "zto", "75012345678901", sender, peppers,
                   "keeper-01", dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC))  # fmt: skip
    filed = supervision.submit_filing(uow(), VAULT, CODE, "yto", "HS-OUT-99", "圆通新区驿站",
                                      "652828100001", START, manager_name=SENDER,
                                      manager_id=ID_NUMBER, on=START)  # fmt: skip
    photo = b"\x89PNG\r\n\x1a\n" + b"a photo of the manager's ID card"
    supervision.attach(uow(), VAULT, CODE, filed.id, f"{SENDER}身份证.png", photo)
    supervision.review_filing(uow(), CODE, filed.id, "refuse", on=START)  # closed: purgeable
    evidence = [(f"{SENDER}站点照片.png", photo)]  # evidence may show people
    assessment.add_note(uow(), VAULT, CODE, 2026, 4, "塔拉村新站", by=None, files=evidence)
    upload = {"event_id": "5b7f3c1e-0000-4000-8000-000000000001", "waybill_no": WAYBILL,
              "carrier": "zto", "kind": "exception", "facility": "HS-STA-01",
              "at": dt.datetime.now(dt.UTC).isoformat(), "actor": "keeper-01",
              "payload": {"receiver_phone": PHONE, "note": "receiver away"}}  # fmt: skip
    stored = scans.ingest(uow(), [(1, upload)], CODE, cipher=VAULT)
    assert stored.accepted == 1, stored.rejected
    _staff_who_left(engine)


def _staff_who_left(engine: Engine) -> None:
    """A courier registered through the staff service (personal data encrypted with the
    Vault) who left on 2026-11-10 (`services.staff.record_leaving`: the retention clock)."""
    from countyexpress.services import staff as staff_service

    row = {"staff_no": "S-0001", "employer": "zto", "occupation": "courier", "name": SENDER,
           "id_number": ID_NUMBER, "phone": PHONE,
           "pre_job_trained_on": START.isoformat()}  # fmt: skip
    staff_service.add_member(SqlUnitOfWork(engine), VAULT, CODE, row)
    staff_service.record_leaving(SqlUnitOfWork(engine), CODE, "S-0001", dt.date(2026, 11, 10))


def _personal_rows(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Per marked table, its rows' personal values that are not cleared."""
    out: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        for table in personal_tables():
            columns = personal_columns(table)
            rows = conn.execute(select(*columns)).all()
            out[table.name] = [
                {c.name: v for c, v in zip(columns, r, strict=True) if v not in (None, "")}
                for r in rows
            ]
            out[table.name] = [r for r in out[table.name] if r]
    return out


def _ledger_signers(engine: Engine) -> set[bytes]:
    """Masked door-delivery signers still inside scan events' payloads. The ledger is
    append-only; moving personal payload fields out of it into a marked table is issue 11's
    defect 4 (services.scans' redaction), after which this set is empty."""
    from countyexpress.adapters.db.tables_ledger import scan_events

    with engine.connect() as conn:
        payloads = conn.execute(select(scan_events.c.payload)).scalars()
        return {str(p["signer"]).encode() for p in payloads if p and p.get("signer")}


@pytest.fixture
def filled(engine: Engine) -> Engine:
    _fill(engine)
    return engine


def test_the_purge_leaves_no_personal_value_of_the_period(filled: Engine) -> None:
    before = _personal_rows(filled)
    empty = [name for name, rows in before.items() if not rows]
    assert empty == [], f"fill these tables in _fill (real services): {empty}"
    assert {"manifest_items", "consents", "outbox", "intake_records", "staff"} <= set(before)

    kept = privacy.purge_personal_data(SqlUnitOfWork(filled), CODE, 3650)
    assert kept.rows == 0 and _personal_rows(filled) == before

    now = dt.datetime.now(dt.UTC) + dt.timedelta(days=400)
    done = privacy.purge_personal_data(
        SqlUnitOfWork(filled), CODE, 30, now=now, wipe=lambda: wipe_free_space(filled)
    )
    assert done.tables == {name: len(rows) for name, rows in before.items()}
    assert {name: rows for name, rows in _personal_rows(filled).items() if rows} == {}
    assert done.wiped == (filled.dialect.name == "sqlite")

    again = privacy.purge_personal_data(SqlUnitOfWork(filled), CODE, 30, now=now)
    assert again.rows == 0  # purged rows are not counted twice

    if filled.dialect.name == "sqlite":
        values = {
            str(v).encode()
            for rows in before.values()
            for row in rows
            for v in row.values()
            if len(str(v).encode()) >= 8  # short masks ("张**") would match by chance
        }
        path = Path(str(filled.url.database))
        files = [p for p in path.parent.glob(path.name + "*") if p.is_file()]
        data = b"".join(p.read_bytes() for p in files)
        values |= {v.encode() for v in (PHONE, ID_NUMBER, SENDER, RECEIVER)}  # never in clear
        values -= _ledger_signers(filled)
        left = [v for v in values if v in data]
        assert len(values) > 100 and left == [], (path, [v.decode() for v in left])


def test_a_purged_parcel_still_reads_masked_or_purged(filled: Engine) -> None:
    """After the purge the parcel's status still shows; its receiver is gone, not an error."""
    now = dt.datetime.now(dt.UTC) + dt.timedelta(days=400)
    privacy.purge_personal_data(SqlUnitOfWork(filled), CODE, 30, now=now)
    view = scans.parcel_status(SqlUnitOfWork(filled), WAYBILL)
    assert view.status.state.value == "stored"
    with pytest.raises(NotFound, match="no parcel matches"):
        privacy.public_lookup(SqlUnitOfWork(filled), VAULT, WAYBILL, PHONE[-4:])
    with SqlUnitOfWork(filled) as uow:
        item = uow.ops.manifest_item(CODE, WAYBILL)
    assert item is not None and item["receiver_name_masked"] == ""


def test_a_cleared_value_fits_its_column() -> None:
    """NOT NULL columns become '', nullable ones NULL: no migration for nullability."""
    for table in personal_tables():
        for column in personal_columns(table):
            assert cleared(column) == (None if column.nullable else "")


def test_a_parcel_whose_receiver_was_purged_is_shelved_without_an_sms(filled: Engine) -> None:
    """A parcel manifested before the retention period and shelved after it: stored with a
    pickup code, nobody told (there is no phone left), not a decryption error."""
    t0 = dt.datetime(2026, 11, 3, 8, 0, tzinfo=dt.UTC)
    uow = lambda: SqlUnitOfWork(filled)  # noqa: E731
    late = "ZT7312345678902"
    row = {"waybill_no": late, "receiver_name": RECEIVER, "receiver_phone": PHONE,
           "address": "和硕县乌什塔拉回族乡塔拉村3组12号"}  # fmt: skip
    centre.add_manifest(uow(), VAULT, CODE, "zto", [(1, row)], now=t0)
    bag = centre.centre_inbound(uow(), CODE, late, "HS-CENTER", at=t0).route_bag
    assert bag is not None
    centre.dispatch(uow(), CODE, bag, "VAN-01", "HS-CENTER", at=t0 + dt.timedelta(hours=1))
    with filled.connect() as conn:
        from countyexpress.adapters.db.tables_ops import outbox

        sent = conn.execute(select(outbox.c.id)).all()
    now = dt.datetime.now(dt.UTC) + dt.timedelta(days=400)
    privacy.purge_personal_data(SqlUnitOfWork(filled), CODE, 30, now=now)

    stored = stations.station_inbound(uow(), VAULT, CODE, bag, late, at=t0 + dt.timedelta(hours=3))
    assert stored.notified is False and stored.pickup_code
    with filled.connect() as conn:
        assert conn.execute(select(outbox.c.id)).all() == sent
    assert scans.parcel_status(SqlUnitOfWork(filled), late).status.state.value == "stored"
