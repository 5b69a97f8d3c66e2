"""The hand-over check a station's phone makes without a signal (see docs/offline.md).

The phone is sent, for each parcel waiting on its shelf, a slow salted hash of the pickup code
and the receiver's phone tail — PBKDF2-HMAC-SHA256 with a random salt per parcel, made anew
each time the list is sent — never the tail itself. Offline, the phone hashes what the
receiver says with the same salt (WebCrypto) and compares. The hand-over is then only "to
confirm": on upload the server checks the code and the tail again as for any hand-over.
"""

from __future__ import annotations

import hashlib
import unicodedata

ITERATIONS = 20_000
"""PBKDF2 rounds: slow enough that a stolen list does not give the tails away for free,
quick enough for a phone (tens of milliseconds) and for the server (a shelf of a hundred
parcels in 0.4 s on the shared 2-core test VM at a load of 6.6, hashlib's PBKDF2)."""
SALT_BYTES = 16


def secret(pickup_code: str, tail: str) -> bytes:
    """What is hashed: the printed pickup code (upper case) and the tail, as the phone
    writes them (NFKC-folded, so full-width digits from a Chinese keyboard match)."""
    code = unicodedata.normalize("NFKC", pickup_code).strip().upper()
    digits = unicodedata.normalize("NFKC", tail).strip()
    return f"{code}|{digits}".encode()


def device_hash(pickup_code: str, tail: str, salt: bytes, iterations: int = ITERATIONS) -> bytes:
    """The hash the phone keeps and compares against (32 bytes)."""
    return hashlib.pbkdf2_hmac("sha256", secret(pickup_code, tail), salt, iterations)
