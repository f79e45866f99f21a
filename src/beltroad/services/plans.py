"""Plans with dated targets, and plan against actual from the registry (issue #15).

A plan (five-year, annual, ...) sets targets per metric, overall or for one country, corridor,
sector (a DAC code prefix) or unit: commitments (constant USD of a named base year; amounts on
another basis are left out and counted, never added), projects started and completed, local
jobs (zones and enterprises of a country), and the green share (green projects among those with
a traffic-light class). Actuals count projects under AidData's rule (recommended records,
umbrella records excluded). A plan's blueprint projects are listed by lifecycle state.

Everyone with scope all reads every plan. A scoped reader (a partner on its country, a
coordinator on its unit) reads a plan through the targets its scope covers: a country target of
its country, a unit target of a unit in its subtree; it sees only those targets, and the
blueprint's projects within its scope. A plan with none of them looks missing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from beltroad.errors import Conflict, InvalidInput
from beltroad.services import audit_log
from beltroad.services.permissions import (
    Action,
    Actor,
    Target,
    allows,
    covers_all,
    not_found,
    read_scope,
    require,
)
from beltroad.services.registry_access import project_scope, scoped_project, unit_target
from beltroad.services.workspace import Workspace
from beltroad.storage import plans as store
from beltroad.storage import registry_reads

KINDS = ("five_year", "annual", "other")
METRICS = ("commitments_usd", "projects_started", "projects_completed", "local_jobs", "green_share")
DIMENSIONS = ("all", "country", "corridor", "sector", "unit")


def _date(value: str | dt.date, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput.at("expected a date YYYY-MM-DD", field=field, value=value) from None


def create_plan(
    workspace: Workspace,
    actor: Actor,
    name: str,
    *,
    kind: str,
    starts_on: str | dt.date,
    ends_on: str | dt.date,
    description: str | None = None,
) -> dict[str, Any]:
    if kind not in KINDS:
        raise InvalidInput.at(f"expected one of {', '.join(KINDS)}", field="kind", value=kind)
    start, end = _date(starts_on, "starts_on"), _date(ends_on, "ends_on")
    if end < start:
        raise InvalidInput.at(
            "the plan ends before it starts", field="ends_on", value=end.isoformat()
        )
    require(actor, Action.manage_plans, Target(), what="plan", key=name)
    now = audit_log.utc_now()
    with workspace.writing() as connection:
        if store.plan(connection, name) is not None:
            raise Conflict(f"a plan {name!r} already exists")
        values = {
            "name": name,
            "kind": kind,
            "starts_on": start,
            "ends_on": end,
            "description": description,
        }
        plan_id = store.add_plan(
            connection, values | {"created_by": actor.user_id, "created_at": now, "version": 1}
        )
        audit_log.record(connection, actor, "create", "plan", name, None, values, now=now)
    return registry_reads.plain({"id": plan_id, **values})


def _plan(connection: Any, name: str) -> dict[str, Any]:
    found = store.plan(connection, name)
    if found is None:
        raise not_found("plan", name)
    return found


def add_target(
    workspace: Workspace,
    actor: Actor,
    plan: str,
    *,
    metric: str,
    target: float,
    due_on: str | dt.date,
    dimension: str = "all",
    key: str | None = None,
    base_year: int | None = None,
) -> dict[str, Any]:
    if metric not in METRICS:
        raise InvalidInput.at(f"expected one of {', '.join(METRICS)}", field="metric", value=metric)
    if dimension not in DIMENSIONS:
        raise InvalidInput.at(
            f"expected one of {', '.join(DIMENSIONS)}", field="dimension", value=dimension
        )
    if (dimension == "all") != (key is None):
        raise InvalidInput.at(
            "a target for a country, corridor, sector or unit needs its key (and 'all' none)",
            field="key",
            value=key,
        )
    if metric == "commitments_usd" and base_year is None:
        raise InvalidInput.at(
            "a money target is constant USD of a base year (expected e.g. 2021)",
            field="base_year",
            value=None,
        )
    if metric == "green_share" and not 0 <= target <= 100:
        raise InvalidInput.at("a share is a percentage 0-100", field="target", value=target)
    if target < 0:
        raise InvalidInput.at("expected 0 or more", field="target", value=target)
    due = _date(due_on, "due_on")
    require(actor, Action.manage_plans, Target(), what="plan", key=plan)
    with workspace.writing() as connection:
        found = _plan(connection, plan)
        if not found["starts_on"] <= due <= found["ends_on"]:
            raise InvalidInput.at(
                f"the due date lies outside the plan ({found['starts_on']} to {found['ends_on']})",
                field="due_on",
                value=due.isoformat(),
            )
        if dimension == "country":
            key = str(key).upper()
            if not registry_reads.exists(connection, "country", key):
                raise InvalidInput.at("no country with this ISO3 code", field="key", value=key)
        values = {
            "metric": metric,
            "dimension": dimension,
            "key": key,
            "target": float(target),
            "due_on": due,
            "base_year": base_year,
        }
        target_id = store.add_target(connection, values | {"plan_id": found["id"]})
        audit_log.record(connection, actor, "add_target", "plan", plan, None, values)
    return registry_reads.plain({"id": target_id, **values})


def add_project(workspace: Workspace, actor: Actor, plan: str, project: str) -> None:
    """Put a project on the plan's blueprint."""
    require(actor, Action.manage_plans, Target(), what="plan", key=plan)
    with workspace.writing() as connection:
        found = _plan(connection, plan)
        proj, _ = scoped_project(connection, actor, project)
        store.link_project(connection, int(found["id"]), int(proj["id"]))
        audit_log.record(
            connection, actor, "add_project", "plan", plan, None, {"project": proj["identifier"]}
        )


