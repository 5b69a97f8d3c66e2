"""T4, storage failure (issue 11): uploads of scans and manifests over HTTP while the
database is full, then read-only, then healthy again; real faults, no mocks (see
support/faults.py). The rules held:

* no 2xx for anything not committed: once the faults clear, the ledger holds exactly the
  events of the acknowledged uploads, and the manifest table exactly their parcels (nothing
  of a refused upload is half-written);
* during a fault every upload that was not committed answers 503 with Retry-After, and the
  health check says unhealthy;
* when the fault clears, the refused uploads sent again are all taken.

The figures (requests, 503s, acknowledged and stored events) are printed and kept in
docs/operations.md, "Reliability".
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from countyexpress import bootstrap
from countyexpress.adapters.db.tables_ledger import scan_events
from countyexpress.adapters.db.tables_ops import manifest_items
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties
from countyexpress.settings import Settings
from support.faults import SqliteDiskFull, read_only, read_only_supported
from support.web import PEOPLE, add_key, add_user, csrf_of, log_in

BATCHES_PER_PHASE = 12
EVENTS_PER_BATCH = 40
ITEMS_PER_MANIFEST = 10


@dataclass
class Upload:
    """One request: its path, its body and the ids it carries."""

    path: str
    body: Any
    ids: list[str]
    scans: bool


@dataclass
class Tally:
    """What the clients saw."""

    requests: int = 0
    answers: dict[int, int] = field(default_factory=dict)
    acknowledged: set[str] = field(default_factory=set)
    refused: list[Upload] = field(default_factory=list)
    without_retry_after: int = 0


class Harness:
    def __init__(self, tmp_path: Path) -> None:
        self.database = tmp_path / "db" / "t4.db"
        settings = Settings(database_url=f"sqlite:///{self.database}")
        self.engine: Engine = bootstrap.open_engine(settings)
        counties.load_county(bootstrap.uow_factory(engine := self.engine)(),
                             bootstrap.read_pack_source("heshuo"))  # fmt: skip
        add_user(engine, PEOPLE["centre_operator"])
        self.key = add_key(engine, "zto")
        self.disk = SqliteDiskFull(engine)
        self.app = create_app(settings, engine)
        self.centre = TestClient(self.app)
        log_in(self.centre, PEOPLE["centre_operator"].name)
        self.csrf = {"X-CSRF-Token": csrf_of(self.centre.get("/login").text)}
        self.carrier = TestClient(self.app, headers={"X-API-Key": self.key})
        self.serial = 0

    def scans(self) -> Upload:
        at = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=20)).isoformat()
        events = []
        for _ in range(EVENTS_PER_BATCH):
            self.serial += 1
            events.append({"event_id": str(uuid.uuid4()), "waybill_no": f"ZT76{self.serial:011d}",
                           "carrier": "zto", "kind": "arrive", "facility": "HS-CENTER", "at": at,
                           "payload": {"bag": "B" * 120}})  # fmt: skip
        return Upload("/api/v1/scans", events, [str(e["event_id"]) for e in events], True)

    def manifest(self) -> Upload:
        items = []
        for _ in range(ITEMS_PER_MANIFEST):
            self.serial += 1
            items.append({"waybill_no": f"ZT77{self.serial:011d}", "receiver_name": "马丽",
                          "receiver_phone": "13512345678",
                          "address": "和硕县乌什塔拉回族乡大庄子村7号"})  # fmt: skip
        return Upload("/api/v1/manifests", {"county": "652828", "items": items},
                      [str(i["waybill_no"]) for i in items], False)  # fmt: skip

    def send(self, upload: Upload, tally: Tally) -> int:
        if upload.scans:
            r = self.centre.post(upload.path, json=upload.body, headers=self.csrf)
        else:
            r = self.carrier.post(upload.path, json=upload.body)
        tally.requests += 1
        tally.answers[r.status_code] = tally.answers.get(r.status_code, 0) + 1
        if 200 <= r.status_code < 300:
            taken = r.json()["accepted"]
            assert taken == len(upload.ids), r.text
            tally.acknowledged.update(upload.ids)
        else:
            assert r.status_code == 503, r.text
            tally.without_retry_after += "retry-after" not in r.headers
            tally.refused.append(upload)
        return r.status_code

    def phase(self, tally: Tally) -> None:
        for i in range(BATCHES_PER_PHASE):
            self.send(self.scans() if i % 3 else self.manifest(), tally)

    def stored(self) -> set[str]:
        with self.engine.connect() as conn:
            events = set(conn.scalars(select(scan_events.c.event_id)))
            parcels = set(conn.scalars(select(manifest_items.c.waybill_no)))
        return events | parcels

    def healthy(self) -> int:
        return self.centre.get("/healthz").status_code


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Harness]:
    h = Harness(tmp_path)
    yield h
    h.engine.dispose()


def _integrity(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.exec_driver_sql("PRAGMA integrity_check").scalar_one())


def test_t4_uploads_through_a_full_and_a_read_only_database(harness: Harness) -> None:
    """Full, then read-only: 503s with Retry-After, unhealthy, nothing half-written, and
    every refused upload taken once the fault clears."""
    before, full, readonly = Tally(), Tally(), Tally()
    harness.phase(before)
    assert before.answers == {200: BATCHES_PER_PHASE}

    harness.disk.fill()
    assert harness.healthy() == 503
    harness.phase(full)
    harness.disk.clear()
    assert harness.healthy() == 200
    assert harness.stored() == before.acknowledged | full.acknowledged

    phases = [before, full]
    if read_only_supported(harness.database.parent):
        with read_only(harness.database):
            assert harness.healthy() == 503
            harness.phase(readonly)
        assert harness.healthy() == 200
        phases.append(readonly)
        assert readonly.answers == {503: BATCHES_PER_PHASE}
    acknowledged = set().union(*(t.acknowledged for t in phases))
    assert harness.stored() == acknowledged  # no 2xx without a commit, nothing half-written
    assert _integrity(harness.engine) == "ok"
    assert full.answers.get(503, 0) > 0
    assert all(t.without_retry_after == 0 for t in phases)

    again = Tally()
    for upload in [u for t in phases for u in t.refused]:
        assert harness.send(upload, again) == 200  # recovery: the same uploads, now taken
    assert harness.stored() == acknowledged | again.acknowledged
    with harness.engine.connect() as conn:
        events = conn.scalar(select(func.count()).select_from(scan_events))
    for name, t in (("before", before), ("full", full), ("read-only", readonly),
                    ("sent again", again)):  # fmt: skip
        print(f"T4 {name}: {t.requests} requests, answers {t.answers}, "
              f"{len(t.acknowledged)} ids acknowledged")  # fmt: skip
    print(f"T4 stored: {len(harness.stored())} ids ({events} events), "
          f"acknowledged {len(acknowledged | again.acknowledged)}")  # fmt: skip
