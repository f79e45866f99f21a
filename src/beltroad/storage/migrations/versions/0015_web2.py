"""web2: projects an administrator marks public (issue #16's read-only public mode)

Revision ID: 0015_web2
Revises: 0014_snap14
Create Date: 2026-12-08 04:20:00

Additive only: ``projects`` gains ``public`` (false for every stored row) with an index, since
the public pages list only the rows where it is true. Nothing is public until an administrator
publishes it (``beltroad registry publish`` or the project page's control).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_web2"
down_revision: str | None = "0014_snap14"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "projects",
        sa.Column("public", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_index("ix_projects_public", "projects", ["public"])


def downgrade() -> None:
    op.drop_index("ix_projects_public", table_name="projects")
    # SQLite 3.35+ drops a column in place (a batch copy would lose the analytics triggers).
    op.drop_column("projects", "public")
