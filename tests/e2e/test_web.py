"""The web page and the API, in-process and through the real `serve` command."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from countyexpress import bootstrap
from countyexpress.entrypoints.api.app import create_app
from countyexpress.entrypoints.api.throttle import SlidingWindow
from countyexpress.services import counties as service
from countyexpress.settings import Settings
from packs import FIXTURES
from support.web import PASSWORD, PEOPLE, add_user, csrf_of, log_in


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    """The app on a fresh SQLite database with Heshuo loaded."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'web.db'}")
    engine = bootstrap.open_engine(settings)
    service.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo"))
    add_user(engine, PEOPLE["regulator"])
    with TestClient(create_app(settings, engine)) as c:
        log_in(c, "reg")
        yield c
    engine.dispose()


def test_the_first_page_leads_to_the_only_county(client: TestClient) -> None:
    """With one county loaded, / goes straight to its overview."""
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/counties/652828/overview"


def test_the_county_page_lists_townships_villages_and_communities(client: TestClient) -> None:
    """7 townships, 25 villages, 7 communities, each row with its data-quality flag."""
    html = client.get("/counties/652828").text
    assert "和硕县" in html
    assert html.count('data-level="township"') == 7
    assert html.count('data-level="village"') == 25
    assert html.count('data-level="community"') == 7
    assert 'id="placeholder-notice"' in html
    assert "占位" in html and "估计" in html  # placeholder and estimate badges
    assert "CC-BY-4.0" in html


def test_pages_are_chinese_first_and_switch_to_english(client: TestClient) -> None:
    """No choice means Chinese; ?lang=en answers in English and remembers it in a cookie;
    ?lang=ug answers in Uyghur, right to left."""
    zh = client.get("/counties/652828")
    assert '<html lang="zh-CN" dir="ltr">' in zh.text and "乡镇与村（社区）" in zh.text
    en = client.get("/counties/652828", params={"lang": "en"})
    assert '<html lang="en" dir="ltr">' in en.text
    assert "Townships, villages and communities" in en.text
    assert "乡镇与村（社区）" not in en.text
    assert "lang=en" in en.headers["set-cookie"]
    again = client.get("/counties/652828")  # the cookie now says English
    assert '<html lang="en" dir="ltr">' in again.text
    ug = client.get("/counties/652828", params={"lang": "ug"})
    assert '<html lang="ug" dir="rtl">' in ug.text and "ئۇيغۇرچە" in ug.text
    back = client.get("/counties/652828", params={"lang": "zh-CN"})
    assert '<html lang="zh-CN" dir="ltr">' in back.text


def test_an_unknown_county_page_is_a_404_page(client: TestClient) -> None:
    """A thing never made answers 404 with a page, not a stack trace; a county the user is
    not bound to answers 403 whether it is loaded or not (issue 11, defect 11)."""
    r = client.get("/counties/652828/scenarios/SR-652828-20990101000000-999999")
    assert r.status_code == 404 and "未找到" in r.text
    assert client.get("/counties/110101").status_code == 403


def test_the_api_gives_counts_divisions_and_facilities(client: TestClient) -> None:
    """/api/v1/counties/{code} and its sub-resources answer JSON."""
    county = client.get("/api/v1/counties/652828").json()
    assert county["summary"]["villages"] == 25 and county["has_placeholders"] is True
    divisions = client.get("/api/v1/counties/652828/divisions").json()
    assert len(divisions) == 39
    stations = client.get("/api/v1/counties/652828/facilities", params={"kind": "station"}).json()
    assert stations and {s["kind"] for s in stations} == {"station"}
    assert any(s["missing"] for s in stations)  # some stations lack one of the five haves
    assert client.get("/api/v1/counties/999999").status_code == 403  # not its county
    assert client.get("/api/v1/openapi.json").json()["info"]["title"].startswith("County Express")


def test_the_api_refuses_anonymous_callers_and_serves_its_documents(client: TestClient) -> None:
    """Without a session or key, county data answers 401; the OpenAPI documents stay open."""
    anonymous = TestClient(client.app)
    r = anonymous.get("/api/v1/counties/652828")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert anonymous.get("/api/v1/openapi.json").status_code == 200
    for path in ("/api/v1/docs", "/api/v1/redoc"):
        html = anonymous.get(path).text
        assert "/static/vendor/" in html and "https://" not in html  # self-hosted, no CDN


