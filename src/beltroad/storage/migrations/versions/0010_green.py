"""green: traffic-light assessments and overrides, integrity flags (issue #17)

Revision ID: 0010_green
Revises: 0009_coord
Create Date: 2026-12-02 10:00:00

Three new tables, nothing else changed:

* ``green_assessments``: one row per project, the last traffic-light run (class, the BRIGC class
  before the IFC cross-check, IFC categories, coal-pledge flag, evidence per criterion, config
  version). ``projects.green_class`` (already in 0001) carries the class in force.
* ``green_overrides``: a person's class for a project, with the justification; every change is
  also an ``audit_events`` row.
* ``integrity_flags``: red flags found by ``beltroad integrity``, keyed so that re-detection is
  an update; a flag is dismissed only with a reason (who, when, why).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_green"
down_revision: str | None = "0009_coord"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "green_assessments",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("green_class", sa.String(length=8), nullable=False),
        sa.Column("brigc_class", sa.String(length=8), nullable=False),
        sa.Column("ifc_category", sa.String(length=4), nullable=True),
        sa.Column("ifc_implied", sa.String(length=4), nullable=True),
        sa.Column("policy_flag", sa.String(length=24), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=True),
        sa.Column("config_version", sa.String(length=64), nullable=False),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_green_assessments_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_green_assessments")),
    )
    op.create_table(
        "green_overrides",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("green_class", sa.String(length=8), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "green_class in ('green', 'yellow', 'red')", name=op.f("ck_green_overrides_class")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_green_overrides_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_green_overrides")),
    )
    op.create_table(
        "integrity_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=240), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=160), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("dismissed_reason", sa.Text(), nullable=True),
        sa.Column("dismissed_by", sa.String(length=64), nullable=True),
        sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status in ('open', 'dismissed')", name=op.f("ck_integrity_flags_status")
        ),
        sa.CheckConstraint(
            "status <> 'dismissed' OR dismissed_reason IS NOT NULL",
            name=op.f("ck_integrity_flags_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_integrity_flags_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrity_flags")),
        sa.UniqueConstraint("key", name=op.f("uq_integrity_flags_key")),
    )
    with op.batch_alter_table("integrity_flags", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_integrity_flags_project_id"), ["project_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("integrity_flags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_integrity_flags_project_id"))
    op.drop_table("integrity_flags")
    op.drop_table("green_overrides")
    op.drop_table("green_assessments")
