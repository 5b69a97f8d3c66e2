"""A throwaway PostgreSQL server for the storage tests.

The server lives in a private temporary folder, listens on 127.0.0.1 only (plus a Unix
socket inside that folder), trusts every local connection and is tuned for speed rather
than durability: nothing it stores is meant to outlive the test session.

PostgreSQL refuses to run as root, so when the tests run as root the cluster is created
and started as the ``postgres`` system user, in a folder that user owns.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shlex
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import psycopg
from psycopg import sql

SERVICE_USER = "postgres"
SUPERUSER = "postgres"
HOST = "127.0.0.1"
START_TIMEOUT_SECONDS = 60
_LOG_TAIL_LINES = 40
_START_ATTEMPTS = 3
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def find_pg_bin() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl``, or None when PostgreSQL is absent.

    Looks on PATH first, then at the newest ``/usr/lib/postgresql/<version>/bin``.
    """
    initdb = shutil.which("initdb")
    if initdb is not None:
        for candidate in (Path(initdb).parent, Path(initdb).resolve().parent):
            if _has_binaries(candidate):
                return candidate
    versions: list[tuple[tuple[int, ...], Path]] = []
    for bin_dir in Path("/usr/lib/postgresql").glob("*/bin"):
        version = bin_dir.parent.name
        if re.fullmatch(r"\d+(\.\d+)*", version) and _has_binaries(bin_dir):
            versions.append((tuple(int(part) for part in version.split(".")), bin_dir))
    if versions:
        return max(versions)[1]
    return None


def _has_binaries(directory: Path) -> bool:
    return all(os.access(directory / name, os.X_OK) for name in ("initdb", "pg_ctl"))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _check_identifier(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a plain lower-case PostgreSQL identifier: {name!r}")
    return name


class PostgresServer:
    """A private PostgreSQL cluster: ``with PostgresServer() as server: ... server.url``."""

    def __init__(self, bin_dir: Path | None = None) -> None:
        found = bin_dir if bin_dir is not None else find_pg_bin()
        if found is None:
            raise RuntimeError("PostgreSQL binaries (initdb, pg_ctl) not found")
        self.bin_dir = found
        self.port: int | None = None
        self._base: Path | None = None
        self._running = False
        self._as_service_user = os.geteuid() == 0

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> PostgresServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        if self._base is not None:
            raise RuntimeError("PostgreSQL server already started")
        try:
            self._base = self._make_base_dir()
            self._initdb()
            self._start_server()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        base, self._base = self._base, None
        if base is None:
            return
        try:
            if self._running:
                self._running = False
                self._run(
                    [self._bin("pg_ctl"), "stop", "-D", str(base / "data"), "-m", "fast", "-w"],
                    cwd=base,
                    check=False,
                )
        finally:
            shutil.rmtree(base, ignore_errors=True)
            self.port = None

    # -- addresses ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the server's ``postgres`` maintenance database."""
        return self.database_url("postgres")

    def database_url(self, name: str) -> str:
        if self.port is None or not self._running:
            raise RuntimeError("PostgreSQL server is not running")
        return f"postgresql+psycopg://{SUPERUSER}@{HOST}:{self.port}/{name}"

    # -- databases ---------------------------------------------------------------------------

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create database ``name`` (optionally copied from ``template``); return its URL."""
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(_check_identifier(name)))
        if template is not None:
            statement = sql.SQL("{} TEMPLATE {}").format(
                statement, sql.Identifier(_check_identifier(template))
            )
        with self._admin_connection() as conn:
            conn.execute(statement)
        return self.database_url(name)

    def drop_database(self, name: str) -> None:
        """Drop database ``name`` if it exists, first ending every session connected to it."""
        _check_identifier(name)
        with self._admin_connection() as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def _admin_connection(self) -> psycopg.Connection[tuple[object, ...]]:
        if self.port is None or not self._running:
            raise RuntimeError("PostgreSQL server is not running")
        return psycopg.connect(
            host=HOST,
            port=self.port,
            user=SUPERUSER,
            dbname="postgres",
            autocommit=True,
            connect_timeout=10,
        )

    # -- internals ---------------------------------------------------------------------------

    def _bin(self, name: str) -> str:
        return str(self.bin_dir / name)

    def _make_base_dir(self) -> Path:
        base = Path(tempfile.mkdtemp(prefix="countyexpress-pg-", dir="/tmp"))
        if self._as_service_user:
            try:
                account = pwd.getpwnam(SERVICE_USER)
            except KeyError:
                shutil.rmtree(base, ignore_errors=True)
                raise RuntimeError(
                    f"running as root but there is no {SERVICE_USER!r} system user to run "
                    "PostgreSQL as"
                ) from None
            os.chown(base, account.pw_uid, account.pw_gid)
        base.chmod(0o700)
        return base

    def _command(self, args: Sequence[str]) -> list[str]:
        if not self._as_service_user:
            return list(args)
        if shutil.which("runuser"):
            return ["runuser", "-u", SERVICE_USER, "--", *args]
        return ["su", SERVICE_USER, "-s", "/bin/sh", "-c", shlex.join(args)]

    def _run(
        self, args: Sequence[str], *, cwd: Path, check: bool = True, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        env.update(LC_ALL="C", LANG="C")
        result = subprocess.run(
            self._command(args),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            raise RuntimeError(
                f"{Path(args[0]).name} failed (exit {result.returncode}):\n"
                f"{result.stdout}{result.stderr}{self._log_tail()}"
            )
        return result

    def _initdb(self) -> None:
        assert self._base is not None
        self._run(
            [
                self._bin("initdb"),
                "-D",
                str(self._base / "data"),
                "-U",
                SUPERUSER,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
            cwd=self._base,
        )

    def _start_server(self) -> None:
        assert self._base is not None
        base = self._base
        log = base / "server.log"
        for attempt in range(1, _START_ATTEMPTS + 1):
            port = _free_port()
            log.unlink(missing_ok=True)
            options = (
                f"-F -p {port} -k {base} -c listen_addresses={HOST}"
                " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            result = self._run(
                [
                    self._bin("pg_ctl"),
                    "start",
                    "-D",
                    str(base / "data"),
                    "-w",
                    "-t",
                    str(START_TIMEOUT_SECONDS),
                    "-l",
                    str(log),
                    "-o",
                    options,
                ],
                cwd=base,
                check=False,
                timeout=START_TIMEOUT_SECONDS + 30,
            )
            if result.returncode == 0:
                self.port = port
                self._running = True
                return
            # Another process may have grabbed the port between probing and binding it.
            log_tail = self._log_tail()
            port_taken = "could not bind" in log_tail or "already in use" in log_tail
            if not port_taken or attempt == _START_ATTEMPTS:
                # pg_ctl may have given up waiting on a server that is still coming up.
                with contextlib.suppress(Exception):
                    self._run(
                        [self._bin("pg_ctl"), "stop", "-D", str(base / "data"), "-m", "immediate"],
                        cwd=base,
                        check=False,
                    )
                raise RuntimeError(
                    f"PostgreSQL did not start (pg_ctl exit {result.returncode}):\n"
                    f"{result.stdout}{result.stderr}{self._log_tail()}"
                )

    def _log_tail(self) -> str:
        if self._base is None:
            return ""
        log = self._base / "server.log"
        try:
            lines = log.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        tail = "\n".join(lines[-_LOG_TAIL_LINES:])
        return f"\n--- tail of {log} ---\n{tail}\n"