def test_pages_send_an_anonymous_visitor_to_the_log_in_form(client: TestClient) -> None:
    """A page asked for without a session leads to /login and back."""
    anonymous = TestClient(client.app)
    r = anonymous.get("/counties/652828", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/counties/652828"


def test_a_wrong_password_is_refused_with_one_message_for_any_cause(client: TestClient) -> None:
    """Unknown user and wrong password look the same; no session starts."""
    anonymous = TestClient(client.app)
    for name, password in (("reg", "not the password"), ("nobody", PASSWORD)):
        form = anonymous.get("/login").text
        r = anonymous.post("/login", data={"username": name, "password": password,
                                            "csrf_token": csrf_of(form)})  # fmt: skip
        assert r.status_code == 401 and 'id="login-error"' in r.text
    assert anonymous.get("/api/v1/counties").status_code == 401


def test_a_form_post_without_its_csrf_token_is_refused(client: TestClient) -> None:
    """Log-in and log-out need the session's CSRF token."""
    anonymous = TestClient(client.app)
    anonymous.get("/login")
    r = anonymous.post("/login", data={"username": "reg", "password": PASSWORD})
    assert r.status_code == 403
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    assert client.get("/api/v1/counties").status_code == 200  # still logged in


def test_log_out_ends_the_session(client: TestClient) -> None:
    """After log-out the same cookie jar is anonymous again."""
    token = csrf_of(client.get("/counties/652828").text)
    r = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/api/v1/counties").status_code == 401


def test_an_api_post_with_a_session_needs_the_csrf_header(client: TestClient) -> None:
    """A browser session cannot be ridden by another site: unsafe API calls need the header."""
    r = client.post("/api/v1/scans", json=[])
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]


def test_healthz_answers_ok(client: TestClient) -> None:
    """The health check touches the database."""
    assert client.get("/healthz").json() == {"status": "ok"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_on_an_empty_database_migrates_loads_heshuo_and_serves(tmp_path: Path) -> None:
    """The run command's server: a new SQLite file, Heshuo loaded, a first administrator made
    on this machine, then the county page on localhost."""
    port = _free_port()
    env = {**os.environ, "COUNTYEXPRESS_DATA_DIR": str(tmp_path / "data")}
    env.pop("COUNTYEXPRESS_DATABASE_URL", None)
    cmd = [
        sys.executable,
        "-m",
        "countyexpress.entrypoints.cli",
        "serve",
        "--port",
        str(port),
        "--no-demo",
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            assert time.monotonic() < deadline, "server did not come up in 60 s"
            time.sleep(0.2)
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=10, follow_redirects=True) as browser:
            setup = browser.get("/")  # nobody exists yet: / → /login → /setup
            assert str(setup.url).endswith("/setup") and 'id="setup-form"' in setup.text
            form = {"username": "admin", "password": PASSWORD, "csrf_token": csrf_of(setup.text)}
            page = browser.post("/setup", data=form)
            assert browser.get("/setup").url.path == "/login"  # only while nobody exists
            assert page.status_code == 200 and page.url.path == "/counties/652828/overview"
            page = browser.get("/counties/652828")
        assert len(re.findall('data-level="village"', page.text)) == 25
        assert (tmp_path / "data" / "countyexpress.db").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_with_two_counties_the_first_page_lists_both(tmp_path: Path) -> None:
    """A region: / lists every county an administrator may read."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'two.db'}")
    engine = bootstrap.open_engine(settings)
    for source in ("heshuo", str(FIXTURES / "testcounty")):
        service.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source(source))
    add_user(engine, PEOPLE["admin"])
    with TestClient(create_app(settings, engine)) as c:
        log_in(c, "admin")
        html = c.get("/").text
    assert "和硕县" in html and "测试县" in html
    engine.dispose()


def test_repeated_failed_log_ins_make_the_name_wait_even_with_the_right_password(
    client: TestClient,
) -> None:
    """Five wrong passwords for one name from one address: the sixth try is refused with
    429 and a wait, even when it is right; the wait ends after the window."""
    clock = [0.0]
    client.app.state.login_failures = SlidingWindow(5, 900, lambda: clock[0])  # type: ignore[attr-defined]
    anonymous = TestClient(client.app)

    def attempt(password: str) -> httpx.Response:
        form = anonymous.get("/login").text
        return anonymous.post("/login", data={"username": "REG", "password": password,
                                              "csrf_token": csrf_of(form)},
                              follow_redirects=False)  # fmt: skip

    assert [attempt("wrong").status_code for _ in range(5)] == [401] * 5
    refused = attempt(PASSWORD)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "900"
    assert "登录失败次数过多，请 15 分钟后再试。" in refused.text
    assert anonymous.get("/api/v1/counties").status_code == 401
    clock[0] += 900
    assert attempt(PASSWORD).status_code == 303


def test_a_good_log_in_clears_the_failures_of_its_name(client: TestClient) -> None:
    anonymous = TestClient(client.app)
    for password in ["wrong"] * 4 + [PASSWORD] + ["wrong"] * 4:
        form = anonymous.get("/login").text
        data = {"username": "reg", "password": password, "csrf_token": csrf_of(form)}
        r = anonymous.post("/login", data=data, follow_redirects=False)
        assert r.status_code in (303, 401)
    log_in(anonymous, "reg")  # 4 failures since the good one: still allowed


def test_the_language_switch_keeps_the_page_s_other_choices(client: TestClient) -> None:
    page = client.get("/counties/652828", params={"tab": "x", "lang": "zh-CN"})
    assert 'href="?tab=x&amp;lang=en"' in page.text and 'href="?tab=x&amp;lang=ug"' in page.text
    plain = client.get("/counties/652828")
    assert 'href="?lang=en"' in plain.text
