"""analytics state: a generation every write to the analysed tables bumps

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 01:50:00

The analytics snapshot (``beltroad.analytics.snapshot``) is a columnar copy of the portfolio that
makes breakdowns of a million projects take well under a second. It is only correct while it
matches the database, so the database itself counts its changes: triggers on every table the
snapshot reads bump ``analytics_state.generation``. Triggers, not application code, so that a raw
SQL update or another beltroad process is noticed as well.

PostgreSQL fires the trigger once per statement; SQLite only has row triggers, so its bulk loader
bumps once itself (see ``beltroad.storage.generation.paused_triggers``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Every table the analytics snapshot reads. Kept here (not imported) so this migration never
#: changes after it has shipped; ``beltroad.storage.generation.WATCHED`` must list the same.
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


def upgrade() -> None:
    op.create_table(
        "analytics_state",
        sa.Column("id", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_analytics_state_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_state")),
    )
    op.execute(
        sa.text(
            "INSERT INTO analytics_state (id, instance_id, generation) VALUES (1, :instance, 0)"
        ).bindparams(instance=str(uuid.uuid4()))
    )
    # The headline's pass over enterprises reads only these columns: an index-only scan.
    op.create_index(
        "ix_overseas_enterprises_headline",
        "overseas_enterprises",
        [
            "dataset",
            "established_on",
            "closed_on",
            "is_synthetic",
            "stock_usd_constant",
            "stock_base_year",
        ],
        unique=False,
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION beltroad_bump_generation() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN UPDATE analytics_state SET generation = generation + 1 WHERE id = 1; "
            "RETURN NULL; END $$"
        )
        for name in WATCHED:
            op.execute(
                f"CREATE TRIGGER trg_{name}_generation "
                f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {name} "
                "FOR EACH STATEMENT EXECUTE FUNCTION beltroad_bump_generation()"
            )
    else:
        for name in WATCHED:
            for event in EVENTS:
                op.execute(  # identifiers from the constants above, no user input
                    f"CREATE TRIGGER trg_{name}_{event}_generation AFTER {event.upper()} "  # noqa: S608
                    f"ON {name} BEGIN "
                    "UPDATE analytics_state SET generation = generation + 1 WHERE id = 1; END"
                )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in WATCHED:
            op.execute(f"DROP TRIGGER trg_{name}_generation ON {name}")
        op.execute("DROP FUNCTION beltroad_bump_generation()")
    else:
        for name in WATCHED:
            for event in EVENTS:
                op.execute(f"DROP TRIGGER trg_{name}_{event}_generation")
    op.drop_index("ix_overseas_enterprises_headline", table_name="overseas_enterprises")
    op.drop_table("analytics_state")
