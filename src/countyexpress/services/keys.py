"""Rotating the data key: personal data re-encrypted under a new key, all or nothing.

With the data folder's key file (no COUNTYEXPRESS_DATA_KEY), a rotation is crash-safe in
three steps:

1. the new key is written into the key file beside the current one (`next_data_key`);
2. one transaction re-encrypts every ciphertext column and recomputes every digest column
   (adapters/db/rekey.py), then commits;
3. the key file is rewritten with the new key alone.

A crash before the commit leaves the data under the current key; after it, under the next
one; the key file holds both until step 3, and ciphertexts name their key, so whatever
moment it stops at, a kept key opens the data. The next start (`settle`, run by
bootstrap.open_engine) or the next rotation looks at which key the data is under and
finishes the key file accordingly.

With the data key in the environment, the platform never writes a key file that the
environment would override: the new key is given as COUNTYEXPRESS_NEW_DATA_KEY (the
operator holds both keys before a row changes), and the answer says to move it to
COUNTYEXPRESS_DATA_KEY. Stop the server while rotating: a process still holding the old
key would write rows that the new key cannot open.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import SecretStr
from sqlalchemy import Engine

from countyexpress.adapters import keyfile
from countyexpress.adapters.db import rekey
from countyexpress.adapters.db.personal import wipe_free_space
from countyexpress.adapters.vault import Vault, key_id
from countyexpress.errors import CountyExpressError
from countyexpress.settings import MIN_KEY_CHARS, Settings

NEW_KEY_VARIABLE = "COUNTYEXPRESS_NEW_DATA_KEY"


class KeyRotationRefused(CountyExpressError):
    """A rotation that cannot start as asked; nothing was changed."""


@dataclass(frozen=True)
class KeyStatus:
    """Where the keys come from and which data key is in use (never a key itself)."""

    data_key_id: str
    data_key_source: str  # "environment" or "key file"
    secret_key_source: str
    key_file: str | None
    rotation_pending: bool


@dataclass(frozen=True)
class Rotation:
    """What a rotation did."""

    old_key_id: str
    new_key_id: str
    columns: dict[str, int]
    stale: dict[str, int] = field(default_factory=dict)
    key_file: str | None = None
    """The key file that now holds the new key; None when the key is the environment's."""
    set_environment: str | None = None
    """With the key in the environment: the variable to set to the new key (already known
    to the operator as COUNTYEXPRESS_NEW_DATA_KEY)."""
    already_done: bool = False
    """The data was found under the new key already (a rotation that committed earlier)."""


def status(settings: Settings) -> KeyStatus:
    """The keys' sources and the data key's id."""
    pending = False
    if settings.key_file is not None and not settings.data_key_given:
        pending = bool(keyfile.read_keys(settings.key_file).next_data_key)
    return KeyStatus(
        data_key_id=key_id(settings.data_key_bytes()),
        data_key_source="environment" if settings.data_key_given else "key file",
        secret_key_source="environment" if settings.secret_key_given else "key file",
        key_file=str(settings.key_file) if settings.key_file is not None else None,
        rotation_pending=pending,
    )


def settle(settings: Settings, engine: Engine) -> str | None:
    """Finish the key file of a rotation cut short: "promoted" when its transaction had
    committed (the data is under the next key), "abandoned" when not; None if none was
    under way. `settings` then holds the key the data is under."""
    path = settings.key_file
    if path is None or settings.data_key_given:
        return None
    keys = keyfile.read_keys(path)
    if not keys.next_data_key:
        return None
    committed = rekey.uses_key(engine, key_id(keys.next_data_key.encode("utf-8")))
    keys = keys.promoted() if committed else keys.abandoned()
    keyfile.write_keys(path, keys)
    settings.data_key = SecretStr(keys.data_key)
    return "promoted" if committed else "abandoned"


def _rekey(engine: Engine, old: Vault, new: Vault) -> rekey.Rekeyed:
    with engine.begin() as connection:
        done = rekey.rekey(connection, old, new)
    wipe_free_space(engine)  # no old ciphertext left in SQLite's free pages or its log
    return done


def rotate(settings: Settings, engine: Engine, new_key: str | None = None) -> Rotation:
    """Re-encrypt the personal data under a new data key (`new_key`, or a fresh one for a
    key file; required when the data key is the environment's)."""
    if new_key is not None and len(new_key) < MIN_KEY_CHARS:
        raise KeyRotationRefused(f"the new data key must have at least {MIN_KEY_CHARS} characters")
    if settings.data_key_given:
        return _rotate_environment(settings, engine, new_key)
    path = settings.key_file
    assert path is not None  # no data key given: it came from the key file
    settle(settings, engine)
    keys = keyfile.read_keys(path)
    new = new_key or keyfile.new_key()
    if new == keys.data_key:
        raise KeyRotationRefused("the new data key is the current one")
    old_vault, new_vault = Vault(keys.data_key.encode("utf-8")), Vault(new.encode("utf-8"))
    keyfile.write_keys(path, keys.with_next(new))  # 1. both keys kept before a row changes
    try:
        done = _rekey(engine, old_vault, new_vault)  # 2. one transaction
    except BaseException:
        keyfile.write_keys(path, keys)  # rolled back: the next key is not needed
        raise
    keyfile.write_keys(path, keys.with_next(new).promoted())  # 3. the new key alone
    settings.data_key = SecretStr(new)
    return Rotation(old_vault.key_id, new_vault.key_id, done.columns, done.stale, str(path))


def _rotate_environment(settings: Settings, engine: Engine, new_key: str | None) -> Rotation:
    if new_key is None:
        raise KeyRotationRefused(
            "the data key is set in the environment (COUNTYEXPRESS_DATA_KEY): generate a new "
            f"key with `countyexpress keys new`, set it as {NEW_KEY_VARIABLE} beside "
            "COUNTYEXPRESS_DATA_KEY, and run `countyexpress keys rotate` again; nothing was "
            "changed"
        )
    old_vault, new_vault = Vault(settings.data_key_bytes()), Vault(new_key.encode("utf-8"))
    if old_vault.key_id == new_vault.key_id:
        raise KeyRotationRefused("the new data key is the current one")
    if rekey.uses_key(engine, new_vault.key_id) and not rekey.uses_key(engine, old_vault.key_id):
        return Rotation(old_vault.key_id, new_vault.key_id, {}, {},
                        set_environment="COUNTYEXPRESS_DATA_KEY", already_done=True)  # fmt: skip
    done = _rekey(engine, old_vault, new_vault)
    return Rotation(old_vault.key_id, new_vault.key_id, done.columns, done.stale,
                    set_environment="COUNTYEXPRESS_DATA_KEY")  # fmt: skip
