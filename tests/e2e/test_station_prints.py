"""Station prints (issue 18): a shelf label and an intake receipt as one-page PDFs sized for
100 × 150 mm and 76 × 130 mm thermal rolls, with the marks of plan task 11 on the receipt,
nothing personal in the clear, for whoever works the station only."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from countyexpress.domain.identity import resident_id_check_char
from countyexpress.entrypoints.api.app import create_app
from support.pdf import pdf_text
from support.shelved import MIDNIGHT, MORNING, shelved_county
from support.web import (
    HESHUO,
    OTHER_STATION,
    PEOPLE,
    RECEIVER_PHONE,
    STATION,
    add_user,
    csrf_of,
    log_in,
)

MM = 72 / 25.4
BASE = f"/counties/{HESHUO}/stations/{STATION}"
ID17 = "65282819900101123"
SENDER_ID = ID17 + resident_id_check_char(ID17)
INTAKE = "75012345670009"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    engine, settings = shelved_county(tmp_path_factory.mktemp("prints"))
    for who in ("station_keeper", "regulator", "centre_operator"):
        add_user(engine, PEOPLE[who])
    app = create_app(settings, engine)
    with TestClient(app) as client:  # a sender's parcel taken in at the keeper's station
        log_in(client, "keeper")
        form = {"csrf_token": csrf_of(client.get(BASE).text), "waybill": INTAKE,
                "carrier": "zto", "id_type": "resident_id", "id_number": SENDER_ID,
                "name": "阿依古丽", "category": "dried_fruit"}  # fmt: skip
        taken = client.post(f"{BASE}/intake", data=form)
        assert taken.status_code == 200, taken.text
        assert f'href="{BASE}/receipts/{INTAKE}.pdf"' in taken.text  # printed from the answer
    yield app
    engine.dispose()


def _page_mm(pdf: bytes) -> tuple[float, float]:
    """The one page's size in millimetres."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert len(boxes) == 1, boxes
    return round(float(boxes[0][0]) / MM, 1), round(float(boxes[0][1]) / MM, 1)


@pytest.fixture
def keeper(app: object) -> Iterator[TestClient]:
    with TestClient(app) as client:  # type: ignore[arg-type]
        log_in(client, "keeper")
        yield client


@pytest.mark.parametrize(("paper", "size"), [("", (100, 150)), ("76x130", (76, 130))])
def test_a_shelf_label_is_a_page_of_the_roll_with_shelf_code_and_masked_receiver(
    keeper: TestClient, paper: str, size: tuple[int, int]
) -> None:
    r = keeper.get(f"{BASE}/labels/{MORNING}.pdf", params={"paper": paper} if paper else {})
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert _page_mm(r.content) == size
    shelf = keeper.get(f"{BASE}/shelf").text
    assert f'href="{BASE}/labels/{MORNING}.pdf"' in shelf  # each shelf row prints its label
    row = re.search(rf'data-waybill="{MORNING}".*?</tr>', shelf, re.S)
    assert row is not None
    text = pdf_text(r.content)
    code = re.search(r"[A-Z]-\d{4}", row.group(0))
    assert code is not None and code.group(0) in text
    assert MORNING in text and "张*" in text and RECEIVER_PHONE[-4:] in text
    assert RECEIVER_PHONE not in text and "张三" not in text
    assert "2026-12-10" in text  # stored 12-03 10:39 in the county, returned after 7 days


def test_an_intake_receipt_bears_the_three_safety_marks_and_no_id_number(
    keeper: TestClient,
) -> None:
    r = keeper.get(f"{BASE}/receipts/{INTAKE}.pdf")
    assert r.status_code == 200 and _page_mm(r.content) == (76, 130)
    text = pdf_text(r.content)
    for mark in ("收寄凭证", "实名收寄", "收寄验视", "过机安检", "干果", "居民身份证"):
        assert mark in text, mark
    assert SENDER_ID not in text and "阿依古丽" not in text
    assert SENDER_ID[0] + "*" * 16 + SENDER_ID[-1] in text
    big = keeper.get(f"{BASE}/receipts/{INTAKE}.pdf", params={"paper": "100x150"})
    assert _page_mm(big.content) == (100, 150)


def test_a_bad_roll_size_is_refused_naming_the_ones_there_are(keeper: TestClient) -> None:
    r = keeper.get(f"{BASE}/labels/{MORNING}.pdf", params={"paper": "A4"})
    assert r.status_code == 422 and "100x150 or 76x130" in r.text


def test_a_parcel_not_on_this_shelf_or_not_taken_in_here_is_not_found(
    keeper: TestClient,
) -> None:
    assert keeper.get(f"{BASE}/labels/{INTAKE}.pdf").status_code == 404
    assert keeper.get(f"{BASE}/receipts/{MORNING}.pdf").status_code == 404


def test_only_who_works_the_station_prints(app: object) -> None:
    with TestClient(app) as client:  # type: ignore[arg-type]
        log_in(client, "keeper")
        other = f"/counties/{HESHUO}/stations/{OTHER_STATION}/labels/{MORNING}.pdf"
        assert client.get(other).status_code == 403
    with TestClient(app) as client:  # type: ignore[arg-type]
        log_in(client, "reg")
        assert client.get(f"{BASE}/labels/{MORNING}.pdf").status_code == 403
    with TestClient(app) as client:  # type: ignore[arg-type]
        log_in(client, "centre")
        assert client.get(f"{BASE}/labels/{MORNING}.pdf").status_code == 200
    with TestClient(app, follow_redirects=False) as client:  # type: ignore[arg-type]
        assert client.get(f"{BASE}/labels/{MORNING}.pdf").status_code in (303, 401)


def test_a_label_shows_the_county_day_across_midnight_and_its_return_day(
    keeper: TestClient,
) -> None:
    """Stored 2026-11-30 16:30 UTC is 00:30 on 1 December in the county: the label says so,
    and the return day counts from the county's day (7 days: 2026-12-08)."""
    text = pdf_text(keeper.get(f"{BASE}/labels/{MIDNIGHT}.pdf").content)
    assert "2026-12-01 00:30" in text and "2026-12-08" in text
    assert "2026-11-30" not in text
