"""T1 crash safety (issue 11): kill -9 the ingest at random moments during a long upload.

A device uploads N scan events in chunks and retries a chunk until it is acknowledged, as
a PDA does. The ingest is killed with SIGKILL at random moments, in two ways:

* ``cli``: each chunk is a JSON Lines file given to ``countyexpress scans ingest FILE
  --json`` in a subprocess; the kill lands between the process's start-up (measured on an
  empty file) and the end of an undisturbed ingest of a chunk, i.e. mostly inside the
  transaction;
* ``http``: a real ``countyexpress serve`` (uvicorn) takes ``POST /api/v1/scans`` from a
  logged-in centre operator; the server is killed while a request is in flight and started
  again (as systemd would), and the device retries.

At the end, on SQLite and on a real PostgreSQL:

* every event of the upload is in the ledger exactly once, with its digest (no
  acknowledged event lost, none duplicated, nothing foreign);
* every acknowledged answer is all or nothing (accepted + duplicates = the chunk, either
  all accepted or all duplicates: the killed attempt committed wholly or not at all);
* ``PRAGMA integrity_check`` is ``ok`` (SQLite);
* every parcel's projection row equals a replay from scratch: ``lifecycle.derive`` over
  the parcel's stored events, and over the events as generated.

    uv run python benchmarks/reliability/crash.py                  # 20,000 events, 100 kills
    uv run python benchmarks/reliability/crash.py --events 2000 --kills 10 --backends sqlite

writes results/crash.json and crash.md (with the machine record) unless ``--no-write``.
PostgreSQL runs as the ``postgres`` user when we are root (tests/support/postgres.py); its
server is never killed, only the client (CLI or uvicorn), so its fsync=off tuning does not
matter here.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, text

from countyexpress import bootstrap
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.domain.access import SYSTEM, Role
from countyexpress.domain.lifecycle import ParcelSummary, derive
from countyexpress.services import accounts
from countyexpress.services import counties as county_service
from countyexpress.services.scans import event_from_record
from countyexpress.settings import Settings

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(ROOT / "tests"))
from machine import machine  # noqa: E402

COUNTY = "652828"
CENTRE = "HS-CENTER"
OPERATOR = "crash-operator"
PASSWORD = "a long crash-test password"
SECRET = "crash-benchmark-secret-key-0123456789abcdef"
DATA_KEY = "crash-benchmark-data-key-0123456789abcdefgh"
CLI = Path(sys.executable).parent / "countyexpress"
UTC8 = dt.timezone(dt.timedelta(hours=8))


# -- the upload ------------------------------------------------------------------------------


def generate_events(n: int, seed: int, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """About `n` scan events of Heshuo parcels as devices send them, over the last three days.

    Each parcel goes centre (arrive, sort, depart) → village station (arrive, store), most
    are then picked up, a few get an exception scan. Parcels of the pack's carriers. The
    upload order follows the device clocks with up to two hours of jitter, so some parcels'
    later scans come before their earlier ones (late uploads, which replay the parcel)."""
    rnd = random.Random(seed)
    now = (now or dt.datetime.now(UTC8)).astimezone(UTC8)
    stations = [f"HS-STA-{i:02d}" for i in range(1, 21)]
    carriers = ["zto", "yto", "ems", "sf", "sto", "yunda", "jt"]
    events: list[tuple[float, dict[str, Any]]] = []
    p = 0
    while len(events) < n:
        station = rnd.choice(stations)
        carrier = rnd.choice(carriers)
        waybill = f"{carrier.upper()[:2]}73{seed % 100:02d}{p:09d}"
        start = now - dt.timedelta(hours=rnd.uniform(8, 72))
        kinds = [("arrive", CENTRE), ("sort", CENTRE), ("depart", CENTRE),
                 ("arrive", station), ("store", station)]  # fmt: skip
        luck = rnd.random()
        if luck < 0.65:
            kinds.append(("pickup", station))
        elif luck < 0.70:
            kinds.append(("exception", station))
        at = start
        for kind, facility in kinds:
            at += dt.timedelta(minutes=rnd.randint(10, 90))
            record = {
                "event_id": str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
                "waybill_no": waybill,
                "carrier": carrier,
                "kind": kind,
                "facility": facility,
                "at": at.isoformat(timespec="seconds"),
                "actor": f"PDA-{facility}-{rnd.randint(1, 3)}",
            }
            if kind == "exception":
                record["payload"] = {"reason": "damaged"}
            sent = at.timestamp() + rnd.uniform(0, 7200)
            events.append((sent, record))
        p += 1
    events.sort(key=lambda pair: pair[0])
    return [record for _, record in events[:n]]


def carriers_of_pack() -> set[str]:
    county = bootstrap.read_pack_source("heshuo")
    return {c.code for c in county.carriers}


def chunks(events: Sequence[dict[str, Any]], size: int) -> list[list[dict[str, Any]]]:
    return [list(events[i : i + size]) for i in range(0, len(events), size)]


# -- the databases ---------------------------------------------------------------------------


def prepare(url: str) -> Engine:
    """A migrated database with the Heshuo pack and a centre operator."""
    engine = bootstrap.open_engine(Settings(database_url=url))
    county_service.load_county(SqlUnitOfWork(engine), bootstrap.read_pack_source("heshuo"))
    accounts.create_user(
        SqlUnitOfWork(engine), SYSTEM, OPERATOR, PASSWORD, Role.CENTRE_OPERATOR, county=COUNTY
    )
    return engine


def env_for(url: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COUNTYEXPRESS_")}
    env.update(
        COUNTYEXPRESS_DATABASE_URL=url,
        COUNTYEXPRESS_DATA_DIR=str(data_dir),
        COUNTYEXPRESS_SECRET_KEY=SECRET,
        COUNTYEXPRESS_DATA_KEY=DATA_KEY,
        COUNTYEXPRESS_LOG_LEVEL="WARNING",
    )
    return env


# -- the device and the killer ---------------------------------------------------------------


@dataclass
class Run:
    """What one upload under kills did."""

    transport: str
    events: int
    chunk_size: int
    kills_planned: int
    kills: int = 0
    missed_kills: int = 0  # the attempt had finished before the kill came
    attempts: int = 0
    killed_before_commit: int = 0  # the retry accepted the whole chunk
    killed_after_commit: int = 0  # the retry found the whole chunk already stored
    killed_after_answer: int = 0  # the answer had come back (http: an idle server killed)
    partial: list[dict[str, Any]] = field(default_factory=list)  # must stay empty
    refused: list[Any] = field(default_factory=list)  # must stay empty
    attempt_seconds: list[float] = field(default_factory=list)
    kill_delays: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def judge(self, chunk: list[dict[str, Any]], answer: dict[str, Any], killed: int) -> None:
        """An acknowledged answer to a chunk: all or nothing, and which side of the commit
        the kills before it fell on."""
        n = len(chunk)
        if answer["rejected"]:
            self.refused.extend(answer["rejected"][:3])
        if answer["accepted"] + answer["duplicates"] != n or answer["accepted"] not in (0, n):
            self.partial.append({k: answer[k] for k in ("accepted", "duplicates")} | {"n": n})
        if killed:
            if answer["duplicates"] == n:
                self.killed_after_commit += 1
                self.killed_before_commit += killed - 1
            else:
                self.killed_before_commit += killed

    def summary(self) -> dict[str, Any]:
        out = {
            k: v for k, v in self.__dict__.items() if k not in ("attempt_seconds", "kill_delays")
        }
        if self.attempt_seconds:
            out["attempt_seconds_median"] = round(statistics.median(self.attempt_seconds), 3)
        if self.kill_delays:
            out["kill_delay_seconds_range"] = [
                round(min(self.kill_delays), 3), round(max(self.kill_delays), 3)
            ]  # fmt: skip
        out["seconds"] = round(self.seconds, 1)
        return out


def spread(kills: int, n_chunks: int, rnd: random.Random) -> list[int]:
    """How many kills each chunk's upload gets, the moments drawn at random."""
    plan = [0] * n_chunks
    for _ in range(kills):
        plan[rnd.randrange(n_chunks)] += 1
    return plan


