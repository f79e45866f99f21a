"""money: conversion data (deflators and annual-average exchange rates) as registered datasets

Revision ID: 0007_money
Revises: 0006_registry
Create Date: 2026-11-29 10:00:00

One new table, ``conversion_rates``: a year of a price index (``kind`` ``deflator``) or of an
annual-average exchange rate (``fx-annual``, units of the currency per USD), keyed by the dataset
it was imported from, the series and the currency. The analytics read it at query time to put
every total on one price basis (issue #11); it is not one of the tables whose writes bump the
analytics generation, because the snapshot holds unconverted amounts.

``transactions`` gains ``value_date``: IATI's value date where it differs from the transaction
date (a fifth of the transactions in the sample files), so that values convert at the rate of
their value date. A plain ALTER TABLE, as in 0004: batch mode would copy the table, which the
analytics triggers name.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_money"
down_revision: str | None = "0006_registry"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "conversion_rates",
        sa.Column("dataset", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("series", sa.String(length=64), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("observations", sa.SmallInteger(), nullable=True),
        sa.Column("vintage", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "kind in ('deflator', 'fx-annual')", name=op.f("ck_conversion_rates_kind")
        ),
        sa.CheckConstraint("value > 0", name=op.f("ck_conversion_rates_value")),
        sa.PrimaryKeyConstraint(
            "dataset", "kind", "series", "currency", "year", name=op.f("pk_conversion_rates")
        ),
    )
    op.add_column("transactions", sa.Column("value_date", sa.Date(), nullable=True))


def downgrade() -> None:
    # A plain ALTER TABLE ... DROP COLUMN (SQLite 3.35 and later): no table copy.
    op.drop_column("transactions", "value_date")
    op.drop_table("conversion_rates")
