"""A small coordination world shared by the issue #15 tests.

Units: 1 Ministry (root) → 2 Pakistan desk (agency, PAK). Projects: P-PAK (PAK, unit 2, idea,
no draft), P-SUB (PAK, unit 2, an open draft), P-APP and P-RET (PAK, unit 2, submitted),
P-AFG (AFG, unit 1, submitted). Tasks: T-in (unit 2), T-out (unit 1). One user per role:
admin and planner on scope all, coordinator on unit 2, partner and viewer on country PAK.
"""

from __future__ import annotations

from dataclasses import dataclass

from beltroad.services import tasks, users, workflow
from beltroad.services.permissions import Actor, Role
from beltroad.services.workspace import Workspace

PASSWORD = "a long enough passphrase"
ROLE_SCOPES: dict[Role, list[tuple[str, str | None]]] = {
    Role.admin: [],
    Role.planner: [],
    Role.coordinator: [("unit", "2")],
    Role.partner: [("country", "PAK")],
    Role.viewer: [("country", "PAK")],
}


@dataclass
class World:
    admin: Actor
    actors: dict[Role, Actor]
    ministry: int
    desk: int
    task_in: int
    task_out: int


def pak(identifier: str, title: str = "Gwadar port berth") -> dict[str, object]:
    return {
        "title": title,
        "unit_id": 2,
        "countries": [{"iso3": "PAK", "percentage": 100}],
        "sectors": [{"code": "21040", "percentage": 100}],
    }


def build(ws: Workspace) -> World:
    admin = users.resolve_actor(ws)
    ministry = tasks.add_unit(ws, admin, "Ministry", "ministry")["id"]
    desk = tasks.add_unit(ws, admin, "Pakistan desk", "agency", parent_id=ministry, country="PAK")[
        "id"
    ]
    assert (ministry, desk) == (1, 2)
    for identifier in ("P-PAK", "P-SUB", "P-APP", "P-RET"):
        workflow.create_project(ws, admin, identifier, pak(identifier))
    workflow.submit(ws, admin, "P-PAK")
    workflow.approve(ws, admin, "P-PAK")
    workflow.submit(ws, admin, "P-APP")
    workflow.submit(ws, admin, "P-RET")
    workflow.create_project(
        ws,
        admin,
        "P-AFG",
        {"title": "Salang tunnel", "unit_id": 1, "countries": [{"iso3": "AFG", "percentage": 100}]},
    )
    workflow.submit(ws, admin, "P-AFG")
    task_in = tasks.add_task(ws, admin, "Quarterly report", unit_id=desk, due_on="2026-03-31")["id"]
    task_out = tasks.add_task(ws, admin, "Budget", unit_id=ministry, due_on="2026-03-31")["id"]
    actors = {}
    for role, scopes in ROLE_SCOPES.items():
        password = PASSWORD if role is Role.viewer else None  # argon2 is slow on purpose
        users.add_user(ws, admin, role.value, role, scopes, password=password)
        actors[role] = users.resolve_actor(ws, role.value)
    return World(admin, actors, ministry, desk, task_in, task_out)
