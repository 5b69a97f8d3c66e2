"""The PostgreSQL test harness itself: a real server, one fresh database per test."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, inspect, text

from support.postgres import PostgresServer


@pytest.mark.postgres
def test_the_server_answers_select_version_with_postgresql_15(postgres_url: str) -> None:
    """`select version()` on the test database reports PostgreSQL 15."""
    engine = create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            version = conn.execute(text("select version()")).scalar_one()
    finally:
        engine.dispose()
    assert version.startswith("PostgreSQL 15"), version


@pytest.mark.postgres
def test_a_table_created_in_one_tests_database_is_absent_from_another_tests_database(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    """A table created in this test's database does not exist in another test's database."""
    other_name = f"t_other_{uuid.uuid4().hex[:12]}"
    other_url = postgres_server.create_database(other_name)
    assert other_url != postgres_url
    engine = create_engine(postgres_url)
    other_engine = create_engine(other_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("create table harness_probe (id integer primary key)"))
        assert inspect(engine).has_table("harness_probe")
        assert not inspect(other_engine).has_table("harness_probe")
    finally:
        engine.dispose()
        other_engine.dispose()
        postgres_server.drop_database(other_name)
