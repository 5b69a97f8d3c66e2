"""The manual queue's store on SQLite and PostgreSQL: parcels on no manifest listed once
from the ledger's open exceptions at the centre, gone once handled."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.adapters.vault import Vault
from countyexpress.services import centre, centre_desk, counties

HESHUO, CENTRE = "652828", "HS-CENTER"
STRAY, OTHER = "7312345600009", "7312345600008"


@pytest.fixture
def heshuo(engine: Engine) -> Engine:
    path = builtin_pack_path("heshuo")
    assert path is not None
    counties.load_county(SqlUnitOfWork(engine), read_pack(path))
    return engine


def test_the_queue_lists_each_unmanifested_parcel_once_until_handled(heshuo: Engine) -> None:
    for number in (STRAY, OTHER, STRAY):
        assert centre.centre_inbound(SqlUnitOfWork(heshuo), HESHUO, number, CENTRE).outcome == (
            "queued"
        )
    listed = centre_desk.manual_queue(SqlUnitOfWork(heshuo), HESHUO)
    assert sorted(q.waybill_no for q in listed) == [OTHER, STRAY]
    assert not any(q.on_manifest for q in listed)
    row = {"waybill_no": STRAY, "receiver_name": "张三", "receiver_phone": "13800138000",
           "address": "和硕县乌什塔拉回族乡塔拉村3组12号"}  # fmt: skip
    vault = Vault(b"test-key-material-of-enough-length")
    centre.add_manifest(SqlUnitOfWork(heshuo), vault, HESHUO, "zto", [(1, row)])
    assert centre.centre_inbound(SqlUnitOfWork(heshuo), HESHUO, STRAY, CENTRE).outcome == "sorted"
    assert [q.waybill_no for q in centre_desk.manual_queue(SqlUnitOfWork(heshuo), HESHUO)] == [
        OTHER
    ]
