"""监管 The supervision page and API: a regulator's day with filings, complaints, credit and
inspections, in the browser's forms and over HTTP; carriers see their own credit only."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from countyexpress import bootstrap
from countyexpress.domain.county_time import county_today
from countyexpress.domain.supervision.calendar import add_months
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties as county_service
from countyexpress.settings import Settings
from support.web import PEOPLE, add_key, add_user, csrf_of, log_in

CODE = "652828"
PAGE = f"/counties/{CODE}/supervision"
API = f"/api/v1/counties/{CODE}"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[object]:
    """Heshuo and a user of each role."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'sv.db'}", data_dir=tmp_path)
    engine = bootstrap.open_engine(settings)
    county_service.load_county(bootstrap.uow_factory(engine)(),
                               bootstrap.read_pack_source("heshuo"))  # fmt: skip
    for who in PEOPLE.values():
        add_user(engine, who)
    application = create_app(settings, engine)
    application.state.test_engine = engine
    yield application
    engine.dispose()


def as_(app: object, role: str) -> TestClient:
    client = TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
    log_in(client, PEOPLE[role].name)
    return client


def post_form(client: TestClient, path: str, data: dict[str, str]) -> str:
    """Post a page form with the page's CSRF token; the page it returns to."""
    token = csrf_of(client.get(PAGE).text)
    r = client.post(path, data={**data, "csrf_token": token})
    assert r.status_code == 303, r.text
    page = client.get(r.headers["location"])
    assert page.status_code == 200
    return page.text


def test_the_regulator_receives_a_complaint_and_upholds_its_appeal_on_the_page(
    app: object,
) -> None:
    """The complaint shows with its 7-day clock; upholding costs the carrier credit."""
    reg = as_(app, "regulator")
    page = reg.get(PAGE)
    assert page.status_code == 200 and 'href="/counties/652828/supervision"' in page.text
    done = post_form(reg, f"{PAGE}/complaints", {
        "subject": "carrier:sto", "complaint_type": "unconsented_delivery",
        "about": "放进了快递柜, 13912345678", "phone": "13912345678",
    })  # fmt: skip
    assert 'id="supervision-done"' in done and "13912345678" not in done
    number = re.search(r'<tr data-record="(\d+)"><td>\d+</td><td><a class="subject"', done)
    assert number
    due = (county_today() + dt.timedelta(days=7)).isoformat()
    assert f"{due}" in done
    for verb in ("appeal", "uphold"):
        done = post_form(reg, f"{PAGE}/records/{number.group(1)}",
                         {"kind": "complaint", "verb": verb})  # fmt: skip
    credit = reg.get(f"{API}/credit/carrier:sto").json()
    assert sorted(e["type"] for e in credit["events"]) == [
        "complaint_upheld",
        "unconsented_delivery",
    ]
    assert 'data-subject="carrier:sto"' in done


def test_a_refusal_comes_back_translated_and_nothing_is_stored(app: object) -> None:
    """An unknown subject kind is refused on the page with the reason."""
    reg = as_(app, "regulator")
    token = csrf_of(reg.get(PAGE).text)
    r = reg.post(f"{PAGE}/credit-events",
                 data={"subject": "planet:x", "event": "finding", "csrf_token": token})  # fmt: skip
    page = reg.get(r.headers["location"])
    assert 'id="supervision-error"' in page.text and "planet" in page.text
    assert reg.get(f"{API}/blacklist").json() == []


def test_a_blacklisted_carriers_filing_is_refused_over_the_api_and_listed(app: object) -> None:
    """Two prohibited items: 409 on the carrier's next filing, and the directory lists it."""
    reg = as_(app, "regulator")
    token = {"X-CSRF-Token": csrf_of(reg.get(PAGE).text)}
    today = county_today()
    for back in (100, 0):
        day = (today - dt.timedelta(days=back)).isoformat()
        event = {"subject": "carrier:zto", "event": "prohibited_item_accepted", "on": day}
        r = reg.post(f"{API}/credit/events", headers=token, json=event)
        assert r.status_code == 201, r.text
    assert r.json()["blacklisted"] is True
    filing = {"carrier": "zto", "outlet": "NEW-1", "name": "中通新区驿站",
              "community": "652828100001", "opened": today.isoformat()}  # fmt: skip
    refused = reg.post(f"{API}/filings", headers=token, json=filing)
    assert refused.status_code == 409 and "blacklisted" in refused.json()["detail"]
    xlsx = reg.get(f"{API}/credit-directory.xlsx")
    assert xlsx.status_code == 200
    path = Path(app.state.test_engine.url.database).parent / "d.xlsx"  # type: ignore[attr-defined]
    path.write_bytes(xlsx.content)
    rows = list(load_workbook(path).active.iter_rows(min_row=4, values_only=True))
    assert next(r for r in rows if r[2] == "zto")[6] == "是 Yes"
    page = reg.get(PAGE).text
    assert 'data-subject="carrier:zto"' in page


