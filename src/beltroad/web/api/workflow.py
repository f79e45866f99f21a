"""/api/v1 workflow: submit, approve, return, lifecycle transitions, history, versions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from beltroad.services import workflow
from beltroad.web.api.deps import CurrentUser, WorkspaceDep
from beltroad.web.api.schemas import Decision, Transition

router = APIRouter(prefix="/workflow", tags=["workflow"])


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
