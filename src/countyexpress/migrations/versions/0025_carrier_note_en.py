"""Pack text in both languages (issue 12): `carriers.note_en` and
`counties.population_source_en` beside `note` and `population_source`

A pack's free text is written in the county's language (`note`, Chinese) with its English
beside it (`note_en`), as `name` and `name_en` are; a page shows the one of its reader's
language, the other when that one is empty. The other pack notes live in JSON columns
(targets and sources in `counties.plan`/`sources`) or in `pack_documents`, which need no
change. Rows stored before keep their note in `note` (shown in both languages) until the
pack is loaded again.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 09:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("carriers") as batch:
        batch.add_column(sa.Column("note_en", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("counties") as batch:
        batch.add_column(
            sa.Column("population_source_en", sa.Text(), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("counties") as batch:
        batch.drop_column("population_source_en")
    with op.batch_alter_table("carriers") as batch:
        batch.drop_column("note_en")
