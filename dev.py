#!/usr/bin/env python3
"""The two commands of County Express, on a fresh machine with nothing but Python.

    python3 dev.py run    # set up, migrate, load Heshuo if empty, serve http://127.0.0.1:8000
    python3 dev.py test   # set up, then ruff, mypy and every test (SQLite, PostgreSQL, browser)

The browser tests drive Debian's chromium (/usr/bin/chromium); `test` installs it (and
poppler-utils, for a test that renders a PDF page) with apt-get when it is missing and this
runs as root, else those tests skip themselves.

Set-up: installs uv (with pip, or into .tools/ when pip may not install) if it is missing,
then creates .venv from the committed uv.lock (`uv sync --frozen`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
import venv
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent
TOOLS = ROOT / ".tools"


def _say(msg: str) -> None:
    print(f"[dev] {msg}", flush=True)


def _run(*cmd: str, check: bool = True) -> int:
    _say(" ".join(cmd))
    return subprocess.run(cmd, cwd=ROOT, check=check).returncode


def find_uv() -> str:
    """A working uv executable, installing one if needed."""
    for candidate in (shutil.which("uv"), TOOLS / "bin" / "uv"):
        if candidate and Path(candidate).exists():
            return str(candidate)
    probe = subprocess.run(
        [sys.executable, "-m", "uv", "--version"], capture_output=True, text=True
    )
    if probe.returncode == 0:
        return _uv_from_module(sys.executable)
    _say("uv not found: installing it into .tools/")
    venv.EnvBuilder(with_pip=True, clear=True).create(TOOLS)
    py = TOOLS / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "--quiet", "uv"], check=True)
    return str(TOOLS / "bin" / "uv")


def _uv_from_module(python: str) -> str:
    out = subprocess.run(
        [python, "-c", "import uv; print(uv.find_uv_bin())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def sync(uv: str) -> None:
    """Create or update .venv exactly as the lock file says."""
    _run(uv, "sync", "--frozen")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirect from /setup is the answer itself: someone can log in


def _status(url: str) -> int | None:
    """The HTTP status of a GET (redirects not followed), None when nothing answers."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=2) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError):
        return None


def wait_ready(
    url: str, timeout: float, alive: Callable[[], bool] = lambda: True, every: float = 0.2
) -> bool:
    """Poll url/healthz until it answers 200, then print the address, and the link to
    create the first administrator while nobody exists (/setup answers 200 instead of
    sending to /login). False, printing nothing, when timeout passes or alive() is False."""
    deadline = time.monotonic() + timeout
    while _status(f"{url}/healthz") != 200:
        if time.monotonic() >= deadline or not alive():
            return False
        time.sleep(every)
    _say(f"County Express answers on {url}")
    if _status(f"{url}/setup") == 200:
        _say(f"no user yet: create the first administrator at {url}/setup (from this machine)")
    return True


def _address(args: list[str]) -> str:
    """The address `serve` listens on, from --host/--port or COUNTYEXPRESS_HOST/PORT."""
    opts = {"--host": os.environ.get("COUNTYEXPRESS_HOST", "127.0.0.1"),
            "--port": os.environ.get("COUNTYEXPRESS_PORT", "8000")}  # fmt: skip
    for i, arg in enumerate(args):
        name, eq, value = arg.partition("=")
        if name in opts:
            opts[name] = value if eq else (args[i + 1] if i + 1 < len(args) else opts[name])
    host = opts["--host"]
    host = "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host
    return f"http://{host}:{opts['--port']}"


def cmd_run(uv: str, args: list[str]) -> int:
    """Serve; the address is printed once the server answers (first start migrates, loads
    the pack and simulates the demo month first, which takes a while)."""
    sync(uv)
    cmd = (uv, "run", "--frozen", "countyexpress", "serve", *args)
    _say(" ".join(cmd))
    server = subprocess.Popen(cmd, cwd=ROOT)
    try:
        wait_ready(_address(args), timeout=3600, alive=lambda: server.poll() is None)
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()
        return server.wait()


CHROMIUM = Path("/usr/bin/chromium")
BROWSER_PACKAGES = ("chromium", "fonts-noto-cjk", "poppler-utils")
"""The browser, Chinese glyphs for it, and pdftoppm (a test renders a route sheet's page)."""


def ensure_chromium() -> None:
    """Debian's chromium (and poppler's pdftoppm) for the tests that use them: installed
    with apt-get when missing and root.

    Where that cannot be done those tests skip themselves, saying why.
    """
    if CHROMIUM.exists() and shutil.which("pdftoppm") is not None:
        return
    apt = shutil.which("apt-get")
    if apt is None or not hasattr(os, "geteuid") or os.geteuid() != 0:
        _say(f"{CHROMIUM} is missing and apt-get cannot run here (not root, or not Debian): "
             "the browser tests will be skipped; install chromium to run them")  # fmt: skip
        return
    _say("installing Debian's chromium for the browser tests")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    ok = subprocess.run([apt, "update"], env=env, check=False).returncode == 0
    install = [apt, "install", "-y", *BROWSER_PACKAGES]
    ok = ok and subprocess.run(install, env=env, check=False).returncode == 0
    if not ok or not CHROMIUM.exists():
        _say("could not install chromium: the browser tests will be skipped")


def cmd_test(uv: str, args: list[str]) -> int:
    sync(uv)
    ensure_chromium()
    steps = [
        ("ruff", "check", "src", "tests", "dev.py"),
        ("ruff", "format", "--check", "src", "tests", "dev.py"),
        ("mypy",),
    ]
    for step in steps:
        if _run(uv, "run", "--frozen", *step, check=False) != 0:
            _say(f"FAILED: {' '.join(step)}")
            return 1
    return _run(uv, "run", "--frozen", "pytest", *args, check=False)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test"}:
        print(__doc__)
        return 2
    os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")
    uv = find_uv()
    handler = cmd_run if argv[0] == "run" else cmd_test
    return handler(uv, argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