def test_a_carrier_key_files_its_own_outlet_and_reads_only_its_own_credit(app: object) -> None:
    """zto's key: its filing is stored (the manager's ID never answered); jt's credit is 403."""
    engine = app.state.test_engine  # type: ignore[attr-defined]
    key = {"X-API-Key": add_key(engine, "zto")}
    client = TestClient(app)  # type: ignore[arg-type]
    today = county_today().isoformat()
    filing = {"carrier": "zto", "outlet": "NEW-2", "name": "中通新区驿站",
              "community": "652828100001", "opened": today,
              "manager_name": "王小明", "manager_id": "110101199003074258"}  # fmt: skip
    r = client.post(f"{API}/filings", headers=key, json=filing)
    assert r.status_code == 201, r.text
    assert "110101199003074258" not in r.text and "王小明" not in r.text
    assert {c["rule"] for c in r.json()["clocks"]} == {"filing.notice", "filing.decide"}
    other = dict(filing, carrier="jt", outlet="NEW-3")
    assert client.post(f"{API}/filings", headers=key, json=other).status_code == 403
    assert client.get(f"{API}/credit/carrier:zto", headers=key).status_code == 200
    assert client.get(f"{API}/credit/carrier:jt", headers=key).status_code == 403
    assert client.get(f"{API}/blacklist", headers=key).status_code == 403
    keeper = as_(app, "station_keeper")
    assert keeper.get(PAGE).status_code == 403


def test_a_round_is_planned_drawn_and_recorded_on_the_page(app: object) -> None:
    """Plan with a seed, draw, record one item in order and one finding."""
    reg = as_(app, "regulator")
    page = post_form(reg, f"{PAGE}/rounds", {"round_name": "R1", "seed": "5"})
    assert 'data-round="R1"' in page
    page = post_form(reg, f"{PAGE}/rounds/draw", {"round_name": "R1"})
    drawn = re.findall(r'<tr data-record="(\d+)" data-state="drawn">', page)
    assert drawn
    page = post_form(reg, f"{PAGE}/inspections/{drawn[0]}", {
        "item_real_name": "ok", "item_filing": "finding", "text_filing": "no filing receipt",
    })  # fmt: skip
    assert f'<tr data-record="{drawn[0]}" data-state="done">' in page
    assert 'id="findings"' in page
    findings = reg.get(f"{API}/records", params={"kind": "finding"}).json()
    assert [f["facts"]["item"] for f in findings] == ["filing"]


def test_the_overview_alerts_to_overdue_filings_and_records(app: object) -> None:
    """Heshuo's demo outlets HS-OUT-04 and HS-OUT-07 opened unfiled years ago; a complaint
    received 8 days ago and unanswered is past its limit: both alerts link to 监管."""
    reg = as_(app, "regulator")
    token = {"X-CSRF-Token": csrf_of(reg.get(PAGE).text)}
    before = reg.get(f"/counties/{CODE}/overview").text
    assert 'data-alert="outlets_filing_overdue"' in before
    assert 'data-alert="supervision_overdue"' not in before
    eight_days_ago = (county_today() - dt.timedelta(days=8)).isoformat()
    complaint = {"subject": "carrier:yto", "type": "delay", "about": "late", "on": eight_days_ago}
    assert reg.post(f"{API}/complaints", headers=token, json=complaint).status_code == 201
    after = reg.get(f"/counties/{CODE}/overview").text
    alert = re.search(r'<li data-alert="supervision_overdue">([^<]*)<a href="([^"]+)"', after)
    assert alert and alert.group(2) == PAGE
    overdue = reg.get(f"{API}/filings", params={"overdue": "true"}).json()["outlets"]
    assert {o["outlet"] for o in overdue} >= {"HS-OUT-04", "HS-OUT-07"}


