"""risk: register keys and overrides, security incidents, early warnings (issue #5)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 02:40:00

``risk_entries`` gains ``auto_key`` (how an auto entry is found again when re-scored),
``overridden`` (a person's likelihood and impact win over re-scoring) and its timestamps. Two new
tables: ``security_incidents`` (with the snapshot of what lay within the radius) and
``risk_warnings`` (early warnings, stored for the web layer).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("risk_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("auto_key", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("overridden", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_risk_entries_auto_key"), ["auto_key"], unique=True)

    op.create_table(
        "security_incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("event_type", sa.String(length=48), nullable=False),
        sa.Column("sub_event_type", sa.String(length=64), nullable=True),
        sa.Column("severity", sa.SmallInteger(), nullable=False),
        sa.Column("casualties", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sa.String(length=16), nullable=False),
        sa.Column("subject_ref", sa.String(length=160), nullable=False),
        sa.Column("country_iso3", sa.String(length=3), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("radius_km", sa.Float(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("exposure", sa.JSON(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.CheckConstraint("severity BETWEEN 1 AND 5", name=op.f("ck_security_incidents_severity")),
        sa.CheckConstraint("casualties >= 0", name=op.f("ck_security_incidents_casualties")),
        sa.CheckConstraint(
            "lat IS NULL OR (lat BETWEEN -90 AND 90)", name=op.f("ck_security_incidents_lat")
        ),
        sa.CheckConstraint(
            "lon IS NULL OR (lon BETWEEN -180 AND 180)", name=op.f("ck_security_incidents_lon")
        ),
        sa.ForeignKeyConstraint(
            ["country_iso3"],
            ["countries.iso3"],
            name=op.f("fk_security_incidents_country_iso3_countries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_incidents")),
    )
    with op.batch_alter_table("security_incidents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_security_incidents_country_iso3"), ["country_iso3"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_security_incidents_occurred_on"), ["occurred_on"], unique=False
        )

    op.create_table(
        "risk_warnings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=240), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("subject_kind", sa.String(length=16), nullable=False),
        sa.Column("subject_ref", sa.String(length=160), nullable=False),
        sa.Column("country_iso3", sa.String(length=3), nullable=True),
        sa.Column("period", sa.String(length=32), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("threshold", sa.Float(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_warnings")),
        sa.UniqueConstraint("key", name=op.f("uq_risk_warnings_key")),
    )
    with op.batch_alter_table("risk_warnings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_warnings_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_risk_warnings_subject_ref"), ["subject_ref"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("risk_warnings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_warnings_subject_ref"))
        batch_op.drop_index(batch_op.f("ix_risk_warnings_kind"))
    op.drop_table("risk_warnings")
    with op.batch_alter_table("security_incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_security_incidents_occurred_on"))
        batch_op.drop_index(batch_op.f("ix_security_incidents_country_iso3"))
    op.drop_table("security_incidents")
    with op.batch_alter_table("risk_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_entries_auto_key"))
        batch_op.drop_column("updated_at")
        batch_op.drop_column("created_at")
        batch_op.drop_column("overridden")
        batch_op.drop_column("auto_key")
