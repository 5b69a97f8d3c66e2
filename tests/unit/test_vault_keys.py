"""Ciphertexts name their key: a vault opens those of the keys it holds, and no others."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.adapters.vault import (
    Vault,
    VaultError,
    ciphertext_prefix,
    is_ciphertext,
    key_id,
    key_id_of,
)

A, B, C = b"a" * 48, b"b" * 48, b"c" * 48


@given(st.text(max_size=200))
def test_a_value_opens_with_its_key_whether_current_or_kept(plain: str) -> None:
    """Made under A: opened by A, by a vault on B that keeps A; refused by one on B or C."""
    sealed = Vault(A).encrypt(plain)
    assert is_ciphertext(sealed) and key_id_of(sealed) == key_id(A)
    assert sealed.startswith(ciphertext_prefix(key_id(A)))
    assert Vault(A).decrypt(sealed) == plain
    assert Vault(B, older=[A]).decrypt(sealed) == plain
    for other in (Vault(B), Vault(C, older=[B])):
        with pytest.raises(VaultError):
            other.decrypt(sealed)


@given(st.text(max_size=100))
def test_v1_ciphertexts_without_a_key_id_still_open(plain: str) -> None:
    """A ciphertext made before key ids (`v1:`) opens with whichever held key made it."""
    sealed = Vault(A).encrypt(plain)
    legacy = "v1:" + sealed.split(":", 2)[2]
    assert key_id_of(legacy) is None and is_ciphertext(legacy)
    assert Vault(A).decrypt(legacy) == plain
    assert Vault(B, older=[A]).decrypt(legacy) == plain
    with pytest.raises(VaultError):
        Vault(B).decrypt(legacy)


def test_key_ids_are_distinct_public_and_digests_differ_per_key() -> None:
    """Ids are 8 hex digits that reveal nothing of the key; a new key digests differently."""
    assert len({key_id(A), key_id(B), key_id(C)}) == 3
    assert all(len(key_id(k)) == 8 and key_id(k) not in k.decode() for k in (A, B, C))
    assert Vault(A).digest("13812345678") != Vault(B).digest("13812345678")
    assert Vault(B, older=[A]).digest("x") == Vault(B).digest("x")  # digests: the current key


@pytest.mark.parametrize("junk", ["", "plain text", "v2:", "v2:zz:" + "A" * 40, "v1:%%%"])
def test_anything_else_is_refused_as_a_vault_error(junk: str) -> None:
    """Foreign, truncated or garbled values never pass as data."""
    with pytest.raises(VaultError):
        Vault(A).decrypt(junk)
    tampered = Vault(A).encrypt("x")
    raw = bytearray(base64.urlsafe_b64decode(tampered.split(":", 2)[2]))
    raw[-1] ^= 1
    with pytest.raises(VaultError):
        Vault(A).decrypt(tampered.rsplit(":", 1)[0] + ":" + base64.urlsafe_b64encode(raw).decode())
