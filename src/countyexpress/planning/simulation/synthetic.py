"""Synthetic people and numbers, clearly fake and reproducible from a seed.

- Receivers: names like "王模拟017"; phones "100" + 8 digits (no Chinese mobile number
  starts with 100, so no real person is ever texted); addresses that name the receiver's
  township and village or community as a carrier's manifest would.
- Senders of farm products: cooperatives with a unified social credit code whose
  organisation part is all zeros but for a running number — never a personal ID number.
- Waybill numbers in each carrier's usual shape, unique per county, day and carrier.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from countyexpress.domain.geography import DataQuality, Division
from countyexpress.domain.identity import uscc_check_char

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
"""Common surnames, for names that read naturally but say 模拟 (simulated) in the middle."""

FAKE_PHONE_PREFIX = "100"
"""No mobile number in China starts with 100: a synthetic phone can never reach anyone."""

_EPOCH = dt.date(2000, 1, 1)


@dataclass(frozen=True)
class Person:
    """A synthetic receiver: where they live and how they want parcels delivered."""

    key: int  # index in the county's receiver list
    division_code: str
    township_code: str
    urban: bool
    name: str
    phone: str
    address: str
    consent: str  # station, locker, door or none

    @property
    def tail(self) -> str:
        """The phone's last four digits, asked at hand-over."""
        return self.phone[-4:]


def receiver_name(rng: random.Random, n: int) -> str:
    """A name that is clearly simulated: surname, 模拟, a number."""
    return f"{rng.choice(SURNAMES)}模拟{n % 1000:03d}"


def receiver_phone(division_index: int, n: int) -> str:
    """An 11-digit number starting 100 (never a mobile number), unique per receiver."""
    return f"{FAKE_PHONE_PREFIX}{division_index % 1000:03d}{n % 100000:05d}"


def address(
    rng: random.Random, county_name: str, township: Division, division: Division, urban: bool
) -> str:
    """What a manifest would say: county, township, village or community, then the house.

    A placeholder village has no known name: its address can only name the township, and
    the centre's clerk resolves it by hand (as happens until the official division table
    is loaded)."""
    place = "" if division.quality is DataQuality.PLACEHOLDER else division.name
    if urban:
        building, unit = rng.randint(1, 30), rng.randint(1, 4)
        house = f"{building}号楼{unit}单元{rng.randint(1, 6)}0{rng.randint(1, 4)}室"
    else:
        house = f"{rng.randint(1, 9)}组{rng.randint(1, 120)}号"
    return f"{county_name}{township.name}{place}{house}"


def township_only(rng: random.Random, county_name: str, township: Division) -> str:
    """An address that names only the township (a carrier's sloppy manifest row)."""
    return f"{county_name}{township.name}{rng.randint(1, 9)}组{rng.randint(1, 120)}号"


def cooperative_uscc(county_code: str, n: int) -> str:
    """A synthetic farm cooperative's USCC: 93 (farmers' cooperative), the county's code,
    an organisation code of zeros but for `n`, and the GB 32100 check character."""
    body = f"93{county_code[:6]}{n % 1_000_000_000:09d}"
    return body + uscc_check_char(body)


def cooperative_name(township: Division, n: int) -> str:
    """A sender name that says it is simulated."""
    return f"{township.name}模拟农民专业合作社{n:02d}"


# waybill numbers ---------------------------------------------------------------------

_SHAPES: dict[str, tuple[str, int]] = {
    # carrier: (prefix, digits after the prefix) — shapes as reference/README.md lists them
    "ems": ("11", 11),
    "sf": ("SF", 13),
    "zto": ("75", 12),
    "yto": ("YT", 13),
    "sto": ("77", 13),
    "yunda": ("31", 11),
    "jt": ("JT", 13),
    "jd": ("JDVA", 11),
    "cainiao": ("621", 12),
}

OUTBOUND_SERIAL_BASE = 500_000
"""Outbound waybills number from here, so they never meet the day's inbound ones."""


def waybill(carrier: str, day: dt.date, n: int) -> str:
    """The `n`th waybill of `carrier` on `day`: the carrier's usual shape, with the day
    number and `n` as its last 11 digits (unique per county, carrier and day)."""
    if not 0 <= n < 1_000_000:
        raise ValueError("at most a million waybills per carrier and day")
    prefix, digits = _SHAPES.get(carrier, (carrier.upper()[:4], 12))
    serial = f"{(day - _EPOCH).days % 100_000:05d}{n:06d}"
    return prefix + serial.rjust(digits, "0")
