"""Masking personal data the way privacy waybills (隐私面单) do, and scrubbing it from logs.

GB/T 41833-2022 asks a printed waybill to hide at least one character of a name, at
least six digits of a phone number and the unit/room part of an address; privacy
waybills in industry practice show only a phone's last four digits. The rules here:

- name: the first character stays, every other character becomes `*` ("张三" → "张*";
  a one-character name becomes "*").
- phone: country code +86/0086 dropped, separators dropped, every digit but the last four
  becomes `*` ("+86 138 1234 5678" → "*******5678"); a number too short to hide six
  digits and still show four shows fewer (7 digits → "******7").
- ID number: only the first and the last characters stay, and only when at least 8
  characters long ("360426199101010071" → "3****************1"); shorter numbers are
  fully masked. At most 2 characters are ever visible.
- address: the division/road part stays; from the first building, unit, room or house
  number on ("12号", "3栋", "2单元", "501室", "3-2-501"), the rest becomes "****", a
  fixed width that does not tell how long the hidden part was.
- scrub: 18-character resident IDs, 15-digit first-generation IDs (with a valid month and
  day), 11-digit mobile numbers and landlines with their area code ("0996-1234567",
  "(010)12345678") standing alone in free text (not inside a longer run of letters and
  digits, so waybill numbers survive) are replaced by their masks; full-width digits count
  as digits. A local number written without its area code is not recognised.
"""

from __future__ import annotations

import re
import unicodedata

from countyexpress.errors import N_, InvalidValue, said

__all__ = [
    "MASK",
    "PHONE_TAIL_DIGITS",
    "SYNTHETIC_PHONE_PREFIX",
    "mask_address",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "mobile_number",
    "phone_digits",
    "phone_tail",
    "scrub",
]

MASK = "*"
PHONE_TAIL_DIGITS = 4
"""Privacy waybills show a phone's last four digits; hand-over asks for the same four."""

MIN_HIDDEN_PHONE_DIGITS = 6
"""GB/T 41833-2022: at least six digits of a phone number are hidden."""

ID_VISIBLE_MIN_LENGTH = 8
"""An ID number shows its first and last character only when it has at least this many."""

ADDRESS_MASK = MASK * 4

_COUNTRY_PREFIX = re.compile(r"^\s*(?:\+|00)\s*86[\s-]*")

_NUMBERISH = r"[0-9A-Za-z一二三四五六七八九十百千零〇两甲乙丙丁#\-—~]"
_ADDRESS_DETAIL = re.compile(
    rf"第?{_NUMBERISH}+\s*(?:号楼|号院|号|栋|幢|座|单元|楼|层|室|户|弄)"  # 12号 3栋 2单元
    r"|[0-9]+\s*[-—~]\s*[0-9]+"  # 3-2-501
    r"|[0-9][0-9\s#/-]*$"  # trailing bare numbers: 幸福小区 501
)

_D = "[0-9０-９]"  # ASCII and full-width digits
_ALNUM = "0-9A-Za-z０-９Ａ-Ｚａ-ｚ"
_ID_IN_TEXT = re.compile(
    rf"(?<![{_ALNUM}]){_D}{{6}} ?{_D}{{8}} ?{_D}{{3}}[0-9Xx０-９Ｘｘ](?![{_ALNUM}])"
)
_ID15_IN_TEXT = re.compile(  # first-generation IDs: region, YYMMDD, sequence, no check digit
    rf"(?<![{_ALNUM}]){_D}{{6}} ?{_D}{{2}}(?:[0０][1-9１-９]|[1１][0-2０-２])"
    rf"(?:[0０][1-9１-９]|[12１２]{_D}|[3３][01０１]) ?{_D}{{3}}(?![{_ALNUM}])"
)
_LANDLINE_IN_TEXT = re.compile(  # 0996-1234567, (010)12345678, +86 996 1234567
    rf"(?<![{_ALNUM}])(?:(?:(?:\+|00)86[ -]?\(?[1-9１-９]{_D}{{1,2}}\)?)"
    rf"|(?:\(?[0０][1-9１-９]{_D}{{1,2}}\)?))[ -]?[1-9１-９]{_D}{{6,7}}(?![{_ALNUM}])"
)
_MOBILE_IN_TEXT = re.compile(
    rf"(?<![{_ALNUM}])(?:(?:\+|00)?86[ -]?)?"  # +86, 0086 or 86
    rf"[1１][3-9３-９]{_D}(?:[ -]?{_D}{{4}}){{2}}(?![{_ALNUM}])"  # 138 1234 5678
)


