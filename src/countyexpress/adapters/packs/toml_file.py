"""A pack's TOML rules file read and checked the one way: problems located by file, line
(a syntax error) and field path (a value the file's model refuses), as `PackInvalid`."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import tomli_w
from pydantic import BaseModel, ValidationError

from countyexpress.errors import PackInvalid, PackProblem

__all__ = ["checked", "read_toml", "write_toml"]

M = TypeVar("M", bound=BaseModel)


def read_toml(file: Path) -> dict[str, Any]:
    """The file's tables; PackInvalid names the file (and the line of a syntax error)."""
    try:
        return tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PackInvalid([PackProblem(file.name, None, None, f"cannot read: {exc}")]) from exc
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))  # lineno only from Python 3.14
        line = getattr(exc, "lineno", None) or (int(found.group(1)) if found else None)
        raise PackInvalid([PackProblem(file.name, line, None, str(exc))]) from exc


def write_toml(folder: Path, name: str, header: str, data: Mapping[str, Any]) -> Path:
    """Write `data` as the pack folder's file `name`, under a one-line comment `header`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"# {header}\n" + tomli_w.dumps(dict(data)), encoding="utf-8")
    return path


def checked(model: type[M], data: Mapping[str, Any], name: str) -> M:
    """`data` as the file's pydantic `model`; PackInvalid lists every problem by field path."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise PackInvalid(
            [
                PackProblem(name, None, ".".join(str(p) for p in e["loc"]), e["msg"])
                for e in exc.errors()
            ]
        ) from exc
