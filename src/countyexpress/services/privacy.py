"""Personal data over its life: masked public look-up, and deletion after retention."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from countyexpress.domain.access import Action, Principal, Resource, Where, allowed, scope_of
from countyexpress.domain.county_time import county_text
from countyexpress.domain.lifecycle import derive
from countyexpress.domain.privacy import phone_digits
from countyexpress.domain.scans import normalise_waybill
from countyexpress.errors import Forbidden, NotFound
from countyexpress.services import accounts
from countyexpress.services.ports import Cipher
from countyexpress.services.unit_of_work import UnitOfWork

PUBLIC_KINDS = {
    "collect": "揽收 collected",
    "inspect": "验视 inspected",
    "screen": "安检 screened",
    "arrive": "到达 arrived",
    "sort": "分拣 sorted",
    "depart": "发出 on its way",
    "store": "待取件 ready for pickup",
    "pickup": "已签收 delivered",
    "return": "退回 returned",
    "exception": "问题件 needs attention",
}


class PublicStep(NamedTuple):
    """One step of a parcel's public timeline: when (ISO 8601 on the county's clock, always
    +08:00), what (both languages), where (the facility's name) and the scan's kind, which a
    page translates (labels.STEP_LABELS)."""

    at: str
    what: str
    where: str
    kind: str


@dataclass(frozen=True)
class PublicParcel:
    """What anyone holding the waybill and the phone tail may see: nothing personal in clear.

    `address` is the name of the village or community the address was resolved to ("" when
    unresolved), never address text: free text such as "王小明家 电话…" follows no house-number
    pattern that masking could hide."""

    waybill_no: str
    state: str
    place_name: str
    receiver: str
    receiver_phone: str
    address: str
    steps: tuple[PublicStep, ...]


def public_lookup(uow: UnitOfWork, cipher: Cipher, waybill_no: str, tail: str) -> PublicParcel:
    """包裹查询: a waybill and the receiver phone's last four digits give a masked answer.

    A wrong tail and an unknown waybill give the same NotFound, so the answer does not tell
    which waybills exist."""
    waybill = normalise_waybill(waybill_no)
    digits = phone_digits(tail)
    with uow:
        for code in uow.counties.codes():
            item = uow.ops.manifest_item(code, waybill)
            if item is None or len(digits) != 4:
                continue
            if cipher.digest(digits) != item["phone_tail_hash"]:
                continue
            county = uow.counties.get(code)
            names = {f.code: f.name for f in county.facilities} if county else {}
            places = {d.code: d.name for d in county.divisions} if county else {}
            events = uow.ledger.events_of(code, [waybill])[waybill]
            status = derive(waybill, events)
            steps = tuple(
                PublicStep(county_text(e.at, "iso"), PUBLIC_KINDS[e.kind.value],
                           names.get(e.facility, ""), e.kind.value)
                for e in status.events
            )  # fmt: skip
            return PublicParcel(
                waybill_no=waybill,
                state=status.state.value,
                place_name=names.get(status.place, ""),
                receiver=item["receiver_name_masked"],
                receiver_phone=item["receiver_phone_masked"],
                address=places.get(item["division_code"] or "", ""),
                steps=steps,
            )
    raise NotFound("no parcel matches this waybill number and phone tail")


@dataclass(frozen=True)
class PurgeResult:
    """Which rows lost their personal data: the cut-off and the rows per table."""

    county_code: str
    before: dt.datetime
    tables: dict[str, int]
    wiped: bool  # the database's free space and log were cleared too (SQLite)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def purge_personal_data(
    uow: UnitOfWork,
    county_code: str,
    retention_days: int,
    now: dt.datetime | None = None,
    wipe: Callable[[], bool] | None = None,
) -> PurgeResult:
    """Clear every personal column (names, phones, addresses, ID numbers, their hashes and
    masked forms, by the schema's marks) of the county's rows older than the retention period,
    in one transaction (PIPL art. 19 and 47: keep for the shortest time needed); then `wipe`,
    when given, clears the freed space of the database's files."""
    now = now or dt.datetime.now(dt.UTC)
    before = now - dt.timedelta(days=retention_days)
    with uow:
        tables = uow.ops.purge_personal(county_code, before)
        uow.commit()
    wiped = wipe() if wipe is not None else False
    return PurgeResult(county_code, before, tables, wiped)


@dataclass(frozen=True)
class Receiver:
    """A receiver's full contact data, for the roles that hand parcels over or deliver them."""

    waybill_no: str
    name: str
    phone: str
    address: str


def reveal_receiver(
    uow: UnitOfWork, cipher: Cipher, county_code: str, waybill_no: str, by: Principal
) -> Receiver:
    """The unmasked receiver of a parcel; only for roles allowed personal data here, and
    every read is written to the audit log (PIPL art. 51)."""
    if scope_of(by, Action.READ, Resource.PERSONAL_DATA) is None:
        raise Forbidden(f"a {by.role.value} may not read personal data")
    waybill = normalise_waybill(waybill_no)
    with uow:
        item = uow.ops.manifest_item(county_code, waybill)
        if item is None:
            raise NotFound(f"waybill {waybill} is on no manifest of county {county_code}")
        where = Where(county_code, station=item["target_facility"], carrier=item["carrier"])
        if not allowed(by, Action.READ, Resource.PERSONAL_DATA, where):
            raise NotFound(f"waybill {waybill} is on no manifest of county {county_code}")
        if not item["receiver_name_enc"]:
            raise NotFound(f"the personal data of {waybill} was deleted after its retention")
        receiver = Receiver(
            waybill,
            cipher.decrypt(item["receiver_name_enc"]),
            cipher.decrypt(item["receiver_phone_enc"]),
            cipher.decrypt(item["address_enc"]),
        )
    accounts.record_personal_read(uow, by, county_code, waybill)  # type: ignore[arg-type]
    return receiver
