"""Helpers of the page tests: a session cookie for any user without the (slow) password."""

from __future__ import annotations

from fastapi.testclient import TestClient

from beltroad.services import users
from beltroad.services.permissions import Actor
from beltroad.services.workspace import Workspace
from beltroad.web.session import SESSION_COOKIE


def log_in(client: TestClient, workspace: Workspace, admin: Actor, login: str) -> None:
    """Give ``client`` the session the login form would give ``login``."""
    token = users.issue_token(workspace, admin, login).token
    app = client.app
    cookie = app.state.cookies.session.dumps({"token": token})  # type: ignore[attr-defined]
    client.cookies.set(SESSION_COOKIE, cookie)


def csrf(client: TestClient) -> str:
    """The CSRF token of the client's cookie (a page must have been fetched first)."""
    from beltroad.web.security import CSRF_COOKIE

    app = client.app
    raw = client.cookies.get(CSRF_COOKIE)
    token = app.state.cookies.csrf.loads(raw)  # type: ignore[attr-defined]
    assert isinstance(token, str)
    return token
