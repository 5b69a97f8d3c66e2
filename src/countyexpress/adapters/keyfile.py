"""The data folder's key file: the session-signing secret and the personal-data keys.

Made on the first start of a development or test install that has no keys in its
environment, so no two installs share a secret and none comes from the source. The file
is created with mode 0600 through `os.open` (never readable by others, not even briefly),
written to a temporary file first and moved into place, so a crash leaves the old file or
the new one, never half of one. A file that others may read is refused: the keys in it
must be taken as known.

During a key rotation the file keeps the current data key and the next one together; the
rotation's commit decides which one the data is under (`services.keys`).
"""

from __future__ import annotations

import os
import secrets
import stat
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

KEY_FILE_NAME = "keys.toml"
KEY_BYTES = 48
"""`secrets.token_urlsafe(48)`: 64 characters, 384 random bits."""


class KeyFileError(ValueError):
    """A key file that cannot be used: unreadable, malformed or readable by others."""


def new_key() -> str:
    """A fresh random key."""
    return secrets.token_urlsafe(KEY_BYTES)


@dataclass(frozen=True)
class Keys:
    """What a key file holds."""

    secret_key: str
    data_key: str
    next_data_key: str = ""
    """Only while a rotation is under way (or was cut short): the key it re-encrypts under."""

    def with_next(self, key: str) -> Keys:
        """These keys with a rotation to `key` under way."""
        return replace(self, next_data_key=key)

    def promoted(self) -> Keys:
        """The rotation committed: the next key is now the data key, the old one is dropped."""
        return replace(self, data_key=self.next_data_key or self.data_key, next_data_key="")

    def abandoned(self) -> Keys:
        """The rotation did not commit: the next key is dropped."""
        return replace(self, next_data_key="")


def _check_private(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyFileError(
            f"the key file {path} may be read by others (mode {mode:04o}): its keys must be "
            f"taken as known. Make new keys (move the file away, or run `chmod 600 {path}` "
            "if you are sure nobody else read it) and start again"
        )


def read_keys(path: Path) -> Keys:
    """The keys in `path`; KeyFileError when it is readable by others or malformed."""
    _check_private(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise KeyFileError(f"the key file {path} cannot be read: {exc}") from exc
    values = {}
    for name in ("secret_key", "data_key", "next_data_key"):
        value = data.get(name, "")
        if not isinstance(value, str):
            raise KeyFileError(f"the key file {path}: {name} must be a string")
        values[name] = value
    for name in ("secret_key", "data_key"):
        if len(values[name]) < 32:
            raise KeyFileError(f"the key file {path}: {name} must have at least 32 characters")
    return Keys(values["secret_key"], values["data_key"], values["next_data_key"])


def _render(keys: Keys) -> str:
    def quoted(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = [
        "# County Express keys of this data folder: keep them secret and back them up with",
        "# the database (without the data key, the personal data in it cannot be read).",
        "# COUNTYEXPRESS_SECRET_KEY / COUNTYEXPRESS_DATA_KEY in the environment take precedence.",
        f"secret_key = {quoted(keys.secret_key)}",
        f"data_key = {quoted(keys.data_key)}",
    ]
    if keys.next_data_key:
        lines.append("# a key rotation is under way, or was cut short; the next start settles it")
        lines.append(f"next_data_key = {quoted(keys.next_data_key)}")
    return "\n".join(lines) + "\n"


def _write_temp(path: Path, keys: Keys) -> Path:
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, _render(keys).encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return temp


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_keys(path: Path, keys: Keys) -> None:
    """Replace the key file with `keys`, atomically and durably (mode 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = _write_temp(path, keys)
    try:
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def load_or_create(path: Path) -> Keys:
    """The keys in `path`, made with fresh random keys if the file does not exist yet.

    Two processes starting together on a fresh folder agree: the file is linked into place
    only if it is still missing, and the one that finds it there reads it.
    """
    if path.exists():
        return read_keys(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = _write_temp(path, Keys(secret_key=new_key(), data_key=new_key()))
    try:
        os.link(temp, path)
    except FileExistsError:
        pass
    finally:
        temp.unlink(missing_ok=True)
    _sync_folder(path.parent)
    return read_keys(path)
