"""`keys rotate`: personal data re-encrypted and re-digested under a new data key, driven by
the schema's personal-column marks, all or nothing, and opened by a kept key whatever
moment a rotation stops at. On SQLite and on the real PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine, func, select

from countyexpress import bootstrap
from countyexpress.adapters import keyfile
from countyexpress.adapters.db import rekey
from countyexpress.adapters.db.personal import personal_columns, personal_tables
from countyexpress.adapters.db.tables_ledger import scan_personal
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.vault import Vault, VaultError, ciphertext_prefix, is_ciphertext
from countyexpress.domain.delivery import DeliveryChoice
from countyexpress.domain.identity import IdType, SenderIdentity
from countyexpress.domain.inspection import ContentCategory, Inspection
from countyexpress.domain.privacy import phone_digits
from countyexpress.services import centre, counties, intake, keys, privacy, scans
from countyexpress.settings import Settings

HESHUO = "652828"
WAYBILLS = {"ZT7400000000101": "13812345678", "ZT7400000000102": "13987654321"}
LONE_PHONE = "13700001111"  # a consent with no parcel: its digest occurs nowhere else
ID = "360426199101010071"
NAME = "阿依古丽·买买提"
SCAN = {
    "event_id": "8f0c2a4e-0000-4000-8000-000000000001", "waybill_no": "JT0019812345678",
    "carrier": "jt", "kind": "arrive", "facility": "HS-CENTER", "at": "2026-11-28T09:00:00+08:00",
    "payload": {"sender": {"phone": "13700002222", "id_number": ID}},
}  # fmt: skip


def _seed(engine: Engine, vault: Vault) -> None:
    counties.load_county(SqlUnitOfWork(engine), bootstrap.read_pack_source("heshuo"))
    now = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    for phone in [*WAYBILLS.values(), LONE_PHONE]:
        centre.record_consent(SqlUnitOfWork(engine), vault, HESHUO, phone,
                              DeliveryChoice.STATION, now=now)  # fmt: skip
    items = [
        (n, {"waybill_no": w, "receiver_name": "张三", "receiver_phone": phone,
             "address": "和硕县乌什塔拉回族乡塔拉村3组12号", "weight_kg": 1.2})
        for n, (w, phone) in enumerate(WAYBILLS.items(), start=1)
    ]  # fmt: skip
    centre.add_manifest(SqlUnitOfWork(engine), vault, HESHUO, "zto", items, now=now)
    intake.take_in(SqlUnitOfWork(engine), vault, HESHUO, "HS-STA-01", "zto", "75012345678901",
                   SenderIdentity(IdType.RESIDENT_ID, ID, NAME, dt.date.today()),
                   Inspection(ContentCategory.PEPPERS, "干辣椒", "keeper-01"), "keeper-01",
                   now)  # fmt: skip
    assert scans.ingest(SqlUnitOfWork(engine), [(1, SCAN)], cipher=vault).accepted == 1
    with SqlUnitOfWork(engine) as uow:
        uow.ops.enqueue(HESHUO, "sms", vault.encrypt("13812345678"), "*******5678", "arrived",
                        {"code": "A-0001"}, now)  # fmt: skip
        uow.commit()


def _rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table with personal columns, as stored."""
    with engine.connect() as conn:
        return {
            t.name: sorted(map(tuple, conn.execute(select(t))), key=repr) for t in personal_tables()
        }


def _plaintexts(engine: Engine, vault: Vault) -> dict[str, list[str]]:
    """Every marked ciphertext, opened with `vault`, per table.column (sorted)."""
    out: dict[str, list[str]] = {}
    with engine.connect() as conn:
        for t in personal_tables():
            for c in personal_columns(t):
                if c.info["personal"] == "ciphertext":
                    values = [v for v in conn.execute(select(c)).scalars() if is_ciphertext(v)]
                    out[f"{t.name}.{c.name}"] = sorted(vault.decrypt(v) for v in values)
    return out


def _works_with(engine: Engine, vault: Vault) -> None:
    """The look-ups through digests find what they found before, with `vault`."""
    waybill, phone = next(iter(WAYBILLS.items()))
    found = privacy.public_lookup(SqlUnitOfWork(engine), vault, waybill, phone[-4:])
    assert found.waybill_no == waybill
    with SqlUnitOfWork(engine) as uow:
        assert [r["waybill_no"] for r in uow.intake.by_id_hash(HESHUO, vault.digest(ID))] == [
            "75012345678901"
        ]
        hashes = [vault.digest(phone_digits(p)) for p in WAYBILLS.values()]
        assert set(uow.ops.consents_for(HESHUO, hashes).values()) == {DeliveryChoice.STATION}
    # the device's upload with personal values, sent again: a repeat, not a conflict
    again = scans.ingest(SqlUnitOfWork(engine), [(1, SCAN)], cipher=vault)
    assert (again.accepted, again.duplicates, again.rejected) == (0, 1, [])


