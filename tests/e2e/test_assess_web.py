"""年度考核 The assessment page and API: the 20 tasks with lead unit, status and score in
Chinese; the regulator adds a progress note with a photo; a station keeper reads, may not
note."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from countyexpress import bootstrap
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.domain.access import SYSTEM, Role
from countyexpress.entrypoints.api.app import create_app
from countyexpress.errors import InvalidValue
from countyexpress.services import accounts
from countyexpress.services import counties as county_service
from countyexpress.settings import Settings
from support.web import PASSWORD, PEOPLE, add_user, csrf_of, log_in

CODE = "652828"
PAGE = f"/counties/{CODE}/assessment"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def app(tmp_path: Path) -> Iterator[object]:
    """Heshuo and a user of each role."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'as.db'}", data_dir=tmp_path)
    engine = bootstrap.open_engine(settings)
    county_service.load_county(bootstrap.uow_factory(engine)(),
                               bootstrap.read_pack_source("heshuo"))  # fmt: skip
    for who in PEOPLE.values():
        add_user(engine, who)
    application = create_app(settings, engine)
    application.state.test_engine = engine
    yield application
    engine.dispose()


def test_the_page_tracks_the_20_tasks_and_the_regulator_adds_a_note(app: object) -> None:
    reg = TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
    log_in(reg, PEOPLE["regulator"].name)
    page = reg.get(f"{PAGE}?year=2022", headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 200, page.text
    assert "年度考核" in page.text and "牵头单位" in page.text and "总分" in page.text
    assert page.text.count('<tr data-task="') == 20
    assert '<tr data-task="4" data-status="overdue">' in page.text
    token = csrf_of(page.text)
    form = {"task": "4", "text": "新建2个村级服务站", "csrf_token": token}
    photo = {"file": ("站点.png", PNG, "image/png")}
    done = reg.post(f"{PAGE}/2022/notes", data=form, files=photo)
    assert done.status_code == 303 and done.headers["location"].endswith("done=noted")
    after = reg.get(done.headers["location"], headers={"Accept-Language": "zh-CN"}).text
    assert "已记录工作进展" in after and "新建2个村级服务站" in after and "站点.png" in after
    refused = reg.post(f"{PAGE}/2022/notes", data={"task": "99", "text": "x",
                       "csrf_token": token})  # fmt: skip
    assert "error=" in refused.headers["location"]


def test_the_api_answers_every_task_and_a_keeper_may_read_but_not_note(app: object) -> None:
    keeper = TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
    log_in(keeper, PEOPLE["station_keeper"].name)
    data = keeper.get(f"/api/v1/counties/{CODE}/assessment/2022").json()
    assert [t["task"] for t in data["tasks"]] == list(range(1, 21))
    assert all(t["lead_unit"] and t["reason"] for t in data["tasks"])
    page = keeper.get(f"{PAGE}?year=2022")
    assert page.status_code == 200 and 'id="note-form"' not in page.text
    token = csrf_of(page.text) if 'name="csrf_token"' in page.text else ""
    r = keeper.post(f"{PAGE}/2022/notes", data={"task": "4", "text": "x", "csrf_token": token})
    assert r.status_code == 403


def test_a_lead_units_user_sees_its_tasks_first_and_notes_only_on_them(app: object) -> None:
    """A regulator bound to 县交通运输局 (transport) sees task 18, which it leads, first, then
    the tasks it cooperates on; it notes on its own task and is refused on another's."""
    engine = app.state.test_engine  # type: ignore[attr-defined]
    accounts.create_user(SqlUnitOfWork(engine), SYSTEM, "jtj", PASSWORD, Role.REGULATOR,
                         county=CODE, unit="transport")  # fmt: skip
    with pytest.raises(InvalidValue, match="not a unit"):
        accounts.create_user(SqlUnitOfWork(engine), SYSTEM, "x1", PASSWORD, Role.REGULATOR,
                             county=CODE, unit="nowhere")  # fmt: skip
    unit = TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
    log_in(unit, "jtj")
    page = unit.get(f"{PAGE}?year=2022", headers={"Accept-Language": "zh-CN"}).text
    rows = re.findall(r'<tr data-task="(\d+)" data-status="\w+"( data-mine="1")?', page)
    assert rows[0] == ("18", ' data-mine="1"')  # it leads 18; cooperates on 4, 5, 6 …
    assert [n for n, mine in rows if mine] == ["18", "4", "5", "6", "7", "8"]
    assert "县交通运输局" in page
    token = csrf_of(page)
    ok = unit.post(f"{PAGE}/2022/notes", data={"task": "18", "text": "电动三轮车统一编号",
                   "csrf_token": token})  # fmt: skip
    assert ok.headers["location"].endswith("done=noted")
    other = unit.post(f"{PAGE}/2022/notes", data={"task": "12", "text": "x",
                      "csrf_token": token})  # fmt: skip
    assert "error=" in other.headers["location"] and "task%2012" in other.headers["location"]


def test_notes_over_the_api_with_a_file_and_a_units_refusal(app: object) -> None:
    """POST …/assessment/{year}/notes answers 201 with the note and its file; a unit's user
    noting on another unit's task hears 409 with the reason; GET lists the year's notes."""
    engine = app.state.test_engine  # type: ignore[attr-defined]
    accounts.create_user(SqlUnitOfWork(engine), SYSTEM, "jtj2", PASSWORD, Role.REGULATOR,
                         county=CODE, unit="transport")  # fmt: skip
    api = f"/api/v1/counties/{CODE}/assessment/2022/notes"
    reg = TestClient(app)  # type: ignore[arg-type]
    log_in(reg, PEOPLE["regulator"].name)
    token = {"X-CSRF-Token": csrf_of(reg.get(PAGE).text)}
    r = reg.post(api, data={"task": "4", "text": "新建站"}, headers=token,
                 files={"file": ("站.png", PNG, "image/png")})  # fmt: skip
    assert r.status_code == 201, r.text
    assert r.json()["task"] == 4 and r.json()["files"][0]["name"] == "站.png"
    unit = TestClient(app)  # type: ignore[arg-type]
    log_in(unit, "jtj2")
    token = {"X-CSRF-Token": csrf_of(unit.get(PAGE).text)}
    refused = unit.post(api, data={"task": "12", "text": "x"}, headers=token)
    assert refused.status_code == 409 and "not a task of your unit" in refused.text
    assert [n["task"] for n in reg.get(api).json()] == [4]


def test_a_sparkline_joins_only_months_with_a_snapshot() -> None:
    from countyexpress.entrypoints.web.assessment_pages import spark

    months = [
        {"month": "2026-01", "value": 0.5, "snapshot": True},
        {"month": "2026-02", "value": 0.75, "snapshot": True},
        {"month": "2026-03", "value": None, "snapshot": False},
        {"month": "2026-04", "value": 1.0, "snapshot": True},
    ]
    drawn = spark(months)
    assert len(drawn["lines"]) == 1 and drawn["lines"][0].count(",") == 2  # Jan–Feb only
    assert len(drawn["dots"]) == 3 and drawn["missing"] == ["2026-03"]
    assert drawn["stored"] == 3 and (drawn["low"], drawn["high"]) == (0.5, 1.0)
    assert spark([{"month": "2026-01", "value": None, "snapshot": False}])["lines"] == []


def test_the_page_draws_each_tasks_trend_from_the_current_months_snapshot(app: object) -> None:
    from countyexpress.domain.county_time import county_today

    reg = TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
    log_in(reg, PEOPLE["regulator"].name)
    year = county_today().year
    page = reg.get(f"{PAGE}?year={year}")
    assert page.status_code == 200, page.text
    data = reg.get(f"/api/v1/counties/{CODE}/assessment/{year}").json()
    measured = [t for t in data["tasks"] if t["indicators"]]
    assert page.text.count('<svg class="spark"') == len(measured) > 10
    first = measured[0]["indicators"][0]
    assert first["trend"]["months"][-1]["snapshot"] is True  # the page's run kept this month
    assert "<script" not in page.text.split('<table id="tasks">')[1].split("</table>")[0]
    if county_today().month > 1:
        assert 'class="spark-missing"' in page.text


def test_evidence_is_downloaded_by_those_who_may_note_and_the_read_is_audited(
    app: object,
) -> None:
    reg = TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
    log_in(reg, PEOPLE["regulator"].name)
    page = reg.get(f"{PAGE}?year=2022")
    form = {"task": "4", "text": "站点照片", "csrf_token": csrf_of(page.text)}
    reg.post(f"{PAGE}/2022/notes", data=form, files={"file": ("站点.png", PNG, "image/png")})
    after = reg.get(f"{PAGE}?year=2022").text
    (link,) = re.findall(r'href="(/counties/652828/assessment/evidence/\d+)"', after)
    got = reg.get(link)
    assert got.status_code == 200 and got.content == PNG
    assert got.headers["content-type"] == "image/png" and "no-store" in got.headers["cache-control"]
    evidence_id = link.rsplit("/", 1)[1]
    audit = reg.get(f"/api/v1/counties/{CODE}/audit").json()
    assert any(a["subject"] == f"assessment evidence {evidence_id}" for a in audit)
    assert reg.get(f"{PAGE}/evidence/99999").status_code == 404
    api = reg.get(f"/api/v1/counties/{CODE}/assessment/evidence/{evidence_id}")
    assert api.status_code == 200 and api.content == PNG
    audit = reg.get(f"/api/v1/counties/{CODE}/audit").json()
    reads = [a for a in audit if a["subject"] == f"assessment evidence {evidence_id}"]
    assert len(reads) == 2 and all(a["resource"] == "personal_data" for a in reads)
    keeper = TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
    log_in(keeper, PEOPLE["station_keeper"].name)
    assert keeper.get(link).status_code == 403
    assert "/assessment/evidence/" not in keeper.get(f"{PAGE}?year=2022").text


def test_the_page_compares_the_frozen_report_and_serves_its_files(app: object) -> None:
    import io

    import openpyxl

    from countyexpress.services import assessment

    engine = app.state.test_engine  # type: ignore[attr-defined]
    frozen = assessment.freeze(SqlUnitOfWork(engine), CODE, 2022, by=None)
    keeper = TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
    log_in(keeper, PEOPLE["station_keeper"].name)
    page = keeper.get(f"{PAGE}?year=2022", headers={"Accept-Language": "zh-CN"}).text
    assert page.count('<tr data-compare="') == 20 and 'class="changed"' not in page
    links = re.findall(r'href="(/counties/652828/assessment/2022/frozen/[\w.]+)"', page)
    assert [link.rsplit("/", 1)[1] for link in links] == [
        "report.pdf",
        "report.docx",
        "report.xlsx",
    ]
    pdf = keeper.get(links[0])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF"), pdf.text[:3000]
    assert keeper.get(links[1]).content.startswith(b"PK")
    wb = openpyxl.load_workbook(io.BytesIO(keeper.get(links[2]).content))
    summary = list(wb["summary"].iter_rows(values_only=True))
    total = next(r for r in summary if r[0] == "total_score")
    assert total[1] == frozen.report["total_score"]
    assert keeper.get(f"{PAGE}/2022/frozen/report.exe").status_code == 404
    assert keeper.get(f"{PAGE}/2021/frozen/report.pdf").status_code == 404
    never = keeper.get(f"{PAGE}?year=2021").text
    assert 'id="comparison"' not in never and "/frozen/" not in never
