"""Identity documents at real-name intake (实名收寄): ID types, GB 11643 and GB 32100 checks.

Input is normalised before it is checked (`normalise_id_number`): full-width characters
become ASCII (NFKC), whitespace is dropped and letters are upper-cased. So a lower-case
`x` as the resident ID's check character is accepted and stored as `X`: scanners and
phone keyboards produce it, while the card itself prints `X` (GB 11643 writes it upper
case). Nothing else is forgiven: a wrong character is refused with its position.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from countyexpress.domain.privacy import mask_id_number, mask_name
from countyexpress.errors import InvalidValue

__all__ = [
    "RESIDENT_ID_CHECK_CHARS",
    "RESIDENT_ID_WEIGHTS",
    "USCC_CHARSET",
    "USCC_WEIGHTS",
    "IdType",
    "SenderIdentity",
    "normalise_id_number",
    "resident_id_check_char",
    "uscc_check_char",
    "validate_id",
    "validate_resident_id",
    "validate_uscc",
]

RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
"""GB 11643 weights of characters 1–17: 2**(18 - i) mod 11 (ISO 7064 MOD 11-2)."""

RESIDENT_ID_CHECK_CHARS = "10X98765432"
"""The 18th character is RESIDENT_ID_CHECK_CHARS[Σ dᵢ·wᵢ mod 11]."""

EARLIEST_BIRTH_YEAR = 1900
"""A birth year before this is taken for a typing error: nobody that old sends parcels."""

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""GB 32100-2015 characters (no I, O, S, V, Z); a character's value is its index."""

USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
"""GB 32100-2015 weights of characters 1–17: 3**(i - 1) mod 31."""

_DIGITS = frozenset("0123456789")
_MAX_OTHER_ID_CHARS = 32
_MAX_NAME_CHARS = 100


class IdType(StrEnum):
    """ID documents accepted at real-name intake (邮件快件实名收寄管理办法, 2018)."""

    RESIDENT_ID = "resident_id"
    TEMPORARY_RESIDENT_ID = "temporary_resident_id"
    MILITARY_ID = "military_id"
    ARMED_POLICE_ID = "armed_police_id"
    HK_MACAO_RESIDENCE_PERMIT = "hk_macao_residence_permit"
    TAIWAN_RESIDENCE_PERMIT = "taiwan_residence_permit"
    HK_MACAO_TRAVEL_PERMIT = "hk_macao_travel_permit"
    TAIWAN_TRAVEL_PERMIT = "taiwan_travel_permit"
    FOREIGN_PASSPORT = "foreign_passport"
    OTHER = "other"
    USCC = "uscc"  # an organisation sender gives its unified social credit code

    @property
    def label(self) -> str:
        """The Chinese name a station keeper sees."""
        return _LABELS[self]

    @property
    def follows_gb11643(self) -> bool:
        """Whether the number is an 18-character GB 11643 citizen number with a check char."""
        return self in _GB11643_TYPES


_LABELS: dict[IdType, str] = {
    IdType.RESIDENT_ID: "居民身份证",
    IdType.TEMPORARY_RESIDENT_ID: "临时居民身份证",
    IdType.MILITARY_ID: "军人身份证件",
    IdType.ARMED_POLICE_ID: "武警身份证件",
    IdType.HK_MACAO_RESIDENCE_PERMIT: "港澳居民居住证",
    IdType.TAIWAN_RESIDENCE_PERMIT: "台湾居民居住证",
    IdType.HK_MACAO_TRAVEL_PERMIT: "港澳居民来往内地通行证",
    IdType.TAIWAN_TRAVEL_PERMIT: "台湾居民来往大陆通行证",
    IdType.FOREIGN_PASSPORT: "外国公民护照",
    IdType.OTHER: "其他有效身份证件",
    IdType.USCC: "统一社会信用代码",
}

# Residence permits of HK, Macao and Taiwan residents carry a GB 11643 number too.
_GB11643_TYPES = frozenset(
    {
        IdType.RESIDENT_ID,
        IdType.TEMPORARY_RESIDENT_ID,
        IdType.HK_MACAO_RESIDENCE_PERMIT,
        IdType.TAIWAN_RESIDENCE_PERMIT,
    }
)


def normalise_id_number(number: str) -> str:
    """Full-width to ASCII, whitespace dropped, letters upper case."""
    folded = unicodedata.normalize("NFKC", number)
    return "".join(folded.split()).upper()


def resident_id_check_char(body: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(body, RESIDENT_ID_WEIGHTS, strict=True))
    return RESIDENT_ID_CHECK_CHARS[total % 11]


