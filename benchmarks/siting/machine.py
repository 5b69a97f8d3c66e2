"""What the benchmarks ran on: CPU, cores, Python and package versions, date, load."""

from __future__ import annotations

import datetime as dt
import os
import platform
from importlib import metadata
from typing import Any


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def machine() -> dict[str, Any]:
    """A record of the machine and software, with the load average when it was taken."""
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": {
            n: _version(n) for n in ("countyexpress", "highspy", "numpy", "spopt", "pulp")
        },
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "load_average": list(os.getloadavg()),
    }
