"""data quality: the flags of imported records (issue #11)

Revision ID: 0008_quality
Revises: 0007_money
Create Date: 2026-12-08 00:30:00

Published records whose values are readable but inconsistent (a completion date before the
start date, a currency that is not an ISO 4217 code) are imported as published and flagged.
The record's own ``quality`` column says "ok" or the kinds of its flags; the new table
``record_flags`` keeps each flag with the source field, the value as given and the reason, for
``beltroad data quality``. A new table only: ``quality`` stays ``String(32)``, since widening it
would copy seven tables on SQLite (and drop the generation triggers that name them).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_quality"
down_revision: str | None = "0007_money"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "record_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset", sa.String(length=64), nullable=False),
        sa.Column("record_type", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.String(length=160), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=96), nullable=False),
        sa.Column("row", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=160), nullable=True),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_flags")),
    )
    op.create_index("ix_record_flags_dataset_kind", "record_flags", ["dataset", "kind"])


def downgrade() -> None:
    op.drop_index("ix_record_flags_dataset_kind", table_name="record_flags")
    op.drop_table("record_flags")
