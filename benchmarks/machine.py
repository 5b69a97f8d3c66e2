"""What a benchmark ran on: CPU, cores, Python, SQLite, package versions, date and load.

Every benchmark script records it with its results, so a figure is never quoted without the
machine and how busy it was (this 2-core machine is shared). Scripts run as
`python benchmarks/<name>/<script>.py` put this folder on `sys.path` to import it.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sqlite3
from collections.abc import Iterable
from importlib import metadata
from typing import Any


def cpu_model() -> str:
    """The CPU's model name, as /proc/cpuinfo says it."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def version(name: str) -> str | None:
    """An installed package's version, None when it is not installed."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages, rounded."""
    return [round(x, 2) for x in os.getloadavg()]


def machine(packages: Iterable[str] = ("countyexpress",)) -> dict[str, Any]:
    """A record of the machine and software, with the load average when it was taken."""
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "packages": {n: version(n) for n in packages},
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "load_average": load_average(),
    }
