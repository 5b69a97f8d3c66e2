"""One Settings object from COUNTYEXPRESS_ variables, failing fast on unsafe values."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, PrivateAttr, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from countyexpress.adapters.keyfile import KEY_FILE_NAME, load_or_create

MIN_KEY_CHARS = 32


class Settings(BaseSettings):
    """Where the data lives, which county to show first, and the secrets."""

    model_config = SettingsConfigDict(
        env_prefix="COUNTYEXPRESS_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("data")
    database_url: str = ""
    default_pack: str = "heshuo"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    secret_key: SecretStr = SecretStr("")
    """Signs the session cookies. Unset outside production: the data folder's key file."""
    data_key: SecretStr = SecretStr("")
    """Encrypts personal data at rest. Unset outside production: the data folder's key file."""
    new_data_key: SecretStr = SecretStr("")
    """Only for `countyexpress keys rotate`: the key to re-encrypt under (required when the
    data key is set in the environment, so the operator holds both before a row changes)."""
    personal_data_retention_days: int = Field(default=180, ge=1)
    log_level: str = "INFO"
    trusted_proxies: str = ""
    """Addresses or networks (comma-separated) whose X-Forwarded-For/-Proto headers are
    believed; empty: none, the connecting address is the client."""
    db_pool_size: int = Field(default=5, ge=1)
    """PostgreSQL: connections each process keeps open (SQLAlchemy's pool_size)."""
    db_max_overflow: int = Field(default=10, ge=0)
    """PostgreSQL: connections opened beyond the pool at a peak, closed after use."""
    read_database_url: str = ""
    """A read replica (PostgreSQL streaming standby) for the overview's reads; empty: the
    one database. Its rows may lag the primary by the replication delay."""
    sqlite_synchronous: Literal["NORMAL", "FULL"] = "NORMAL"
    """SQLite's `PRAGMA synchronous` in WAL mode: NORMAL may lose the last commits on a power
    cut (never corrupts), FULL keeps them at the cost of an fsync per commit."""
    map_tile_url: str = ""
    """A tile URL template ({z}/{x}/{y}) for the map's background; empty: no tiles, only the
    county's own vector layers (nothing is fetched from outside)."""
    map_tile_attribution: str = ""
    map_approval_number: str = ""
    """The map's approval number (审图号) that a tile service such as Tianditu requires."""
    webhook_retry_base_seconds: float = Field(default=30.0, gt=0)
    """Carriers' webhooks: the first retry waits up to this long (docs/webhooks.md)."""
    webhook_retry_cap_seconds: float = Field(default=3600.0, gt=0)
    """No retry waits longer than this."""
    webhook_max_attempts: int = Field(default=16, ge=1)
    """Tries before a delivery becomes a dead letter (replayable on screen)."""
    webhook_send_every_seconds: float = Field(default=5.0, ge=0)
    """`serve` sends carriers' webhook events from a background thread with a pass this
    often; 0 leaves it to a separate `countyexpress webhooks deliver` (one per database)."""

    _key_file: Path | None = PrivateAttr(default=None)
    _data_key_given: bool = PrivateAttr(default=False)
    _secret_key_given: bool = PrivateAttr(default=False)

    @field_validator("sqlite_synchronous", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, value: str) -> str:
        for item in _split(value):
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(
                    f"COUNTYEXPRESS_TRUSTED_PROXIES: {item!r} is not an address or a network "
                    "(e.g. 10.0.0.5 or 10.0.0.0/24)"
                ) from None
        return ",".join(_split(value))

    @model_validator(mode="after")
    def _defaults_and_safety(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'countyexpress.db').as_posix()}"
        secret, data = self.secret_key.get_secret_value(), self.data_key.get_secret_value()
        self._data_key_given, self._secret_key_given = bool(data), bool(secret)
        if self.environment == "production":
            if len(secret) < MIN_KEY_CHARS:
                raise ValueError(
                    "COUNTYEXPRESS_SECRET_KEY must be set to a random value of at least "
                    "32 characters in production (e.g. `python -c 'import secrets; "
                    "print(secrets.token_urlsafe(48))'`)"
                )
            if len(data) < MIN_KEY_CHARS:
                raise ValueError(
                    "COUNTYEXPRESS_DATA_KEY must be set to a random value of at least 32 "
                    "characters in production: it encrypts ID numbers and receivers' contacts"
                )
            return self
        if secret and data:
            return self
        self._key_file = self.data_dir / KEY_FILE_NAME
        keys = load_or_create(self._key_file)  # KeyFileError is a ValueError: refused here
        if not secret:
            self.secret_key = SecretStr(keys.secret_key)
        if not data:
            self.data_key = SecretStr(keys.data_key)
        return self

    @property
    def key_file(self) -> Path | None:
        """The key file the secret or the data key came from; None when both are explicit."""
        return self._key_file

    @property
    def data_key_given(self) -> bool:
        """Whether the data key was given (environment, .env or argument), not the file's."""
        return self._data_key_given

    @property
    def secret_key_given(self) -> bool:
        """Whether the secret key was given (environment, .env or argument), not the file's."""
        return self._secret_key_given

    def data_key_bytes(self) -> bytes:
        """The key material for personal data (never the secret key)."""
        return self.data_key.get_secret_value().encode("utf-8")

    def trusted_proxy_list(self) -> list[str]:
        """The trusted proxies' addresses and networks."""
        return _split(self.trusted_proxies)


def _split(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once from the environment."""
    return Settings()
