"""Units, tasks and recurring reporting tasks (issue #15).

Units form a tree. A task belongs to a unit (and optionally a project), has a due date, a
status (open, done, cancelled), dependencies (it cannot be done before they are) and a version
(optimistic locking). :func:`escalate_overdue` hands each overdue task to its unit's parent unit
and queues a notification; :func:`generate_recurring` creates the instances of recurring
reporting tasks (monthly, quarterly, annual), once per due date.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from typing import Any

from beltroad.errors import Conflict, InvalidInput
from beltroad.services import audit_log, notifications
from beltroad.services.freeze import check_not_frozen
from beltroad.services.permissions import (
    Action,
    Actor,
    Target,
    not_found,
    read_scope,
    require,
)
from beltroad.services.registry_access import scoped_project, unit_target
from beltroad.services.workspace import Workspace
from beltroad.storage import registry_reads
from beltroad.storage import tasks as store

UNIT_KINDS = (
    "ministry",
    "department",
    "province",
    "locality",
    "agency",
    "enterprise",
    "zone",
    "other",
)
STATUSES = ("open", "done", "cancelled")
EVERY = {"monthly": 1, "quarterly": 3, "annual": 12}


def _plain(row: Mapping[str, Any]) -> dict[str, Any]:
    return registry_reads.plain(row)


def add_unit(
    workspace: Workspace,
    actor: Actor,
    name: str,
    kind: str,
    *,
    parent_id: int | None = None,
    country: str | None = None,
    organisation_id: int | None = None,
) -> dict[str, Any]:
    if kind not in UNIT_KINDS:
        raise InvalidInput.at(f"expected one of {', '.join(UNIT_KINDS)}", field="kind", value=kind)
    if not name.strip():
        raise InvalidInput.at("a unit needs a name", field="name", value=name)
    with workspace.writing() as connection:
        # A new unit under a parent is the parent's business; a new root needs scope all.
        target = unit_target(
            connection, parent_id, frozenset({country.upper()}) if country else frozenset()
        )
        if parent_id is not None and not registry_reads.units_info(connection, [parent_id]):
            raise not_found("unit", parent_id)
        require(actor, Action.manage_units, target, what="unit", key=parent_id or name)
        if country and not registry_reads.exists(connection, "country", country.upper()):
            raise InvalidInput.at("no country with this ISO3 code", field="country", value=country)
        values = {
            "name": name.strip(),
            "kind": kind,
            "parent_id": parent_id,
            "country_iso3": country.upper() if country else None,
            "organisation_id": organisation_id,
            "version": 1,
        }
        unit_id = store.add_unit(connection, values)
        audit_log.record(connection, actor, "create", "unit", unit_id, None, values)
    return {"id": unit_id, **values}


def list_units(workspace: Workspace, actor: Actor) -> list[dict[str, Any]]:
    scope = read_scope(actor)
    with workspace.reading() as connection:
        if scope.everything:
            return store.list_units(connection, None)
        parents = registry_reads.unit_parents(connection)
        visible = set(registry_reads.subtree(parents, scope.unit_roots))
        for row in store.list_units(connection, None):
            if row["country_iso3"] in scope.countries or row["organisation_id"] in scope.orgs:
                visible |= registry_reads.subtree(parents, [row["id"]])
        return store.list_units(connection, visible)


def _scoped_task(connection: Any, actor: Actor, task_id: int, action: Action) -> dict[str, Any]:
    found = store.task(connection, task_id)
    if found is None:
        raise not_found("task", task_id)
    require(actor, action, unit_target(connection, found["unit_id"]), what="task", key=task_id)
    return found


def read_task(workspace: Workspace, actor: Actor, task_id: int) -> dict[str, Any]:
    """One task with its prerequisites (what an editor reads before updating it)."""
    with workspace.reading() as connection:
        found = _scoped_task(connection, actor, task_id, Action.read)
        found["depends_on"] = [p["id"] for p in store.prerequisites(connection, task_id)]
    return _plain(found)


def _date(value: str | dt.date | None, field: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput.at("expected a date YYYY-MM-DD", field=field, value=value) from None


def add_task(
    workspace: Workspace,
    actor: Actor,
    title: str,
    *,
    unit_id: int,
    due_on: str | dt.date,
    project: str | None = None,
    depends_on: tuple[int, ...] = (),
    description: str | None = None,
) -> dict[str, Any]:
    due = _date(due_on, "due_on")
    if not title.strip():
        raise InvalidInput.at("a task needs a title", field="title", value=title)
    now = audit_log.utc_now()
    with workspace.writing() as connection:
        if not registry_reads.units_info(connection, [unit_id]):
            raise not_found("unit", unit_id)
        require(actor, Action.edit_task, unit_target(connection, unit_id), what="unit", key=unit_id)
        project_id = None
        if project is not None:
            found, _ = scoped_project(connection, actor, project)
            project_id = int(found["id"])
        check_not_frozen(connection, [due], what="this task")
        values = {
            "title": title.strip(),
            "description": description,
            "unit_id": unit_id,
            "project_id": project_id,
            "due_on": due,
            "status": "open",
            "kind": "task",
            "created_at": now,
            "version": 1,
        }
        task_id = store.add_task(connection, values)
        for other in depends_on:
            _scoped_task(connection, actor, other, Action.read)
            store.add_dependency(connection, task_id, other)
        audit_log.record(
            connection,
            actor,
            "create",
            "task",
            task_id,
            None,
            values | {"depends_on": list(depends_on)},
            now=now,
        )
    return _plain({"id": task_id, **values, "depends_on": list(depends_on)})


def add_dependency(workspace: Workspace, actor: Actor, task_id: int, depends_on: int) -> None:
    if task_id == depends_on:
        raise InvalidInput.at(
            "a task cannot depend on itself", field="depends_on", value=depends_on
        )
    with workspace.writing() as connection:
        _scoped_task(connection, actor, task_id, Action.edit_task)
        _scoped_task(connection, actor, depends_on, Action.read)
        if store.reaches(connection, depends_on, task_id):
            raise InvalidInput.at(
                f"task {depends_on} already depends on task {task_id} (a cycle)",
                field="depends_on",
                value=depends_on,
            )
        store.add_dependency(connection, task_id, depends_on)
        audit_log.record(
            connection, actor, "add_dependency", "task", task_id, None, {"depends_on": depends_on}
        )


def update_task(
    workspace: Workspace,
    actor: Actor,
    task_id: int,
    *,
    expected_version: int,
    status: str | None = None,
    done_on: str | dt.date | None = None,
    due_on: str | dt.date | None = None,
    title: str | None = None,
) -> dict[str, Any]:
    """Change a task if nobody else did since ``expected_version`` (else a clear conflict)."""
    if status is not None and status not in STATUSES:
        raise InvalidInput.at(
            f"expected one of {', '.join(STATUSES)}", field="status", value=status
        )
    done, due = _date(done_on, "done_on"), _date(due_on, "due_on")
    now = audit_log.utc_now()
    with workspace.writing() as connection:
        found = _scoped_task(connection, actor, task_id, Action.edit_task)
        changes: dict[str, Any] = {}
        if title is not None:
            changes["title"] = title
        if due is not None:
            changes["due_on"] = due
        if status is not None:
            changes["status"] = status
            if status == "done":
                changes["done_on"] = done or now.date()
        elif done is not None:
            changes["done_on"] = done
        if not changes:
            raise InvalidInput.at("nothing to change", field="status", value=None)
        check_not_frozen(
            connection,
            [found["due_on"], changes.get("due_on"), changes.get("done_on")],
            what=f"this change of task {task_id}",
        )
        if changes.get("status") == "done":
            blocking = [
                p for p in store.prerequisites(connection, task_id) if p["status"] != "done"
            ]
            if blocking:
                raise Conflict(
                    f"task {task_id} depends on unfinished task(s) "
                    + ", ".join(f"{p['id']} ({p['title']})" for p in blocking),
                    hint="finish them first",
                )
        if not store.update_task(connection, task_id, expected_version, changes):
            raise Conflict(
                f"task {task_id} was changed by someone else (you had version {expected_version}, "
                f"it is now {found['version']})",
                hint="reload the task and apply your change again",
            )
        before = {k: found.get(k) for k in changes}
        audit_log.record(
            connection, actor, "update", "task", task_id, _plain(before), _plain(changes), now=now
        )
        found |= changes | {"version": expected_version + 1}
    return _plain(found)


def list_tasks(
    workspace: Workspace,
    actor: Actor,
    *,
    unit_id: int | None = None,
    overdue_on: dt.date | None = None,
    status: str | None = None,
    project: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Tasks the actor may read; ``unit_id`` includes the unit's subtree."""
    scope = read_scope(actor)
    with workspace.reading() as connection:
        parents = registry_reads.unit_parents(connection)
        units: frozenset[int] | None = None
        if unit_id is not None:
            if unit_id not in parents:
                raise not_found("unit", unit_id)
            if not scope.everything:
                target = unit_target(connection, unit_id, parents=parents)
                require(actor, Action.read, target, what="unit", key=unit_id)
            units = registry_reads.subtree(parents, [unit_id])
        elif not scope.everything:
            visible = {u["id"] for u in list_units(workspace, actor)}
            units = frozenset(visible)
        project_id = None
        if project is not None:
            found, _ = scoped_project(connection, actor, project)
            project_id = int(found["id"])
        rows = store.list_tasks(
            connection,
            unit_ids=units,
            status=status,
            overdue_on=overdue_on,
            project_id=project_id,
            limit=limit,
            offset=offset,
        )
    return [_plain(r) for r in rows]


