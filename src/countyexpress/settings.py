"""One Settings object from COUNTYEXPRESS_ variables, failing fast on unsafe values."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

UNSAFE_SECRETS = {"", "changethis", "secret", "development-only-secret"}


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
    secret_key: SecretStr = SecretStr("development-only-secret")
    data_key: SecretStr = SecretStr("")  # encrypts personal data at rest; required in production
    personal_data_retention_days: int = Field(default=180, ge=1)
    log_level: str = "INFO"
    map_tile_url: str = ""
    """A tile URL template ({z}/{x}/{y}) for the map's background; empty: no tiles, only the
    county's own vector layers (nothing is fetched from outside)."""
    map_tile_attribution: str = ""
    map_approval_number: str = ""
    """The map's approval number (审图号) that a tile service such as Tianditu requires."""

    @model_validator(mode="after")
    def _defaults_and_safety(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'countyexpress.db').as_posix()}"
        if self.environment == "production":
            secret = self.secret_key.get_secret_value()
            if secret in UNSAFE_SECRETS or len(secret) < 32:
                raise ValueError(
                    "COUNTYEXPRESS_SECRET_KEY must be set to a random value of at least "
                    "32 characters in production (e.g. `python -c 'import secrets; "
                    "print(secrets.token_urlsafe(48))'`)"
                )
            if len(self.data_key.get_secret_value()) < 32:
                raise ValueError(
                    "COUNTYEXPRESS_DATA_KEY must be set to a random value of at least 32 "
                    "characters in production: it encrypts ID numbers and receivers' contacts"
                )
        return self

    def data_key_bytes(self) -> bytes:
        """The key material for personal data: the data key, or in development the secret."""
        key = self.data_key.get_secret_value() or self.secret_key.get_secret_value()
        return key.encode("utf-8")


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once from the environment."""
    return Settings()
