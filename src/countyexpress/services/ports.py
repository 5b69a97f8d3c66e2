"""What services need from the edge besides storage: a cipher for personal data, a notifier."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class Cipher(Protocol):
    """Encrypts personal values at rest and hashes them for look-ups (adapters.vault.Vault)."""

    def encrypt(self, plaintext: str) -> str: ...
    def decrypt(self, ciphertext: str) -> str: ...
    def digest(self, value: str) -> str: ...


class Notifier(Protocol):
    """Tells a receiver something (a parcel is ready, a code); SMS gateways fit this shape."""

    def send(self, county: str, phone: str, template: str, params: Mapping[str, Any]) -> None: ...
