"""The demo's users (issue #15): an admin, a planner, a coordinator and a partner for one
country, whose one-time passwords log in."""

from __future__ import annotations

from beltroad.services import users
from beltroad.services.demo_users import DEMO_COUNTRY, ensure_demo_users, login_notes
from beltroad.services.workspace import Workspace


def test_demo_users_log_in_and_a_second_run_changes_nothing(workspace: Workspace) -> None:
    made = ensure_demo_users(workspace)
    assert [(m.login, m.role) for m in made] == [
        ("demo-admin", "admin"),
        ("demo-planner", "planner"),
        ("demo-coordinator", "coordinator"),
        ("demo-partner", "partner"),
    ]
    assert made[3].scope == f"partner@country:{DEMO_COUNTRY}"
    for item in made:
        assert item.password is not None
        assert users.login(workspace, item.login, item.password).token.startswith("brt_")
    notes = login_notes(made, "127.0.0.1", 8000)
    assert "http://127.0.0.1:8000/api/v1/auth/login" in notes[-2]
    assert notes[-1].startswith("web application: http://127.0.0.1:8000/")
    again = ensure_demo_users(workspace)
    assert [m.password for m in again] == [None] * 4
    assert "password set at creation" in login_notes(again, "127.0.0.1", 8000)[0]
