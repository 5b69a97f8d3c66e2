"""Outbound intake on SQLite and PostgreSQL: records encrypted, screening and departure rules."""

from __future__ import annotations

import datetime as dt
import itertools
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from countyexpress.adapters.db.schema import full_metadata
from countyexpress.adapters.db.tables_intake import intake_records
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.adapters.vault import Vault
from countyexpress.adapters.waybill_patterns import load_waybill_patterns
from countyexpress.domain.identity import IdType, SenderIdentity, resident_id_check_char
from countyexpress.domain.inspection import ContentCategory, Inspection, ProhibitedCategory
from countyexpress.services import counties, intake, scans
from countyexpress.services.intake import Refused

CST = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2026, 11, 28, 9, 0, tzinfo=CST)
VAULT = Vault(b"test-key-material-of-enough-length")
ID = "360426199101010071"
NAME = "阿依古丽·买买提"
PEPPERS = Inspection(ContentCategory.PEPPERS, "干辣椒 5 kg", "keeper-01")


@pytest.fixture
def heshuo(engine: Engine) -> Engine:
    path = builtin_pack_path("heshuo")
    assert path is not None
    counties.load_county(SqlUnitOfWork(engine), read_pack(path))
    return engine


def uow(engine: Engine) -> SqlUnitOfWork:
    return SqlUnitOfWork(engine)


def sender(number: str = ID, name: str = NAME) -> SenderIdentity:
    return SenderIdentity(IdType.RESIDENT_ID, number, name, date(2026, 11, 28))


def take(engine: Engine, waybill: str, carrier: str = "zto", facility: str = "HS-STA-01",
         inspection: Inspection = PEPPERS, who: SenderIdentity | None = None):  # fmt: skip
    return intake.take_in(uow(engine), VAULT, "652828", facility, carrier, waybill,
                          who or sender(), inspection, "keeper-01", T0)  # fmt: skip


def at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def state(engine: Engine, waybill: str) -> tuple[str, str]:
    view = scans.parcel_status(uow(engine), waybill, "652828")
    return view.status.state.value, view.status.place


def all_rows_as_text(engine: Engine, only: tuple[str, ...] = ()) -> str:
    """Every row of every table (or of `only`), as one string, to search for values."""
    parts = []
    with engine.connect() as conn:
        for table in full_metadata().sorted_tables:
            if not only or table.name in only:
                parts.extend(repr(tuple(r)) for r in conn.execute(select(table)))
    return "\n".join(parts)


def test_an_intake_is_recorded_encrypted_with_collect_and_inspect_scans(heshuo: Engine) -> None:
    """The record holds ciphertexts, a look-up hash and a masked name; the ledger two scans."""
    receipt = take(heshuo, "75012345678901")
    assert (receipt.id_number_masked, receipt.sender_name_masked) == (
        "3****************1",
        "阿*******",
    )
    assert receipt.screening.facility == "BZ-SORT"
    assert state(heshuo, "75012345678901") == ("inspected", "HS-STA-01")
    with heshuo.connect() as conn:
        row = conn.execute(select(intake_records)).one()._mapping
    assert VAULT.decrypt(row["id_number_enc"]) == ID
    assert VAULT.decrypt(row["sender_name_enc"]) == NAME
    assert row["id_number_hash"] == VAULT.digest(ID)
    assert (row["category"], row["screening_place"], row["security_mark"]) == (
        "peppers",
        "BZ-SORT",
        False,
    )
    view = scans.parcel_status(uow(heshuo), "75012345678901", "652828")
    assert [dict(e.payload) for e in view.status.events] == [
        {"id_type": "resident_id"},
        {"category": "peppers"},
    ]


def test_no_id_number_or_full_name_is_stored_in_clear_anywhere(heshuo: Engine) -> None:
    """Scan every row of every table after an intake, a screening and a departure."""
    take(heshuo, "SF1234567890123", carrier="sf")
    intake.screen(uow(heshuo), "652828", "HS-SF-OFFICE", "SF1234567890123", "op", at(60))
    intake.depart_outbound(uow(heshuo), "652828", "HS-SF-OFFICE", "SF1234567890123", "LH-1",
                           "op", at(90))  # fmt: skip
    text = all_rows_as_text(heshuo)
    assert "SF1234567890123" in text
    assert ID not in text and NAME not in text


