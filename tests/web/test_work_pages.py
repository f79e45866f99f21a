"""Plans, tasks, approvals, freeze, audit log, notifications and admin pages per role."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from beltroad.services import freeze, plans, tasks, workflow
from beltroad.services.permissions import Role
from beltroad.services.workspace import Workspace
from beltroad.settings import Settings
from beltroad.web.app import create_app
from tests.services.coordination_world import World, build
from tests.web.pages_support import csrf, log_in

PAGES = (
    "/work/tasks",
    "/work/plans",
    "/work/approvals",
    "/work/freeze",
    "/work/notifications",
)


@pytest.fixture
def world(workspace: Workspace) -> World:
    found = build(workspace)
    plans.create_plan(
        workspace,
        found.admin,
        "BRI-2026",
        kind="annual",
        starts_on="2026-01-01",
        ends_on="2026-12-31",
    )
    return found


@pytest.fixture
def client(settings: Settings, world: World) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reaches_the_coordination_pages(
    client: TestClient, workspace: Workspace, world: World, role: Role
) -> None:
    log_in(client, workspace, world.admin, role.value)
    for path in PAGES:
        assert client.get(path).status_code == 200, path
    board = client.get("/work/tasks").text
    assert "Quarterly report" in board
    assert ("Budget" in board) is (role in (Role.admin, Role.planner))
    queue = client.get("/work/approvals").text
    if role in (Role.admin, Role.planner):
        assert "P-APP" in queue
        assert "P-AFG" in queue
    else:
        assert "P-APP" not in queue
    audit = client.get("/work/audit")
    users_page = client.get("/admin/users")
    assert audit.status_code == (200 if role in (Role.admin, Role.planner) else 403)
    assert users_page.status_code == (200 if role is Role.admin else 403)
    nav = client.get("/work/tasks").text
    assert ('href="/admin/users"' in nav) is (role is Role.admin)


def test_task_board_marks_done_and_viewer_cannot(
    client: TestClient, workspace: Workspace, world: World
) -> None:
    log_in(client, workspace, world.admin, Role.viewer.value)
    client.get("/work/tasks")
    version = tasks.read_task(workspace, world.admin, world.task_in)["version"]
    refused = client.post(
        f"/work/tasks/{world.task_in}",
        data={"csrf_token": csrf(client), "status": "done", "version": str(version)},
    )
    assert refused.status_code == 403
    log_in(client, workspace, world.admin, Role.coordinator.value)
    no_token = client.post(
        f"/work/tasks/{world.task_in}", data={"status": "done", "version": str(version)}
    )
    assert no_token.status_code == 422
    done = client.post(
        f"/work/tasks/{world.task_in}",
        data={"csrf_token": csrf(client), "status": "done", "version": str(version)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert tasks.read_task(workspace, world.admin, world.task_in)["status"] == "done"
    stale = client.post(
        f"/work/tasks/{world.task_in}",
        data={"csrf_token": csrf(client), "status": "open", "version": str(version)},
    )
    assert stale.status_code == 409
    outside = client.post(
        f"/work/tasks/{world.task_out}",
        data={"csrf_token": csrf(client), "status": "done", "version": "1"},
    )
    assert outside.status_code == 404


def test_approval_side_by_side_then_approve_and_return(
    client: TestClient, workspace: Workspace, world: World
) -> None:
    workflow.edit(workspace, world.admin, "P-SUB", {"title": "Gwadar berth, phase 2"})
    workflow.submit(workspace, world.admin, "P-SUB")
    log_in(client, workspace, world.admin, Role.partner.value)
    client.get("/work/approvals")
    denied = client.post(
        "/work/approvals/P-SUB", data={"csrf_token": csrf(client), "decision": "approve"}
    )
    assert denied.status_code == 403
    log_in(client, workspace, world.admin, Role.planner.value)
    side = client.get("/work/approvals/P-SUB")
    assert side.status_code == 200
    assert 'id="diff"' in side.text
    assert "Gwadar berth, phase 2" in side.text
    assert "P-SUB" in side.text
    approved = client.post(
        "/work/approvals/P-SUB",
        data={"csrf_token": csrf(client), "decision": "approve"},
        follow_redirects=False,
    )
    assert approved.status_code == 303
    assert "P-SUB" not in client.get("/work/approvals").text
    no_comment = client.post(
        "/work/approvals/P-RET", data={"csrf_token": csrf(client), "decision": "return"}
    )
    assert no_comment.status_code == 422
    returned = client.post(
        "/work/approvals/P-RET",
        data={"csrf_token": csrf(client), "decision": "return", "comment": "add the budget"},
        follow_redirects=False,
    )
    assert returned.status_code == 303
    assert [v["identifier"] for v in workflow.pending(workspace, world.admin)] == [
        "P-APP",
        "P-AFG",
    ]


def test_freeze_control_audit_and_admin(
    client: TestClient, workspace: Workspace, world: World
) -> None:
    log_in(client, workspace, world.admin, Role.coordinator.value)
    page = client.get("/work/freeze")
    assert 'id="freeze-form"' not in page.text
    refused = client.post("/work/freeze", data={"csrf_token": csrf(client), "period": "2025"})
    assert refused.status_code == 403
    log_in(client, workspace, world.admin, Role.planner.value)
    frozen = client.post(
        "/work/freeze",
        data={"csrf_token": csrf(client), "period": "2025-Q1", "note": "closed"},
        follow_redirects=False,
    )
    assert frozen.status_code == 303
    assert [f["period"] for f in freeze.list_frozen(workspace, world.admin)] == ["2025-Q1"]
    assert "2025-Q1" in client.get("/work/freeze").text
    bad = client.post("/work/freeze", data={"csrf_token": csrf(client), "period": "2025-Q9"})
    assert bad.status_code == 422
    audit = client.get("/work/audit", params={"entity": "period"}).text
    assert "2025-Q1" in audit
    assert "plan" in client.get("/work/audit").text
    assert "BRI-2026" in client.get("/work/plans").text
    assert client.get("/work/plans/BRI-2026").status_code == 200
    log_in(client, workspace, world.admin, Role.admin.value)
    client.get("/admin/users")
    added = client.post(
        "/admin/users",
        data={
            "csrf_token": csrf(client),
            "login": "kz-partner",
            "role": "partner",
            "scope": "country",
            "value": "kaz",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303
    listing = client.get("/admin/users").text
    assert "kz-partner" in listing
    assert "country:KAZ" in listing
    issued = client.post("/admin/users/kz-partner/token", data={"csrf_token": csrf(client)})
    assert issued.status_code == 200
    assert 'id="issued"' in issued.text
    bad_role = client.post(
        "/admin/users", data={"csrf_token": csrf(client), "login": "x", "role": "king"}
    )
    assert bad_role.status_code == 422


def test_adding_a_task_is_scoped(client: TestClient, workspace: Workspace, world: World) -> None:
    log_in(client, workspace, world.admin, Role.coordinator.value)
    client.get("/work/tasks")
    added = client.post(
        "/work/tasks",
        data={
            "csrf_token": csrf(client),
            "title": "Site visit",
            "unit_id": str(world.desk),
            "due_on": "2026-06-30",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303
    assert "Site visit" in client.get("/work/tasks", params={"unit": world.desk}).text
    outside = client.post(
        "/work/tasks",
        data={
            "csrf_token": csrf(client),
            "title": "Not mine",
            "unit_id": str(world.ministry),
            "due_on": "2026-06-30",
        },
    )
    assert outside.status_code in (403, 404)
    bad_date = client.post(
        "/work/tasks",
        data={"csrf_token": csrf(client), "title": "X", "unit_id": "2", "due_on": "June"},
    )
    assert bad_date.status_code == 422
