"""The project facts behind ``beltroad funnel``: stage, status, dates, amount and last progress."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, func, select

from beltroad.storage import models

COMMITMENT = 2  # IATI TransactionType


def _as_date(value: Any) -> dt.date | None:
    """SQLite returns MAX() over dates as text; PostgreSQL as a date."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def funnel_projects(connection: Connection, *, rule: str = "aiddata") -> Iterator[dict[str, Any]]:
    """Per project counted under ``rule`` (``aiddata`` or ``all``), the fields of
    :class:`beltroad.engines.funnel.FunnelProject`, with ``last_event`` the latest progress date."""
    p, t, m = models.Project, models.Transaction, models.Milestone
    last_transaction = (
        select(t.project_id, func.max(t.date).label("last"))
        .where(t.date.is_not(None))
        .group_by(t.project_id)
        .subquery()
    )
    committed = select(t.project_id).where(t.type == COMMITMENT).group_by(t.project_id).subquery()
    last_milestone = (
        select(m.project_id, func.max(m.actual_on).label("last"))
        .where(m.actual_on.is_not(None))
        .group_by(m.project_id)
        .subquery()
    )
    query = (
        select(
            p.identifier,
            p.title,
            p.stage,
            p.status,
            p.planned_start,
            p.actual_start,
            p.planned_end,
            p.actual_end,
            p.amount_usd_constant,
            committed.c.project_id.is_not(None).label("committed"),
            last_transaction.c.last.label("last_transaction"),
            last_milestone.c.last.label("last_milestone"),
        )
        .outerjoin(last_transaction, last_transaction.c.project_id == p.id)
        .outerjoin(committed, committed.c.project_id == p.id)
        .outerjoin(last_milestone, last_milestone.c.project_id == p.id)
    )
    if rule == "aiddata":
        query = query.where(p.recommended_for_aggregates.is_not(False), p.is_umbrella.is_(False))
    for row in connection.execute(query):
        events = [
            d
            for d in (
                row.actual_start,
                row.actual_end,
                _as_date(row.last_transaction),
                _as_date(row.last_milestone),
            )
            if d is not None
        ]
        yield dict(
            identifier=row.identifier,
            title=row.title,
            stage=row.stage,
            status=row.status,
            planned_start=row.planned_start,
            actual_start=row.actual_start,
            planned_end=row.planned_end,
            actual_end=row.actual_end,
            amount=row.amount_usd_constant,
            has_commitment=bool(row.committed),
            last_event=max(events) if events else None,
        )