@pytest.fixture
def install(database_url: str, tmp_path: Path) -> Iterator[tuple[Settings, Engine]]:
    """A development install (keys from its data folder's key file) with personal data."""
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url)
    engine = bootstrap.open_engine(settings)
    _seed(engine, Vault(settings.data_key_bytes()))
    yield settings, engine
    engine.dispose()


def test_the_marked_tables_are_the_ones_holding_vault_values(
    install: tuple[Settings, Engine],
) -> None:
    """Sanity of the seed: every marked ciphertext column of these four tables has values."""
    settings, engine = install
    opened = _plaintexts(engine, Vault(settings.data_key_bytes()))
    assert {k for k, v in opened.items() if v} >= {
        "manifest_items.receiver_phone_enc", "manifest_items.address_enc",
        "intake_records.id_number_enc", "outbox.to_enc", "scan_personal.value_enc",
    }  # fmt: skip


def test_rotation_re_encrypts_and_re_digests_everything_under_a_new_key(
    install: tuple[Settings, Engine],
) -> None:
    """Every ciphertext under the new key with the same plaintext; the old key opens none;
    look-ups by digest work with the new key; the key file holds the new key alone."""
    settings, engine = install
    old = Vault(settings.data_key_bytes())
    before = _plaintexts(engine, old)
    done = keys.rotate(settings, engine)
    new = Vault(settings.data_key_bytes())
    assert done.old_key_id == old.key_id and done.new_key_id == new.key_id != old.key_id
    assert _plaintexts(engine, new) == before
    with engine.connect() as conn:
        for t in personal_tables():
            for c in personal_columns(t):
                if c.info["personal"] == "ciphertext":
                    for v in conn.execute(select(c)).scalars():
                        assert v.startswith(ciphertext_prefix(new.key_id))
                        with pytest.raises(VaultError):
                            old.decrypt(v)
    _works_with(engine, new)
    assert done.columns["manifest_items.receiver_phone_hash"] == len(WAYBILLS)
    assert done.columns["consents.phone_hash"] == len(WAYBILLS)
    with engine.connect() as conn:  # the upload's personal values: each one re-digested
        uploaded = conn.execute(select(func.count()).select_from(scan_personal)).scalar_one()
    assert uploaded >= 1 and done.columns["scan_personal.value_hash"] == uploaded
    assert done.stale == {"consents.phone_hash": 1}  # the lone consent, reported
    kept = keyfile.read_keys(settings.key_file)  # type: ignore[arg-type]
    assert kept.data_key == settings.data_key.get_secret_value() and not kept.next_data_key
    fresh = Settings(data_dir=settings.data_dir, database_url=settings.database_url)
    assert fresh.data_key == settings.data_key  # the next start reads the new key


class Boom(RuntimeError):
    """A failure in the middle of the rotation's transaction."""