def test_a_sender_is_found_by_the_keyed_hash_of_the_id_number(heshuo: Engine) -> None:
    """Look-ups go through the hash; the number itself is never a column."""
    take(heshuo, "75012345678901")
    take(heshuo, "75012345678902", inspection=Inspection(ContentCategory.GRAPES, "", "k"))
    with uow(heshuo) as u:
        found = u.intake.by_id_hash("652828", VAULT.digest(ID))
    assert [r["waybill_no"] for r in found] == ["75012345678901", "75012345678902"]


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"inspection": Inspection(ProhibitedCategory.FLAMMABLE_LIQUIDS, "", "k")}, "category",
         "易燃液体"),
        ({"inspection": Inspection(ContentCategory.PEPPERS, "", "k", refused_by_sender=True)},
         "inspection", "refuses inspection"),
        ({"facility": "HS-CENTER"}, "facility", "taken in at village stations"),
        ({"facility": "HS-LCK-01"}, "facility", "is a locker"),
        ({"facility": "NOWHERE"}, "facility", "not in county 652828"),
        ({"carrier": "dhl"}, "carrier", "unknown carrier"),
        ({"facility": "HS-SF-OFFICE", "carrier": "zto"}, "carrier", "office of sf"),
    ],
)  # fmt: skip
def test_a_refused_intake_names_the_reason_and_stores_nothing(
    heshuo: Engine, kwargs: dict[str, object], field: str, words: str
) -> None:
    """Prohibited, uninspected, wrong facility or carrier: refused, no record, no scan."""
    with pytest.raises(Refused) as refused:
        take(heshuo, "75012345678901", **kwargs)  # type: ignore[arg-type]
    assert refused.value.field == field and words in refused.value.reason
    with heshuo.connect() as conn:
        assert conn.execute(select(intake_records)).all() == []
    with uow(heshuo) as u:
        assert u.ledger.events_of("652828", ["75012345678901"])["75012345678901"] == []


def test_an_id_that_fails_its_check_on_the_day_of_intake_is_refused(heshuo: Engine) -> None:
    """Checked again against the intake's own date: born tomorrow is not born yet."""
    body = "65282820261129001"
    number = body + resident_id_check_char(body)
    who = SenderIdentity(IdType.RESIDENT_ID, number, "李四", date(2026, 12, 1))
    with pytest.raises(Refused, match="in the future") as refused:
        take(heshuo, "75012345678901", who=who)
    assert refused.value.field == "id_number"
    assert number not in str(refused.value)


def test_a_waybill_is_taken_in_once(heshuo: Engine) -> None:
    """A second intake of the same waybill is refused."""
    take(heshuo, "75012345678901")
    with pytest.raises(Refused, match="already been taken in"):
        take(heshuo, "75012345678901")


def test_screening_happens_only_at_the_place_the_rules_name(heshuo: Engine) -> None:
    """sf: refused at a station and at the centre, done at HS-SF-OFFICE, then not again."""
    take(heshuo, "SF1234567890123", carrier="sf")
    for facility, words in (("HS-STA-01", "never screen"), ("HS-CENTER", "at HS-SF-OFFICE")):
        with pytest.raises(Refused, match=words):
            intake.screen(uow(heshuo), "652828", facility, "SF1234567890123", "op", at(30))
    done = intake.screen(uow(heshuo), "652828", "HS-SF-OFFICE", "SF1234567890123", "op", at(60))
    assert done.security_mark and done.status.state.value == "screened"
    with pytest.raises(Refused, match="screened once"):
        intake.screen(uow(heshuo), "652828", "HS-SF-OFFICE", "SF1234567890123", "op", at(61))
    with uow(heshuo) as u:
        assert u.intake.get("652828", "SF1234567890123")["security_mark"] is True  # type: ignore[index]
    view = scans.parcel_status(uow(heshuo), "SF1234567890123", "652828")
    assert view.status.events[-1].payload == {"security_mark": True}


def test_only_parcels_taken_in_are_screened_or_departed_as_outbound(heshuo: Engine) -> None:
    """An unknown waybill is refused with what to do."""
    with pytest.raises(Refused, match="take it in first"):
        intake.screen(uow(heshuo), "652828", "BZ-SORT", "75099999999999", "op", at(1))
    with pytest.raises(Refused, match="take it in first"):
        intake.depart_outbound(uow(heshuo), "652828", "HS-CENTER", "75099999999999", "V", "", at(1))


