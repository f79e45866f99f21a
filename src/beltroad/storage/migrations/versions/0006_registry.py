"""registry: entity columns for imported enterprises and zones, re-import keys, dated series

Revision ID: 0006_registry
Revises: 0005_overlaps
Create Date: 2026-11-29 10:00:00

Issue #11 part 5 (the whole registry importable and editable). All additive:

* ``overseas_enterprises`` gains ``home_province`` (the Chinese province the parent is
  registered in, as MOFCOM reports it) and ``employees_total`` (beside the existing local and
  expatriate counts, which sources rarely split).
* ``cooperation_zones`` gains ``area_km2``, ``jobs_total`` and the investment as reported:
  ``investment_currency``, ``investment_original``, ``investment_usd_constant`` and
  ``investment_base_year`` (``investment_usd`` stays the nominal US-dollar figure).
* Enterprises, zones and cooperation documents get a unique index on
  ``(dataset, source_record_id)``, so that importing a table again updates its rows instead of
  doubling them (NULL ids, as older rows have, never clash on either database).
* ``reported_statistics`` gains ``scope`` (what the figure covers: all overseas zones, or only
  those in Belt and Road partner countries) and ``url`` (where it was published).

Plain ``ADD COLUMN`` and ``CREATE UNIQUE INDEX``: no table is copied on SQLite.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0006_registry"
down_revision: str | None = "0005_overlaps"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ZONE_COLUMNS: tuple[tuple[str, sa.types.TypeEngine[Any]], ...] = (
    ("area_km2", sa.Float()),
    ("jobs_total", sa.Integer()),
    ("investment_currency", sa.String(length=3)),
    ("investment_original", sa.Float()),
    ("investment_usd_constant", sa.Float()),
    ("investment_base_year", sa.SmallInteger()),
)
KEYED: tuple[str, ...] = ("overseas_enterprises", "cooperation_zones", "cooperation_documents")


def upgrade() -> None:
    op.add_column("overseas_enterprises", sa.Column("home_province", sa.String(64)))
    op.add_column("overseas_enterprises", sa.Column("employees_total", sa.Integer()))
    for name, type_ in ZONE_COLUMNS:
        op.add_column("cooperation_zones", sa.Column(name, type_))
    op.add_column("reported_statistics", sa.Column("scope", sa.Text()))
    op.add_column("reported_statistics", sa.Column("url", sa.Text()))
    for table in KEYED:
        op.create_index(
            f"uq_{table}_dataset_source", table, ["dataset", "source_record_id"], unique=True
        )


def downgrade() -> None:
    for table in KEYED:
        op.drop_index(f"uq_{table}_dataset_source", table_name=table)
    # SQLite 3.35+ drops a column in place
    op.drop_column("reported_statistics", "url")
    op.drop_column("reported_statistics", "scope")
    for name, _ in reversed(ZONE_COLUMNS):
        op.drop_column("cooperation_zones", name)
    op.drop_column("overseas_enterprises", "employees_total")
    op.drop_column("overseas_enterprises", "home_province")
