"""The regulator's overview (issue 12): progress against each target with its deadline and
已逾期 when past and unmet; parcel ageing with an alert whose 'view' link opens the filtered
list of stuck parcels, nothing personal on it."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from countyexpress import bootstrap
from countyexpress.domain.indicators import Direction
from countyexpress.domain.plan import Target
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties as county_service
from countyexpress.services.overview import STUCK_HOURS, TargetRow
from countyexpress.settings import Settings
from support.shelved import seed_shelved
from support.web import HESHUO, PEOPLE, RECEIVER_PHONE, STATION, add_user, log_in

OLD = "ZT7312345679201"  # stored 50 h ago: stuck
NEW = "ZT7312345679202"  # stored 1 h ago: not stuck


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("overview")
    settings = Settings(database_url=f"sqlite:///{folder / 'ov.db'}")
    engine = bootstrap.open_engine(settings)
    county_service.load_county(
        bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo")
    )
    now = dt.datetime.now(dt.UTC)
    seed_shelved(
        engine, settings, {OLD: now - dt.timedelta(hours=50), NEW: now - dt.timedelta(hours=1)}
    )
    add_user(engine, PEOPLE["regulator"])
    c = TestClient(create_app(settings, engine))
    log_in(c, PEOPLE["regulator"].name)
    c.headers["Accept-Language"] = "zh-CN"
    yield c
    engine.dispose()


def test_a_parcel_stored_50_hours_ago_is_in_the_alert_and_its_list(client: TestClient) -> None:
    page = client.get(f"/counties/{HESHUO}/overview")
    assert page.status_code == 200, page.text
    assert 'data-alert="parcels_stuck"' in page.text
    table = page.text.split('id="parcel-ageing"', 1)[1].split("</table>", 1)[0]
    assert f'data-place="{STATION}"' in table
    links = [html.unescape(h) for h in re.findall(r'href="([^"]*parcels\?[^"]*)"', table)]
    assert links and f"stuck_hours={STUCK_HOURS}" in links[0] and f"place={STATION}" in links[0]
    listed = client.get(links[0])
    assert listed.status_code == 200, listed.text
    assert f'data-waybill="{OLD}"' in listed.text
    assert NEW not in listed.text
    assert RECEIVER_PHONE not in listed.text and "张三" not in listed.text
    assert "5678" not in listed.text.split('id="stuck-parcels"', 1)[1]


def test_a_longer_limit_or_another_place_lists_none(client: TestClient) -> None:
    longer = client.get(f"/counties/{HESHUO}/parcels", params={"stuck_hours": 100})
    assert longer.status_code == 200 and 'id="no-stuck"' in longer.text
    none = client.get(f"/counties/{HESHUO}/parcels", params={"place": "HS-STA-02"})
    assert none.status_code == 200 and 'id="no-stuck"' in none.text


def test_a_target_past_its_year_and_unmet_is_overdue() -> None:
    row = TargetRow(Target("x", 1.0, 2025, unit="share"), 0.5, Direction.HIGHER_IS_BETTER)
    assert row.overdue(dt.date(2026, 1, 1)) and not row.overdue(dt.date(2025, 12, 31))
    assert row.progress == 0.5
    met = TargetRow(Target("x", 1.0, 2025, unit="share"), 1.0)
    assert not met.overdue(dt.date(2027, 1, 1))
    unknown = TargetRow(Target("x", 1.0, 2025, unit="share"), None)
    assert not unknown.overdue(dt.date(2027, 1, 1))


def test_heshuos_unmet_targets_of_2021_and_2022_show_overdue(client: TestClient) -> None:
    """Heshuo's plan sets its targets for 2021-2022; each one not met shows 已逾期."""
    page = client.get(f"/counties/{HESHUO}/overview").text
    rows = page.split('id="targets"', 1)[1].split("</table>", 1)[0].split("<tr data-indicator")[1:]
    unmet = [r for r in rows if "未达标" in r]
    assert unmet, "Heshuo has no unmet target to show"
    assert all("已逾期" in r for r in unmet)
    assert not any("已逾期" in r for r in rows if "未达标" not in r)


def test_the_overview_shows_deadlines_and_progress(client: TestClient) -> None:
    page = client.get(f"/counties/{HESHUO}/overview").text
    targets = page.split('id="targets"', 1)[1].split("</table>", 1)[0]
    assert "截止" in targets and "<progress" in targets


def test_the_two_coverage_figures_are_named_apart_and_linked(client: TestClient) -> None:
    page = client.get(f"/counties/{HESHUO}/overview").text
    figures = page.split('id="coverage-figures"', 1)[1].split("</section>", 1)[0]
    villages = figures.split('data-figure="village_coverage"', 1)[1].split("</div>", 1)[0]
    residents = figures.split('data-figure="resident_coverage"', 1)[1].split("</div>", 1)[0]
    assert "行政村快递服务覆盖率" in villages and "公里内村民覆盖率" in residents
    assert "kind=station" in villages and "radius_km=" in residents


def test_station_volume_and_carrier_shares(client: TestClient) -> None:
    page = client.get(f"/counties/{HESHUO}/overview").text
    row = page.split(f'data-station="{STATION}"', 1)[1].split("</tr>", 1)[0]
    assert ">2<" in row  # both parcels stored in the last 30 days
    shares = page.split('id="carrier-shares"', 1)[1].split("</table>", 1)[0]
    assert 'data-carrier="zto"' in shares and "100%" in shares


def test_each_alert_link_opens_a_page(client: TestClient) -> None:
    page = client.get(f"/counties/{HESHUO}/overview").text
    alerts = page.split('id="alerts"', 1)[1].split("</ul>", 1)[0]
    links = {html.unescape(h) for h in re.findall(r'href="([^"]+)"', alerts)}
    assert f"/counties/{HESHUO}/parcels?stuck_hours={STUCK_HOURS}" in links
    for link in links:
        assert client.get(link).status_code == 200, link


def test_a_limit_below_one_hour_is_refused_in_chinese(client: TestClient) -> None:
    r = client.get(f"/counties/{HESHUO}/parcels", params={"stuck_hours": 0})
    assert r.status_code == 400 and 'id="stuck-error"' in r.text
    assert "至少 1" in r.text.split('id="stuck-error"', 1)[1].split("</p>", 1)[0]