def _fold(text: str) -> str:
    """Full-width characters to ASCII (NFKC)."""
    return unicodedata.normalize("NFKC", text)


def mask_name(name: str) -> str:
    """The first character, then one `*` for each other character; "" for no name."""
    n = " ".join(name.split())
    if len(n) <= 1:
        return MASK * len(n)
    return n[0] + MASK * (len(n) - 1)


def phone_digits(phone: str) -> str:
    """The national digits of a phone number: +86/0086 and every separator dropped."""
    folded = _fold(phone)
    digits = "".join(ch for ch in _COUNTRY_PREFIX.sub("", folded) if "0" <= ch <= "9")
    if len(digits) == 13 and digits.startswith("861"):  # 86 written without + or 00
        digits = digits[2:]
    return digits


SYNTHETIC_PHONE_PREFIX = "100"
"""No mainland number starts with 100: the simulation's synthetic receivers have "100" + 8
digits (planning.simulation.synthetic), accepted only where a caller asks for them."""

_WRITTEN_PHONE = re.compile(r"\(?\s*\+?[0-9 .()\-]*")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_SYNTHETIC = re.compile(SYNTHETIC_PHONE_PREFIX + r"[0-9]{8}")


def mobile_number(phone: str, *, synthetic: bool = False) -> str:
    """The 11 digits of a mainland mobile number (1[3-9] and 9 more digits), written with an
    optional +86, 0086 or 86 prefix and spaces, hyphens, dots or brackets; InvalidValue (field
    "phone", the number not repeated) for anything else: 10 or 12 digits, an extension, letters,
    a landline, a foreign number. `synthetic`: also "100" + 8 digits (simulated receivers)."""
    folded = _fold(phone).strip()
    if not folded:
        raise said(InvalidValue, N_("the phone number is empty"), "phone")
    if not _WRITTEN_PHONE.fullmatch(folded):
        raise said(
            InvalidValue,
            N_("a phone number has digits, spaces, '-', '.', brackets and +86 only"),
            "phone",
        )
    digits = "".join(ch for ch in folded if "0" <= ch <= "9")
    if "+" in folded:
        if not digits.startswith("86"):
            raise said(InvalidValue, N_("only mainland numbers (+86) are accepted"), "phone")
        digits = digits[2:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if _MOBILE.fullmatch(digits) or (synthetic and _SYNTHETIC.fullmatch(digits)):
        return digits
    raise said(
        InvalidValue,
        N_("a mainland mobile number has 11 digits and starts with 13 to 19"),
        "phone",
    )


def mask_phone(phone: str) -> str:
    """Every digit `*` but the last four, keeping at least six hidden; "" for no digits."""
    digits = phone_digits(phone)
    visible = min(PHONE_TAIL_DIGITS, max(0, len(digits) - MIN_HIDDEN_PHONE_DIGITS))
    return MASK * (len(digits) - visible) + digits[len(digits) - visible :]


def phone_tail(phone: str) -> str:
    """The last four digits, which a receiver gives at hand-over with the pickup code."""
    digits = phone_digits(phone)
    if len(digits) < PHONE_TAIL_DIGITS:
        raise InvalidValue("phone", f"a phone number needs at least {PHONE_TAIL_DIGITS} digits")
    return digits[-PHONE_TAIL_DIGITS:]


def mask_id_number(number: str) -> str:
    """First and last character when 8 or more characters long, all `*` otherwise."""
    n = "".join(_fold(number).split()).upper()
    if len(n) < ID_VISIBLE_MIN_LENGTH:
        return MASK * len(n)
    return n[0] + MASK * (len(n) - 2) + n[-1]


def mask_address(address: str) -> str:
    """The division and road part, then "****" in place of house, building, unit and room."""
    a = " ".join(_fold(address).split())
    found = _ADDRESS_DETAIL.search(a)
    if found is None:
        return scrub(a)
    kept = a[: found.start()].rstrip()
    return scrub(kept) + ADDRESS_MASK


def scrub(text: str) -> str:
    """`text` with every standalone resident ID (18 or 15 digits), mobile and landline
    number masked."""
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group()), text)
    text = _ID15_IN_TEXT.sub(lambda m: mask_id_number(m.group()), text)
    text = _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group()), text)
    return _LANDLINE_IN_TEXT.sub(lambda m: mask_phone(m.group()), text)