def _png(width: int = 1, height: int = 1) -> bytes:
    """A real PNG image (the premises photo of a test)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))  # fmt: skip


def test_a_filing_carries_photos_kept_encrypted_and_read_with_an_audit_entry(
    app: object,
) -> None:
    """The carrier attaches a photo of its premises; the bytes are encrypted at rest, read
    back whole by the regulator (audited), and a text file named .jpg is refused."""
    import hashlib

    engine = app.state.test_engine  # type: ignore[attr-defined]
    key = {"X-API-Key": add_key(engine, "zto")}
    client = TestClient(app)  # type: ignore[arg-type]
    filing = {"carrier": "zto", "outlet": "NEW-9", "name": "中通新区驿站",
              "community": "652828100001", "opened": county_today().isoformat()}  # fmt: skip
    number = client.post(f"{API}/filings", headers=key, json=filing).json()["id"]
    photo = _png(40, 30)
    r = client.post(f"{API}/records/{number}/attachments", headers=key,
                    files={"file": ("../../货架 shelves.png", photo, "text/plain")})  # fmt: skip
    assert r.status_code == 201, r.text
    meta = r.json()
    assert (meta["name"], meta["content_type"], meta["size"]) == (
        "货架 shelves.png", "image/png", len(photo))  # fmt: skip
    assert meta["sha256"] == hashlib.sha256(photo).hexdigest()
    fake = client.post(f"{API}/records/{number}/attachments", headers=key,
                       files={"file": ("id.jpg", b"not a photo at all", "image/jpeg")})  # fmt: skip
    assert fake.status_code == 422 and "only photos" in fake.json()["detail"]

    reg = as_(app, "regulator")
    listed = reg.get(f"{API}/records/{number}/attachments").json()
    assert [a["id"] for a in listed] == [meta["id"]]
    got = reg.get(f"{API}/records/{number}/attachments/{meta['id']}")
    assert got.status_code == 200 and got.content == photo
    assert got.headers["content-type"] == "image/png"
    audit = reg.get(f"{API}/audit").json()
    assert any(f"attachment {meta['id']}" in str(e) for e in audit)
    db = Path(engine.url.database).read_bytes()
    assert photo[16:64] not in db  # the image is not stored in the clear

    other = {"X-API-Key": add_key(engine, "jt")}
    other_key = client.get(f"{API}/records/{number}/attachments", headers=other)
    assert other_key.status_code == 404  # as if it did not exist: no oracle


def test_a_photo_is_attached_on_the_page_and_linked_from_its_record(app: object) -> None:
    """The regulator attaches evidence to a complaint through the page's form."""
    reg = as_(app, "regulator")
    token = {"X-CSRF-Token": csrf_of(reg.get(PAGE).text)}
    complaint = {"subject": "carrier:yto", "type": "loss_or_damage", "about": "box crushed"}
    number = reg.post(f"{API}/complaints", headers=token, json=complaint).json()["id"]
    form_token = csrf_of(reg.get(PAGE).text)
    r = reg.post(f"{PAGE}/records/{number}/attachments", data={"csrf_token": form_token},
                 files={"file": ("crushed.png", _png(), "image/png")})  # fmt: skip
    assert r.status_code == 303 and "done=attached" in r.headers["location"]
    page = reg.get(r.headers["location"]).text
    link = re.search(rf'href="({API}/records/{number}/attachments/\d+)" data-attachment', page)
    assert link and reg.get(link.group(1)).content == _png()
    bad = reg.post(f"{PAGE}/records/{number}/attachments", data={"csrf_token": form_token},
                   files={"file": ("notes.png", b"plain text", "image/png")})  # fmt: skip
    assert "error=" in bad.headers["location"]


def test_a_complaints_workbook_is_imported_on_the_page_or_refused_by_line(
    app: object, tmp_path: Path
) -> None:
    """A bad phone on line 3 refuses the whole workbook with its line; fixed, both rows are
    stored and the export downloads them."""
    import io

    from openpyxl import Workbook

    def book(phone: str) -> bytes:
        wb = Workbook()
        ws = wb.active
        ws.append(["subject", "type", "about", "phone"])
        ws.append(["carrier:zto", "delay", "three days late", ""])
        ws.append(["carrier:jt", "service", "rude courier", phone])
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()

    reg = as_(app, "regulator")
    token = csrf_of(reg.get(PAGE).text)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    r = reg.post(f"{PAGE}/import", data={"csrf_token": token, "kind": "complaint"},
                 files={"file": ("complaints.xlsx", book("12345"), xlsx)})  # fmt: skip
    page = reg.get(r.headers["location"]).text
    assert 'id="supervision-error"' in page and "complaints.xlsx line 3: phone" in page
    assert reg.get(f"{API}/records", params={"kind": "complaint"}).json() == []
    r = reg.post(f"{PAGE}/import", data={"csrf_token": token, "kind": "complaint"},
                 files={"file": ("complaints.xlsx", book("13912345678"), xlsx)})  # fmt: skip
    assert "done=imported" in r.headers["location"]
    assert len(reg.get(f"{API}/records", params={"kind": "complaint"}).json()) == 2
    exported = reg.get(f"{API}/records.xlsx", params={"kind": "complaint"})
    assert exported.status_code == 200 and exported.content.startswith(b"PK")
    assert b"13912345678" not in exported.content
    api = reg.post(f"{API}/records/import", params={"kind": "complaint"},
                   headers={"X-CSRF-Token": token},
                   files={"file": ("c.xlsx", book("abc"), xlsx)})  # fmt: skip
    assert api.status_code == 422
    assert api.json()["problems"][0]["line"] == 3 and api.json()["problems"][0]["field"] == "phone"


