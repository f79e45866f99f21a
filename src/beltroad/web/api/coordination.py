"""/api/v1 plans, units, tasks, approvals (notifications), freeze, audit and users."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Query

from beltroad.services import audit_log, freeze, notifications, plans, tasks, users
from beltroad.services.permissions import Role
from beltroad.web.api.deps import CurrentUser, WorkspaceDep
from beltroad.web.api.schemas import (
    Freeze,
    PlanCreate,
    TargetCreate,
    TaskCreate,
    TaskUpdate,
    UnitCreate,
    UserCreate,
)

router = APIRouter(tags=["coordination"])


@router.get("/plans")
def list_plans(ws: WorkspaceDep, user: CurrentUser) -> list[dict[str, Any]]:
    return plans.list_plans(ws, user)


@router.post("/plans", status_code=201)
def create_plan(ws: WorkspaceDep, user: CurrentUser, body: PlanCreate) -> dict[str, Any]:
    return plans.create_plan(
        ws,
        user,
        body.name,
        kind=body.kind,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        description=body.description,
    )


@router.post("/plans/{name}/targets", status_code=201)
def add_target(
    ws: WorkspaceDep, user: CurrentUser, name: str, body: TargetCreate
) -> dict[str, Any]:
    return plans.add_target(ws, user, name, **body.model_dump())


@router.get("/plans/{name}")
def plan_vs_actual(
    ws: WorkspaceDep, user: CurrentUser, name: str, as_of: dt.date | None = None
) -> dict[str, Any]:
    return plans.plan_vs_actual(ws, user, name, as_of=as_of)


@router.get("/units")
def list_units(ws: WorkspaceDep, user: CurrentUser) -> list[dict[str, Any]]:
    return tasks.list_units(ws, user)


@router.post("/units", status_code=201)
def add_unit(ws: WorkspaceDep, user: CurrentUser, body: UnitCreate) -> dict[str, Any]:
    return tasks.add_unit(
        ws, user, body.name, body.kind, parent_id=body.parent_id, country=body.country
    )


@router.get("/tasks")
def list_tasks(
    ws: WorkspaceDep,
    user: CurrentUser,
    unit_id: int | None = None,
    overdue_on: dt.date | None = None,
    status: str | None = None,
    project: str | None = None,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> list[dict[str, Any]]:
    return tasks.list_tasks(
        ws,
        user,
        unit_id=unit_id,
        overdue_on=overdue_on,
        status=status,
        project=project,
        limit=limit,
        offset=offset,
    )


@router.post("/tasks", status_code=201)
def add_task(ws: WorkspaceDep, user: CurrentUser, body: TaskCreate) -> dict[str, Any]:
    return tasks.add_task(
        ws,
        user,
        body.title,
        unit_id=body.unit_id,
        due_on=body.due_on,
        project=body.project,
        depends_on=tuple(body.depends_on),
        description=body.description,
    )


@router.get("/tasks/{task_id}")
def read_task(ws: WorkspaceDep, user: CurrentUser, task_id: int) -> dict[str, Any]:
    return tasks.read_task(ws, user, task_id)


@router.patch("/tasks/{task_id}")
def update_task(
    ws: WorkspaceDep, user: CurrentUser, task_id: int, body: TaskUpdate
) -> dict[str, Any]:
    return tasks.update_task(
        ws,
        user,
        task_id,
        expected_version=body.version,
        status=body.status,
        done_on=body.done_on,
        due_on=body.due_on,
        title=body.title,
    )


@router.get("/notifications")
def list_notifications(
    ws: WorkspaceDep, user: CurrentUser, unread: bool = False
) -> list[dict[str, Any]]:
    """The outbox: approvals requested, versions returned, escalations, reviews due."""
    return notifications.list_for(ws, user, unread_only=unread)


@router.get("/freezes")
def list_freezes(ws: WorkspaceDep, user: CurrentUser) -> list[dict[str, Any]]:
    return freeze.list_frozen(ws, user)


@router.post("/freezes", status_code=201)
def freeze_period(ws: WorkspaceDep, user: CurrentUser, body: Freeze) -> dict[str, Any]:
    return freeze.freeze(ws, user, body.period, note=body.note)


@router.delete("/freezes/{period}")
def unfreeze_period(ws: WorkspaceDep, user: CurrentUser, period: str) -> dict[str, Any]:
    return freeze.unfreeze(ws, user, period)


@router.get("/audit")
def audit_events(
    ws: WorkspaceDep,
    user: CurrentUser,
    entity: str | None = None,
    entity_id: str | None = None,
    actor: str | None = None,
    since: dt.datetime | None = None,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> list[dict[str, Any]]:
    return audit_log.list_events(
        ws,
        user,
        entity=entity,
        entity_id=entity_id,
        user=actor,
        since=since,
        limit=limit,
        offset=offset,
    )


@router.get("/audit/verify")
def audit_verify(ws: WorkspaceDep, user: CurrentUser) -> dict[str, Any]:
    return audit_log.verify(ws, user).as_dict()


@router.get("/users")
def list_users(ws: WorkspaceDep, user: CurrentUser) -> list[dict[str, Any]]:
    return [v.as_dict() for v in users.list_users(ws, user)]


@router.post("/users", status_code=201)
def add_user(ws: WorkspaceDep, user: CurrentUser, body: UserCreate) -> dict[str, Any]:
    return users.add_user(
        ws,
        user,
        body.login,
        Role(body.role) if body.role in Role.__members__ else _role(body.role),
        [users.parse_scope(s) for s in body.scopes],
        password=body.password,
        email=body.email,
    ).as_dict()


def _role(value: str) -> Role:
    from beltroad.errors import InvalidInput

    raise InvalidInput.at(f"expected one of {', '.join(Role)}", field="role", value=value)


@router.post("/users/{login}/revoke")
def revoke(ws: WorkspaceDep, user: CurrentUser, login: str) -> dict[str, Any]:
    return {"login": login, "revoked": users.revoke_tokens(ws, user, login)}
