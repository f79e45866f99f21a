"""Writes of the coordination workflow: project versions (drafts, approvals), lifecycle events,
frozen periods, with optimistic locking on each record's ``version`` (issue #15)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, delete, insert, or_, select, update

from beltroad.storage import coordination_models as cm
from beltroad.storage import models
from beltroad.storage.models import table

OPEN_STATES = ("draft", "submitted", "returned")


def bump_project(
    connection: Connection, project_id: int, expected_version: int, values: Mapping[str, Any]
) -> bool:
    """Update a project if its version is still ``expected_version``; False if it moved on."""
    p = models.Project
    result = connection.execute(
        update(p)
        .where(p.id == project_id, p.version == expected_version)
        .values(**values, version=expected_version + 1)
    )
    return bool(result.rowcount)


def insert_project(connection: Connection, values: Mapping[str, Any]) -> int:
    p = models.Project
    return int(connection.execute(insert(p).values(**values).returning(p.id)).scalar_one())


def replace_splits(
    connection: Connection,
    project_id: int,
    countries: Sequence[Mapping[str, Any]] | None,
    sectors: Sequence[Mapping[str, Any]] | None,
) -> None:
    if countries is not None:
        pc = models.ProjectCountry
        connection.execute(delete(pc).where(pc.project_id == project_id))
        if countries:
            connection.execute(
                insert(pc),
                [
                    {"project_id": project_id, "iso3": c["iso3"], "percentage": c["percentage"]}
                    for c in countries
                ],
            )
    if sectors is not None:
        ps = models.ProjectSector
        connection.execute(delete(ps).where(ps.project_id == project_id))
        if sectors:
            connection.execute(
                insert(ps),
                [
                    {
                        "project_id": project_id,
                        "vocabulary": str(s.get("vocabulary") or "1"),
                        "code": str(s["code"]),
                        "percentage": s["percentage"],
                    }
                    for s in sectors
                ],
            )


# --- versions ---------------------------------------------------------------------------------

_A = table(models.Approval).c  # Core columns: cheaper per query than ORM attributes
VERSION_COLUMNS = tuple(
    _A[name]
    for name in (
        "id",
        "version_no",
        "state",
        "base_version",
        "payload",
        "comment",
        "created_by",
        "created_at",
        "submitted_by",
        "submitted_at",
        "decided_by",
        "decided_at",
        "version",
    )
)


def open_version(connection: Connection, entity: str, entity_id: str) -> dict[str, Any] | None:
    a = _A
    row = connection.execute(
        select(*VERSION_COLUMNS)
        .where(a.entity == entity, a.entity_id == entity_id, a.state.in_(OPEN_STATES))
        .order_by(a.version_no.desc())
        .limit(1)
    ).first()
    return None if row is None else dict(row._mapping)


def versions(connection: Connection, entity: str, entity_id: str) -> list[dict[str, Any]]:
    a = _A
    rows = connection.execute(
        select(*VERSION_COLUMNS)
        .where(a.entity == entity, a.entity_id == entity_id)
        .order_by(a.version_no)
    )
    return [dict(r._mapping) for r in rows]


def next_version_no(connection: Connection, entity: str, entity_id: str) -> int:
    a = models.Approval
    rows = connection.execute(
        select(a.version_no).where(a.entity == entity, a.entity_id == entity_id)
    ).scalars()
    return max(rows, default=0) + 1


def add_version(connection: Connection, values: Mapping[str, Any]) -> int:
    a = models.Approval
    return int(connection.execute(insert(a).values(**values).returning(a.id)).scalar_one())


def update_version(
    connection: Connection, version_id: int, expected: int, values: Mapping[str, Any]
) -> bool:
    a = models.Approval
    result = connection.execute(
        update(a)
        .where(a.id == version_id, a.version == expected)
        .values(**values, version=expected + 1)
    )
    return bool(result.rowcount)


# --- lifecycle events -------------------------------------------------------------------------


def add_event(connection: Connection, values: Mapping[str, Any]) -> None:
    connection.execute(insert(cm.LifecycleEvent).values(**values))


def events(connection: Connection, project_id: int) -> list[dict[str, Any]]:
    events_t, users_t = table(cm.LifecycleEvent), table(models.User)
    e, u = events_t.c, users_t.c
    rows = connection.execute(
        select(e.at, e.from_state, e.to_state, e.reason, e.iati_status, u.username.label("actor"))
        .join(users_t, u.id == e.actor_id)
        .where(e.project_id == project_id)
        .order_by(e.at, e.id)
    )
    return [dict(r._mapping) for r in rows]


# --- frozen periods ---------------------------------------------------------------------------


def freeze(connection: Connection, values: Mapping[str, Any]) -> None:
    connection.execute(insert(cm.PeriodFreeze).values(**values))


def unfreeze(connection: Connection, period: str) -> bool:
    f = cm.PeriodFreeze
    return bool(connection.execute(delete(f).where(f.period == period)).rowcount)


def frozen(connection: Connection, period: str) -> dict[str, Any] | None:
    f, u = cm.PeriodFreeze, models.User
    row = connection.execute(
        select(f.period, f.starts_on, f.ends_on, f.frozen_at, f.note, u.username.label("by"))
        .join(u, u.id == f.frozen_by)
        .where(f.period == period)
    ).first()
    return None if row is None else dict(row._mapping)


def frozen_covering(connection: Connection, dates: Sequence[dt.date]) -> list[dict[str, Any]]:
    """The frozen periods that contain any of ``dates``."""
    if not dates:
        return []
    f, u = cm.PeriodFreeze, models.User
    rows = connection.execute(
        select(f.period, f.starts_on, f.ends_on, f.frozen_at, u.username.label("by"))
        .join(u, u.id == f.frozen_by)
        .where(or_(*(f.starts_on <= d for d in dates)))
        .order_by(f.starts_on)
    )
    return [dict(r._mapping) for r in rows if any(r.starts_on <= d <= r.ends_on for d in dates)]


def all_frozen(connection: Connection) -> list[dict[str, Any]]:
    f, u = cm.PeriodFreeze, models.User
    rows = connection.execute(
        select(f.period, f.starts_on, f.ends_on, f.frozen_at, f.note, u.username.label("by"))
        .join(u, u.id == f.frozen_by)
        .order_by(f.starts_on)
    )
    return [dict(r._mapping) for r in rows]


def submitted(connection: Connection, entity: str, limit: int = 500) -> list[dict[str, Any]]:
    """Versions waiting for a decision, oldest first."""
    a = _A
    rows = connection.execute(
        select(a.entity_id, *VERSION_COLUMNS)
        .where(a.entity == entity, a.state == "submitted")
        .order_by(a.submitted_at, a.id)
        .limit(limit)
    )
    return [dict(r._mapping) for r in rows]
