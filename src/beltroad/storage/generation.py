"""The database's change counter: which portfolio state an analytics snapshot was built from.

Migration 0002 installs triggers that bump ``analytics_state.generation`` on every write to the
tables in :data:`WATCHED`. A snapshot records the ``(instance_id, generation)`` it was read at and
is used only while both still match.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, text

#: The tables the analytics snapshot reads, the funnel's milestones included (the same list as
#: migration 0002).
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
_EVENTS = ("insert", "update", "delete")
_BUMP = "UPDATE analytics_state SET generation = generation + 1 WHERE id = 1"


@dataclass(frozen=True)
class Generation:
    """Which database (``instance_id``) and how many committed changes ago (``generation``)."""

    instance_id: str
    generation: int


def current(connection: Connection) -> Generation:
    """The database's identity and change counter, as seen by ``connection``'s transaction."""
    row = connection.execute(
        text("SELECT instance_id, generation FROM analytics_state WHERE id = 1")
    ).one()
    return Generation(str(row.instance_id), int(row.generation))


def bump(connection: Connection) -> None:
    """Count one change by hand (a writer that paused the triggers)."""
    connection.execute(text(_BUMP))


@contextmanager
def paused_triggers(connection: Connection) -> Iterator[None]:
    """Run a bulk load without SQLite's per-row generation triggers, then bump once.

    SQLite has no statement-level triggers, and bumping a counter for each of millions of rows
    costs about a tenth of a bulk load. DDL is transactional in SQLite and writers are serialised
    by its database lock, so no other connection ever sees the triggers missing. PostgreSQL's
    triggers fire once per statement already, so there this only bumps at the end.
    """
    if not connection.in_transaction():
        raise RuntimeError("paused_triggers needs a transaction, so that a failure restores them")
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        for name in WATCHED:
            for event in _EVENTS:
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS trg_{name}_{event}_generation")
    yield
    # Reached only on success: after a failure the caller's rollback restores the triggers, and
    # PostgreSQL would refuse any further statement in the aborted transaction anyway.
    if sqlite:
        for name in WATCHED:
            for event in _EVENTS:
                connection.exec_driver_sql(
                    f"CREATE TRIGGER trg_{name}_{event}_generation AFTER {event.upper()} "
                    f"ON {name} BEGIN {_BUMP}; END"
                )
    bump(connection)