def escalate_overdue(workspace: Workspace, actor: Actor, *, today: dt.date) -> list[dict[str, Any]]:
    """Hand each overdue open task to its unit's parent and queue a notification (once)."""
    require(actor, Action.manage_units, Target(), what="tasks", key="all")
    now = audit_log.utc_now()
    escalated: list[dict[str, Any]] = []
    with workspace.writing() as connection:
        parents = registry_reads.unit_parents(connection)
        for task in store.list_tasks(connection, unit_ids=None, overdue_on=today, limit=100_000):
            parent = parents.get(task["unit_id"]) if task["unit_id"] is not None else None
            if parent is None or task["escalated_to"] == parent:
                continue
            values = {"escalated_to": parent, "escalated_at": now}
            if store.update_task(connection, int(task["id"]), int(task["version"]), values):
                notifications.escalated(connection, task, parent, now)
                audit_log.record(
                    connection,
                    actor,
                    "escalate",
                    "task",
                    task["id"],
                    None,
                    {"escalated_to": parent},
                    now=now,
                )
                escalated.append(
                    _plain(
                        {
                            "id": task["id"],
                            "title": task["title"],
                            "due_on": task["due_on"],
                            "from_unit": task["unit_id"],
                            "to_unit": parent,
                        }
                    )
                )
    return escalated


