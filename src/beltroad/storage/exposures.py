"""Reads the stress test needs: each project's money, splits, financiers and the country facts.

Read-only, one query per table (no per-project round trips), so a portfolio of tens of thousands
of projects loads in well under a second. The selection follows the aggregation rule of
:mod:`beltroad.storage.aggregates`: under ``aiddata`` only records recommended for aggregates
(or unmarked), never umbrella records.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, and_, case, func, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from beltroad.storage import models
from beltroad.storage.models import table
from beltroad.storage.overlaps import not_set_aside

#: IATI TransactionType codes [V]: 2 outgoing commitment, 3 disbursement, 6 loan repayment.
COMMITMENT, DISBURSEMENT, REPAYMENT = 2, 3, 6


@dataclass
class ProjectMoney:
    """One project as the stress test sees it; amounts in constant USD."""

    id: int
    status: int | None
    finance_type: int | None
    flow_type: int | None
    currency: str | None
    corridor_id: str | None
    amount: float | None
    base_year: int | None
    committed: float | None = None
    disbursed: float | None = None
    repaid: float | None = None
    countries: list[tuple[str, float]] = field(default_factory=list)
    sectors: list[tuple[str, float]] = field(default_factory=list)
    financiers: list[str] = field(default_factory=list)
    is_synthetic: bool = False


def _rule(rule: str) -> ColumnElement[bool]:
    project = table(models.Project)
    # Under every rule, a record set aside as a duplicate of another dataset's never counts.
    if rule == "all":
        return not_set_aside(project.c.id)
    return and_(
        not_set_aside(project.c.id),
        or_(
            project.c.recommended_for_aggregates.is_(None),
            project.c.recommended_for_aggregates == true(),
        ),
        project.c.is_umbrella == False,  # noqa: E712 (SQL, not Python)
    )


def project_money(connection: Connection, *, rule: str = "aiddata") -> list[ProjectMoney]:
    """Every project the rule selects, with its transactions summed and its splits attached."""
    project = table(models.Project)
    where = _rule(rule)
    found: dict[int, ProjectMoney] = {}
    query = select(
        project.c.id,
        project.c.status,
        project.c.finance_type,
        project.c.flow_type,
        project.c.amount_currency,
        project.c.corridor_id,
        project.c.amount_usd_constant,
        project.c.amount_base_year,
        project.c.is_synthetic,
    ).where(where)
    for row in connection.execute(query):
        found[row.id] = ProjectMoney(
            id=row.id,
            status=row.status,
            finance_type=row.finance_type,
            flow_type=row.flow_type,
            currency=row.amount_currency,
            corridor_id=row.corridor_id,
            amount=row.amount_usd_constant,
            base_year=row.amount_base_year,
            is_synthetic=bool(row.is_synthetic),
        )
    if not found:
        return []
    selected = select(project.c.id).where(where).scalar_subquery()

    tx = table(models.Transaction)

    def summed(kind: int) -> Any:
        return func.sum(case((tx.c.type == kind, tx.c.usd_constant), else_=None))

    money = (
        select(
            tx.c.project_id,
            summed(COMMITMENT).label("committed"),
            summed(DISBURSEMENT).label("disbursed"),
            summed(REPAYMENT).label("repaid"),
        )
        .where(tx.c.project_id.in_(selected))
        .group_by(tx.c.project_id)
    )
    for tx_row in connection.execute(money):
        item = found[tx_row.project_id]
        item.committed, item.disbursed, item.repaid = (
            tx_row.committed,
            tx_row.disbursed,
            tx_row.repaid,
        )

    pc = table(models.ProjectCountry)
    countries = select(pc.c.project_id, pc.c.iso3, pc.c.percentage).where(
        pc.c.project_id.in_(selected)
    )
    for c_row in connection.execute(countries.order_by(pc.c.project_id, pc.c.iso3)):
        found[c_row.project_id].countries.append((c_row.iso3, float(c_row.percentage or 100.0)))

    ps = table(models.ProjectSector)
    # As in breakdowns: vocabulary 1 (DAC 5-digit) is read at its 3-digit category.
    sector = case((ps.c.vocabulary == "1", func.substr(ps.c.code, 1, 3)), else_=ps.c.code)
    sectors = select(ps.c.project_id, sector.label("sector"), ps.c.percentage).where(
        ps.c.project_id.in_(selected), ps.c.vocabulary.in_(("1", "2"))
    )
    for s_row in connection.execute(sectors.order_by(ps.c.project_id, ps.c.code)):
        found[s_row.project_id].sectors.append((s_row.sector, float(s_row.percentage or 100.0)))

    part = table(models.Participation)
    org = table(models.Organisation)
    funders = (
        select(part.c.project_id, org.c.name)
        .select_from(part.join(org, org.c.id == part.c.organisation_id))
        .where(part.c.role == "funding", part.c.project_id.in_(selected))
        .order_by(part.c.project_id, org.c.name)
    )
    for f_row in connection.execute(funders):
        found[f_row.project_id].financiers.append(f_row.name)
    return [found[key] for key in sorted(found)]


def country_regions(connection: Connection) -> dict[str, str | None]:
    """Every country's World Bank region (None where not loaded)."""
    country = table(models.Country)
    return {r.iso3: r.region for r in connection.execute(select(country.c.iso3, country.c.region))}


