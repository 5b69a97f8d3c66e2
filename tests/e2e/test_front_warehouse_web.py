"""前置仓 The front-warehouse pages (issue 16, item 4): a regulator uploads an order history
and sees the stocking list, exports it as a workbook and opens an item's forecast; a bad
file is refused whole with its rows named; a station keeper may not read the page."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from countyexpress import bootstrap
from countyexpress.adapters.db.front_warehouse import SqlFrontWarehouse
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties as county_service
from countyexpress.settings import Settings
from support.web import PEOPLE, add_user, csrf_of, log_in

CODE = "652828"
PAGE = f"/counties/{CODE}/front-warehouse"
ZH = {"Accept-Language": "zh-CN"}


@pytest.fixture
def app(tmp_path: Path) -> Iterator[object]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'fw.db'}", data_dir=tmp_path)
    engine = bootstrap.open_engine(settings)
    county_service.load_county(bootstrap.uow_factory(engine)(),
                               bootstrap.read_pack_source("heshuo"))  # fmt: skip
    for who in PEOPLE.values():
        add_user(engine, who)
    application = create_app(settings, engine)
    application.state.test_engine = engine
    yield application
    engine.dispose()


def _history(days: int = 120) -> bytes:
    """Three items: a steady one, a weekly one and a slow mover."""
    start = dt.date(2026, 7, 1)
    lines = ["item_id,date,qty"]
    for k in range(days):
        d = (start + dt.timedelta(days=k)).isoformat()
        lines.append(f"RICE,{d},{20 + k % 3}")
        lines.append(f"OIL,{d},{12 if (start + dt.timedelta(days=k)).weekday() < 5 else 4}")
        lines.append(f"TEA,{d},{1 if k % 9 == 0 else 0}")
    return ("\n".join(lines) + "\n").encode()


def _regulator(app: object) -> tuple[TestClient, str]:
    c = TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
    log_in(c, PEOPLE["regulator"].name)
    page = c.get(PAGE, headers=ZH)
    assert page.status_code == 200, page.text
    return c, csrf_of(page.text)


def test_an_uploaded_history_gives_the_stocking_list_its_export_and_items(app: object) -> None:
    c, token = _regulator(app)
    form = {"csrf_token": token, "service_level": "0.95", "lead_days": "2", "days_saved": "3"}
    r = c.post(PAGE, data=form, files={"file": ("orders.csv", _history(), "text/csv")})
    assert r.status_code == 303, r.text
    page = c.get(PAGE, headers=ZH).text
    assert "前置仓" in page and "orders.csv" in page and "备货 3 个商品中的" in page
    assert 'id="fw-synthetic"' not in page
    for item in ("RICE", "OIL", "TEA"):
        assert f'data-item="{item}"' in page
    assert 'data-item="RICE" data-hold="yes"' in page
    assert 'data-festival="double11" data-source="verified"' in page
    assert 'data-festival="double12" data-source="estimate"' in page  # the pack's own event

    xlsx = c.get(f"{PAGE}/stocking.xlsx")
    assert xlsx.status_code == 200
    wb = load_workbook(io.BytesIO(xlsx.content))
    rows = list(wb["stocking"].iter_rows(values_only=True))
    assert rows[0][:4] == ("item_id", "class", "hold", "demand_28d")
    assert {r[0] for r in rows[1:]} == {"RICE", "OIL", "TEA"}
    rice = next(r for r in rows if r[0] == "RICE")
    assert rice[2] == "yes" and rice[4] > 0 and 0 < rice[5] <= 1
    about = dict(wb["about"].iter_rows(values_only=True))
    assert about["days_saved_per_order_from_county"] == 3 and about["source"] == "upload"

    item = c.get(f"{PAGE}/items/RICE", headers=ZH)
    assert item.status_code == 200
    assert 'id="fw-chart"' in item.text and 'id="fw-data"' in item.text
    assert 'id="fw-model"' in item.text and "MASE" in item.text
    assert item.text.count("<tr><td>2026-") == 28  # 28 forecast days after 2026-10-28
    assert c.get(f"{PAGE}/items/NOPE").status_code == 404


def test_a_bad_file_is_refused_with_its_rows_named_and_nothing_stored(app: object) -> None:
    c, token = _regulator(app)
    bad = b"item_id,date,qty\nRICE,2026-07-01,3\nRICE,2026-07-32,4\n,2026-07-03,1\n"
    bad += b"OIL,2026-07-01,-2\n"
    r = c.post(PAGE, data={"csrf_token": token},
               files={"file": ("orders.csv", bad, "text/csv")}, headers=ZH)  # fmt: skip
    assert r.status_code == 200
    assert 'id="fw-problems"' in r.text and "orders.csv" in r.text
    for line, field in ((3, "date"), (4, "item_id"), (5, "qty")):
        assert f'data-line="{line}" data-field="{field}"' in r.text
    assert SqlFrontWarehouse(app.state.test_engine).get(CODE) is None  # type: ignore[attr-defined]
    assert c.get(f"{PAGE}/stocking.xlsx").status_code == 404
    none = c.post(PAGE, data={"csrf_token": token}, headers=ZH)
    assert none.status_code == 200 and 'id="fw-error"' in none.text


def test_the_demo_history_is_marked_synthetic_and_a_keeper_may_not_read(app: object) -> None:
    c, token = _regulator(app)
    r = c.post(PAGE, data={"csrf_token": token, "demo": "1"})
    assert r.status_code == 303
    page = c.get(PAGE, headers=ZH).text
    assert 'id="fw-synthetic"' in page and "模拟" in page and page.count('<tr data-item="') == 12
    keeper = TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
    log_in(keeper, PEOPLE["station_keeper"].name)
    assert keeper.get(PAGE).status_code == 403
