"""The domain imports nothing that does I/O."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import countyexpress.domain

DOMAIN = Path(countyexpress.domain.__file__).parent
ALLOWED_PROJECT = ("countyexpress.domain", "countyexpress.errors")
FORBIDDEN_STDLIB = {"sqlite3", "socket", "subprocess", "urllib", "http", "shutil", "io", "os"}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_domain_modules_import_only_the_standard_library_and_the_domain() -> None:
    """Every import under domain/ is stdlib (no I/O modules) or the domain itself."""
    files = sorted(DOMAIN.rglob("*.py"))
    assert len(files) >= 5
    offenders = []
    for path in files:
        for name in _imports(path):
            top = name.split(".")[0]
            if name.startswith(ALLOWED_PROJECT) or name == "__future__":
                continue
            if top in sys.stdlib_module_names and top not in FORBIDDEN_STDLIB:
                continue
            offenders.append(f"{path.name}: {name}")
    assert offenders == []


def test_the_purity_check_catches_a_forbidden_import(tmp_path: Path) -> None:
    """The import scanner sees both `import x` and `from x import y`."""
    sample = tmp_path / "m.py"
    sample.write_text("import sqlalchemy\nfrom fastapi import FastAPI\nimport math\n")
    assert _imports(sample) == ["sqlalchemy", "fastapi", "math"]
