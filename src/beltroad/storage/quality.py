"""The quality flags of imported records: replaced on each import, listed by dataset and kind."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select

from beltroad.storage import models

_FLAGS = models.table(models.RecordFlag)
_CHUNK = 500  # ids per DELETE ... IN (...): well below SQLite's bound-parameter limit


def replace_flags(
    connection: Connection,
    dataset: str,
    record_ids: Collection[str],
    flags: Sequence[Mapping[str, Any]],
) -> None:
    """The flags of the records ``record_ids`` of ``dataset`` become ``flags``.

    Earlier flags of records this import did not touch stay; a record re-imported without
    flags loses its old ones. Each of ``flags`` has the columns of ``record_flags`` but ``id``.
    """
    existing = connection.execute(
        select(_FLAGS.c.id, _FLAGS.c.record_id).where(_FLAGS.c.dataset == dataset)
    ).all()
    stale = [row.id for row in existing if row.record_id in record_ids]
    for start in range(0, len(stale), _CHUNK):
        connection.execute(delete(_FLAGS).where(_FLAGS.c.id.in_(stale[start : start + _CHUNK])))
    if flags:
        connection.execute(insert(_FLAGS), [dict(flag) for flag in flags])


def list_flags(
    connection: Connection, *, dataset: str | None = None, kind: str | None = None
) -> list[dict[str, Any]]:
    """Every flag (optionally of one dataset and kind), by dataset, kind, code and file row."""
    query = select(
        _FLAGS.c.dataset,
        _FLAGS.c.kind,
        _FLAGS.c.code,
        _FLAGS.c.record_type,
        _FLAGS.c.record_id,
        _FLAGS.c.title,
        _FLAGS.c.row,
        _FLAGS.c.field,
        _FLAGS.c.value,
        _FLAGS.c.reason,
    )
    if dataset is not None:
        query = query.where(_FLAGS.c.dataset == dataset)
    if kind is not None:
        query = query.where(_FLAGS.c.kind == kind)
    query = query.order_by(
        _FLAGS.c.dataset, _FLAGS.c.kind, _FLAGS.c.code, _FLAGS.c.row, _FLAGS.c.record_id
    )
    return [dict(row) for row in connection.execute(query).mappings()]


def flag_kinds(connection: Connection) -> dict[str, list[str]]:
    """Dataset -> the kinds of flag it has (to name the choices when a filter matches none)."""
    found: dict[str, list[str]] = {}
    query = select(_FLAGS.c.dataset, _FLAGS.c.kind, func.count()).group_by(
        _FLAGS.c.dataset, _FLAGS.c.kind
    )
    for dataset, kind, _ in connection.execute(query.order_by(_FLAGS.c.dataset, _FLAGS.c.kind)):
        found.setdefault(dataset, []).append(kind)
    return found
