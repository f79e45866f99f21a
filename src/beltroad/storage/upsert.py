"""Dialect-aware INSERT ... ON CONFLICT, so re-running a load changes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, ColumnElement, Connection, Table, cast, or_
from sqlalchemy.dialects import postgresql, sqlite


def upsert(
    connection: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    key: Sequence[str],
    *,
    update: bool = True,
) -> int:
    """Insert ``rows``; on a clash on ``key`` update the other columns (or skip them).

    Returns the number of rows sent. Works on SQLite and PostgreSQL.
    """
    if not rows:
        return 0
    dialect = connection.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table)
    columns = [name for name in rows[0] if name not in key]
    if update and columns:
        statement = statement.on_conflict_do_update(
            index_elements=list(key),
            set_={name: statement.excluded[name] for name in columns},
            # Rewriting an identical row would still fire the analytics triggers.
            where=or_(
                *(_changed(table.c[name], statement.excluded[name], dialect) for name in columns)
            ),
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(key))
    connection.execute(statement, list(rows))
    return len(rows)


def _changed(current: Any, incoming: Any, dialect: str) -> ColumnElement[bool]:
    if dialect == "postgresql" and isinstance(current.type, JSON):
        # PostgreSQL has no equality on json; jsonb compares the values.
        current, incoming = cast(current, postgresql.JSONB), cast(incoming, postgresql.JSONB)
    result: ColumnElement[bool] = current.is_distinct_from(incoming)
    return result
