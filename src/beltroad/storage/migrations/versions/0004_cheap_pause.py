"""analytics state: bulk loads pause SQLite's generation triggers with a flag, not DDL;
three indexes no query needs dropped

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 04:20:00

SQLite has only row triggers, so 0002's triggers bump ``analytics_state.generation`` once per
written row: about 1.3 µs a row, half the cost of inserting it. Bulk writers used to drop the
triggers and create them again inside their transaction, which costs a few milliseconds of DDL
and invalidates every prepared statement. Now each SQLite trigger has a ``WHEN`` clause that
reads ``analytics_state.paused`` (a primary-key look-up, ~0.3 µs):

* 0, not paused: every written row bumps the generation, as before;
* 1, paused by a bulk writer: the first written row bumps it and sets 2;
* 2, paused, already bumped: the trigger does nothing.

So a bulk load bumps the generation exactly once if it wrote anything and never if it wrote
nothing (a re-import of an unchanged file keeps the analytics snapshot). The writer sets 1 and
clears the flag inside its own transaction; writers are serialised by SQLite's lock and a
failure rolls the flag back, so no other connection ever sees it set.

PostgreSQL's triggers already fire once per statement; they get the column (one schema for both
databases) and are otherwise unchanged.

``ix_projects_dataset`` and ``ix_participations_project_id`` are dropped: the unique indexes on
``(dataset, source_record_id)`` and ``(project_id, organisation_id, role)`` lead with the same
column and serve the same look-ups, so the two only cost every insert an index update.
``ix_transactions_type_date`` served the SQL aggregates that the analytics snapshot replaced
(issue #4); no query filters transactions by type and date any more, and it was a fifth of the
cost of loading a transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: 0002's list, repeated so this migration never changes after it ships.
WATCHED: tuple[str, ...] = (
    "projects",
    "project_countries",
    "project_regions",
    "project_sectors",
    "participations",
    "organisations",
    "transactions",
    "countries",
    "milestones",
)
EVENTS: tuple[str, ...] = ("insert", "update", "delete")
BUMP = "UPDATE analytics_state SET generation = generation + 1, paused = 2 * paused WHERE id = 1"
PLAIN_BUMP = "UPDATE analytics_state SET generation = generation + 1 WHERE id = 1"


def _recreate_triggers(when: str, bump: str) -> None:
    for name in WATCHED:
        for event in EVENTS:
            op.execute(f"DROP TRIGGER trg_{name}_{event}_generation")
            op.execute(  # identifiers from the constants above, no user input
                f"CREATE TRIGGER trg_{name}_{event}_generation AFTER {event.upper()} "
                f"ON {name} {when}BEGIN {bump}; END"
            )


def upgrade() -> None:
    # A plain ALTER TABLE: batch mode would copy the table, which the triggers' bodies name.
    op.add_column(
        "analytics_state",
        sa.Column("paused", sa.SmallInteger(), server_default=sa.text("0"), nullable=False),
    )
    if op.get_bind().dialect.name == "sqlite":
        _recreate_triggers("WHEN (SELECT paused FROM analytics_state WHERE id = 1) < 2 ", BUMP)
    op.drop_index("ix_projects_dataset", table_name="projects")
    op.drop_index("ix_participations_project_id", table_name="participations")
    op.drop_index("ix_transactions_type_date", table_name="transactions")


def downgrade() -> None:
    op.create_index("ix_transactions_type_date", "transactions", ["type", "date"])
    op.create_index("ix_participations_project_id", "participations", ["project_id"])
    op.create_index("ix_projects_dataset", "projects", ["dataset"])
    if op.get_bind().dialect.name == "sqlite":
        _recreate_triggers("", PLAIN_BUMP)
    op.drop_column("analytics_state", "paused")  # SQLite 3.35+ drops a column in place
