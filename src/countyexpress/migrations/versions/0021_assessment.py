"""Yearly assessment: frozen reports, progress notes and evidence by task and year (issue 15)

The county's scoring sheet as loaded from its pack, frozen reports by county and year,
progress notes per task and year (append-only) and their evidence files (encrypted); a
user's unit of the plan (`users.unit_code`: a regulator working for a lead unit).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit_code", sa.String(length=40), nullable=True))
    op.create_table(
        "assessment_sheets",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("sheet", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("county_code", name=op.f("pk_assessment_sheets")),
    )
    op.create_table(
        "assessment_reports",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("frozen_by", sa.String(length=100), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("county_code", "year", name=op.f("pk_assessment_reports")),
    )
    op.create_table(
        "assessment_notes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("task", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_notes")),
    )
    with op.batch_alter_table("assessment_notes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assessment_notes_county_year_task",
            ["county_code", "year", "task"],
            unique=False,
        )
    op.create_table(
        "assessment_evidence",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("file_name", sa.String(length=120), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content_enc", sa.Text(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["note_id"],
            ["assessment_notes.id"],
            name=op.f("fk_assessment_evidence_note_id_assessment_notes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_evidence")),
    )
    with op.batch_alter_table("assessment_evidence", schema=None) as batch_op:
        batch_op.create_index("ix_assessment_evidence_note", ["note_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("assessment_evidence", schema=None) as batch_op:
        batch_op.drop_index("ix_assessment_evidence_note")
    op.drop_table("assessment_evidence")
    with op.batch_alter_table("assessment_notes", schema=None) as batch_op:
        batch_op.drop_index("ix_assessment_notes_county_year_task")
    op.drop_table("assessment_notes")
    op.drop_table("assessment_reports")
    op.drop_table("assessment_sheets")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("unit_code")
