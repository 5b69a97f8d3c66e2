"""The hand-over check a station's phone makes offline (domain/offline_check.py): the same
code and tail as a receiver types them give the kept hash, anything else does not."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from countyexpress.domain import offline_check

CODES = st.from_regex(r"[A-Z]{1,3}-[0-9]{4}", fullmatch=True)
TAILS = st.from_regex(r"[0-9]{4}", fullmatch=True)
SALTS = st.binary(min_size=16, max_size=16)
QUICK = 1_000  # rounds in these tests: the rule does not depend on the count


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@settings(max_examples=40, deadline=None)
@given(CODES, TAILS, SALTS)
def test_the_code_and_tail_as_typed_on_a_chinese_keyboard_match(
    code: str, tail: str, salt: bytes
) -> None:
    kept = offline_check.device_hash(code, tail, salt, QUICK)
    assert unicodedata.normalize("NFKC", _full_width(code)) == code
    typed = offline_check.device_hash(
        f" {_full_width(code).lower()} ", _full_width(tail), salt, QUICK
    )
    assert typed == kept


@settings(max_examples=40, deadline=None)
@given(CODES, TAILS, TAILS, SALTS, SALTS)
def test_another_tail_or_salt_gives_another_hash(
    code: str, tail: str, other: str, salt: bytes, other_salt: bytes
) -> None:
    kept = offline_check.device_hash(code, tail, salt, QUICK)
    if other != tail:
        assert offline_check.device_hash(code, other, salt, QUICK) != kept
    if other_salt != salt:
        assert offline_check.device_hash(code, tail, other_salt, QUICK) != kept


def test_the_phone_and_the_server_hash_the_same_words() -> None:
    """What station-offline.js hashes with WebCrypto: `CODE|tail`, upper-case code."""
    assert offline_check.secret("a-0146", "1234") == b"A-0146|1234"
    assert len(offline_check.device_hash("A-0146", "1234", b"\0" * 16)) == 32