def test_a_bypass_parcel_leaves_the_county_only_after_its_office_screened_it(
    heshuo: Engine,
) -> None:
    """sf from the centre: refused, moved to its office, screened there, then it leaves."""
    take(heshuo, "SF1234567890123", carrier="sf")
    depart = intake.depart_outbound
    first = depart(uow(heshuo), "652828", "HS-STA-01", "SF1234567890123", "VAN-1", "d", at(30))
    assert first.status.state.value == "in_transit"
    with pytest.raises(Refused, match="screen it at HS-SF-OFFICE"):
        depart(uow(heshuo), "652828", "HS-CENTER", "SF1234567890123", "LH-1", "d", at(60))
    moved = depart(uow(heshuo), "652828", "HS-CENTER", "SF1234567890123", "VAN-2", "d", at(70),
                   to="HS-SF-OFFICE")  # fmt: skip
    assert moved.note == "to HS-SF-OFFICE"
    intake.screen(uow(heshuo), "652828", "HS-SF-OFFICE", "SF1234567890123", "op", at(80))
    out = depart(uow(heshuo), "652828", "HS-SF-OFFICE", "SF1234567890123", "LH-1", "d", at(90))
    assert out.security_mark and out.status.state.value == "in_transit"
    assert out.status.anomalies == 0


def test_a_parcel_through_the_sorting_centre_leaves_unscreened_but_not_bz_sort(
    heshuo: Engine,
) -> None:
    """zto leaves the county unscreened; it may not move on from BZ-SORT until screened."""
    take(heshuo, "75012345678901")
    depart = intake.depart_outbound
    depart(uow(heshuo), "652828", "HS-STA-01", "75012345678901", "VAN-1", "d", at(30))
    out = depart(uow(heshuo), "652828", "HS-CENTER", "75012345678901", "LH-1", "d", at(60),
                 to="BZ-SORT")  # fmt: skip
    assert not out.security_mark and "BZ-SORT" in out.note
    with pytest.raises(Refused, match="screen it at BZ-SORT"):
        depart(uow(heshuo), "652828", "BZ-SORT", "75012345678901", "LH-2", "d", at(200))
    intake.screen(uow(heshuo), "652828", "BZ-SORT", "75012345678901", "bz", at(210))
    onward = depart(uow(heshuo), "652828", "BZ-SORT", "75012345678901", "LH-2", "d", at(220))
    assert onward.security_mark


def test_confirmations_are_counted_by_shape_and_change_the_ranking(heshuo: Engine) -> None:
    """Two yunda confirmations of a 13-digit 12… number put yunda above ems for the shape."""
    patterns = load_waybill_patterns()
    before = intake.detect_carrier(uow(heshuo), "652828", "1240921381750", patterns)
    assert [c.carrier for c in before] == ["ems", "yunda"]
    intake.confirm_carrier(uow(heshuo), "652828", "1240921381750", "yunda", patterns)
    done = intake.confirm_carrier(uow(heshuo), None, "1240921381799", "yunda", patterns)
    assert (done.shape, done.count, done.pattern_fits) == ("13:12", 2, True)
    after = intake.detect_carrier(uow(heshuo), None, "1240000000000", patterns)
    assert [c.carrier for c in after] == ["yunda", "ems"]
    assert abs(sum(c.score for c in after) - 1) < 1e-9


def test_a_confirmation_of_an_unknown_carrier_is_refused(heshuo: Engine) -> None:
    """Only the county's carriers can be confirmed."""
    with pytest.raises(Refused, match="unknown carrier"):
        intake.confirm_carrier(uow(heshuo), "652828", "1240921381750", "dhl",
                               load_waybill_patterns())  # fmt: skip


_waybills = itertools.count(75000000000000)


ID_BODIES = st.from_regex(
    r"[1-6][0-9]{5}(19[5-9][0-9]|200[0-5])(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])[0-9]{3}",
    fullmatch=True,
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=ID_BODIES, name=st.text(alphabet="张王李赵阿依古丽买提·", min_size=2, max_size=8))
def test_no_generated_id_number_or_name_is_ever_stored_in_clear(
    heshuo: Engine, body: str, name: str
) -> None:
    """Any valid resident ID and name: the number is in no row of any table, the name in
    no row of the intake, ledger or projection tables (pack data may hold any 2 hanzi)."""
    number = body + resident_id_check_char(body)
    waybill = str(next(_waybills))
    take(heshuo, waybill, who=sender(number, name))
    assert number not in all_rows_as_text(heshuo)
    assert name not in all_rows_as_text(heshuo, ("intake_records", "scan_events", "parcels"))
