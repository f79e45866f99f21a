"""The database's change counter: which portfolio state an analytics snapshot was built from.

Migration 0002 installs triggers that bump ``analytics_state.generation`` on every write to the
tables in :data:`WATCHED` (0004 lets SQLite bulk writers pause them with a flag). A snapshot
records the ``(instance_id, generation)`` it was read at and is used only while both still match.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, text

from beltroad.storage import changes

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
    # Migration 0005_overlaps: which records count, and corridor membership.
    "record_links",
    "corridor_countries",
)


@dataclass(frozen=True)
class Generation:
    """Which database (``instance_id``) and how many committed changes ago (``generation``).

    ``trusted`` is False when the counter cannot be relied on (a bulk writer's pause flag was
    committed, which only a bug can do): then nothing may be cached under it.
    """

    instance_id: str
    generation: int
    trusted: bool = True


def current(connection: Connection) -> Generation:
    """The database's identity and change counter, as seen by ``connection``'s transaction."""
    row = connection.execute(
        text("SELECT instance_id, generation, paused FROM analytics_state WHERE id = 1")
    ).one()
    return Generation(str(row.instance_id), int(row.generation), trusted=not row.paused)


@contextmanager
def paused_triggers(connection: Connection, *, locate: bool = True) -> Iterator[None]:
    """Run a bulk load with SQLite's generation triggers bumping once, not once per row.

    SQLite has no statement-level triggers: a row trigger bumping the counter costs about as much
    as inserting the row. While ``analytics_state.paused`` is set (migration 0004) only the first
    written row bumps the generation, so a load that changes nothing keeps the analytics
    snapshot. The flag is set and cleared inside the caller's transaction, and SQLite serialises
    writers, so no other connection ever sees it set; on failure the caller must roll back, which
    clears it. PostgreSQL's triggers fire once per statement already and are left alone.

    ``locate=False`` (a load of new data only, e.g. a synthetic portfolio) also stops SQLite's
    change-log triggers (migration 0014_snap14) writing a row per written row: the load logs
    one unlocated change instead, so the next snapshot is rebuilt rather than patched.
    """
    if not connection.in_transaction():
        raise RuntimeError("paused_triggers needs a transaction, so that a failure restores them")
    sqlite = connection.dialect.name == "sqlite"
    # Nested pauses: only the outermost sets and clears the flag.
    outermost = (
        sqlite
        and connection.exec_driver_sql(
            "UPDATE analytics_state SET paused = 1 WHERE id = 1 AND paused = 0"
        ).rowcount
    )
    unlogged = (
        not locate
        and connection.exec_driver_sql(
            "UPDATE analytics_state SET logging = 0 WHERE id = 1 AND logging = 1"
        ).rowcount
    )
    yield
    # Reached only on success: after a failure the caller's rollback clears the flags.
    if unlogged:
        # PostgreSQL has no pause flag: log the unlocated change whether or not rows were written.
        connection.exec_driver_sql(
            "INSERT INTO analytics_changes (generation, project_id) "  # noqa: S608 - constants
            "SELECT generation, NULL FROM analytics_state WHERE id = 1"
            + (" AND paused = 2" if sqlite else "")
        )
        connection.exec_driver_sql("UPDATE analytics_state SET logging = 1 WHERE id = 1")
    if outermost or not sqlite:
        changes.trim(connection)
    if outermost:
        connection.exec_driver_sql("UPDATE analytics_state SET paused = 0 WHERE id = 1")
