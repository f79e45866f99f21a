"""/api/v1 registry entities: projects (list, read, create, update through drafts), countries,
organisations, documents, enterprises and zones (list and read)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query

from beltroad.services import registry_access, workflow
from beltroad.web.api.deps import CurrentUser, WorkspaceDep
from beltroad.web.api.schemas import ProjectCreate, ProjectUpdate

router = APIRouter(tags=["registry"])
Limit = Query(50, ge=1, le=registry_access.MAX_PAGE)
Offset = Query(0, ge=0)


@router.get("/projects")
def list_projects(
    ws: WorkspaceDep,
    user: CurrentUser,
    country: str | None = None,
    status: int | None = None,
    lifecycle_state: str | None = None,
    dataset: str | None = None,
    q: str | None = None,
    limit: int = Limit,
    offset: int = Offset,
) -> dict[str, Any]:
    return registry_access.list_projects(
        ws,
        user,
        country=country,
        status=status,
        lifecycle_state=lifecycle_state,
        dataset=dataset,
        q=q,
        limit=limit,
        offset=offset,
    ).as_dict()


@router.get("/projects/{identifier}")
def read_project(ws: WorkspaceDep, user: CurrentUser, identifier: str) -> dict[str, Any]:
    return registry_access.read_project(ws, user, identifier)


@router.post("/projects", status_code=201)
def create_project(ws: WorkspaceDep, user: CurrentUser, body: ProjectCreate) -> dict[str, Any]:
    return workflow.create_project(ws, user, body.identifier, body.fields).as_dict()


@router.patch("/projects/{identifier}")
def update_project(
    ws: WorkspaceDep, user: CurrentUser, identifier: str, body: ProjectUpdate
) -> dict[str, Any]:
    """Edits go to the project's draft version; a planner's approval applies them."""
    return workflow.edit(
        ws, user, identifier, body.fields, draft_version=body.draft_version
    ).as_dict()


Entity = Literal["countries", "organisations", "documents", "enterprises", "zones"]


@router.get("/{entity}")
def list_entities(
    ws: WorkspaceDep,
    user: CurrentUser,
    entity: Entity,
    country: str | None = None,
    q: str | None = None,
    limit: int = Limit,
    offset: int = Offset,
) -> dict[str, Any]:
    return registry_access.list_entities(
        ws, user, entity, country=country, q=q, limit=limit, offset=offset
    ).as_dict()


@router.get("/{entity}/{key}")
def read_entity(ws: WorkspaceDep, user: CurrentUser, entity: Entity, key: str) -> dict[str, Any]:
    return registry_access.read_entity(ws, user, entity, key)
