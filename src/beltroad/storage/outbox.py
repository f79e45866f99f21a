"""The notification outbox (issue #15): escalations, approvals requested, reviews due."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, insert, or_, select, update

from beltroad.storage import coordination_models as cm
from beltroad.storage import models


def add(connection: Connection, values: Mapping[str, Any]) -> bool:
    """Queue a notification; one with the same ``key`` already queued is not repeated."""
    n = cm.Notification
    key = values.get("key")
    if key is not None and connection.execute(select(n.id).where(n.key == key)).first():
        return False
    connection.execute(insert(n).values(**values))
    return True


def for_user(
    connection: Connection, user_id: int, unit_ids: frozenset[int], *, unread_only: bool
) -> list[dict[str, Any]]:
    n = cm.Notification
    who = [n.user_id == user_id]
    if unit_ids:
        who.append(n.unit_id.in_(sorted(unit_ids)))
    query = select(
        n.id,
        n.created_at,
        n.kind,
        n.subject,
        n.body,
        n.entity,
        n.entity_id,
        n.read_at,
        n.emailed_at,
    ).where(or_(*who))
    if unread_only:
        query = query.where(n.read_at.is_(None))
    return [dict(r._mapping) for r in connection.execute(query.order_by(n.id.desc()).limit(500))]


def unsent(connection: Connection) -> list[dict[str, Any]]:
    n, u = cm.Notification, models.User
    rows = connection.execute(
        select(n.id, n.subject, n.body, u.email)
        .join(u, u.id == n.user_id)
        .where(n.emailed_at.is_(None), n.email_error.is_(None), u.email.is_not(None))
        .order_by(n.id)
    )
    return [dict(r._mapping) for r in rows]


def mark(connection: Connection, notification_id: int, **values: dt.datetime | str | None) -> None:
    n = cm.Notification
    connection.execute(update(n).where(n.id == notification_id).values(**values))
