"""One import of a dataset at a time on PostgreSQL, so a second one is refused, not crashed.

Two imports of the same file at once would both insert the same new projects; on PostgreSQL the
second then fails on the unique index (an "internal error" before this). A transaction-scoped
advisory lock keyed by the dataset name lets the second one see at once that another import is
running. SQLite needs none: it admits one writer at a time, and the second waits for the first
(up to the busy timeout, then says the database is locked).
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Connection, text


def lock_key(dataset: str) -> int:
    """A stable signed 64-bit key for ``dataset`` (PostgreSQL advisory locks take a bigint)."""
    digest = hashlib.sha256(f"beltroad-import:{dataset}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def try_lock_import(connection: Connection, dataset: str) -> bool:
    """Take the import lock of ``dataset`` until the transaction ends; False if another has it."""
    if connection.dialect.name != "postgresql":
        return True
    taken = connection.execute(
        text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": lock_key(dataset)}
    ).scalar()
    return bool(taken)


def holders(connection: Connection, dataset: str) -> list[str]:
    """``pid N (application, since T)`` of the sessions holding the lock, as far as visible."""
    if connection.dialect.name != "postgresql":
        return []
    key = lock_key(dataset)
    rows = connection.execute(
        text(
            "SELECT a.pid, a.application_name, a.xact_start FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted "
            "AND l.classid = :high AND l.objid = :low AND l.objsubid = 1"
        ),
        {"high": (key >> 32) & 0xFFFFFFFF, "low": key & 0xFFFFFFFF},
    ).all()
    return [
        f"server pid {pid}"
        + (f" ({name})" if name else "")
        + (f", since {start:%H:%M:%S}" if start else "")
        for pid, name, start in rows
    ]


__all__ = ["holders", "lock_key", "try_lock_import"]
