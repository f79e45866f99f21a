"""Dependencies of the JSON API: the workspace and the current user (a Bearer token).

Routes declare ``user: CurrentUser``; the permission checks themselves live in
``beltroad.services.permissions`` and run inside every service call.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from beltroad.errors import Unauthenticated
from beltroad.services.permissions import Actor
from beltroad.services.users import authenticate
from beltroad.services.workspace import Workspace

bearer = HTTPBearer(auto_error=False, description="An API token: `beltroad users token LOGIN`.")


def workspace(request: Request) -> Workspace:
    ws = request.app.state.workspace
    assert isinstance(ws, Workspace)
    return ws


WorkspaceDep = Annotated[Workspace, Depends(workspace)]


def current_user(
    ws: WorkspaceDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated(
            "a valid API token is needed", hint="send Authorization: Bearer TOKEN"
        )
    return authenticate(ws, credentials.credentials)


CurrentUser = Annotated[Actor, Depends(current_user)]