def test_a_rotation_that_fails_midway_changes_nothing(
    install: tuple[Settings, Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second table's writes raise: every row as it was, the key file as it was, and all
    still opens and is found with the old key."""
    settings, engine = install
    rows, file_before = _rows(engine), settings.key_file.read_text()  # type: ignore[union-attr]
    old = Vault(settings.data_key_bytes())
    before = _plaintexts(engine, old)
    real, calls = rekey._write, []

    def failing(*args: Any) -> None:
        calls.append(args[1].name)
        if len(calls) == 2:
            raise Boom("midway")
        real(*args)

    monkeypatch.setattr(rekey, "_write", failing)
    with pytest.raises(Boom):
        keys.rotate(settings, engine)
    assert len(calls) == 2  # one table had been rewritten inside the transaction
    assert _rows(engine) == rows
    assert settings.key_file.read_text() == file_before  # type: ignore[union-attr]
    assert _plaintexts(engine, old) == before
    _works_with(engine, old)


@pytest.mark.parametrize("commit_happened", [False, True])
def test_a_rotation_killed_between_its_steps_is_settled_by_the_next_start(
    install: tuple[Settings, Engine], commit_happened: bool
) -> None:
    """Killed with both keys in the file, before or after its commit: the next start finds
    which key the data is under, keeps that one, and everything opens and is found."""
    settings, engine = install
    path = settings.key_file
    assert path is not None
    current = keyfile.read_keys(path)
    nxt = keyfile.new_key()
    keyfile.write_keys(path, current.with_next(nxt))  # step 1 done, then killed …
    old, new = Vault(current.data_key.encode()), Vault(nxt.encode())
    before = _plaintexts(engine, old)
    if commit_happened:  # … or killed after step 2 committed
        with engine.begin() as conn:
            rekey.rekey(conn, old, new)
    restarted = Settings(data_dir=settings.data_dir, database_url=settings.database_url)
    assert restarted.data_key.get_secret_value() == current.data_key  # the file's data_key
    engine2 = bootstrap.open_engine(restarted)  # the next start settles the key file
    try:
        expected = new if commit_happened else old
        assert restarted.data_key_bytes() == (nxt if commit_happened else current.data_key).encode()
        assert not keyfile.read_keys(path).next_data_key
        assert _plaintexts(engine2, expected) == before
        _works_with(engine2, expected)
    finally:
        engine2.dispose()


def test_marks_that_do_not_match_the_stored_digests_stop_the_rotation(
    install: tuple[Settings, Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A digest marked with the wrong normalisation is never rewritten by guess: refused,
    nothing changed."""
    settings, engine = install
    rows = _rows(engine)
    column = next(
        c for t in personal_tables() for c in personal_columns(t) if c.name == "phone_tail_hash"
    )
    monkeypatch.setitem(column.info, "normalise", "phone_digits")
    with pytest.raises(rekey.MarkError, match="phone_tail_hash"):
        keys.rotate(settings, engine)
    assert _rows(engine) == rows


def test_with_the_key_in_the_environment_the_new_key_is_given_and_no_file_written(
    database_url: str, tmp_path: Path
) -> None:
    """No new key: refused, nothing changed. With COUNTYEXPRESS_NEW_DATA_KEY: rotated, no key
    file written, and the answer names the variable to set; a second run finds it done."""
    old_key, new_key = "o" * 48, "n" * 48
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url,
                        secret_key=SecretStr("s" * 48), data_key=SecretStr(old_key))  # fmt: skip
    engine = bootstrap.open_engine(settings)
    try:
        _seed(engine, Vault(old_key.encode()))
        rows = _rows(engine)
        with pytest.raises(keys.KeyRotationRefused, match="COUNTYEXPRESS_NEW_DATA_KEY"):
            keys.rotate(settings, engine)
        assert _rows(engine) == rows
        before = _plaintexts(engine, Vault(old_key.encode()))
        done = keys.rotate(settings, engine, new_key)
        assert done.key_file is None and done.set_environment == "COUNTYEXPRESS_DATA_KEY"
        assert _plaintexts(engine, Vault(new_key.encode())) == before
        _works_with(engine, Vault(new_key.encode()))
        assert not (tmp_path / "data" / keyfile.KEY_FILE_NAME).exists()
        again = keys.rotate(settings, engine, new_key)  # run twice: found done
        assert again.already_done
    finally:
        engine.dispose()


def test_a_webhook_secret_is_re_encrypted_by_a_rotation_and_never_purged(
    install: tuple[Settings, Engine],
) -> None:
    """A sealed column (not personal) goes to the new key with the personal ones, so a
    carrier's webhook still signs after `keys rotate`; the purge leaves it alone."""
    from countyexpress.adapters.db.personal import purge
    from countyexpress.adapters.db.tables_webhooks import webhooks
    from countyexpress.services import webhooks as hooks

    settings, engine = install
    old = Vault(settings.data_key_bytes())
    when = dt.datetime.now(dt.UTC)
    hook_id, secret = hooks.add(SqlUnitOfWork(engine), old, None, HESHUO, "zto",
                                "https://hooks.example.com/ce", when)  # fmt: skip
    done = keys.rotate(settings, engine)
    new = Vault(settings.data_key_bytes())
    assert done.columns["webhooks.secret_enc"] == 1
    with engine.connect() as conn:
        stored = conn.execute(select(webhooks.c.secret_enc).where(webhooks.c.id == hook_id))
        cipher = stored.scalar_one()
    assert new.decrypt(cipher) == secret
    with pytest.raises(VaultError):
        old.decrypt(cipher)
    with engine.begin() as conn:
        purge(conn, HESHUO, when + dt.timedelta(days=3650))
    with engine.connect() as conn:
        kept = conn.execute(select(webhooks.c.secret_enc).where(webhooks.c.id == hook_id))
        assert new.decrypt(kept.scalar_one()) == secret
