"""The centre's screen (issue 12, result 3): a carrier's manifest uploaded on the page (all
or nothing, refused rows by file/line/field), a parcel on no manifest really queued, and an
invalid number answered as invalid — in Chinese."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from countyexpress import bootstrap
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties as service
from countyexpress.settings import Settings
from support.web import CARRIER, HESHUO, PEOPLE, RECEIVER_PHONE, add_user, csrf_of, log_in

BASE = f"/counties/{HESHUO}/centre/HS-CENTER"
HEADER = "waybill_no,receiver_name,receiver_phone,address\n"
ADDRESS = "和硕县乌什塔拉回族乡塔拉村3组12号"
ONE, TWO, STRAY = "7312345600001", "7312345600002", "7312345600009"  # ZTO's format


@pytest.fixture
def operator(tmp_path: Path) -> Iterator[TestClient]:
    """A centre operator logged in at the Heshuo centre; no manifest yet."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'centre.db'}")
    engine = bootstrap.open_engine(settings)
    service.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo"))
    add_user(engine, PEOPLE["centre_operator"])
    with TestClient(create_app(settings, engine)) as client:
        log_in(client, "centre")
        yield client
    engine.dispose()


def _upload(client: TestClient, name: str, text: str) -> tuple[int, str]:
    token = csrf_of(client.get(BASE).text)
    r = client.post(
        f"{BASE}/manifest",
        data={"csrf_token": token, "carrier": CARRIER},
        files={"file": (name, text.encode(), "text/csv")},
    )
    return r.status_code, r.text


def _scan(client: TestClient, waybill: str) -> str:
    token = csrf_of(client.get(BASE).text)
    return str(client.post(f"{BASE}/inbound", data={"csrf_token": token, "waybill": waybill}).text)


def test_the_page_has_the_upload_form(operator: TestClient) -> None:
    page = operator.get(BASE).text
    assert 'id="manifest-form"' in page and 'enctype="multipart/form-data"' in page
    assert f'<option value="{CARRIER}">' in page and "上传" in page


def test_a_manifest_with_a_bad_row_is_refused_whole_by_line_and_field(
    operator: TestClient,
) -> None:
    """Line 3 has no receiver name: 422, the row named on the page, line 2 not stored."""
    bad = HEADER + f"{ONE},张三,{RECEIVER_PHONE},{ADDRESS}\n{TWO},,{RECEIVER_PHONE},{ADDRESS}\n"
    status, html = _upload(operator, "zto-1206.csv", bad)
    assert status == 422 and 'id="manifest-problems"' in html
    assert 'data-line="3" data-field="receiver_name"' in html and "zto-1206.csv" in html
    assert 'data-outcome="queued"' in _scan(operator, ONE)  # nothing of the file was stored


def test_an_uploaded_manifest_sorts_its_parcels(operator: TestClient) -> None:
    good = (
        HEADER + f"{ONE},张三,{RECEIVER_PHONE},{ADDRESS}\n{TWO},李四,{RECEIVER_PHONE},{ADDRESS}\n"
    )
    status, html = _upload(operator, "zto-1206.csv", good)
    assert status == 200 and 'data-outcome="manifest"' in html
    assert RECEIVER_PHONE not in html and "张三" not in html
    assert 'data-outcome="sorted"' in _scan(operator, ONE)


def test_a_file_that_is_not_a_table_is_refused(operator: TestClient) -> None:
    status, html = _upload(operator, "manifest.txt", HEADER)
    assert status == 422 and 'id="manifest-problems"' in html


def test_a_parcel_on_no_manifest_is_listed_once_until_its_manifest_comes(
    operator: TestClient,
) -> None:
    """Queued (in Chinese), on the queue page once after two scans, gone once sorted."""
    first = _scan(operator, STRAY)
    assert 'data-outcome="queued"' in first and "不在任何清单" in first
    _scan(operator, STRAY)
    page = operator.get(BASE).text
    assert page.count(f'data-waybill="{STRAY}"') == 1 and 'data-queue="unmanifested"' in page
    assert 'id="queue-empty"' not in page
    listed = operator.get(f"/api/v1/counties/{HESHUO}/centre/HS-CENTER/queue").json()
    assert [(q["waybill_no"], q["on_manifest"]) for q in listed] == [(STRAY, False)]
    _upload(operator, "zto-late.csv", HEADER + f"{STRAY},张三,{RECEIVER_PHONE},{ADDRESS}\n")
    assert 'data-outcome="sorted"' in _scan(operator, STRAY)
    assert f'data-waybill="{STRAY}"' not in operator.get(BASE).text
    assert operator.get(f"/api/v1/counties/{HESHUO}/centre/HS-CENTER/queue").json() == []


@pytest.mark.parametrize("number", ["ZZ123", "   ", "ZZ1234567"])
def test_an_invalid_number_is_answered_invalid_not_queued(
    operator: TestClient, number: str
) -> None:
    """'运单号无效' with the reason in Chinese; the queue stays empty."""
    html = _scan(operator, number)
    assert 'data-outcome="invalid"' in html and "运单号无效" in html
    assert 'data-outcome="queued"' not in html
    assert 'id="queue-empty"' in operator.get(BASE).text


def test_the_api_answers_an_invalid_number_422_and_queues_nothing(operator: TestClient) -> None:
    token = csrf_of(operator.get(BASE).text)
    r = operator.post(
        "/api/v1/centre/HS-CENTER/inbound",
        json={"county": HESHUO, "waybills": ["ZZ1234567"]},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 422 and "invalid waybill number" in r.text
    assert operator.get(f"/api/v1/counties/{HESHUO}/centre/HS-CENTER/queue").json() == []
