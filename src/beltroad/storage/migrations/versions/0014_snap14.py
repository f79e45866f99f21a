"""analytics change log: which projects each write touched, so the snapshot is patched, not rebuilt

Revision ID: 0014_snap14
Revises: 0013_brief18
Create Date: 2026-12-08 03:10:00

0002's generation says *that* the analysed tables changed; this log says *which projects* did, so
the analytics snapshot re-reads only those (issue #14). Triggers, not application code, write it,
so that raw SQL and other processes are located as well:

* ``analytics_changes``: ``(generation, project_id)`` rows. A write to a project-keyed table logs
  the project (both ends of a record link; old and new key of an update). A change that cannot be
  pinned on projects (a country's region, an organisation's name, corridor membership, a
  TRUNCATE) logs a NULL project: whoever reads it rebuilds.
* ``analytics_state.changes_from``: the log is complete from this generation on; a snapshot older
  than it cannot be patched. Backfilled with today's generation (the log starts empty).
* ``ix_projects_parent_id``: a deleted project (patched out of the snapshot) no longer costs a
  scan of every project (the ``parent_id`` foreign key's check).
* ``analytics_state.logging``: 1, or 0 inside a SQLite bulk load that writes only new data and
  logs one NULL instead of a row per written row (``paused_triggers(..., locate=False)``); never
  committed other than 1.

Every logged row carries the generation its write left (never less), so a snapshot of generation
G re-reads exactly the rows logged above G. PostgreSQL logs once per statement from its
transition tables, and its triggers sort after 0002's ``trg_<table>_generation`` (same-event
triggers fire in name order), so they read the generation their own statement set. SQLite's row
triggers fire before 0004's bump of the same row and add it themselves (see ``_log``).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_snap14"
down_revision: str | None = "0013_brief18"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Tables whose rows name projects, with the columns that do (frozen here: a shipped migration
#: never changes).
KEYED: dict[str, tuple[str, ...]] = {
    "projects": ("id",),
    "project_countries": ("project_id",),
    "project_regions": ("project_id",),
    "project_sectors": ("project_id",),
    "participations": ("project_id",),
    "transactions": ("project_id",),
    "milestones": ("project_id",),
    "record_links": ("project_id", "other_id"),
}
#: Reference tables: any change (an organisation's: a new name) means "rebuild".
UNLOCATED: tuple[str, ...] = ("countries", "corridor_countries")
EVENTS: tuple[str, ...] = ("insert", "update", "delete")
LOGGING = "WHEN (SELECT logging FROM analytics_state WHERE id = 1) = 1 "


def _log(key: str) -> str:
    # The generation this row's write leaves: SQLite fires the newest trigger first, so this runs
    # before 0004's bump of the same row, which adds 1 unless a paused load already bumped (2).
    # Were the order ever reversed, the value would be one too high: a re-read, never a miss.
    return (
        "INSERT INTO analytics_changes (generation, project_id) "  # noqa: S608 - our identifiers
        f"SELECT generation + (paused < 2), {key} FROM analytics_state WHERE id = 1"
    )


def _sqlite_body(event: str, columns: tuple[str, ...]) -> str:
    statements: list[str] = []
    for column in columns:
        if event in ("insert", "update"):
            statements.append(_log(f"NEW.{column}"))
        if event == "delete":
            statements.append(_log(f"OLD.{column}"))
        if event == "update":
            statements.append(_log(f"OLD.{column}") + f" AND OLD.{column} IS NOT NEW.{column}")
    return "; ".join(statements)


_PG_LOG = """
CREATE FUNCTION beltroad_log_changes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    g bigint;
    logging smallint;
    key text;
BEGIN
    SELECT generation, analytics_state.logging INTO g, logging FROM analytics_state WHERE id = 1;
    IF logging = 0 THEN  -- a bulk load of new data logs one NULL itself
        RETURN NULL;
    END IF;
    IF TG_OP = 'TRUNCATE' OR TG_NARGS = 0 THEN
        INSERT INTO analytics_changes (generation, project_id) VALUES (g, NULL);
        RETURN NULL;
    END IF;
    FOREACH key IN ARRAY TG_ARGV LOOP
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            EXECUTE format('INSERT INTO analytics_changes (generation, project_id) '
                           'SELECT DISTINCT $1, %I FROM new_rows', key) USING g;
        END IF;
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
            EXECUTE format('INSERT INTO analytics_changes (generation, project_id) '
                           'SELECT DISTINCT $1, %I FROM old_rows', key) USING g;
        END IF;
    END LOOP;
    RETURN NULL;