def notify_due(
    workspace: Workspace, actor: Actor, *, today: dt.date, days: int = 7
) -> list[dict[str, Any]]:
    """Queue a "review due" notice to the owning unit of each open task due within ``days``
    (once per task and due date)."""
    require(actor, Action.manage_units, Target(), what="tasks", key="all")
    now = audit_log.utc_now()
    queued = []
    with workspace.writing() as connection:
        for task in store.due_between(connection, today, today + dt.timedelta(days=days)):
            if notifications.review_due(connection, task, now):
                queued.append(_plain({k: task[k] for k in ("id", "title", "unit_id", "due_on")}))
    return queued


def _add_months(day: dt.date, months: int, anchor: int) -> dt.date:
    """``months`` after ``day``, on the anchor day of the month or the month's last day (a
    series due on the 31st stays on each month's last day, never drifts to the 30th)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(anchor, calendar.monthrange(year, month)[1]))


def add_recurring(
    workspace: Workspace,
    actor: Actor,
    title: str,
    *,
    unit_id: int,
    every: str,
    first_due: str | dt.date,
    until: str | dt.date | None = None,
    each_child: bool = False,
) -> list[dict[str, Any]]:
    """A recurring reporting task for a unit, or for each of its child units (e.g. quarterly
    progress from each zone)."""
    if every not in EVERY:
        raise InvalidInput.at(f"expected one of {', '.join(EVERY)}", field="every", value=every)
    first = _date(first_due, "first_due")
    last = _date(until, "until")
    made = []
    with workspace.writing() as connection:
        parents = registry_reads.unit_parents(connection)
        if unit_id not in parents:
            raise not_found("unit", unit_id)
        require(actor, Action.edit_task, unit_target(connection, unit_id), what="unit", key=unit_id)
        units = [c for c, p in parents.items() if p == unit_id] if each_child else [unit_id]
        for unit in sorted(units):
            values = {
                "title": title,
                "unit_id": unit,
                "every": every,
                "first_due": first,
                "until": last,
                "next_due": first,
                "active": True,
                "version": 1,
            }
            rid = store.add_recurring(connection, values)
            audit_log.record(connection, actor, "create", "recurring_task", rid, None, values)
            made.append(_plain({"id": rid, **values}))
    return made


def generate_recurring(
    workspace: Workspace, actor: Actor, *, until: dt.date
) -> list[dict[str, Any]]:
    """Create the task instances of recurring definitions due on or before ``until``."""
    require(actor, Action.manage_units, Target(), what="tasks", key="all")
    now = audit_log.utc_now()
    created = []
    with workspace.writing() as connection:
        for rec in store.recurring_due(connection, until):
            due = rec["next_due"]
            while due <= until and (rec["until"] is None or due <= rec["until"]):
                if not store.instance_exists(connection, int(rec["id"]), due):
                    values = {
                        "title": f"{rec['title']} (due {due.isoformat()})",
                        "unit_id": rec["unit_id"],
                        "due_on": due,
                        "status": "open",
                        "kind": "report",
                        "recurrence_id": rec["id"],
                        "created_at": now,
                        "version": 1,
                    }
                    task_id = store.add_task(connection, values)
                    audit_log.record(
                        connection, actor, "create", "task", task_id, None, values, now=now
                    )
                    created.append(_plain({"id": task_id, **values}))
                due = _add_months(due, EVERY[rec["every"]], rec["first_due"].day)
            active = rec["until"] is None or due <= rec["until"]
            store.advance_recurring(connection, int(rec["id"]), due, active)
    return created