def _write_jsonl(path: Path, records: Sequence[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


def _cli_once(file: Path, env: dict[str, str], kill_after: float | None) -> tuple[Any, float]:
    """One `scans ingest` process; its JSON answer, or None when it was killed."""
    t = time.perf_counter()
    proc = subprocess.Popen(
        [str(CLI), "scans", "ingest", str(file), "--json"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    if kill_after is not None:
        try:
            proc.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
            return None, time.perf_counter() - t
    out, err = proc.communicate()
    elapsed = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(f"scans ingest failed ({proc.returncode}): {err[-2000:]}")
    return json.loads(out.strip().splitlines()[-1]), elapsed


def run_cli(url: str, events: Sequence[dict[str, Any]], kills: int, chunk_size: int,
            rnd: random.Random, folder: Path) -> Run:  # fmt: skip
    """Upload through `countyexpress scans ingest`, killing the process `kills` times."""
    env = env_for(url, folder / "data")
    run = Run("cli", len(events), chunk_size, kills)
    empty = folder / "empty.jsonl"
    empty.write_text("")
    startup = statistics.median(_cli_once(empty, env, None)[1] for _ in range(3))
    parts = chunks(events, chunk_size)
    plan = spread(kills, len(parts), rnd)
    t0 = time.perf_counter()
    undisturbed: list[float] = []
    carry = 0  # kills not yet done: the first chunk's, and those that came too late
    for i, part in enumerate(parts):
        file = folder / f"chunk{i:04d}.jsonl"
        _write_jsonl(file, part)
        todo, carry, killed = plan[i] + carry, 0, 0
        if not undisturbed:  # the first attempt of the upload measures a whole ingest
            todo, carry = 0, todo
        last = i == len(parts) - 1
        while True:
            run.attempts += 1
            delay = None
            if todo:
                span = statistics.median(undisturbed)
                delay = rnd.uniform(0.8 * startup, max(span, startup))
                run.kill_delays.append(delay)
            answer, elapsed = _cli_once(file, env, delay)
            if answer is None:
                run.kills += 1
                killed += 1
                todo -= 1
                continue
            if delay is not None:
                run.missed_kills += 1
            else:
                undisturbed.append(elapsed)
            run.attempt_seconds.append(elapsed)
            run.judge(part, answer, killed)
            killed = 0
            if last and (todo or carry):  # the device sends the last chunk again
                todo += carry
                carry = 0
                continue
            carry += todo
            break
    run.seconds = time.perf_counter() - t0
    return run


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    """A `countyexpress serve` process that can be killed and started again."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [str(CLI), "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--no-prepare", "--no-demo"],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                raise RuntimeError(f"the server stopped ({self.proc.returncode}): {err[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.base + "/healthz", timeout=2).status_code == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError("the server did not answer /healthz within 120 s")

    def kill(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
            if self.proc.stderr:
                self.proc.stderr.close()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


def log_in(client: httpx.Client) -> str:
    """Log the device in as the centre operator; its CSRF token for API posts."""
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the log-in page"
    r = client.post("/login", data={"username": OPERATOR, "password": PASSWORD,
                                    "csrf_token": token.group(1)})  # fmt: skip
    assert r.status_code == 303, f"log-in failed: {r.status_code} {r.text[:200]}"
    again = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    return again.group(1) if again else token.group(1)


def _post(client: httpx.Client, part: list[dict[str, Any]], csrf: str) -> dict[str, Any] | None:
    """The server's answer to a chunk, None when the connection broke."""
    try:
        r = client.post("/api/v1/scans", json=part, headers={"X-CSRF-Token": csrf})
    except httpx.TransportError:
        return None
    if r.status_code != 200:
        raise RuntimeError(f"POST /api/v1/scans: {r.status_code} {r.text[:2000]}")
    answer: dict[str, Any] = r.json()
    return answer


def run_http(url: str, events: Sequence[dict[str, Any]], kills: int, chunk_size: int,
             rnd: random.Random, folder: Path) -> Run:  # fmt: skip
    """Upload through POST /api/v1/scans of a real uvicorn, killing the server `kills`
    times while a request is in flight; it is started again after each kill."""
    env = env_for(url, folder / "data")
    run = Run("http", len(events), chunk_size, kills)
    server = Server(env)
    server.start()
    parts = chunks(events, chunk_size)
    plan = spread(kills, len(parts), rnd)
    undisturbed: list[float] = []
    t0 = time.perf_counter()
    try:
        with httpx.Client(base_url=server.base, timeout=600, follow_redirects=False) as client:
            csrf = log_in(client)
            carry = 0
            for i, part in enumerate(parts):
                todo, carry, killed = plan[i] + carry, 0, 0
                if not undisturbed:
                    todo, carry = 0, todo
                last = i == len(parts) - 1
                while True:
                    run.attempts += 1
                    timer = None
                    if todo:
                        delay = rnd.uniform(0, statistics.median(undisturbed))
                        run.kill_delays.append(delay)
                        timer = threading.Timer(delay, server.kill)
                        timer.start()
                    t = time.perf_counter()
                    answer = _post(client, part, csrf)
                    elapsed = time.perf_counter() - t
                    if timer is not None:
                        timer.cancel()
                        timer.join()
                    if not server.alive():  # killed, in flight or just after answering
                        run.kills += 1
                        todo -= 1
                        if answer is None:
                            killed += 1
                        else:
                            run.killed_after_answer += 1
                        server.kill()
                        server.start()  # as systemd's Restart=always would
                    elif timer is not None:
                        run.missed_kills += 1
                    if answer is None:
                        continue  # the device retries the chunk
                    if timer is None:
                        undisturbed.append(elapsed)
                    run.attempt_seconds.append(elapsed)
                    run.judge(part, answer, killed)
                    killed = 0
                    if last and (todo or carry):
                        todo += carry
                        carry = 0
                        continue
                    carry += todo
                    break
    finally:
        server.kill()
    run.seconds = time.perf_counter() - t0
    return run


# -- the checks ------------------------------------------------------------------------------


def verify(engine: Engine, events: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The ledger against the upload, the projection against a replay from scratch."""
    expected = {r["event_id"]: event_from_record(r) for r in events}
    by_parcel: dict[str, list[Any]] = {}
    for e in expected.values():
        by_parcel.setdefault(e.waybill_no, []).append(e)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT event_id, fingerprint FROM scan_events WHERE county_code = :c"),
            {"c": COUNTY},
        ).all()
        integrity = None
        if engine.dialect.name == "sqlite":
            integrity = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
        parcel_rows = conn.execute(
            text("SELECT count(*) FROM parcels WHERE county_code = :c"), {"c": COUNTY}
        ).scalar_one()
    stored = [r[0] for r in rows]
    stored_set = set(stored)
    lost = sorted(set(expected) - stored_set)
    foreign = sorted(stored_set - set(expected))
    duplicated = len(stored) - len(stored_set)
    digests = {r[0]: r[1] for r in rows}
    wrong_digest = [
        i for i, e in expected.items() if i in digests and digests[i] != e.fingerprint()
    ]
    waybills = sorted(by_parcel)
    uow = SqlUnitOfWork(engine)
    with uow:
        projection = uow.ledger.summaries(COUNTY, waybills)
        ledger = uow.ledger.events_of(COUNTY, waybills)
    unlike_ledger = [w for w in waybills
                     if projection.get(w) != ParcelSummary.of(derive(w, ledger[w]))]  # fmt: skip
    unlike_upload = [w for w in waybills
                     if projection.get(w) != ParcelSummary.of(derive(w, by_parcel[w]))]  # fmt: skip
    states: dict[str, int] = {}
    for s in projection.values():
        states[s.state.value] = states.get(s.state.value, 0) + 1
    ok = (not lost and not foreign and not duplicated and not wrong_digest and not unlike_ledger
          and not unlike_upload and parcel_rows == len(waybills)
          and (integrity is None or integrity == ["ok"]))  # fmt: skip
    return {
        "ok": ok,
        "events_uploaded": len(expected),
        "events_stored": len(stored),
        "lost": lost[:10],
        "lost_count": len(lost),
        "foreign_count": len(foreign),
        "duplicated": duplicated,
        "wrong_digest": len(wrong_digest),
        "parcels": len(waybills),
        "projection_rows": parcel_rows,
        "projection_unlike_replay_of_ledger": unlike_ledger[:10],
        "projection_unlike_replay_of_upload": unlike_upload[:10],
        "states": dict(sorted(states.items())),
        "integrity_check": integrity,
    }


# -- one backend, one transport --------------------------------------------------------------


@contextlib.contextmanager
def database(backend: str, name: str, folder: Path, pg: Any) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / (name + '.db')}"
        return
    url = pg.create_database(name)
    try:
        yield url
    finally:
        pg.drop_database(name)


def crash_run(backend: str, transport: str, n_events: int, kills: int, chunk_size: int,
              seed: int, pg: Any = None) -> dict[str, Any]:  # fmt: skip
    """One upload of `n_events` under `kills` kills; its figures and its checks."""
    rnd = random.Random(seed)
    events = generate_events(n_events, seed)
    known = carriers_of_pack()
    assert {r["carrier"] for r in events} <= known, "a carrier the pack does not have"
    with tempfile.TemporaryDirectory(prefix="crash-") as tmp:
        folder = Path(tmp)
        (folder / "data").mkdir()
        with database(backend, f"crash_{transport}_{seed}", folder, pg) as url:
            engine = prepare(url)
            try:
                runner = run_cli if transport == "cli" else run_http
                run = runner(url, events, kills, chunk_size, rnd, folder)
                checks = verify(engine, events)
            finally:
                engine.dispose()
    ok = checks["ok"] and not run.partial and not run.refused and run.kills == kills
    return {"backend": backend, "transport": transport, "seed": seed, "ok": ok,
            "run": run.summary(), "checks": checks}  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=20_000)
    ap.add_argument("--kills", type=int, default=100)
    ap.add_argument("--chunk", type=int, default=1_000, help="events per upload (≤ 5,000)")
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--transports", default="cli,http")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--out", default="crash")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    started = machine(("countyexpress", "sqlalchemy", "psycopg", "uvicorn"))
    results = []
    pg = None
    with contextlib.ExitStack() as stack:
        for backend in args.backends.split(","):
            if backend == "postgresql" and pg is None:
                from support.postgres import PostgresServer

                pg = stack.enter_context(PostgresServer())
            for transport in args.transports.split(","):
                r = crash_run(backend, transport, args.events, args.kills, args.chunk,
                              args.seed, pg)  # fmt: skip
                results.append(r)
                print(json.dumps({k: r[k] for k in ("backend", "transport", "ok")}
                                 | {"kills": r["run"]["kills"]}), flush=True)  # fmt: skip
    out = {"machine": started, "commit": commit(), "load_average_at_end": os.getloadavg(),
           "runs": results}  # fmt: skip
    if not args.no_write:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"{args.out}.json").write_text(
            json.dumps(out, indent=2, ensure_ascii=False) + "\n"
        )
        (RESULTS / f"{args.out}.md").write_text(report(out))
    print(report(out))
    return 0 if all(r["ok"] for r in results) else 1


def commit() -> str:
    """The commit measured: git's HEAD, or BENCH_COMMIT for a copy made with git archive."""
    given = os.environ.get("BENCH_COMMIT")
    if given:
        return given
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def report(out: dict[str, Any]) -> str:
    m = out["machine"]
    lines = [
        "# Crash safety (T1): kill -9 during ingest",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}, SQLite {m['sqlite']}, "
        f"{m['date']}, commit {out['commit'][:10]}; load average at start "
        f"{m['load_average']}, at end "
        f"{[round(x, 2) for x in out['load_average_at_end']]} (shared machine).",
        "",
        "| database | transport | events | kills | killed before / after commit | attempts "
        "| lost | duplicated | partial answers | integrity | projection = replay | result |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in out["runs"]:
        run, c = r["run"], r["checks"]
        same = (
            not c["projection_unlike_replay_of_ledger"]
            and not c["projection_unlike_replay_of_upload"]
        )
        integrity = "n/a" if c["integrity_check"] is None else ",".join(c["integrity_check"])
        lines.append(
            f"| {r['backend']} | {r['transport']} | {c['events_uploaded']:,} | {run['kills']} "
            f"| {run['killed_before_commit']} / {run['killed_after_commit']} | {run['attempts']} "
            f"| {c['lost_count']} | {c['duplicated']} | {len(run['partial'])} | {integrity} "
            f"| {'yes' if same else 'NO'} ({c['parcels']:,} parcels) "
            f"| {'ok' if r['ok'] else 'FAILED'} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
