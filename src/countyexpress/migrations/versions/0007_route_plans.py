"""Route plans (issue 6): plans, their stops in order, and each stop's parcels

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 16:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "route_plans",
        sa.Column("plan_id", sa.String(length=40), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("depot", sa.String(length=40), nullable=False),
        sa.Column("depot_name", sa.String(length=200), nullable=False),
        sa.Column("depot_lat", sa.Float(), nullable=True),
        sa.Column("depot_lon", sa.Float(), nullable=True),
        sa.Column("distance_km", sa.Float(), nullable=False),
        sa.Column("duration_h", sa.Float(), nullable=False),
        sa.Column("cost", sa.Float(), nullable=False),
        sa.Column("feasible", sa.Boolean(), nullable=False),
        sa.Column("violations", sa.JSON(), nullable=False),
        sa.Column("unserved", sa.JSON(), nullable=False),
        sa.Column("runs", sa.JSON(), nullable=False),
        sa.Column("basis", sa.String(length=200), nullable=False),
        sa.Column("fleet_label", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", name=op.f("pk_route_plans")),
    )
    with op.batch_alter_table("route_plans", schema=None) as batch_op:
        batch_op.create_index("ix_route_plans_county_day", ["county_code", "day"], unique=False)
    op.create_table(
        "route_stops",
        sa.Column("plan_id", sa.String(length=40), nullable=False),
        sa.Column("vehicle", sa.String(length=40), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("stop", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("parcels", sa.Integer(), nullable=False),
        sa.Column("kg", sa.Float(), nullable=False),
        sa.Column("m3", sa.Float(), nullable=False),
        sa.Column("pickups", sa.Integer(), nullable=False),
        sa.Column("cold", sa.Boolean(), nullable=False),
        sa.Column("planned_arrival", sa.DateTime(timezone=True), nullable=False),
        sa.Column("utc_offset_min", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "vehicle", "sequence", name=op.f("pk_route_stops")),
    )
    op.create_table(
        "route_parcels",
        sa.Column("plan_id", sa.String(length=40), nullable=False),
        sa.Column("waybill_no", sa.String(length=32), nullable=False),
        sa.Column("stop", sa.String(length=40), nullable=False),
        sa.Column("carrier", sa.String(length=20), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "waybill_no", name=op.f("pk_route_parcels")),
    )
    with op.batch_alter_table("route_parcels", schema=None) as batch_op:
        batch_op.create_index("ix_route_parcels_plan_stop", ["plan_id", "stop"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("route_parcels", schema=None) as batch_op:
        batch_op.drop_index("ix_route_parcels_plan_stop")
    op.drop_table("route_parcels")
    op.drop_table("route_stops")
    with op.batch_alter_table("route_plans", schema=None) as batch_op:
        batch_op.drop_index("ix_route_plans_county_day")
    op.drop_table("route_plans")
