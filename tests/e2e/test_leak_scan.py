"""T9 of issue 11, the leak scan: after a simulated month, every API answer, every page of
every role, every export (xlsx, the route sheet's PDF text, GeoJSON) and the server's log
hold 0 full mobile numbers and 0 full ID numbers.

The world: Heshuo simulated for November 2026 at a hundredth of its demand (its synthetic
receivers have "100" numbers, never real ones), plus a demonstration day with real-looking
mobiles (route plan, route sheet), and requests that carry personal data in: a manifest (one
row with a loose number), a consent, an outbound intake with a resident ID, a device scan
whose actor and payload carry a phone and an ID number, look-ups, and a phone in a URL.

What counts as a leak, in any text after NFKC folding (full-width digits are digits) and with
single spaces or hyphens between digits removed ("139 1234 5678" is a full number):
- a standalone mainland mobile number 1[3-9] + 9 digits;
- a standalone 18-character resident ID with a valid date and check character;
- any phone or ID number the world holds (decrypted from the database: the synthetic "100"
  numbers included), standing alone.

The figures (answers, pages, exports, log lines scanned; numbers found) are printed at the
end (`pytest -s`) and quoted in docs/operations.md.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import string
import unicodedata
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine, select

from countyexpress import bootstrap
from countyexpress.adapters.db.scenario_runs import ScenarioRunsUnitOfWork
from countyexpress.adapters.db.tables_intake import intake_records
from countyexpress.adapters.db.tables_ops import manifest_items
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs.simulation import params_for
from countyexpress.adapters.packs.vehicles import fleet_for
from countyexpress.adapters.vault import Vault
from countyexpress.domain.identity import resident_id_check_char
from countyexpress.entrypoints.api.app import create_app
from countyexpress.planning.routing import PyVRPPlanner
from countyexpress.services import counties as county_service
from countyexpress.services import routes, simulation
from countyexpress.services.scenario_runs import ScenarioRun
from countyexpress.settings import Settings
from support.pdf import pdf_text as _pdf_text
from support.route_day import DAY, heshuo_day
from support.web import PEOPLE, add_key, add_user, csrf_of, log_in

KEY = "test-key-material-of-enough-length"  # support.route_day's vault
HESHUO = "652828"
MONTH = dt.date(2026, 11, 1)
SCALE = 0.01  # about 40 parcels a day
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What a person's number looks like, written independently of domain.privacy.
# Standalone: not inside a run of letters and digits (a request id's hex, a waybill number).
MOBILE = re.compile(r"(?<![0-9A-Za-z.])1[3-9][0-9]{9}(?![0-9A-Za-z])")
RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{5}(?:19|20)[0-9]{9}[0-9X](?![0-9A-Za-z])")
_SPACED = re.compile(r"(?<=[0-9])[ \-](?=[0-9])")

# Personal data carried in by the requests of the scan.
IN_PHONE = "13912340001"
IN_ACTOR_PHONE = "13912340002"
IN_ID = "110101199003074514"
IN_SENDER = "阿依古丽·吐尔逊"


def _fold(text: str) -> str:
    return _SPACED.sub("", unicodedata.normalize("NFKC", text))


def _valid_id(number: str) -> bool:
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return resident_id_check_char(number[:17]) == number[17]


@dataclass
class Scan:
    """What was scanned and what was found."""

    known: set[str]
    counts: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)
    found: list[tuple[str, str, str]] = field(default_factory=list)  # source, kind, context
    errors: list[str] = field(default_factory=list)
    revealed: Counter[str] = field(default_factory=Counter)
    pdf_chars: int = 0  # the route sheets' text read, so a PDF is not scanned blind

    def text(self, source: str, kind: str, text: str) -> None:
        self.counts[kind] += 1
        folded = _fold(text)
        hits = {m.group() for m in MOBILE.finditer(folded)}
        hits |= {m.group() for m in RESIDENT_ID.finditer(folded) if _valid_id(m.group())}
        hits |= {k for k in self.known if re.search(rf"(?<![0-9A-Za-z]){k}(?![0-9A-Za-z])", folded)}
        for hit in sorted(hits):
            masked = hit[:3] + "*" * (len(hit) - 5) + hit[-2:]
            at = folded.find(hit)
            around = folded[max(0, at - 40) : at + len(hit) + 40].replace(hit, masked)
            self.found.append((source, kind, around))

    def response(self, source: str, r: Any) -> None:
        self.statuses[str(r.status_code)[0] + "xx"] += 1
        if r.status_code >= 500:
            self.errors.append(f"{source}: {r.status_code}")
        kind_of = r.headers.get("content-type", "")
        if kind_of.startswith(XLSX):
            self.text(source, "export", _xlsx_text(r.content))
        elif kind_of.startswith("application/pdf"):
            shown = _pdf_text(r.content)
            self.pdf_chars += len(shown)
            self.text(source, "export", shown)
        elif "geo+json" in kind_of or "csv" in kind_of:
            self.text(source, "export", r.text)
        elif kind_of.startswith("text/html"):
            self.text(source, "page", r.text)
        else:
            self.text(source, "answer", r.text)


def _xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        " ".join("" if v is None else str(v) for v in row)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


# the world --------------------------------------------------------------------------------
@dataclass
class World:
    app: FastAPI
    engine: Engine
    values: dict[str, str]
    waybills: list[str]
    creds: dict[str, str]


def _routes_of(app: FastAPI) -> list[tuple[str, str]]:
    try:
        from fastapi.routing import iter_route_contexts

        found = [(c.methods, c.path) for c in iter_route_contexts(app.routes)]  # type: ignore[attr-defined]
    except ImportError:
        found = [(getattr(r, "methods", None), getattr(r, "path", "")) for r in app.routes]
    return sorted({(m, p) for methods, p in found if methods for m in methods if m != "HEAD"})


def _world(tmp: Path) -> World:
    settings = Settings(database_url=f"sqlite:///{tmp / 'leak.db'}", data_key=SecretStr(KEY))
    engine = bootstrap.open_engine(settings)
    factory = bootstrap.uow_factory(engine)
    county = bootstrap.read_pack_source("heshuo")
    county_service.load_county(factory(), county)
    vault = Vault(settings.data_key_bytes())
    simulation.simulate(factory, vault, HESHUO, params_for(county), MONTH, 30, seed=9, scale=SCALE)
    day = heshuo_day(engine)
    plan = routes.plan_day(SqlUnitOfWork(engine), HESHUO, DAY, fleet_for(HESHUO),
                           PyVRPPlanner(seconds=1, max_iterations=100))  # fmt: skip
    run_id = f"SR-{HESHUO}-20261201000000-{uuid.uuid4().hex[:6]}"
    with ScenarioRunsUnitOfWork(engine) as uow:
        uow.scenario_runs.add(ScenarioRun(run_id, HESHUO, "scenarios", "queued",
                                          {"start": "2026-11-01", "days": 7}, 0, 1, "",
                                          dt.datetime.now(dt.UTC), "system"))  # fmt: skip
        uow.commit()
    for who in PEOPLE.values():
        add_user(engine, who)
    creds = {role: who.name for role, who in PEOPLE.items()} | {"carrier": add_key(engine)}
    with engine.connect() as conn:
        sample = [r[0] for r in conn.execute(select(manifest_items.c.waybill_no).limit(200))]
    values = {"code": HESHUO, "facility": "HS-STA-01", "centre_code": "HS-CENTER",
              "locker": "HS-LCK-01", "carrier": "zto", "month": "2026-11",
              "waybill_no": day[0], "plan_id": plan.plan_id, "run_id": run_id,
              "subject": "carrier:zto", "record_id": "1"}  # fmt: skip
    return World(create_app(settings, engine), engine, values, [*day[:3], *sample[::50]], creds)


def _known(engine: Engine, vault: Vault) -> set[str]:
    """Every phone and resident ID number the database holds, decrypted."""
    with engine.connect() as conn:
        phones = [vault.decrypt(p) for p in conn.execute(
            select(manifest_items.c.receiver_phone_enc)).scalars() if p]  # fmt: skip
        ids = [vault.decrypt(p) for p, kind in conn.execute(
            select(intake_records.c.id_number_enc, intake_records.c.id_type)) if p
            and kind == "resident_id"]  # fmt: skip
    return {*phones, *ids, IN_PHONE, IN_ACTOR_PHONE, IN_ID}


def _client(w: World, role: str) -> tuple[TestClient, dict[str, str]]:
    client = TestClient(w.app, follow_redirects=False, client=(f"198.51.100.{len(role)}", 5000))
    if role == "carrier":
        return client, {"X-API-Key": w.creds["carrier"]}
    if role != "anonymous":
        log_in(client, w.creds[role])
    return client, {"X-CSRF-Token": csrf_of(client.get("/login").text)}


def _carry_personal_data_in(w: World, scan: Scan) -> None:
    """Requests that bring phones and ID numbers in; their answers are scanned too."""
    client, h = _client(w, "centre_operator")
    waybill = w.waybills[0]
    event = {"event_id": str(uuid.uuid4()), "waybill_no": waybill, "carrier": "zto",
             "kind": "exception", "facility": "HS-CENTER",
             "at": dt.datetime.now(dt.UTC).isoformat(), "actor": f"王师傅 {IN_ACTOR_PHONE}",
             "payload": {"note": f"收件人电话 {IN_PHONE[:3]} {IN_PHONE[3:7]} {IN_PHONE[7:]}",
                         "receiver_phone": IN_PHONE, "id_number": IN_ID}}  # fmt: skip
    posts: list[tuple[str, dict[str, Any]]] = [
        ("/api/v1/scans", {"json": [event]}),
        ("/api/v1/consents", {"json": {"county": HESHUO, "phone": f"+86 {IN_PHONE}",
                                       "choice": "station"}}),
        ("/api/v1/manifests", {"json": {"county": HESHUO, "carrier": "zto", "items": [
            {"waybill_no": "ZT7699999999901", "receiver_name": "李四",
             "receiver_phone": f"{IN_PHONE} ext 1", "address": "和硕县新塔热乡新塔热村"}]}}),
        ("/api/v1/parcels/lookup", {"json": {"waybill_no": waybill, "phone_tail": "0003"}}),
    ]  # fmt: skip
    for url, kwargs in posts:
        r = client.post(url, headers=h, **kwargs)
        assert r.status_code == (404 if url.endswith("lookup") else 200), (url, r.text)
        scan.response(f"POST {url}", r)
    keeper, kh = _client(w, "station_keeper")
    intake = {"county": HESHUO, "facility": "HS-STA-01", "carrier": "zto",
              "waybill_no": "75012345670001", "id_type": "resident_id", "id_number": IN_ID,
              "name": IN_SENDER, "category": "dried_fruit", "description": ""}  # fmt: skip
    taken = keeper.post("/api/v1/intake", headers=kh, json=intake)
    assert taken.status_code == 201, taken.text
    scan.response("POST /api/v1/intake", taken)
    r = client.get(f"/api/v1/parcels/{IN_PHONE}", params={"phone": IN_PHONE})
    scan.response("GET /api/v1/parcels/{phone}", r)


ONCE = {"/metrics", "/healthz", "/api/v1/openapi.json", "/api/v1/docs", "/api/v1/redoc"}
"""The same for every role: asked anonymously only."""

REVEAL = "/api/v1/counties/{code}/parcels/{waybill_no}/receiver"
"""The one answer whose purpose is the receiver in full, for the roles that deliver (each read
written to the audit log, docs/operations.md): asked, and its figures counted, but not a leak.
Every other answer about the same parcels is scanned."""


UNSCANNED: set[str] = set()
"""GET routes with a path parameter the world has no value for (printed with the figures)."""


def _gets(w: World, role: str) -> Iterable[tuple[str, str]]:
    """Every GET route with real ids; parcel routes for a sample of waybills."""
    for method, path in _routes_of(w.app):
        if method != "GET" or (path in ONCE and role != "anonymous"):
            continue
        names = {n for _, n, _, _ in string.Formatter().parse(path) if n}
        if names - set(w.values):  # a route whose ids this world does not make
            UNSCANNED.add(path)
            continue
        if "{waybill_no}" in path:
            for waybill in w.waybills:
                yield path, path.format(**{**w.values, "waybill_no": waybill})
        else:
            yield path, path.format(**w.values)


def test_no_full_mobile_or_id_number_anywhere(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    w = _world(tmp_path)
    scan = Scan(_known(w.engine, Vault(KEY.encode())))
    _carry_personal_data_in(w, scan)
    scan.known = _known(w.engine, Vault(KEY.encode()))  # with the intake just taken
    roles = ["anonymous", *PEOPLE, "carrier"]
    for role in roles:
        client, headers = _client(w, role)
        for path, url in _gets(w, role):
            r = client.get(url, headers=headers)
            if path == REVEAL:
                scan.revealed[str(r.status_code)] += 1
                continue
            scan.response(f"{role} GET {path}", r)
    log = capfd.readouterr()
    lines = [line for line in (log.out + log.err).splitlines() if line.strip()]
    for i, line in enumerate(lines):
        scan.text(f"log line {i + 1}", "log line", line)
    w.engine.dispose()
    print(
        f"\nT9 leak scan: {scan.counts['answer']} API answers, {scan.counts['page']} pages, "
        f"{scan.counts['export']} exports, {scan.counts['log line']} log lines "
        f"({dict(scan.statuses)}); {len(scan.known)} known numbers; {len(scan.found)} found; "
        f"receiver reveals asked (not scanned): {dict(scan.revealed)}; "
        f"routes without ids here: {sorted(UNSCANNED)}"
    )
    assert scan.counts["page"] > 50 and scan.counts["export"] >= 5
    assert sum(scan.revealed.values()) > 0 and scan.pdf_chars > 1000 and scan.errors == []
    assert scan.found == []
