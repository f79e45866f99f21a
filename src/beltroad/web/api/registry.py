"""/api/v1 registry entities: projects (list, read, create, update through drafts), countries
(list and read), organisations, documents, enterprises and zones (list, read, create, update)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Response

from beltroad.entities import EntityKind
from beltroad.errors import InvalidInput
from beltroad.services import registry, registry_access, workflow
from beltroad.web.api.deps import CurrentUser, WorkspaceDep
from beltroad.web.api.schemas import (
    EntityCreate,
    EntityUpdate,
    EntityValue,
    ProjectCreate,
    ProjectUpdate,
)

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
def read_entity(
    ws: WorkspaceDep, user: CurrentUser, entity: Entity, key: str, response: Response
) -> dict[str, Any]:
    """One record; a versioned one carries its version as the ETag (send it back as
    If-Match)."""
    found = registry_access.read_entity(ws, user, entity, key)
    if "version" in found:
        response.headers["ETag"] = f'"{found["version"]}"'
    return found


Writable = Literal["organisations", "documents", "enterprises", "zones"]
KINDS: dict[str, EntityKind] = {
    "organisations": EntityKind.ORGANISATION,
    "documents": EntityKind.DOCUMENT,
    "enterprises": EntityKind.ENTERPRISE,
    "zones": EntityKind.ZONE,
}


def _texts(fields: dict[str, EntityValue]) -> dict[str, str]:
    """JSON values as the template cells the registry services parse (one parser for the CLI,
    imports and the API)."""
    out = {}
    for name, value in fields.items():
        if isinstance(value, list):
            out[name] = "; ".join(value)
        elif value is None:
            out[name] = ""
        else:
            out[name] = str(value).lower() if isinstance(value, bool) else str(value)
    return out


def _stored(ws: WorkspaceDep, kind: EntityKind, id_: int) -> dict[str, Any]:
    # the actor has just written this record, so reading it back reveals nothing new
    return registry.list_entities(ws, kind, ids=[id_])[0]


@router.post("/{entity}", status_code=201)
def create_entity(
    ws: WorkspaceDep, user: CurrentUser, entity: Writable, body: EntityCreate
) -> dict[str, Any]:
    """Create an organisation, document, enterprise or zone within your scope (audited)."""
    kind = KINDS[entity]
    id_ = registry.create(ws, user, registry.build(kind, _texts(body.fields)))
    return _stored(ws, kind, id_)


def _expected_version(body: EntityUpdate, if_match: str | None) -> int:
    """The version the client read: the body's ``version`` or the ``If-Match`` header (an
    ETag of this API, ``"3"`` or ``W/"3"``). One of them is required: without it an edit could
    overwrite a change the client never saw."""
    tag = (if_match or "").strip().removeprefix("W/").strip('"')
    if tag and not tag.isdigit():
        raise InvalidInput.at(
            'expected the record\'s version as an ETag, e.g. "3"', field="If-Match", value=tag
        )
    header = int(tag) if tag else None
    if body.version is not None and header is not None and body.version != header:
        raise InvalidInput.at(
            f"the body says version {body.version} and If-Match says {header}",
            field="version",
            value=body.version,
        )
    found = body.version if body.version is not None else header
    if found is None:
        raise InvalidInput.at(
            "the version you read is required (in the body, or as If-Match)", field="version"
        )
    return found


@router.patch("/{entity}/{key}")
def update_entity(
    ws: WorkspaceDep,
    user: CurrentUser,
    entity: Writable,
    key: int,
    body: EntityUpdate,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Change fields of a record (``key``: its id) within your scope (audited, before and
    after). Send the ``version`` you read (or ``If-Match``); 409 if it changed since."""
    kind = KINDS[entity]
    expected = _expected_version(body, if_match)
    registry.update(
        ws,
        user,
        kind,
        key,
        registry.parse_fields(kind, _texts(body.fields)),
        expected_version=expected,
    )
    stored = _stored(ws, kind, key)
    response.headers["ETag"] = f'"{stored["version"]}"'
    return stored
