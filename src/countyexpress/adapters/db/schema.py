"""The whole schema's metadata: every `tables*` module of this package, imported."""

from __future__ import annotations

import importlib
import pkgutil

from sqlalchemy import MetaData

import countyexpress.adapters.db as _package
from countyexpress.adapters.db.tables import metadata


def full_metadata() -> MetaData:
    """The shared MetaData after importing every `tables*.py` module that adds to it."""
    for info in pkgutil.iter_modules(_package.__path__):
        if info.name.startswith("tables"):
            importlib.import_module(f"{_package.__name__}.{info.name}")
    return metadata