def corridor_members(connection: Connection) -> dict[str, list[str]]:
    """The corridors each country belongs to (the editable membership table)."""
    cc = table(models.CorridorCountry)
    members: dict[str, list[str]] = defaultdict(list)
    query = select(cc.c.iso3, cc.c.corridor_id).order_by(cc.c.iso3, cc.c.corridor_id)
    for row in connection.execute(query):
        members[row.iso3].append(row.corridor_id)
    return dict(members)


def local_jobs(connection: Connection) -> dict[str, float]:
    """Local jobs by host country: cooperation zones plus overseas enterprises."""
    jobs: dict[str, float] = defaultdict(float)
    zone = table(models.CooperationZone)
    query = select(zone.c.host_iso3, func.sum(zone.c.jobs_local)).group_by(zone.c.host_iso3)
    for iso3, total in connection.execute(query):
        jobs[iso3] += float(total or 0)
    firm = table(models.OverseasEnterprise)
    query = select(firm.c.host_iso3, func.sum(firm.c.employees_local)).group_by(firm.c.host_iso3)
    for iso3, total in connection.execute(query):
        jobs[iso3] += float(total or 0)
    return {k: v for k, v in jobs.items() if v > 0}


def dataset_vintages(connection: Connection) -> list[dict[str, Any]]:
    """The datasets loaded: name, title, when, and whether synthetic."""
    ds = table(models.Dataset)
    query = select(ds.c.name, ds.c.title, ds.c.loaded_at, ds.c.is_synthetic).order_by(ds.c.name)
    return [
        {
            "name": r.name,
            "title": r.title,
            "loaded_at": r.loaded_at.isoformat() if r.loaded_at else None,
            "synthetic": bool(r.is_synthetic),
        }
        for r in connection.execute(query)
    ]


def save_run(
    connection: Connection,
    *,
    name: str,
    kind: str,
    definition: dict[str, Any],
    started_at: Any,
    seed: int,
    parameters: dict[str, Any],
    result: dict[str, Any],
) -> int:
    """Store a stress run in ``scenario_runs``, creating or updating its ``scenarios`` row."""
    scenario = table(models.Scenario)
    runs = table(models.ScenarioRun)
    existing = connection.execute(
        select(scenario.c.id).where(scenario.c.name == name)
    ).scalar_one_or_none()
    if existing is None:
        existing = connection.execute(
            scenario.insert()
            .values(name=name, kind=kind, definition=definition)
            .returning(scenario.c.id)
        ).scalar_one()
    else:  # the name is the identity; the latest definition wins and every run keeps its own
        connection.execute(
            scenario.update()
            .where(scenario.c.id == existing)
            .values(kind=kind, definition=definition)
        )
    run_id: int = connection.execute(
        runs.insert()
        .values(
            scenario_id=existing,
            started_at=started_at,
            seed=seed,
            parameters=parameters,
            result=result,
        )
        .returning(runs.c.id)
    ).scalar_one()
    return run_id


def project_points(connection: Connection) -> dict[int, list[tuple[float, float]]]:
    """Each located project's points as (lat, lon), for corridor attribution by route."""
    loc = table(models.Location)
    points: dict[int, list[tuple[float, float]]] = defaultdict(list)
    query = select(loc.c.project_id, loc.c.lat, loc.c.lon).where(
        loc.c.lat.is_not(None), loc.c.lon.is_not(None)
    )
    for pid, lat, lon in connection.execute(query):
        points[pid].append((float(lat), float(lon)))
    return dict(points)
