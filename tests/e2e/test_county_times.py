"""Every time a person reads is on the county's clock (issue 12, wrong result 2).

Times are stored in UTC; the shelf showed 02:39 for a scan at 10:39+08:00. Here parcels are
shelved at 02:39Z (10:39 in the county) and at 16:30Z on 30 November (00:30 on 1 December
in the county: the next day and the next month), and every page a regulator and a keeper can
reach is swept for a UTC-looking time."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.domain.county_time import COUNTY_ZONE, county_clock, county_text
from countyexpress.entrypoints.api.app import create_app
from countyexpress.entrypoints.web.render import templates
from support.shelved import MIDNIGHT, MORNING, SHELVED, shelved_county
from support.sweep import sweep
from support.web import HESHUO, PEOPLE, STATION, add_user, csrf_of, log_in

UTC = dt.UTC
UTC_LOOKING = re.compile(
    r"\+00:?00|\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z\b|\bUTC\b|\bGMT\b"
    r"|2026-12-03[T ]02:39|2026-11-30[T ]1[56]:30|\b02:39\b|\b16:30\b|\b15:30\b"
)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    engine, settings = shelved_county(tmp_path_factory.mktemp("times"))
    for who in ("regulator", "station_keeper", "centre_operator", "driver"):
        add_user(engine, PEOPLE[who])
    app = create_app(settings, engine)
    with TestClient(app) as client:  # an audited read and an emergency, each shows a time
        log_in(client, "centre")
        r = client.get(f"/api/v1/counties/{HESHUO}/parcels/{MORNING}/receiver")
        assert r.status_code == 200, r.text
    with TestClient(app) as client:
        log_in(client, "reg")
        page = client.get(f"/counties/{HESHUO}/emergency")
        form = {"csrf_token": csrf_of(page.text), "grade": "II", "subject": "carrier:zto",
                "occurred_at": "2026-11-30T23:30", "summary": "暴雪"}  # fmt: skip
        made = client.post(f"/counties/{HESHUO}/emergency/events", data=form)
        assert made.status_code in (200, 303), made.text
    yield app
    engine.dispose()


# --- the formatter and the filters ------------------------------------------------------


@given(
    st.datetimes(timezones=st.sampled_from([UTC, COUNTY_ZONE, dt.timezone(-dt.timedelta(hours=5))]))
)
def test_any_aware_instant_reads_on_the_county_clock(at: dt.datetime) -> None:
    """The same instant, whatever offset it came with, reads the same: +08:00."""
    local = county_clock(at)
    assert local == at and local.utcoffset() == dt.timedelta(hours=8)
    assert county_text(at, "iso").endswith("+08:00")


def test_a_naive_time_is_refused_not_guessed() -> None:
    with pytest.raises(ValueError, match="naive time"):
        county_text(dt.datetime(2026, 12, 3, 2, 39))


def test_the_filters_show_county_time_across_midnight_and_month_end() -> None:
    clock = templates.env.filters["clock"]
    assert clock(SHELVED[MORNING]) == "2026-12-03 10:39"
    assert clock(SHELVED[MIDNIGHT]) == "2026-12-01 00:30"
    assert clock(SHELVED[MIDNIGHT], "%H:%M") == "00:30"
    assert clock(SHELVED[MIDNIGHT], "iso") == "2026-12-01T00:30+08:00"
    page = templates.env.from_string('{{ at|date("short") }}').render(at=SHELVED[MIDNIGHT])
    assert page == "2026/12/1 00:30"


# --- the pages --------------------------------------------------------------------------


def test_the_shelf_shows_a_0239Z_scan_at_1039(app: object) -> None:
    """The keeper's shelf: 10:39 on 3 December, 00:30 on 1 December; no UTC clock."""
    with TestClient(app) as client:  # type: ignore[arg-type]
        log_in(client, "keeper")
        html = client.get(f"/counties/{HESHUO}/stations/{STATION}").text
    row = re.search(rf'<tr data-waybill="{MORNING}">.*?</tr>', html, re.S)
    assert row and "10:39" in row.group(0) and "02:39" not in row.group(0)
    row = re.search(rf'<tr data-waybill="{MIDNIGHT}">.*?</tr>', html, re.S)
    assert row and "2026/12/1 00:30" in row.group(0), row and row.group(0)


@pytest.mark.parametrize("user", ["reg", "keeper", "centre", "driver"])
def test_no_page_shows_a_utc_time(app: object, user: str) -> None:
    """Every page each role reaches: no +00:00, no 'Z' time, no 'UTC', no 02:39 or 16:30."""
    with TestClient(app) as client:  # type: ignore[arg-type]
        log_in(client, user)
        pages = sweep(
            client, ["/", f"/counties/{HESHUO}", f"/counties/{HESHUO}/stations/{STATION}"]
        )
    assert len([p for p in pages.values() if p]) >= 10, list(pages)
    if user == "reg":  # the emergency at 23:30 county time, the audited read at its time
        assert "2026-11-30 23:30" in pages[f"/counties/{HESHUO}/emergency"]
        assert f'data-subject="{MORNING}"' in pages[f"/counties/{HESHUO}/audit"]
    found = {
        url: sorted({m.group(0) for m in UTC_LOOKING.finditer(_visible_and_data(html))})
        for url, html in pages.items()
    }
    assert {url: hits for url, hits in found.items() if hits} == {}


def _visible_and_data(html: str) -> str:
    """The page without its scripts' and styles' bodies (times a person or a test reads)."""
    return re.sub(r"<(script|style)\b[^>]*>.*?</\1>", "", html, flags=re.S)


def test_the_sms_carry_no_utc_time(app: object) -> None:
    """The "ready for pickup" messages of both shelvings: their text parameters hold no time
    at all (no deadline is sent), so none can be in UTC; a time added later must be county
    time (county_text) or this sweep of the outbox finds it."""
    engine = app.state.engine  # type: ignore[attr-defined]
    uow = SqlUnitOfWork(engine)
    with uow:
        sent = [r for r in uow.ops.outbox(HESHUO) if r["channel"] == "sms"]
    assert {r["template"] for r in sent} == {"pickup_ready"} and len(sent) == len(SHELVED)
    for r in sent:
        text = " ".join(str(v) for v in r["params"].values())
        assert UTC_LOOKING.search(text) is None, r["params"]
        assert not any(isinstance(v, dt.datetime) for v in r["params"].values())