def validate_resident_id(number: str, today: date) -> str | None:
    """None when `number` is a valid GB 11643 resident ID on `today`, else the reason.

    Any area prefix is accepted: it is where the ID was issued, not where the sender
    lives. Lower-case `x` is read as `X` (see the module's docstring).
    """
    n = normalise_id_number(number)
    if len(n) == 15 and set(n) <= _DIGITS:
        return "a 15-digit first-generation ID is no longer valid: ask for the 18-character ID"
    if len(n) != 18:
        return f"a resident ID has 18 characters, this has {len(n)}"
    for i, ch in enumerate(n[:17], start=1):
        if ch not in _DIGITS:
            return f"character {i} is {ch!r}: characters 1–17 must be digits"
    if n[17] not in _DIGITS and n[17] != "X":
        return f"character 18 is {n[17]!r}: it must be a digit or X"
    birth = _birth_date_problem(n[6:14], today)
    if birth:
        return birth
    expected = resident_id_check_char(n[:17])
    if n[17] != expected:
        return f"check character is {n[17]}, the digits give {expected}: a digit is mistyped"
    return None


def _birth_date_problem(digits: str, today: date) -> str | None:
    year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:8])
    try:
        born = date(year, month, day)
    except ValueError:
        shown = f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}"
        return f"birth date {shown} (characters 7–14) is not a date"
    if born > today:
        return f"birth date {born.isoformat()} is in the future"
    if year < EARLIEST_BIRTH_YEAR:
        return f"birth year {year} is before {EARLIEST_BIRTH_YEAR}: characters 7–10 are mistyped"
    return None


def uscc_check_char(body: str) -> str:
    """The GB 32100-2015 check character of the first 17 characters."""
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def validate_uscc(code: str) -> str | None:
    """None when `code` is a valid 18-character unified social credit code, else the reason.

    Characters 3–8 are the registering authority's division code and must be digits. Some
    codes issued in early pilot areas break the check character (e.g. 91350211M00013FA1N);
    they are refused here like any other, and go through the "other" route by hand.
    """
    c = normalise_id_number(code)
    if len(c) != 18:
        return f"a unified social credit code has 18 characters, this has {len(c)}"
    for i, ch in enumerate(c, start=1):
        if ch not in USCC_CHARSET:
            return f"character {i} is {ch!r}: only digits and letters other than I, O, S, V, Z"
    for i in range(2, 8):
        if c[i] not in _DIGITS:
            return f"character {i + 1} is {c[i]!r}: characters 3–8 are a division code of digits"
    expected = uscc_check_char(c[:17])
    if c[17] != expected:
        return f"check character is {c[17]}, the code gives {expected}: a character is mistyped"
    return None


def validate_id(id_type: IdType, number: str, today: date) -> str | None:
    """None when `number` is acceptable for `id_type`, else the reason.

    GB 11643 numbers and USCCs are checked in full. The other documents' formats are not
    confirmed in our sources, so they are only checked for being plausible: 4 to 32
    letters, digits or Chinese characters (military IDs carry text such as 字第…号).
    """
    if id_type.follows_gb11643:
        return validate_resident_id(number, today)
    if id_type is IdType.USCC:
        return validate_uscc(number)
    n = normalise_id_number(number)
    if not 4 <= len(n) <= _MAX_OTHER_ID_CHARS:
        return f"a {id_type.label} number has 4 to {_MAX_OTHER_ID_CHARS} characters"
    for i, ch in enumerate(n, start=1):
        if not (ch.isalnum() or ch in "-()"):
            return f"character {i} is {ch!r}: only letters, digits, '-' and brackets"
    return None


@dataclass(frozen=True, repr=False)
class SenderIdentity:
    """The sender's document as recorded at real-name intake, checked on `checked_on`.

    The number is stored normalised (upper case, no spaces). Its repr masks the number
    and the name, so an identity printed into a log leaks neither.
    """

    id_type: IdType
    number: str
    name: str
    checked_on: date

    def __post_init__(self) -> None:
        object.__setattr__(self, "id_type", IdType(self.id_type))
        object.__setattr__(self, "number", normalise_id_number(self.number))
        object.__setattr__(self, "name", " ".join(self.name.split()))
        if not self.name:
            raise InvalidValue("name", "the sender's name is empty")
        if len(self.name) > _MAX_NAME_CHARS:
            raise InvalidValue("name", f"a name has at most {_MAX_NAME_CHARS} characters")
        reason = validate_id(self.id_type, self.number, self.checked_on)
        if reason:
            raise InvalidValue("number", reason)

    def __repr__(self) -> str:
        return (
            f"SenderIdentity(id_type={self.id_type.value}, number={mask_id_number(self.number)}, "
            f"name={mask_name(self.name)}, checked_on={self.checked_on.isoformat()})"
        )

    __str__ = __repr__
