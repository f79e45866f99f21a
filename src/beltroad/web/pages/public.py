"""Read-only public mode (setting ``public_mode``): anonymous visitors read the projects an
administrator has marked public. No login, no forms, no exports; with the setting off every
route here answers 404, as if it did not exist."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from beltroad.errors import NotFound
from beltroad.services import publication
from beltroad.web.api.deps import WorkspaceDep
from beltroad.web.render import page
from beltroad.web.session import MaybeUser

router = APIRouter()
PAGE_SIZE = 50


def _require_public_mode(ws: WorkspaceDep) -> None:
    if not ws.settings.public_mode:
        raise NotFound("no such page", hint="public mode is off")


@router.get("/public")
def public_list(
    request: Request,
    ws: WorkspaceDep,
    user: MaybeUser,
    q: str | None = None,
    page_no: Annotated[int, Query(alias="page", ge=1, le=1_000_000)] = 1,
) -> Response:
    _require_public_mode(ws)
    text = q.strip() if q else None
    found = publication.public_projects(
        ws, q=text or None, limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE
    )
    pages = max(1, -(-found.total // PAGE_SIZE))
    context = {"found": found, "q": text or "", "page_no": page_no, "pages": pages}
    return page(request, "public/list.html", context, user=user)


@router.get("/public/projects/{identifier}")
def public_detail(request: Request, ws: WorkspaceDep, user: MaybeUser, identifier: str) -> Response:
    _require_public_mode(ws)
    project = publication.public_project(ws, identifier)
    return page(request, "public/detail.html", {"p": project}, user=user)
