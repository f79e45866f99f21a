"""The analytics change log (migration 0014_snap14): which projects changed since a generation.

Triggers write ``analytics_changes`` on every write to a project-keyed table, whoever writes
(beltroad, raw SQL, another process); a NULL project marks a change that cannot be pinned on
projects. The analytics snapshot asks :func:`changed_since` and re-reads only those projects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Connection

if TYPE_CHECKING:  # generation.py calls trim(): no import cycle at run time
    from beltroad.storage.generation import Generation

#: A log longer than this is emptied by the next bulk writer (:func:`trim`): snapshots older than
#: that point are rebuilt once instead of the log growing without end.
KEEP_ROWS = 2_000_000


def changed_since(connection: Connection, since: Generation, limit: int) -> tuple[int, ...] | None:
    """The projects written after ``since`` (sorted), as ``connection`` sees them.

    Each log row carries the generation its write left (migration 0014_snap14), so the rows
    above the snapshot's generation are exactly the writes it has not seen.

    None when the change cannot be located: the log does not reach back that far, it holds an
    unlocated change (NULL project), or more than ``limit`` projects changed (re-reading them
    one by one would cost more than a rebuild).
    """
    row = connection.exec_driver_sql(
        "SELECT instance_id, changes_from FROM analytics_state WHERE id = 1"
    ).one()
    if str(row[0]) != since.instance_id or since.generation < int(row[1]):
        return None
    found = connection.exec_driver_sql(
        "SELECT DISTINCT project_id FROM analytics_changes "  # noqa: S608 - an int, not input
        f"WHERE generation > {int(since.generation)} LIMIT {int(limit) + 2}"
    ).all()
    ids = [r[0] for r in found]
    if len(ids) > limit or None in ids:
        return None
    return tuple(sorted(int(i) for i in ids))


def trim(connection: Connection) -> None:
    """Empty a log longer than :data:`KEEP_ROWS` (inside a writer's transaction).

    Everything older than the current generation goes, and ``changes_from`` says so: a
    snapshot built before it is rebuilt instead of patched. Two look-ups on the primary key.
    """
    low, high = connection.exec_driver_sql("SELECT MIN(id), MAX(id) FROM analytics_changes").one()
    if low is None or high - low < KEEP_ROWS:
        return
    connection.exec_driver_sql(
        "DELETE FROM analytics_changes WHERE generation < "
        "(SELECT generation FROM analytics_state WHERE id = 1)"
    )
    connection.exec_driver_sql("UPDATE analytics_state SET changes_from = generation WHERE id = 1")
