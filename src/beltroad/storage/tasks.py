"""Units, tasks, their dependencies and recurring reporting tasks (issue #15)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import Connection, insert, select, update

from beltroad.storage import coordination_models as cm
from beltroad.storage import models
from beltroad.storage.models import table

_T = table(models.Task).c  # Core columns: cheaper per query than ORM attributes
TASK_COLUMNS = tuple(
    _T[name]
    for name in (
        "id",
        "title",
        "description",
        "kind",
        "unit_id",
        "project_id",
        "milestone_id",
        "due_on",
        "done_on",
        "status",
        "recurrence_id",
        "escalated_to",
        "escalated_at",
        "version",
    )
)


def add_unit(connection: Connection, values: Mapping[str, Any]) -> int:
    u = cm.Unit
    return int(connection.execute(insert(u).values(**values).returning(u.id)).scalar_one())


def list_units(connection: Connection, unit_ids: Collection[int] | None) -> list[dict[str, Any]]:
    u = cm.Unit
    query = select(u.id, u.name, u.kind, u.parent_id, u.country_iso3, u.organisation_id, u.version)
    if unit_ids is not None:
        query = query.where(u.id.in_(sorted(unit_ids)))
    return [dict(r._mapping) for r in connection.execute(query.order_by(u.id))]


def add_task(connection: Connection, values: Mapping[str, Any]) -> int:
    t = models.Task
    return int(connection.execute(insert(t).values(**values).returning(t.id)).scalar_one())


def task(connection: Connection, task_id: int) -> dict[str, Any] | None:
    row = connection.execute(select(*TASK_COLUMNS).where(_T.id == task_id)).first()
    return None if row is None else dict(row._mapping)


def update_task(
    connection: Connection, task_id: int, expected: int, values: Mapping[str, Any]
) -> bool:
    t = models.Task
    result = connection.execute(
        update(t)
        .where(t.id == task_id, t.version == expected)
        .values(**values, version=expected + 1)
    )
    return bool(result.rowcount)


def add_dependency(connection: Connection, task_id: int, depends_on: int) -> None:
    connection.execute(insert(cm.TaskDependency).values(task_id=task_id, depends_on_id=depends_on))


def prerequisites(connection: Connection, task_id: int) -> list[dict[str, Any]]:
    d, t = cm.TaskDependency, models.Task
    rows = connection.execute(
        select(t.id, t.title, t.status).join(d, d.depends_on_id == t.id).where(d.task_id == task_id)
    )
    return [dict(r._mapping) for r in rows]


def reaches(connection: Connection, start: int, goal: int) -> bool:
    """Whether ``goal`` is among ``start``'s prerequisites, directly or not (cycle check)."""
    d = cm.TaskDependency
    seen, stack = set(), [start]
    while stack:
        current = stack.pop()
        if current == goal:
            return True
        if current in seen:
            continue
        seen.add(current)
        stack.extend(
            connection.execute(select(d.depends_on_id).where(d.task_id == current)).scalars()
        )
    return False


def list_tasks(
    connection: Connection,
    *,
    unit_ids: Collection[int] | None,
    status: str | None = None,
    overdue_on: dt.date | None = None,
    project_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Tasks, soonest due first. ``overdue_on``: open tasks due before that day; with a few
    ``unit_ids`` this is a range scan of ``ix_tasks_unit_status_due`` per unit."""
    t = _T
    query = select(*TASK_COLUMNS)
    if unit_ids is not None:
        query = query.where(t.unit_id.in_(sorted(unit_ids)))
    if status is not None:
        query = query.where(t.status == status)
    if overdue_on is not None:
        query = query.where(t.status == "open", t.due_on < overdue_on)
    if project_id is not None:
        query = query.where(t.project_id == project_id)
    query = query.order_by(t.due_on, t.id).limit(limit).offset(offset)
    return [dict(r._mapping) for r in connection.execute(query)]


def add_recurring(connection: Connection, values: Mapping[str, Any]) -> int:
    r = cm.RecurringTask
    return int(connection.execute(insert(r).values(**values).returning(r.id)).scalar_one())


def recurring_due(connection: Connection, until: dt.date) -> list[dict[str, Any]]:
    r = cm.RecurringTask
    rows = connection.execute(
        select(r.id, r.title, r.unit_id, r.every, r.first_due, r.next_due, r.until, r.version)
        .where(r.active.is_(True), r.next_due <= until)
        .order_by(r.id)
    )
    return [dict(x._mapping) for x in rows]


def advance_recurring(
    connection: Connection, recurring_id: int, next_due: dt.date, active: bool
) -> None:
    r = cm.RecurringTask
    connection.execute(
        update(r)
        .where(r.id == recurring_id)
        .values(next_due=next_due, active=active, version=r.version + 1)
    )


def instance_exists(connection: Connection, recurring_id: int, due_on: dt.date) -> bool:
    t = models.Task
    found = connection.execute(
        select(t.id).where(t.recurrence_id == recurring_id, t.due_on == due_on)
    ).first()
    return found is not None


# --- milestones -------------------------------------------------------------------------------

_M = table(models.Milestone).c
MILESTONE_COLUMNS = (
    _M.id,
    _M.project_id,
    _M.name,
    _M.stage,
    _M.unit_id,
    _M.planned_on,
    _M.actual_on,
    _M.status,
    _M.version,
)


def add_milestone(connection: Connection, values: Mapping[str, Any]) -> int:
    m = models.Milestone
    return int(connection.execute(insert(m).values(**values).returning(m.id)).scalar_one())


def milestone(connection: Connection, milestone_id: int) -> dict[str, Any] | None:
    row = connection.execute(select(*MILESTONE_COLUMNS).where(_M.id == milestone_id)).first()
    return None if row is None else dict(row._mapping)


def milestones_of(connection: Connection, project_id: int) -> list[dict[str, Any]]:
    rows = connection.execute(
        select(*MILESTONE_COLUMNS).where(_M.project_id == project_id).order_by(_M.planned_on, _M.id)
    )
    return [dict(r._mapping) for r in rows]


def update_milestone(
    connection: Connection, milestone_id: int, expected: int, values: Mapping[str, Any]
) -> bool:
    m = models.Milestone
    result = connection.execute(
        update(m)
        .where(m.id == milestone_id, m.version == expected)
        .values(**values, version=expected + 1)
    )
    return bool(result.rowcount)


def due_between(connection: Connection, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """Open tasks due in ``first..last`` (for "review due" notices)."""
    t = _T
    rows = connection.execute(
        select(*TASK_COLUMNS)
        .where(t.status == "open", t.due_on >= first, t.due_on <= last, t.unit_id.is_not(None))
        .order_by(t.due_on, t.id)
    )
    return [dict(r._mapping) for r in rows]