def _target_of(connection: Any, target: dict[str, Any], parents: dict[int, int | None]) -> Target:
    """What a plan target belongs to: its country, or its unit with the unit's ancestors."""
    key = str(target["key"])
    if target["dimension"] == "country":
        return Target(countries=frozenset({key}))
    if target["dimension"] == "unit" and key.isdigit():
        return unit_target(connection, int(key), parents=parents)
    return Target()  # overall, corridor and sector targets: scope all only


def _readable(connection: Any, actor: Actor, plan_id: int) -> list[dict[str, Any]]:
    """The plan's targets the actor may read."""
    found = store.targets(connection, plan_id)
    if covers_all(actor, Action.read):
        return found
    parents = registry_reads.unit_parents(connection)
    return [t for t in found if allows(actor, Action.read, _target_of(connection, t, parents))]


def list_plans(workspace: Workspace, actor: Actor) -> list[dict[str, Any]]:
    """Every plan for scope all; for a scoped reader, the plans with a target in its scope."""
    with workspace.reading() as connection:
        return [
            registry_reads.plain(p)
            for p in store.plans(connection)
            if covers_all(actor, Action.read) or _readable(connection, actor, int(p["id"]))
        ]


def plan_vs_actual(
    workspace: Workspace, actor: Actor, plan: str, *, as_of: dt.date | None = None
) -> dict[str, Any]:
    """Each target beside the registry's actual figure (from the plan's start to the target's
    due date, or ``as_of`` if earlier), the gap, and the blueprint's projects by state."""
    rows = []
    with workspace.reading() as connection:
        found = _plan(connection, plan)
        readable = _readable(connection, actor, int(found["id"]))
        if not readable and not covers_all(actor, Action.read):
            raise not_found("plan", plan)
        parents = registry_reads.unit_parents(connection)
        for t in readable:
            end = min(t["due_on"], as_of) if as_of else t["due_on"]
            units = (
                registry_reads.subtree(parents, [int(t["key"])])
                if t["dimension"] == "unit" and str(t["key"]).isdigit()
                else frozenset()
            )
            figure = store.actual(
                connection,
                metric=t["metric"],
                dimension=t["dimension"],
                key=t["key"],
                starts_on=found["starts_on"],
                ends_on=end,
                base_year=t["base_year"],
                unit_ids=units,
            )
            achieved = 100.0 * figure["actual"] / t["target"] if t["target"] else None
            rows.append(
                registry_reads.plain(t)
                | {
                    "measure": f"constant USD {t['base_year']}"
                    if t["metric"] == "commitments_usd"
                    else t["metric"],
                    "window": f"{found['starts_on']}..{end}",
                    "gap": figure["actual"] - t["target"],
                    "achieved_pct": round(achieved, 1) if achieved is not None else None,
                    **figure,
                }
            )
        blueprint = store.blueprint_states(
            connection, int(found["id"]), scope=project_scope(connection, read_scope(actor))
        )
    return {
        "plan": registry_reads.plain(found),
        "rule": "aiddata: records recommended for aggregates, umbrella records excluded",
        "targets": rows,
        "blueprint": blueprint,
    }