def test_service_quality_is_answered_to_the_regulator_and_to_a_carrier_for_itself(
    app: object,
) -> None:
    """An upheld complaint shows in its carrier's month; another carrier's key sees only its
    own rows; a station keeper none."""
    engine = app.state.test_engine  # type: ignore[attr-defined]
    reg = as_(app, "regulator")
    token = {"X-CSRF-Token": csrf_of(reg.get(PAGE).text)}
    complaint = {"subject": "carrier:zto", "type": "false_signoff", "about": "signed, never came"}
    number = reg.post(f"{API}/complaints", headers=token, json=complaint).json()["id"]
    for verb in ("appeal", "uphold"):
        step = reg.post(f"{API}/complaints/{number}/steps", headers=token, json={"verb": verb})
        assert step.status_code == 200, step.text
    rows = reg.get(f"{API}/service-quality", params={"months": 1}).json()
    (zto,) = [r for r in rows if r["carrier"] == "zto"]
    assert (zto["complaints"], zto["upheld"], zto["false_signoffs"]) == (1, 1, 1)
    assert 'data-carrier="zto"' in reg.get(PAGE).text
    jt = TestClient(app).get(  # type: ignore[arg-type]
        f"{API}/service-quality", headers={"X-API-Key": add_key(engine, "jt")}
    )
    assert jt.status_code == 200 and all(r["carrier"] == "jt" for r in jt.json())
    keeper = as_(app, "station_keeper")
    assert keeper.get(f"{API}/service-quality").status_code == 403


def test_a_subjects_page_shows_its_credit_history_and_records(app: object) -> None:
    """carrier:sto after one finding long ago (no longer counted) and an upheld complaint."""
    reg = as_(app, "regulator")
    token = {"X-CSRF-Token": csrf_of(reg.get(PAGE).text)}
    old = {"subject": "carrier:sto", "event": "inspection_finding",
           "on": (county_today() - dt.timedelta(days=400)).isoformat()}  # fmt: skip
    assert reg.post(f"{API}/credit/events", headers=token, json=old).status_code == 201
    complaint = {"subject": "carrier:sto", "type": "delay", "about": "late"}
    number = reg.post(f"{API}/complaints", headers=token, json=complaint).json()["id"]
    for verb in ("appeal", "uphold"):
        reg.post(f"{API}/complaints/{number}/steps", headers=token, json={"verb": verb})
    page = reg.get(f"{PAGE}/subjects/carrier:sto")
    assert page.status_code == 200
    assert '<b id="score">97</b>' in page.text  # the old finding no longer counts
    assert page.text.count('data-type="inspection_finding"') == 1
    assert 'class="counted"' in page.text and f'data-record="{number}"' in page.text
    assert f'href="{PAGE}/subjects/carrier:sto"' in reg.get(PAGE).text


def test_licences_over_the_api_show_on_the_page_with_their_clocks(app: object) -> None:
    """A licence expiring in 20 days is overdue for renewal; last year's
    annual report shows its due day; cancelling it over the API shows on the page."""
    regulator = as_(app, "regulator")
    regulator.headers["X-CSRF-Token"] = csrf_of(regulator.get(PAGE).text)
    today = county_today()
    granted = add_months(today, -60) + dt.timedelta(days=20)  # expires in 20 days
    body = {"carrier": "zto", "number": "新A-0099", "granted": granted.isoformat()}
    r = regulator.post(f"{API}/licences", json=body)
    assert r.status_code == 201, r.text
    number = r.json()["id"]
    assert regulator.post(f"{API}/licences", json=body).status_code == 409
    [lic] = regulator.get(f"{API}/licences").json()["licences"]
    assert lic["renewal"]["state"] == "overdue"  # asked 30 days before expiry
    assert lic["annual_report"]["due"] == dt.date(today.year, 4, 30).isoformat()
    page = regulator.get(PAGE).text
    row = re.search(rf'<tr data-licence="{number}" data-state="valid">.*?</tr>', page, re.S)
    assert row is not None and "新A-0099" in row.group(0)
    assert 'data-rule="licence.annual_report"' in row.group(0)
    step = {"verb": "cancel", "reason": "停业"}
    r = regulator.post(f"{API}/licences/{number}/steps", json=step)
    assert r.status_code == 200 and r.json()["state"] == "cancelled"
    assert f'<tr data-licence="{number}" data-state="cancelled">' in regulator.get(PAGE).text
    r = regulator.post(f"{API}/licences/{number}/steps", json={"verb": "renew"})
    assert r.status_code == 409
