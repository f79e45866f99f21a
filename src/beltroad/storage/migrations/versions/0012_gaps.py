"""gaps: optimistic locking on the registry entities, login throttling per client address

Revision ID: 0012_gaps
Revises: 0011_split13
Create Date: 2026-12-08 03:00:00

Additive only (issue #15's last gaps):

* ``organisations``, ``cooperation_documents``, ``overseas_enterprises`` and
  ``cooperation_zones`` gain ``version`` (1 for every stored row), which
  ``services.registry.update`` checks and every write, bulk imports included, bumps.
* ``login_throttle``: failed logins per client address (the per-user count stays on
  ``users``), so that one address guessing many logins is refused too.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_gaps"
down_revision: str | None = "0011_split13"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERSIONED = ("organisations", "cooperation_documents", "overseas_enterprises", "cooperation_zones")


def upgrade() -> None:
    for name in VERSIONED:
        op.add_column(
            name, sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False)
        )
    op.create_table(
        "login_throttle",
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("address", name=op.f("pk_login_throttle")),
    )


def downgrade() -> None:
    op.drop_table("login_throttle")
    for name in VERSIONED:
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_column("version")
