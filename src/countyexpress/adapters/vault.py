"""Personal data at rest: AES-GCM encryption and keyed hashes for look-ups.

Two 32-byte keys are derived from the configured key material with HKDF (one to encrypt,
one to hash), so a hash never reveals the encryption key. Ciphertexts carry a version
prefix so the key can be rotated later.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from countyexpress.errors import CountyExpressError

_PREFIX = "v1:"


class VaultError(CountyExpressError):
    """A ciphertext that this key cannot open."""


def _derive(material: bytes, purpose: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"countyexpress", info=purpose)
    return hkdf.derive(material)


class Vault:
    """Encrypts, decrypts and hashes personal values (ID numbers, phones, names, addresses)."""

    def __init__(self, key_material: bytes) -> None:
        if len(key_material) < 16:
            raise ValueError("key material must be at least 16 bytes")
        self._aead = AESGCM(_derive(key_material, b"encrypt"))
        self._hash_key = _derive(key_material, b"lookup-hash")

    def encrypt(self, plaintext: str) -> str:
        """A printable ciphertext; the same value encrypts differently every time."""
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode("utf-8"), None)
        return _PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, ciphertext: str) -> str:
        """The plaintext; VaultError when the ciphertext is foreign or tampered with."""
        if not ciphertext.startswith(_PREFIX):
            raise VaultError("not a County Express ciphertext")
        raw = base64.urlsafe_b64decode(ciphertext[len(_PREFIX) :])
        try:
            return self._aead.decrypt(raw[:12], raw[12:], None).decode("utf-8")
        except InvalidTag:
            raise VaultError("the ciphertext does not open with this key") from None

    def digest(self, value: str) -> str:
        """A keyed hash (HMAC-SHA256) to find a record by a value without storing the value."""
        return hmac.new(self._hash_key, value.encode("utf-8"), hashlib.sha256).hexdigest()
