"""Alembic is the truth of the schema: one head, and the tables match the migrations."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from countyexpress.adapters.db.migrate import alembic_config
from countyexpress.adapters.db.schema import full_metadata


def test_the_migrations_have_exactly_one_head() -> None:
    """Two heads mean two engineers' revisions branched: re-point one down_revision."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1, script.get_heads()


def test_the_migrated_schema_matches_the_table_definitions(engine: Engine) -> None:
    """After upgrade, autogenerate finds nothing to add: no table without its migration."""
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), full_metadata())
    assert diff == []
