"""Supervision (issue 13): each county's rules, records of every kind with their steps,
clocks and attachments, credit events and blacklist repairs

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "supervision_rules",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("county_code", name=op.f("pk_supervision_rules")),
    )
    op.create_table(
        "supervision_records",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("personal_enc", sa.Text(), nullable=True),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_records")),
    )
    with op.batch_alter_table("supervision_records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_supervision_records_county_kind_state",
            ["county_code", "kind", "state"],
            unique=False,
        )
        batch_op.create_index(
            "ix_supervision_records_county_subject", ["county_code", "subject"], unique=False
        )
    op.create_table(
        "supervision_steps",
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("verb", sa.String(length=40), nullable=False),
        sa.Column("on_day", sa.Date(), nullable=False),
        sa.Column("by", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["supervision_records.id"],
            name=op.f("fk_supervision_steps_record_id_supervision_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("record_id", "seq", name=op.f("pk_supervision_steps")),
    )
    op.create_table(
        "supervision_clocks",
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=60), nullable=False),
        sa.Column("started", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("stopped", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["supervision_records.id"],
            name=op.f("fk_supervision_clocks_record_id_supervision_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("record_id", "rule", name=op.f("pk_supervision_clocks")),
    )
    with op.batch_alter_table("supervision_clocks", schema=None) as batch_op:
        batch_op.create_index("ix_supervision_clocks_due", ["due"], unique=False)
    op.create_table(
        "supervision_attachments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("file_name", sa.String(length=120), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content_enc", sa.Text(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["supervision_records.id"],
            name=op.f("fk_supervision_attachments_record_id_supervision_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_attachments")),
    )
    with op.batch_alter_table("supervision_attachments", schema=None) as batch_op:
        batch_op.create_index("ix_supervision_attachments_record", ["record_id"], unique=False)
    op.create_table(
        "credit_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("type", sa.String(length=60), nullable=False),
        sa.Column("on_day", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("ref", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_events")),
    )
    with op.batch_alter_table("credit_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_credit_events_county_subject", ["county_code", "subject"], unique=False
        )
    op.create_table(
        "blacklist_repairs",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("listed_on", sa.Date(), nullable=False),
        sa.Column("rectified_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint(
            "county_code", "subject", "listed_on", name=op.f("pk_blacklist_repairs")
        ),
    )


def downgrade() -> None:
    op.drop_table("blacklist_repairs")
    with op.batch_alter_table("supervision_attachments", schema=None) as batch_op:
        batch_op.drop_index("ix_supervision_attachments_record")
    op.drop_table("supervision_attachments")
    with op.batch_alter_table("credit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_credit_events_county_subject")
    op.drop_table("credit_events")
    with op.batch_alter_table("supervision_clocks", schema=None) as batch_op:
        batch_op.drop_index("ix_supervision_clocks_due")
    op.drop_table("supervision_clocks")
    op.drop_table("supervision_steps")
    with op.batch_alter_table("supervision_records", schema=None) as batch_op:
        batch_op.drop_index("ix_supervision_records_county_subject")
        batch_op.drop_index("ix_supervision_records_county_kind_state")
    op.drop_table("supervision_records")
    op.drop_table("supervision_rules")
