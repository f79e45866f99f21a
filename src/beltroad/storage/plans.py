"""Plans, their targets and blueprint projects, and the actual figures targets are compared
with (issue #15)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, case, func, insert, or_, select

from beltroad.storage import coordination_models as cm
from beltroad.storage import models


def add_plan(connection: Connection, values: Mapping[str, Any]) -> int:
    p = cm.Plan
    return int(connection.execute(insert(p).values(**values).returning(p.id)).scalar_one())


def plan(connection: Connection, name: str) -> dict[str, Any] | None:
    p = cm.Plan
    row = connection.execute(
        select(
            p.id, p.name, p.kind, p.starts_on, p.ends_on, p.description, p.unit_id, p.version
        ).where(p.name == name)
    ).first()
    return None if row is None else dict(row._mapping)


def plans(connection: Connection) -> list[dict[str, Any]]:
    p = cm.Plan
    rows = connection.execute(
        select(p.id, p.name, p.kind, p.starts_on, p.ends_on, p.unit_id, p.version).order_by(
            p.starts_on, p.name
        )
    )
    return [dict(r._mapping) for r in rows]


def add_target(connection: Connection, values: Mapping[str, Any]) -> int:
    t = cm.PlanTarget
    return int(connection.execute(insert(t).values(**values).returning(t.id)).scalar_one())


def targets(connection: Connection, plan_id: int) -> list[dict[str, Any]]:
    t = cm.PlanTarget
    rows = connection.execute(
        select(t.id, t.metric, t.dimension, t.key, t.target, t.due_on, t.base_year)
        .where(t.plan_id == plan_id)
        .order_by(t.due_on, t.id)
    )
    return [dict(r._mapping) for r in rows]


def link_project(connection: Connection, plan_id: int, project_id: int) -> None:
    pp = cm.PlanProject
    exists = connection.execute(
        select(pp.plan_id).where(pp.plan_id == plan_id, pp.project_id == project_id)
    ).first()
    if exists is None:
        connection.execute(insert(pp).values(plan_id=plan_id, project_id=project_id))


def blueprint_states(connection: Connection, plan_id: int, *, scope: Any = None) -> dict[str, int]:
    """The plan's projects (those ``scope`` admits, if given) counted by lifecycle state (None:
    not yet set)."""
    pp, p = cm.PlanProject, models.Project
    query = select(p.lifecycle_state, func.count()).join(pp, pp.project_id == p.id)
    query = query.where(pp.plan_id == plan_id)
    if scope is not None:
        query = query.where(scope)
    rows = connection.execute(query.group_by(p.lifecycle_state))
    return {str(state or "unset"): int(n) for state, n in rows}


def _filtered(
    query: Select[Any], dimension: str, key: str | None, unit_ids: Collection[int]
) -> tuple[Select[Any], Any]:
    """Restrict a projects query to a dimension; returns it and the share factor of amounts."""
    p = models.Project
    share: Any = 1.0
    if dimension == "country":
        pc = models.ProjectCountry
        query = query.join(pc, pc.project_id == p.id).where(pc.iso3 == key)
        share = pc.percentage / 100.0
    elif dimension == "sector":
        ps = models.ProjectSector
        query = query.join(ps, ps.project_id == p.id).where(ps.code.startswith(str(key)))
        share = ps.percentage / 100.0
    elif dimension == "corridor":
        query = query.where(p.corridor_id == key)
    elif dimension == "unit":
        query = query.where(p.unit_id.in_(sorted(unit_ids)))
    return query, share


def _counted() -> ColumnElement[bool]:
    """AidData's aggregation rule: recommended records, umbrella records excluded."""
    p = models.Project
    return (p.recommended_for_aggregates.is_not(False) | p.recommended_for_aggregates.is_(None)) & (
        p.is_umbrella.is_(False)
    )


def actual(
    connection: Connection,
    *,
    metric: str,
    dimension: str,
    key: str | None,
    starts_on: dt.date,
    ends_on: dt.date,
    base_year: int | None,
    unit_ids: Collection[int] = (),
) -> dict[str, Any]:
    """The registry's figure for one target, with what was left out and why."""
    p = models.Project
    if metric == "commitments_usd":
        base, share = _filtered(select(p.id).select_from(p), dimension, key, unit_ids)
        inner = base.with_only_columns(
            func.sum(
                case((p.amount_base_year == base_year, p.amount_usd_constant * share), else_=None)
            ),
            func.count(
                case(
                    (p.amount_usd_constant.is_not(None) & (p.amount_base_year != base_year), 1),
                    else_=None,
                )
            ),
        ).where(
            _counted(),
            p.commitment_year >= starts_on.year,
            p.commitment_year <= ends_on.year,
        )
        total, other = connection.execute(inner).one()
        return {"actual": float(total or 0.0), "excluded_other_basis": int(other or 0)}
    if metric in ("projects_started", "projects_completed", "green_share"):
        column = p.actual_end if metric == "projects_completed" else p.actual_start
        base, _ = _filtered(select(p.id).select_from(p), dimension, key, unit_ids)
        window = base.where(_counted(), column >= starts_on, column <= ends_on)
        if metric != "green_share":
            n = connection.execute(
                window.with_only_columns(func.count(func.distinct(p.id)))
            ).scalar_one()
            return {"actual": float(n)}
        green, classified = connection.execute(
            window.with_only_columns(
                func.count(func.distinct(case((p.green_class == "green", p.id), else_=None))),
                func.count(func.distinct(case((p.green_class.is_not(None), p.id), else_=None))),
            )
        ).one()
        share_value = 100.0 * green / classified if classified else 0.0
        return {"actual": share_value, "classified_projects": int(classified)}
    if metric == "local_jobs":
        z, e = models.CooperationZone, models.OverseasEnterprise
        zq = select(func.sum(z.jobs_local))
        eq = select(func.sum(e.employees_local))
        if dimension == "country":
            zq, eq = zq.where(z.host_iso3 == key), eq.where(e.host_iso3 == key)
        elif dimension != "all":
            return {"actual": 0.0, "note": "local jobs are recorded per country only"}
        zones = connection.execute(zq).scalar() or 0
        enterprises = (
            connection.execute(
                eq.where(or_(e.closed_on.is_(None), e.closed_on >= ends_on))
            ).scalar()
            or 0
        )
        return {
            "actual": float(zones + enterprises),
            "zones": int(zones),
            "enterprises": int(enterprises),
        }
    raise ValueError(metric)
