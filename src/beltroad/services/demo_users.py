"""The demo's users (issue #15): an admin, a planner, a coordinator and a partner for one
country, each with a random password shown once (never written to the demo's summary files).

A second demo run finds them and changes nothing; their passwords are then not known any more,
and the notes say how to get a token instead.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from beltroad.services import tasks, users
from beltroad.services.permissions import Role
from beltroad.services.workspace import Workspace

DEMO_COUNTRY = "PAK"


@dataclass(frozen=True)
class DemoLogin:
    login: str
    role: str
    scope: str
    password: str | None  # None: the user existed already


def ensure_demo_users(workspace: Workspace) -> list[DemoLogin]:
    admin = users.resolve_actor(workspace)
    existing = {u.login for u in users.list_users(workspace, admin)}
    if "demo-admin" in existing:
        return [
            DemoLogin(login, role, scope, None)
            for login, role, scope in (
                ("demo-admin", "admin", "all"),
                ("demo-planner", "planner", "all"),
                ("demo-coordinator", "coordinator", "the demo country desk unit"),
                ("demo-partner", "partner", f"country:{DEMO_COUNTRY}"),
            )
        ]
    ministry = tasks.add_unit(workspace, admin, "Ministry of Commerce (demo)", "ministry")
    desk = tasks.add_unit(
        workspace,
        admin,
        f"{DEMO_COUNTRY} desk (demo)",
        "agency",
        parent_id=ministry["id"],
        country=DEMO_COUNTRY,
    )
    made = []
    for login, role, scopes in (
        ("demo-admin", Role.admin, []),
        ("demo-planner", Role.planner, []),
        ("demo-coordinator", Role.coordinator, [("unit", str(desk["id"]))]),
        ("demo-partner", Role.partner, [("country", DEMO_COUNTRY)]),
    ):
        password = secrets.token_urlsafe(12)
        view = users.add_user(workspace, admin, login, role, scopes, password=password)
        made.append(DemoLogin(login, role.value, ", ".join(view.grants), password))
    return made


def login_notes(logins: list[DemoLogin], host: str, port: int) -> list[str]:
    """How to log in, for the terminal (passwords appear only right after creation)."""
    base = f"http://{host}:{port}/api/v1"
    lines = []
    for item in logins:
        secret = f"password {item.password}" if item.password else "password set at creation"
        lines.append(f"demo user {item.login} ({item.role}, {item.scope}): {secret}")
    lines.append(
        f"log in: curl -X POST {base}/auth/login -H 'Content-Type: application/json' "
        '-d \'{"login": "demo-planner", "password": "..."}\'  then send '
        "'Authorization: Bearer TOKEN'; or: beltroad users token demo-planner"
    )
    lines.append(f"web application: http://{host}:{port}/ (log in with a demo user above)")
    return lines
