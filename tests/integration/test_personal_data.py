"""Personal data: the public look-up shows masks only; retention deletes what is old."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select

from countyexpress.adapters.db.tables_ops import manifest_items
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.adapters.vault import Vault
from countyexpress.errors import NotFound
from countyexpress.services import centre, counties, privacy

VAULT = Vault(b"test-key-material-of-enough-length")
T0 = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def parcel(engine: Engine) -> Engine:
    path = builtin_pack_path("heshuo")
    assert path is not None
    counties.load_county(SqlUnitOfWork(engine), read_pack(path))
    row = {
        "waybill_no": "YT1000000000001",
        "receiver_name": "欧阳娜娜",
        "receiver_phone": "+86 139-1234-5678",
        "address": "和硕县新塔热乡新塔热村5号楼2单元301",
    }
    centre.add_manifest(SqlUnitOfWork(engine), VAULT, "652828", "yto", [(1, row)], now=T0)
    centre.centre_inbound(SqlUnitOfWork(engine), "652828", "YT1000000000001", "HS-CENTER", at=T0)
    return engine


def test_the_public_lookup_answers_masked_with_the_right_tail(parcel: Engine) -> None:
    """Waybill + phone tail: state and steps, the receiver masked as a privacy waybill does."""
    found = privacy.public_lookup(SqlUnitOfWork(parcel), VAULT, "yt1000000000001", "5678")
    assert found.state == "sorted"
    assert (found.receiver, found.receiver_phone) == ("欧***", "*******5678")
    assert found.address == "新塔热村"  # the village only, never address text
    assert [s[1] for s in found.steps] == ["到达 arrived", "分拣 sorted"]


@pytest.mark.parametrize(
    ("waybill", "tail"), [("YT1000000000001", "1234"), ("YT9999999999999", "5678")]
)
def test_a_wrong_tail_and_an_unknown_waybill_look_the_same(
    parcel: Engine, waybill: str, tail: str
) -> None:
    """Both are 'no parcel matches', so guessing reveals nothing."""
    with pytest.raises(NotFound, match="no parcel matches"):
        privacy.public_lookup(SqlUnitOfWork(parcel), VAULT, waybill, tail)


def test_personal_data_older_than_the_retention_is_deleted(parcel: Engine) -> None:
    """After the retention period the ciphertexts, hashes and masked forms are gone; the
    parcel's place and its state stay (tests/integration/test_purge.py covers every table)."""
    kept = privacy.purge_personal_data(
        SqlUnitOfWork(parcel), "652828", 30, now=T0 + dt.timedelta(days=10)
    )
    assert kept.tables["manifest_items"] == 0
    gone = privacy.purge_personal_data(
        SqlUnitOfWork(parcel), "652828", 30, now=T0 + dt.timedelta(days=31)
    )
    assert gone.tables["manifest_items"] == 1
    with parcel.connect() as conn:
        row = conn.execute(select(manifest_items)).one()
    assert (row.receiver_name_enc, row.receiver_phone_enc, row.address_enc) == ("", "", "")
    assert (row.receiver_phone_hash, row.phone_tail_hash, row.receiver_name_masked) == ("", "", "")
    assert row.division_code is not None
