"""`keys rotate` killed with SIGKILL at random moments of a real run: after each kill the next
start opens every value, and every digest matches, with the key it settles on."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, select

from countyexpress import bootstrap
from countyexpress.adapters.db.tables_ops import manifest_items
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.keyfile import KEY_FILE_NAME
from countyexpress.adapters.vault import Vault
from countyexpress.domain.privacy import phone_digits, phone_tail
from countyexpress.services import centre, counties
from countyexpress.settings import Settings

ITEMS = 600
KILL_AT = (0.03, 0.15, 0.6)
"""Kill moments as parts of a whole run after both keys are written: the transaction comes
first, then the file's rebuild (VACUUM) and the key file's last write."""


def _seed(engine: Engine, vault: Vault) -> None:
    counties.load_county(SqlUnitOfWork(engine), bootstrap.read_pack_source("heshuo"))
    now = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    items = [
        (n, {"waybill_no": f"ZT74{n:011d}", "receiver_name": f"张{n}",
             "receiver_phone": f"139{n:08d}", "address": "和硕县乌什塔拉回族乡塔拉村3组12号"})
        for n in range(1, ITEMS + 1)
    ]  # fmt: skip
    centre.add_manifest(SqlUnitOfWork(engine), vault, "652828", "zto", items, now=now)


def _opened(engine: Engine, vault: Vault) -> list[tuple[str, str, str]]:
    """Every manifest row opened with `vault`, its two phone digests checked."""
    out = []
    with engine.connect() as conn:
        for row in conn.execute(select(manifest_items)):
            phone = vault.decrypt(row.receiver_phone_enc)
            assert row.receiver_phone_hash == vault.digest(phone_digits(phone))
            assert row.phone_tail_hash == vault.digest(phone_tail(phone))
            out.append(
                (vault.decrypt(row.receiver_name_enc), phone, vault.decrypt(row.address_enc))
            )
    return sorted(out)


def test_a_rotation_killed_at_any_moment_leaves_data_a_kept_key_opens(tmp_path: Path) -> None:
    """A first real `countyexpress keys rotate` runs to its end (and times itself); then
    three are killed at moments spread over such a run, after they wrote both keys to the
    key file: nothing lost, whichever key won."""
    folder = tmp_path / "data"
    settings = Settings(data_dir=folder)
    engine = bootstrap.open_engine(settings)
    _seed(engine, Vault(settings.data_key_bytes()))
    before = _opened(engine, Vault(settings.data_key_bytes()))
    engine.dispose()
    assert len(before) == ITEMS
    env = {**os.environ, "COUNTYEXPRESS_DATA_DIR": str(folder)}
    for name in ("COUNTYEXPRESS_DATABASE_URL", "COUNTYEXPRESS_DATA_KEY",
                 "COUNTYEXPRESS_SECRET_KEY", "COUNTYEXPRESS_NEW_DATA_KEY"):  # fmt: skip
        env.pop(name, None)
    rng = random.Random(11)
    keys_seen = {settings.data_key.get_secret_value()}
    span = 0.0  # how long a whole rotation runs after writing both keys, on this machine now
    for round_, part in enumerate((1.0, *KILL_AT)):
        proc = subprocess.Popen(
            [sys.executable, "-m", "countyexpress.entrypoints.cli", "keys", "rotate"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        while proc.poll() is None and "next_data_key" not in (folder / KEY_FILE_NAME).read_text():
            time.sleep(0.002)
        started = time.monotonic()
        if round_ == 0:  # the first runs to its end: it rotates, and it times a whole run
            assert proc.wait(timeout=120) == 0
            span = time.monotonic() - started
        else:
            time.sleep(span * part * rng.uniform(0.8, 1.2))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
        restarted = Settings(data_dir=folder)
        engine = bootstrap.open_engine(restarted)  # settles a rotation cut short
        try:
            assert "next_data_key" not in (folder / KEY_FILE_NAME).read_text()
            assert _opened(engine, Vault(restarted.data_key_bytes())) == before, round_
        finally:
            engine.dispose()
        keys_seen.add(restarted.data_key.get_secret_value())
    assert len(keys_seen) >= 2  # the first round did rotate
