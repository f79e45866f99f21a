"""The JSON API under /api/v1 (issue #15): thin routers over the services, Bearer tokens.

Every route except ``POST /api/v1/auth/login`` needs a valid token; the permission checks run
in the services.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from beltroad.services import users
from beltroad.web.api import assessments, coordination, registry, workflow
from beltroad.web.api.deps import CurrentUser, WorkspaceDep
from beltroad.web.api.schemas import Login

auth = APIRouter(prefix="/auth", tags=["auth"])


@auth.post("/login")
def login(ws: WorkspaceDep, body: Login, request: Request) -> dict[str, Any]:
    """Exchange a login and password for an API token (rate limited per login and per client
    address)."""
    # the peer's address, not X-Forwarded-For: a client could write any address there
    address = request.client.host if request.client else None
    return users.login(ws, body.login, body.password, address=address).as_dict()


@auth.get("/me")
def me(user: CurrentUser) -> dict[str, Any]:
    return {"login": user.login, "grants": [g.label() for g in user.grants]}


def api_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1")
    router.include_router(auth)
    router.include_router(workflow.router)
    router.include_router(workflow.approvals)
    router.include_router(coordination.router)
    router.include_router(assessments.router)
    router.include_router(registry.router)  # last: its /{entity} routes match broadly
    return router
