"""The ``projects.public`` flag (issue #16's read-only public mode): set it, and read only the
projects that carry it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, or_, select, update

from beltroad.storage import models
from beltroad.storage.models import table

_P = table(models.Project).c
#: What an anonymous visitor sees of a public project: no provenance internals, no workflow.
PUBLIC_COLUMNS = (
    "id", "identifier", "title", "description", "status", "commitment_year",
    "amount_usd_constant", "amount_base_year", "amount_original", "amount_currency",
    "corridor_id", "dataset", "is_synthetic", "planned_start", "actual_start", "planned_end",
    "actual_end",
)  # fmt: skip


def project_ids(connection: Connection, identifiers: Sequence[str]) -> dict[str, int]:
    """Identifier -> id for those that exist."""
    query = select(_P.identifier, _P.id).where(_P.identifier.in_(list(identifiers)))
    return {str(row.identifier): int(row.id) for row in connection.execute(query)}


def set_public(connection: Connection, ids: Sequence[int], public: bool) -> int:
    """Set the flag on ``ids``; returns how many rows changed."""
    if not ids:
        return 0
    statement = (
        update(table(models.Project))
        .where(_P.id.in_(list(ids)), _P.public.is_not(public))
        .values(public=public)
    )
    return int(connection.execute(statement).rowcount or 0)


def public_projects(
    connection: Connection, *, q: str | None, limit: int, offset: int
) -> tuple[int, list[dict[str, Any]]]:
    """The public projects (title or identifier containing ``q``), by identifier."""
    where: list[ColumnElement[bool]] = [_P.public.is_(True)]
    if q:
        pattern = f"%{q.lower()}%"
        where.append(
            or_(func.lower(_P.title).like(pattern), func.lower(_P.identifier).like(pattern))
        )
    total = connection.execute(
        select(func.count()).select_from(table(models.Project)).where(*where)
    )
    query = (
        select(*(_P[name] for name in PUBLIC_COLUMNS))
        .where(*where)
        .order_by(_P.identifier)
        .limit(limit)
        .offset(offset)
    )
    rows = [dict(row) for row in connection.execute(query).mappings()]
    return int(total.scalar_one()), rows


def public_project(connection: Connection, identifier: str) -> dict[str, Any] | None:
    """One public project by identifier, or None (missing and not public look alike)."""
    query = select(*(_P[name] for name in PUBLIC_COLUMNS)).where(
        _P.identifier == identifier, _P.public.is_(True)
    )
    row = connection.execute(query.limit(1)).mappings().first()
    return dict(row) if row else None
