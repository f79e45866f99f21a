"""overlaps: record links across datasets and reviewers' decisions (issue #11)

Revision ID: 0005_overlaps
Revises: 0004
Create Date: 2026-12-02 10:00:00

Two new tables: ``record_links`` (computed: pairs of projects that are one real-world project, or
candidates for review, and the projects set aside by the precedence rule) and ``record_reviews``
(a reviewer's accept or reject, keyed by project identifiers so it survives re-imports).

The analytics snapshot now reads ``record_links`` (which records count) and
``corridor_countries`` (corridor attribution), so both get the generation triggers of 0002, in
0004's form on SQLite.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_overlaps"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Tables the snapshot reads from this migration on. Repeated here so it never changes.
WATCHED: tuple[str, ...] = ("record_links", "corridor_countries")
EVENTS: tuple[str, ...] = ("insert", "update", "delete")
BUMP = "UPDATE analytics_state SET generation = generation + 1, paused = 2 * paused WHERE id = 1"
WHEN = "WHEN (SELECT paused FROM analytics_state WHERE id = 1) < 2 "


def upgrade() -> None:
    op.create_table(
        "record_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_record_links_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["other_id"],
            ["projects.id"],
            name=op.f("fk_record_links_other_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_links")),
    )
    with op.batch_alter_table("record_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_record_links_project_id"), ["project_id"], unique=False
        )
    op.create_table(
        "record_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first", sa.String(length=160), nullable=False),
        sa.Column("second", sa.String(length=160), nullable=False),
        sa.Column("decision", sa.String(length=8), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "decision IN ('accept', 'reject')", name=op.f("ck_record_reviews_decision")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_reviews")),
        sa.UniqueConstraint("first", "second", name="uq_record_reviews_pair"),
    )
    if op.get_bind().dialect.name == "postgresql":
        for name in WATCHED:  # 0002's function
            op.execute(
                f"CREATE TRIGGER trg_{name}_generation "
                f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {name} "
                "FOR EACH STATEMENT EXECUTE FUNCTION beltroad_bump_generation()"
            )
    else:
        for name in WATCHED:
            for event in EVENTS:
                op.execute(  # identifiers from the constants above, no user input
                    f"CREATE TRIGGER trg_{name}_{event}_generation AFTER {event.upper()} "
                    f"ON {name} {WHEN}BEGIN {BUMP}; END"
                )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in WATCHED:
            op.execute(f"DROP TRIGGER trg_{name}_generation ON {name}")
    else:
        for name in WATCHED:
            for event in EVENTS:
                op.execute(f"DROP TRIGGER trg_{name}_{event}_generation")
    op.drop_table("record_reviews")
    with op.batch_alter_table("record_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_links_project_id"))
    op.drop_table("record_links")
