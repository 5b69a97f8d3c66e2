"""County pack tables: counties, divisions, facilities, carriers (all keyed by county)

Revision ID: 0001
Revises:
Create Date: 2026-11-28 15:47:48.493744
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "counties",
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("province", sa.String(length=100), nullable=False),
        sa.Column("prefecture", sa.String(length=100), nullable=False),
        sa.Column("population", sa.Integer(), nullable=True),
        sa.Column("population_source", sa.Text(), nullable=False),
        sa.Column("seat_lat", sa.Float(), nullable=True),
        sa.Column("seat_lon", sa.Float(), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_counties")),
    )
    op.create_table(
        "carriers",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["county_code"],
            ["counties.code"],
            name=op.f("fk_carriers_county_code_counties"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("county_code", "code", name=op.f("pk_carriers")),
    )
    op.create_table(
        "divisions",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("parent_code", sa.String(length=12), nullable=False),
        sa.Column("population", sa.Integer(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("quality", sa.String(length=20), nullable=False),
        sa.Column("coord_quality", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["county_code"],
            ["counties.code"],
            name=op.f("fk_divisions_county_code_counties"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("county_code", "code", name=op.f("pk_divisions")),
    )
    op.create_table(
        "facilities",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("operator", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("quality", sa.String(length=20), nullable=False),
        sa.Column("carriers", sa.JSON(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["county_code"],
            ["counties.code"],
            name=op.f("fk_facilities_county_code_counties"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("county_code", "code", name=op.f("pk_facilities")),
    )


def downgrade() -> None:
    op.drop_table("facilities")
    op.drop_table("divisions")
    op.drop_table("carriers")
    op.drop_table("counties")
