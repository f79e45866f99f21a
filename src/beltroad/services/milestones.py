"""Project milestones (issue #15): an owning unit, a planned and an actual date, a status, and
optimistic locking. Milestone dates are reporting data: a frozen period protects them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from beltroad.errors import Conflict, InvalidInput
from beltroad.services import audit_log
from beltroad.services.freeze import check_not_frozen
from beltroad.services.permissions import Action, Actor, not_found, require
from beltroad.services.registry_access import scoped_project, unit_target
from beltroad.services.workspace import Workspace
from beltroad.storage import registry_reads
from beltroad.storage import tasks as store

STATUSES = ("planned", "reached", "missed", "cancelled")


def _day(value: str | dt.date | None, field: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput.at("expected a date YYYY-MM-DD", field=field, value=value) from None


def add_milestone(
    workspace: Workspace,
    actor: Actor,
    project: str,
    name: str,
    *,
    unit_id: int | None,
    planned_on: str | dt.date,
    stage: str | None = None,
) -> dict[str, Any]:
    planned = _day(planned_on, "planned_on")
    if not name.strip():
        raise InvalidInput.at("a milestone needs a name", field="name", value=name)
    with workspace.writing() as connection:
        found, _ = scoped_project(connection, actor, project, Action.edit_task)
        if unit_id is not None and not registry_reads.units_info(connection, [unit_id]):
            raise not_found("unit", unit_id)
        check_not_frozen(connection, [planned], what="this milestone")
        values = {
            "project_id": found["id"],
            "name": name.strip(),
            "stage": stage,
            "unit_id": unit_id,
            "planned_on": planned,
            "status": "planned",
            "version": 1,
        }
        milestone_id = store.add_milestone(connection, values)
        audit_log.record(connection, actor, "create", "milestone", milestone_id, None, values)
    return registry_reads.plain({"id": milestone_id, **values})


def update_milestone(
    workspace: Workspace,
    actor: Actor,
    milestone_id: int,
    *,
    expected_version: int,
    status: str | None = None,
    actual_on: str | dt.date | None = None,
    planned_on: str | dt.date | None = None,
) -> dict[str, Any]:
    if status is not None and status not in STATUSES:
        raise InvalidInput.at(
            f"expected one of {', '.join(STATUSES)}", field="status", value=status
        )
    changes: dict[str, Any] = {}
    if status is not None:
        changes["status"] = status
    if actual_on is not None:
        changes["actual_on"] = _day(actual_on, "actual_on")
    if planned_on is not None:
        changes["planned_on"] = _day(planned_on, "planned_on")
    if not changes:
        raise InvalidInput.at("nothing to change", field="status", value=None)
    with workspace.writing() as connection:
        found = store.milestone(connection, milestone_id)
        if found is None:
            raise not_found("milestone", milestone_id)
        project = registry_reads.project(connection, str(found["project_id"]))
        assert project is not None
        scoped_project(connection, actor, str(project["identifier"]), Action.edit_task)
        if found["unit_id"] is not None:
            target = unit_target(connection, found["unit_id"])
            require(actor, Action.edit_task, target, what="milestone", key=milestone_id)
        check_not_frozen(
            connection,
            [
                found["planned_on"],
                found["actual_on"],
                changes.get("planned_on"),
                changes.get("actual_on"),
            ],
            what=f"this change of milestone {milestone_id}",
        )
        if not store.update_milestone(connection, milestone_id, expected_version, changes):
            raise Conflict(
                f"milestone {milestone_id} was changed by someone else (you had version "
                f"{expected_version}, it is now {found['version']})",
                hint="reload it and apply your change again",
            )
        before = registry_reads.plain({k: found[k] for k in changes})
        audit_log.record(
            connection,
            actor,
            "update",
            "milestone",
            milestone_id,
            before,
            registry_reads.plain(changes),
        )
    return registry_reads.plain(found | changes | {"version": expected_version + 1})


def list_milestones(workspace: Workspace, actor: Actor, project: str) -> list[dict[str, Any]]:
    with workspace.reading() as connection:
        found, _ = scoped_project(connection, actor, project)
        return [registry_reads.plain(m) for m in store.milestones_of(connection, int(found["id"]))]
