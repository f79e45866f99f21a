"""Plans, tasks and approvals: a task board per unit, plans against actuals, and the approval
queue with the submitted version beside the current one. Every call goes through the
coordination services with the page's user, so their role and scope checks apply."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from beltroad.services import plans, tasks, workflow
from beltroad.services.permissions import Action, covers_all
from beltroad.web.api.deps import WorkspaceDep
from beltroad.web.pages.forms import fields, integer, required
from beltroad.web.render import NAV, NavItem, page
from beltroad.web.session import PageUser

router = APIRouter()
BOARD_LIMIT = 500
NAV.append(NavItem("/work/tasks", "Tasks"))
NAV.append(NavItem("/work/approvals", "Approvals"))


@router.get("/work/tasks")
def task_board(
    request: Request,
    ws: WorkspaceDep,
    user: PageUser,
    unit: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """One column per status; overdue open tasks are marked (as of today, UTC)."""
    units = tasks.list_units(ws, user)
    found = tasks.list_tasks(ws, user, unit_id=unit, limit=BOARD_LIMIT)
    today = dt.datetime.now(dt.UTC).date().isoformat()
    columns = {status: [t for t in found if t["status"] == status] for status in tasks.STATUSES}
    context = {
        "units": units,
        "unit": unit,
        "columns": columns,
        "today": today,
        "shown": len(found),
        "limit": BOARD_LIMIT,
    }
    return page(request, "work/tasks.html", context, user=user)


@router.post("/work/tasks")
async def task_add(request: Request, ws: WorkspaceDep, user: PageUser) -> Response:
    """A new task on a unit (the service checks the user may edit tasks of that unit)."""
    values = await fields(request)
    unit = integer(values, "unit_id")
    tasks.add_task(
        ws,
        user,
        required(values, "title"),
        unit_id=unit,
        due_on=required(values, "due_on"),
        project=values.get("project") or None,
    )
    return RedirectResponse(f"/work/tasks?unit={unit}", status_code=303)


@router.post("/work/tasks/{task_id}")
async def task_update(request: Request, ws: WorkspaceDep, user: PageUser, task_id: int) -> Response:
    values = await fields(request)
    status = required(values, "status")
    tasks.update_task(
        ws,
        user,
        task_id,
        expected_version=integer(values, "version"),
        status=status,
        done_on=dt.datetime.now(dt.UTC).date() if status == "done" else None,
    )
    unit = values.get("unit")
    return RedirectResponse("/work/tasks" + (f"?unit={unit}" if unit else ""), status_code=303)


@router.get("/work/plans")
def plan_list(request: Request, ws: WorkspaceDep, user: PageUser) -> Response:
    context = {"plans": plans.list_plans(ws, user)}
    return page(request, "work/plans.html", context, user=user)


@router.get("/work/plans/{name}")
def plan_detail(request: Request, ws: WorkspaceDep, user: PageUser, name: str) -> Response:
    context = {"name": name, "report": plans.plan_vs_actual(ws, user, name)}
    return page(request, "work/plan.html", context, user=user)


@router.get("/work/approvals")
def approval_queue(request: Request, ws: WorkspaceDep, user: PageUser) -> Response:
    context = {"queue": workflow.pending(ws, user), "may_approve": covers_all(user, Action.approve)}
    return page(request, "work/approvals.html", context, user=user)


@router.get("/work/approvals/{identifier}")
def approval_detail(
    request: Request, ws: WorkspaceDep, user: PageUser, identifier: str
) -> Response:
    """The submitted version beside the current record, field by field."""
    history = workflow.history(ws, user, identifier)
    submitted = [v for v in history["versions"] if v.get("state") == "submitted"]
    latest = submitted[-1] if submitted else None
    diff = (
        workflow.compare(ws, user, identifier, "current", str(latest["version_no"]))
        if latest
        else []
    )
    context = {
        "identifier": history["identifier"],
        "history": history,
        "latest": latest,
        "diff": diff,
    }
    return page(request, "work/approval.html", context, user=user)


@router.post("/work/approvals/{identifier}")
async def approval_decide(
    request: Request, ws: WorkspaceDep, user: PageUser, identifier: str
) -> Response:
    values = await fields(request)
    decision = required(values, "decision")
    comment = values.get("comment") or None
    if decision == "approve":
        workflow.approve(ws, user, identifier, comment=comment)
    else:
        workflow.return_(ws, user, identifier, comment=required(values, "comment"))
    return RedirectResponse("/work/approvals", status_code=303)
