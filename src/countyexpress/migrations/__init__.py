"""Alembic migrations: the truth of the schema (batch mode on SQLite)."""
