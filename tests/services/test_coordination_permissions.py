"""Every coordination service operation, for every role, inside and outside its scope
(issue #15): allowed operations succeed, the others are refused, and a refused read (or a write
on a record the user cannot read) looks exactly like a missing record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from beltroad.errors import NotFound, PermissionDenied
from beltroad.services import (
    audit_log,
    freeze,
    milestones,
    notifications,
    plans,
    registry_access,
    tasks,
    users,
    workflow,
)
from beltroad.services.permissions import Actor, Role
from beltroad.services.workspace import Workspace
from tests.services.coordination_world import World, build, pak

Op = Callable[[Workspace, Actor, World], Any]

OPERATIONS: dict[str, Op] = {
    "read project in scope": lambda ws, a, w: registry_access.read_project(ws, a, "P-PAK"),
    "read project out of scope": lambda ws, a, w: registry_access.read_project(ws, a, "P-AFG"),
    "history out of scope": lambda ws, a, w: workflow.history(ws, a, "P-AFG"),
    "create project in scope": lambda ws, a, w: workflow.create_project(ws, a, "P-NEW", pak("N")),
    "create project out of scope": lambda ws, a, w: workflow.create_project(
        ws, a, "P-NEW2", {"title": "x", "countries": [{"iso3": "AFG", "percentage": 100}]}
    ),
    "approve out of scope": lambda ws, a, w: workflow.approve(
        ws, a, "P-AFG"
    ),  # before the edit below
    "edit project in scope": lambda ws, a, w: workflow.edit(ws, a, "P-PAK", {"title": "New"}),
    "edit project out of scope": lambda ws, a, w: workflow.edit(ws, a, "P-AFG", {"title": "New"}),
    "submit in scope": lambda ws, a, w: workflow.submit(ws, a, "P-SUB"),
    "approve in scope": lambda ws, a, w: workflow.approve(ws, a, "P-APP"),
    "return in scope": lambda ws, a, w: workflow.return_(ws, a, "P-RET", comment="redo"),
    "transition in scope": lambda ws, a, w: workflow.transition(
        ws, a, "P-PAK", "feasibility", reason="study done"
    ),
    "add task in scope": lambda ws, a, w: tasks.add_task(
        ws, a, "Site visit", unit_id=w.desk, due_on="2026-06-30"
    ),
    "add task out of scope": lambda ws, a, w: tasks.add_task(
        ws, a, "Site visit", unit_id=w.ministry, due_on="2026-06-30"
    ),
    "update task in scope": lambda ws, a, w: tasks.update_task(
        ws, a, w.task_in, expected_version=1, status="done"
    ),
    "update task out of scope": lambda ws, a, w: tasks.update_task(
        ws, a, w.task_out, expected_version=1, status="done"
    ),
    "recurring task in scope": lambda ws, a, w: tasks.add_recurring(
        ws, a, "Progress", unit_id=w.desk, every="quarterly", first_due="2026-03-31"
    ),
    "add unit": lambda ws, a, w: tasks.add_unit(ws, a, "Zone", "zone", parent_id=w.desk),
    "escalate overdue": lambda ws, a, w: tasks.escalate_overdue(
        ws, a, today=__import__("datetime").date(2026, 6, 1)
    ),
    "create plan": lambda ws, a, w: plans.create_plan(
        ws, a, "FYP", kind="five_year", starts_on="2026-01-01", ends_on="2030-12-31"
    ),
    "add plan target": lambda ws, a, w: plans.add_target(
        ws, a, "FYP", metric="projects_started", target=3, due_on="2027-12-31"
    ),
    "add milestone in scope": lambda ws, a, w: milestones.add_milestone(
        ws, a, "P-PAK", "Piling", unit_id=w.desk, planned_on="2026-09-01"
    ),
    "add milestone out of scope": lambda ws, a, w: milestones.add_milestone(
        ws, a, "P-AFG", "Piling", unit_id=None, planned_on="2026-09-01"
    ),
    "notify due tasks": lambda ws, a, w: tasks.notify_due(
        ws, a, today=__import__("datetime").date(2026, 3, 28)
    ),
    "freeze period": lambda ws, a, w: freeze.freeze(ws, a, "2025"),
    "unfreeze period": lambda ws, a, w: freeze.unfreeze(ws, a, "2025"),
    "read audit log": lambda ws, a, w: audit_log.list_events(ws, a),
    "verify audit log": lambda ws, a, w: audit_log.verify(ws, a),
    "add user": lambda ws, a, w: users.add_user(ws, a, "newbie", Role.viewer),
    "list users": lambda ws, a, w: users.list_users(ws, a),
    "token for another user": lambda ws, a, w: users.issue_token(ws, a, "admin"),
    "own token": lambda ws, a, w: users.issue_token(ws, a, a.login),
    "own notifications": lambda ws, a, w: notifications.list_for(ws, a),
}

EDITORS = {
    "read project in scope",
    "create project in scope",
    "edit project in scope",
    "submit in scope",
    "add task in scope",
    "update task in scope",
    "recurring task in scope",
    "add milestone in scope",
    "own token",
    "own notifications",
}
PLANNER = set(OPERATIONS) - {"add user", "list users", "token for another user"}
ALLOWED: dict[Role, set[str]] = {
    Role.admin: set(OPERATIONS),
    Role.planner: PLANNER,
    Role.coordinator: EDITORS,
    Role.partner: EDITORS,
    Role.viewer: {"read project in scope", "own token", "own notifications"},
}
#: Operations on records outside the scope: refused as if the record did not exist.
HIDDEN = {
    "read project out of scope",
    "history out of scope",
    "edit project out of scope",
    "approve out of scope",
    "update task out of scope",
    "add milestone out of scope",
}


@pytest.fixture
def world(workspace: Workspace) -> World:
    return build(workspace)


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_every_operation_for_every_role(workspace: Workspace, world: World, role: Role) -> None:
    actor = world.actors[role]
    outcomes: dict[str, str] = {}
    for name, op in OPERATIONS.items():
        try:
            op(workspace, actor, world)
            outcomes[name] = "ok"
        except NotFound:
            outcomes[name] = "hidden"
        except PermissionDenied:
            outcomes[name] = "denied"
    wrong = []
    for name, outcome in outcomes.items():
        allowed = name in ALLOWED[role]
        if allowed and outcome != "ok":
            wrong.append(f"{name}: expected ok, got {outcome}")
        if not allowed and outcome == "ok":
            wrong.append(f"{name}: expected a refusal, it succeeded")
        if not allowed and name in HIDDEN and outcome != "hidden":
            wrong.append(f"{name}: a record outside the scope must look missing, got {outcome}")
    assert wrong == [], f"{role}: " + "; ".join(wrong)


def test_a_refused_read_says_exactly_what_a_missing_record_says(
    workspace: Workspace, world: World
) -> None:
    partner = world.actors[Role.partner]
    with pytest.raises(NotFound) as hidden:
        registry_access.read_project(workspace, partner, "P-AFG")
    with pytest.raises(NotFound) as missing:
        registry_access.read_project(workspace, partner, "P-NONE")
    assert str(hidden.value).replace("P-AFG", "X") == str(missing.value).replace("P-NONE", "X")


def test_lists_show_only_the_scope(workspace: Workspace, world: World) -> None:
    def identifiers(role: Role) -> set[str]:
        page = registry_access.list_projects(workspace, world.actors[role])
        return {p["identifier"] for p in page.items}

    everything = {"P-PAK", "P-SUB", "P-APP", "P-RET", "P-AFG"}
    assert identifiers(Role.planner) == everything
    assert identifiers(Role.partner) == everything - {"P-AFG"}
    assert identifiers(Role.coordinator) == everything - {"P-AFG"}
    partner_tasks = tasks.list_tasks(workspace, world.actors[Role.partner])
    assert {t["id"] for t in partner_tasks} == {world.task_in}
    countries = registry_access.list_entities(workspace, world.actors[Role.viewer], "countries")
    assert [c["iso3"] for c in countries.items] == ["PAK"]
    with pytest.raises(NotFound):
        registry_access.read_entity(workspace, world.actors[Role.viewer], "countries", "AFG")
