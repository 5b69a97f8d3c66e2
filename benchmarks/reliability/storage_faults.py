"""T4 storage failure (issue 11) on a real server and a real disk: `countyexpress serve`
(uvicorn) on a SQLite database kept on a small ext4 file system (a loop device) that is
really filled to ENOSPC, then made read-only (`chattr +i`, which stops root too), while a
centre operator uploads scan batches and a carrier's system uploads manifests over HTTP.

Rules checked (the fast version is tests/e2e/test_storage_failure_harness.py, with
SQLite's page limit for the full disk, which needs no root):

* no 2xx for anything not committed: after the faults, the ledger and the manifest table
  hold exactly the ids of the acknowledged uploads, nothing of a refused one;
* during a fault each refused upload answers 503 with Retry-After, and /healthz 503;
* when the fault clears /healthz is 200 again and every refused upload, sent again, is taken;
* `PRAGMA integrity_check` is ok.

    sudo uv run python benchmarks/reliability/storage_faults.py            # 3 rounds
    uv run python benchmarks/reliability/storage_faults.py --rounds 1 --no-write

Needs root (a loop mount, chattr). Writes results/storage_faults.json and .md unless --no-write.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from countyexpress import bootstrap
from countyexpress.adapters.db.tables_ledger import scan_events
from countyexpress.adapters.db.tables_ops import manifest_items
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.domain.access import SYSTEM, Role
from countyexpress.services import accounts, counties
from countyexpress.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from machine import machine

HERE = Path(__file__).resolve().parent
PASSWORD = "a long benchmark password"
EVENTS_PER_BATCH = 40
ITEMS_PER_MANIFEST = 10


@dataclass
class Upload:
    path: str
    body: Any
    ids: list[str]
    scans: bool


@dataclass
class Tally:
    requests: int = 0
    answers: dict[str, int] = field(default_factory=dict)
    acknowledged: set[str] = field(default_factory=set)
    refused: list[Upload] = field(default_factory=list)
    without_retry_after: int = 0
    healthz: list[int] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        return {"requests": self.requests, "answers": self.answers,
                "acknowledged_ids": len(self.acknowledged), "healthz": self.healthz,
                "503_without_retry_after": self.without_retry_after}  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def small_disk(size_mib: int) -> Iterator[Path]:
    """A real ext4 file system of `size_mib` MiB on a loop device, mounted in a temporary
    folder: it fills up for real (ENOSPC) and keeps the immutable attribute (chattr +i)."""
    work = Path(tempfile.mkdtemp(prefix="t4-disk-"))
    image, folder = work / "disk.ext4", work / "mnt"
    folder.mkdir()
    with image.open("wb") as fh:
        fh.truncate(size_mib << 20)
    subprocess.run(["mkfs.ext4", "-q", "-F", "-m", "0", str(image)], check=True)
    subprocess.run(["mount", "-o", "loop", str(image), str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["chattr", "-R", "-i", str(folder)], capture_output=True)
        subprocess.run(["umount", str(folder)], check=False)
        image.unlink()
        folder.rmdir()
        work.rmdir()


def immutable(paths: list[Path], on: bool) -> None:
    subprocess.run(["chattr", "+i" if on else "-i", *map(str, paths)], check=True)


def fill(folder: Path) -> Path:
    """Write a filler file until the disk says ENOSPC (1 MiB pieces, then 4 KiB ones)."""
    filler = folder / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for size in (1 << 20, 4096, 512):
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * size)
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)
    return filler


class Client:
    def __init__(self, base: str, key: str) -> None:
        self.centre = httpx.Client(base_url=base, timeout=60)
        page = self.centre.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token
        r = self.centre.post("/login", data={"username": "centre", "password": PASSWORD,
                                             "csrf_token": token.group(1)})  # fmt: skip
        assert r.status_code in (200, 303), r.status_code
        login = re.search(r'name="csrf_token" value="([^"]+)"', self.centre.get("/login").text)
        assert login
        self.csrf = {"X-CSRF-Token": login.group(1)}
        self.carrier = httpx.Client(base_url=base, timeout=60, headers={"X-API-Key": key})
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
        tally.answers[str(r.status_code)] = tally.answers.get(str(r.status_code), 0) + 1
        if 200 <= r.status_code < 300:
            assert r.json()["accepted"] == len(upload.ids), r.text
            tally.acknowledged.update(upload.ids)
        else:
            assert r.status_code == 503, (r.status_code, r.text)
            tally.without_retry_after += "retry-after" not in r.headers
            tally.refused.append(upload)
        return r.status_code

    def phase(self, tally: Tally, batches: int) -> None:
        tally.healthz.append(self.centre.get("/healthz").status_code)
        for i in range(batches):
            self.send(self.scans() if i % 3 else self.manifest(), tally)
        tally.healthz.append(self.centre.get("/healthz").status_code)


def prepare(database: Path) -> tuple[Settings, str]:
    settings = Settings(database_url=f"sqlite:///{database}", environment="test")
    engine = bootstrap.open_engine(settings)
    counties.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo"))
    accounts.create_user(SqlUnitOfWork(engine), SYSTEM, "centre", PASSWORD,
                         Role.CENTRE_OPERATOR, county="652828")  # fmt: skip
    key, _ = accounts.create_api_key(SqlUnitOfWork(engine), SYSTEM, "zto", county="652828")
    engine.dispose()
    return settings, key


def stored(database: Path) -> tuple[set[str], str]:
    engine = bootstrap.open_engine(Settings(database_url=f"sqlite:///{database}"))
    with engine.connect() as conn:
        ids = set(conn.scalars(select(scan_events.c.event_id)))
        ids |= set(conn.scalars(select(manifest_items.c.waybill_no)))
        check = str(conn.exec_driver_sql("PRAGMA integrity_check").scalar_one())
    engine.dispose()
    return ids, check


def run_round(batches: int, size_mib: int) -> dict[str, Any]:
    with small_disk(size_mib) as disk:
        database = disk / "data" / "t4.db"
        settings, key = prepare(database)
        port = _free_port()
        env = {**os.environ, "COUNTYEXPRESS_DATABASE_URL": settings.database_url,
               "COUNTYEXPRESS_ENVIRONMENT": "test",
               "COUNTYEXPRESS_DATA_DIR": str(disk / "keys")}  # fmt: skip
        log_path = Path(tempfile.mkstemp(prefix="t4-server-", suffix=".log")[1])
        log = log_path.open("wb")
        server = subprocess.Popen(
            [sys.executable, "-m", "countyexpress.entrypoints.cli", "serve", "--port", str(port),
             "--no-demo"], env=env, stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                assert server.poll() is None and time.monotonic() < deadline, "no server"
                time.sleep(0.2)
            client = Client(base, key)
            phases = {"before": Tally(), "disk full": Tally(), "read-only": Tally()}
            client.phase(phases["before"], batches)
            filler = fill(disk)
            client.phase(phases["disk full"], batches)
            filler.unlink()
            cleared_full = client.centre.get("/healthz").status_code
            files = [p for p in (database, Path(f"{database}-wal")) if p.exists()]
            immutable([*files, database.parent], True)
            try:
                client.phase(phases["read-only"], batches)
            finally:
                immutable([*files, database.parent], False)
            cleared_ro = client.centre.get("/healthz").status_code
            acknowledged = set().union(*(t.acknowledged for t in phases.values()))
            ids, _ = stored(database)
            exact_after_faults = ids == acknowledged
            again = Tally()
            for upload in [u for t in phases.values() for u in t.refused]:
                client.send(upload, again)
            ids, integrity = stored(database)
            everything = acknowledged | again.acknowledged
        finally:
            server.terminate()
            server.wait(timeout=20)
            log.close()
        tracebacks = log_path.read_text(errors="replace").count("Traceback (most recent")
        log_path.unlink()
        return {
            "phases": {name: t.record() for name, t in phases.items()},
            "sent_again": again.record(),
            "healthz_after_full_cleared": cleared_full,
            "healthz_after_read_only_cleared": cleared_ro,
            "stored_equals_acknowledged_after_faults": exact_after_faults,
            "stored_equals_acknowledged_in_the_end": ids == everything,
            "stored_ids": len(ids),
            "acknowledged_ids": len(everything),
            "integrity_check": integrity,
            "plain_text_tracebacks_in_server_log": tracebacks,
        }


def summary(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    def total(phase: str, key: str) -> int:
        return sum(int(r["phases"][phase]["answers"].get(key, 0)) for r in rounds)

    return {
        "rounds": len(rounds),
        "requests": sum(r["phases"][p]["requests"] for r in rounds for p in r["phases"])
        + sum(r["sent_again"]["requests"] for r in rounds),
        "503_during_faults": total("disk full", "503") + total("read-only", "503"),
        "2xx_during_faults": sum(total(p, "200") for p in ("disk full", "read-only")),
        "other_during_faults": sum(
            n
            for r in rounds
            for p in ("disk full", "read-only")
            for k, n in r["phases"][p]["answers"].items()
            if k not in ("200", "503")
        ),
        "acknowledged_ids": sum(r["acknowledged_ids"] for r in rounds),
        "stored_ids": sum(r["stored_ids"] for r in rounds),
        "all_rules_held": all(
            r["stored_equals_acknowledged_after_faults"]
            and r["stored_equals_acknowledged_in_the_end"]
            and r["integrity_check"] == "ok"
            and r["healthz_after_full_cleared"] == 200
            and r["healthz_after_read_only_cleared"] == 200
            and all(r["phases"][p]["healthz"] == [503, 503] for p in ("disk full", "read-only"))
            and all(t["503_without_retry_after"] == 0 for t in r["phases"].values())
            and all(k == "200" for k in r["sent_again"]["answers"])
            and r["plain_text_tracebacks_in_server_log"] == 0
            for r in rounds
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batches", type=int, default=30, help="uploads per phase")
    parser.add_argument("--disk-mib", type=int, default=64)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("T4 on a real disk needs root (a loop mount, chattr +i)")
    rounds = [run_round(args.batches, args.disk_mib) for _ in range(args.rounds)]
    result = {"machine": machine(), "settings": vars(args), "summary": summary(rounds),
              "rounds": rounds}  # fmt: skip
    print(json.dumps(result["summary"], indent=2))
    if args.no_write:
        print(json.dumps(rounds, indent=1))
    if not args.no_write:
        out = HERE / "results"
        out.mkdir(exist_ok=True)
        (out / "storage_faults.json").write_text(json.dumps(result, indent=2) + "\n")
        s = result["summary"]
        (out / "storage_faults.md").write_text(
            f"# T4 storage failure, {s['rounds']} rounds ({result['machine']['date']})\n\n"
            f"- requests: {s['requests']}; during the faults {s['503_during_faults']} × 503, "
            f"{s['2xx_during_faults']} × 2xx, {s['other_during_faults']} other\n"
            f"- ids acknowledged {s['acknowledged_ids']}, stored {s['stored_ids']}\n"
            f"- every rule held: {s['all_rules_held']}\n"
        )
    if not result["summary"]["all_rules_held"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
