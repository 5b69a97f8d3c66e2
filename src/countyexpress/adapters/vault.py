"""Personal data at rest: AES-GCM encryption and keyed hashes for look-ups.

Two 32-byte keys are derived from the configured key material with HKDF (one to encrypt,
one to hash), so a hash never reveals the encryption key. A ciphertext names the key it was
made under, `v2:<key id>:<nonce + sealed, base64>`, the id being a short HKDF fingerprint of
the key material, so a key rotation (services/keys.py) can tell which rows it has done and
a vault that holds several keys opens each ciphertext with its own. `v1:` ciphertexts (no
key id, made before ids) are still opened, by trying the vault's keys.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from countyexpress.errors import CountyExpressError

_LEGACY = "v1:"
_PREFIX = "v2:"


class VaultError(CountyExpressError):
    """A ciphertext that this key cannot open."""


def _derive(material: bytes, purpose: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"countyexpress", info=purpose)
    return hkdf.derive(material)


def key_id(key_material: bytes) -> str:
    """The short public name of a key: 8 hex digits of an HKDF fingerprint (no secret)."""
    return _derive(key_material, b"key-id")[:4].hex()


def is_ciphertext(value: object) -> bool:
    """Whether `value` is a vault ciphertext (of any key)."""
    return isinstance(value, str) and value.startswith((_PREFIX, _LEGACY))


def key_id_of(ciphertext: str) -> str | None:
    """The id of the key a ciphertext was made under; None for a `v1:` one (no id)."""
    if ciphertext.startswith(_PREFIX):
        return ciphertext[len(_PREFIX) :].partition(":")[0]
    return None


def ciphertext_prefix(key: str) -> str:
    """What every ciphertext made under the key with id `key` starts with."""
    return f"{_PREFIX}{key}:"


class Vault:
    """Encrypts, decrypts and hashes personal values (ID numbers, phones, names, addresses).

    Encrypts and hashes with `key_material`; opens ciphertexts of it and of `older` keys.
    """

    def __init__(self, key_material: bytes, older: Iterable[bytes] = ()) -> None:
        materials = [key_material, *older]
        if any(len(m) < 16 for m in materials):
            raise ValueError("key material must be at least 16 bytes")
        self.key_id = key_id(key_material)
        self._prefix = ciphertext_prefix(self.key_id)
        self._aead = AESGCM(_derive(key_material, b"encrypt"))
        self._hash_key = _derive(key_material, b"lookup-hash")
        self._openers = {self.key_id: self._aead}
        for material in older:
            self._openers.setdefault(key_id(material), AESGCM(_derive(material, b"encrypt")))

    def encrypt(self, plaintext: str) -> str:
        """A printable ciphertext; the same value encrypts differently every time."""
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode("utf-8"), None)
        return self._prefix + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, ciphertext: str) -> str:
        """The plaintext; VaultError when the ciphertext is foreign or tampered with."""
        if ciphertext.startswith(_PREFIX):
            kid, _, body = ciphertext[len(_PREFIX) :].partition(":")
            aead = self._openers.get(kid)
            if aead is None:
                raise VaultError(f"the ciphertext was made under key {kid}, not held here")
            return self._open(aead, body)
        if ciphertext.startswith(_LEGACY):
            for aead in self._openers.values():
                try:
                    return self._open(aead, ciphertext[len(_LEGACY) :])
                except VaultError:
                    continue
            raise VaultError("the ciphertext does not open with this key")
        raise VaultError("not a County Express ciphertext")

    @staticmethod
    def _open(aead: AESGCM, body: str) -> str:
        try:
            raw = base64.urlsafe_b64decode(body)
        except ValueError:
            raise VaultError("not a County Express ciphertext") from None
        try:
            return aead.decrypt(raw[:12], raw[12:], None).decode("utf-8")
        except (InvalidTag, ValueError):
            raise VaultError("the ciphertext does not open with this key") from None

    def digest(self, value: str) -> str:
        """A keyed hash (HMAC-SHA256) to find a record by a value without storing the value."""
        return hmac.new(self._hash_key, value.encode("utf-8"), hashlib.sha256).hexdigest()
