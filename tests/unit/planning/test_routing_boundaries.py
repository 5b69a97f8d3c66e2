"""Only the adapter speaks PyVRP; the routing model stays pure."""

from __future__ import annotations

import ast
from pathlib import Path

import countyexpress.planning.routing as routing

ROUTING = Path(routing.__file__).parent
FORBIDDEN = {"pyvrp", "numpy", "vrplib", "sqlalchemy", "csv", "os", "io"}


def test_only_pyvrp_adapter_imports_pyvrp() -> None:
    """No other routing module imports pyvrp, numpy or any I/O library."""
    offenders = []
    for path in sorted(ROUTING.glob("*.py")):
        if path.name == "pyvrp_adapter.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []
