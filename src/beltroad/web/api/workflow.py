"""/api/v1 workflow: submit, approve, return, lifecycle transitions, history, versions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from beltroad.services import milestones as milestone_service
from beltroad.services import workflow
from beltroad.web.api.deps import CurrentUser, WorkspaceDep
from beltroad.web.api.schemas import Decision, MilestoneCreate, MilestoneUpdate, Transition

router = APIRouter(prefix="/workflow", tags=["workflow"])
approvals = APIRouter(tags=["workflow"])


@approvals.get("/approvals")
def pending(ws: WorkspaceDep, user: CurrentUser) -> list[dict[str, Any]]:
    """Submitted versions waiting for the user's decision."""
    return workflow.pending(ws, user)


@approvals.get("/projects/{identifier}/milestones")
def milestones(ws: WorkspaceDep, user: CurrentUser, identifier: str) -> list[dict[str, Any]]:
    return milestone_service.list_milestones(ws, user, identifier)


@approvals.post("/projects/{identifier}/milestones", status_code=201)
def add_milestone(
    ws: WorkspaceDep, user: CurrentUser, identifier: str, body: MilestoneCreate
) -> dict[str, Any]:
    return milestone_service.add_milestone(
        ws,
        user,
        identifier,
        body.name,
        unit_id=body.unit_id,
        planned_on=body.planned_on,
        stage=body.stage,
    )


@approvals.patch("/milestones/{milestone_id}")
def update_milestone(
    ws: WorkspaceDep, user: CurrentUser, milestone_id: int, body: MilestoneUpdate
) -> dict[str, Any]:
    return milestone_service.update_milestone(
        ws,
        user,
        milestone_id,
        expected_version=body.version,
        status=body.status,
        actual_on=body.actual_on,
        planned_on=body.planned_on,
    )


@router.post("/{identifier}/submit")
def submit(ws: WorkspaceDep, user: CurrentUser, identifier: str) -> dict[str, Any]:
    return workflow.submit(ws, user, identifier).as_dict()


@router.post("/{identifier}/approve")
def approve(ws: WorkspaceDep, user: CurrentUser, identifier: str, body: Decision) -> dict[str, Any]:
    return workflow.approve(ws, user, identifier, comment=body.comment).as_dict()


@router.post("/{identifier}/return")
def return_(ws: WorkspaceDep, user: CurrentUser, identifier: str, body: Decision) -> dict[str, Any]:
    return workflow.return_(ws, user, identifier, comment=body.comment or "").as_dict()


@router.post("/{identifier}/transition")
def transition(
    ws: WorkspaceDep, user: CurrentUser, identifier: str, body: Transition
) -> dict[str, Any]:
    return workflow.transition(
        ws, user, identifier, body.to_state, reason=body.reason, expected_version=body.version
    )


@router.get("/{identifier}/history")
def history(ws: WorkspaceDep, user: CurrentUser, identifier: str) -> dict[str, Any]:
    return workflow.history(ws, user, identifier)


@router.get("/{identifier}/compare")
def compare(
    ws: WorkspaceDep, user: CurrentUser, identifier: str, first: str, second: str
) -> list[dict[str, Any]]:
    return workflow.compare(ws, user, identifier, first, second)
