"""The freeze control, the audit log, notifications, and the admin pages (users, roles, scopes,
tokens). The services check every action (freeze: admin or planner on scope all; the audit log:
admin or planner; users and tokens: admin); a page shows a control only where it would work."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from beltroad.errors import InvalidInput
from beltroad.services import audit_log, freeze, notifications, users
from beltroad.services.permissions import SCOPE_KINDS, Action, Role, covers_all
from beltroad.web.api.deps import WorkspaceDep
from beltroad.web.pages.forms import fields, required
from beltroad.web.render import NAV, NavItem, page
from beltroad.web.session import PageUser

router = APIRouter()
AUDIT_PAGE = 100
NAV.append(NavItem("/work/notifications", "Notifications"))
NAV.append(NavItem("/work/audit", "Audit log", Action.read_audit))
NAV.append(NavItem("/admin/users", "Admin", Action.manage_users))


@router.get("/work/freeze")
def freeze_page(request: Request, ws: WorkspaceDep, user: PageUser) -> Response:
    context = {
        "frozen": freeze.list_frozen(ws, user),
        "may_freeze": covers_all(user, Action.freeze),
    }
    return page(request, "work/freeze.html", context, user=user)


@router.post("/work/freeze")
async def freeze_change(request: Request, ws: WorkspaceDep, user: PageUser) -> Response:
    values = await fields(request)
    period = required(values, "period")
    if values.get("unfreeze"):
        freeze.unfreeze(ws, user, period)
    else:
        freeze.freeze(ws, user, period, note=values.get("note") or None)
    return RedirectResponse("/work/freeze", status_code=303)


@router.get("/work/audit")
def audit_page(
    request: Request,
    ws: WorkspaceDep,
    user: PageUser,
    entity: str | None = None,
    entity_id: str | None = None,
    who: str | None = None,
    page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    events = audit_log.list_events(
        ws,
        user,
        entity=entity or None,
        entity_id=entity_id or None,
        user=who or None,
        limit=AUDIT_PAGE + 1,
        offset=(page_no - 1) * AUDIT_PAGE,
    )
    context = {
        "events": events[:AUDIT_PAGE],
        "more": len(events) > AUDIT_PAGE,
        "entity": entity or "",
        "entity_id": entity_id or "",
        "who": who or "",
        "page_no": page_no,
    }
    return page(request, "work/audit.html", context, user=user)


@router.get("/work/notifications")
def notification_page(request: Request, ws: WorkspaceDep, user: PageUser) -> Response:
    context = {"items": notifications.list_for(ws, user)}
    return page(request, "work/notifications.html", context, user=user)


@router.get("/admin/users")
def user_page(request: Request, ws: WorkspaceDep, user: PageUser) -> Response:
    context = {
        "users": users.list_users(ws, user),
        "roles": [r.value for r in Role],
        "scopes": SCOPE_KINDS,
        "issued": None,
    }
    return page(request, "work/users.html", context, user=user)


@router.post("/admin/users")
async def user_add(request: Request, ws: WorkspaceDep, user: PageUser) -> Response:
    values = await fields(request)
    login = required(values, "login")
    try:
        role = Role(required(values, "role"))
    except ValueError:
        raise InvalidInput.at(
            f"expected one of {', '.join(Role)}", field="role", value=values["role"]
        ) from None
    scope = values.get("scope") or "all"
    scopes = [] if scope == "all" else [users.parse_scope(f"{scope}:{required(values, 'value')}")]
    users.add_user(
        ws,
        user,
        login,
        role,
        scopes,
        password=values.get("password") or None,
        email=values.get("email") or None,
    )
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{login}/token")
async def user_token(request: Request, ws: WorkspaceDep, user: PageUser, login: str) -> Response:
    """Issue a token (shown once on this answer) or revoke every token of ``login``."""
    values = await fields(request)
    issued = None
    if values.get("revoke"):
        users.revoke_tokens(ws, user, login)
    else:
        issued = users.issue_token(ws, user, login)
    context = {
        "users": users.list_users(ws, user),
        "roles": [r.value for r in Role],
        "scopes": SCOPE_KINDS,
        "issued": issued,
    }
    return page(request, "work/users.html", context, user=user)