END $$
"""
_PG_RENAMED = """
CREATE FUNCTION beltroad_log_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
               WHERE n.name IS DISTINCT FROM o.name) THEN
        INSERT INTO analytics_changes (generation, project_id)
        SELECT generation, NULL FROM analytics_state WHERE id = 1 AND logging = 1;
    END IF;
    RETURN NULL;
END $$
"""
_TRANSITIONS = {
    "insert": "REFERENCING NEW TABLE AS new_rows",
    "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "REFERENCING OLD TABLE AS old_rows",
}


def _postgresql_upgrade() -> None:
    op.execute(_PG_LOG)
    op.execute(_PG_RENAMED)
    for name, columns in KEYED.items():
        arguments = ", ".join(f"'{c}'" for c in columns)
        for event in EVENTS:
            op.execute(
                f"CREATE TRIGGER trg_{name}_log_{event} AFTER {event.upper()} ON {name} "
                f"{_TRANSITIONS[event]} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION beltroad_log_changes({arguments})"
            )
        op.execute(
            f"CREATE TRIGGER trg_{name}_log_truncate AFTER TRUNCATE ON {name} "
            "FOR EACH STATEMENT EXECUTE FUNCTION beltroad_log_changes()"
        )
    for name in UNLOCATED:
        op.execute(
            f"CREATE TRIGGER trg_{name}_log_any AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {name} FOR EACH STATEMENT EXECUTE FUNCTION beltroad_log_changes()"
        )
    op.execute(
        "CREATE TRIGGER trg_organisations_log_update AFTER UPDATE ON organisations "
        f"{_TRANSITIONS['update']} FOR EACH STATEMENT EXECUTE FUNCTION beltroad_log_renamed()"
    )


def _sqlite_upgrade() -> None:
    for name, columns in KEYED.items():
        for event in EVENTS:
            op.execute(  # identifiers from the constants above, no user input
                f"CREATE TRIGGER trg_{name}_log_{event} AFTER {event.upper()} ON {name} "
                f"{LOGGING}BEGIN {_sqlite_body(event, columns)}; END"
            )
    for name in UNLOCATED:
        for event in EVENTS:
            op.execute(
                f"CREATE TRIGGER trg_{name}_log_{event} AFTER {event.upper()} ON {name} "
                f"{LOGGING}BEGIN {_log('NULL')}; END"
            )
    op.execute(
        "CREATE TRIGGER trg_organisations_log_update AFTER UPDATE ON organisations "
        f"{LOGGING}AND OLD.name IS NOT NEW.name BEGIN {_log('NULL')}; END"
    )


def upgrade() -> None:
    op.create_table(
        "analytics_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.Column("project_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_changes")),
    )
    op.create_index("ix_analytics_changes_generation", "analytics_changes", ["generation"])
    # Deleting a project checks that no project names it as parent: without this index, a full
    # scan of projects per deleted project (10,000 deletions at 1M projects: tens of minutes).
    op.create_index("ix_projects_parent_id", "projects", ["parent_id"])
    # Plain ALTER TABLE (batch mode would copy the table, which the triggers' bodies name).
    op.add_column(
        "analytics_state",
        sa.Column("changes_from", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
    )
    op.add_column(
        "analytics_state",
        sa.Column("logging", sa.SmallInteger(), server_default=sa.text("1"), nullable=False),
    )
    # Backfill: the log starts empty, so it is complete from today's generation on.
    op.execute("UPDATE analytics_state SET changes_from = generation")
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_upgrade()
    else:
        _sqlite_upgrade()


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name in KEYED:
        for event in (*EVENTS, "truncate") if postgresql else EVENTS:
            op.execute(
                f"DROP TRIGGER trg_{name}_log_{event}" + (f" ON {name}" if postgresql else "")
            )
    for name in UNLOCATED:
        if postgresql:
            op.execute(f"DROP TRIGGER trg_{name}_log_any ON {name}")
        else:
            for event in EVENTS:
                op.execute(f"DROP TRIGGER trg_{name}_log_{event}")
    op.execute(
        "DROP TRIGGER trg_organisations_log_update" + (" ON organisations" if postgresql else "")
    )
    if postgresql:
        op.execute("DROP FUNCTION beltroad_log_renamed()")
        op.execute("DROP FUNCTION beltroad_log_changes()")
    op.drop_column("analytics_state", "logging")
    op.drop_column("analytics_state", "changes_from")
    op.drop_index("ix_projects_parent_id", table_name="projects")
    op.drop_index("ix_analytics_changes_generation", table_name="analytics_changes")
    op.drop_table("analytics_changes")
