"""Password hashes (argon2id) and carriers' API keys (random, stored as SHA-256)."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
_DUMMY = _hasher.hash("a password nobody has: keeps unknown names as slow as known ones")
API_KEY_PREFIX = "cek_"


def hash_password(password: str) -> str:
    """An argon2id hash of `password` with a fresh salt."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; a missing hash costs the same time and says no."""
    try:
        return _hasher.verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


def new_api_key() -> tuple[str, str, str]:
    """A new key as (the key to hand over once, its visible prefix, its stored hash)."""
    prefix = API_KEY_PREFIX + secrets.token_hex(4)
    key = f"{prefix}.{secrets.token_urlsafe(32)}"
    return key, prefix, hash_api_key(key)


def hash_api_key(key: str) -> str:
    """The stored form of an API key (keys are random, so a plain SHA-256 suffices)."""
    return hashlib.sha256(key.strip().encode()).hexdigest()
