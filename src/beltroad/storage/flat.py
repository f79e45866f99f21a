"""Flat, readable views of the registry for exports: names next to codes, one row a project."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, func, select

from beltroad.storage import models
from beltroad.storage.models import table


@dataclass(frozen=True)
class ProjectFilter:
    """Which projects an export (of any format) holds; every field narrows, None does not."""

    dataset: str | None = None
    country: str | None = None  # ISO3: projects with any share in it
    status: int | None = None
    include_synthetic: bool = True


ALL_PROJECTS = ProjectFilter()


def _labels(connection: Connection, codelist: str) -> dict[str, str]:
    codes = table(models.Codelist)
    rows = connection.execute(
        select(codes.c.code, codes.c.label).where(codes.c.codelist == codelist)
    )
    return {code: label for code, label in rows}


def project_conditions(flt: ProjectFilter) -> list[Any]:
    """SQL conditions on the project table for ``flt``: one definition for every export."""
    project = table(models.Project)
    conditions: list[Any] = []
    if flt.dataset:
        conditions.append(project.c.dataset == flt.dataset)
    if flt.status is not None:
        conditions.append(project.c.status == flt.status)
    if not flt.include_synthetic:
        conditions.append(project.c.is_synthetic.is_(False))
    if flt.country:
        pc = table(models.ProjectCountry)
        conditions.append(project.c.id.in_(select(pc.c.project_id).where(pc.c.iso3 == flt.country)))
    return conditions


def dataset_names(connection: Connection, flt: ProjectFilter = ALL_PROJECTS) -> list[str]:
    """The datasets the filtered projects come from: whose attribution an export must carry."""
    project = table(models.Project)
    query = select(project.c.dataset).where(and_(True, *project_conditions(flt))).distinct()
    return sorted(str(name) for name in connection.execute(query).scalars())


def project_rows(
    connection: Connection, flt: ProjectFilter = ALL_PROJECTS, *, batch: int = 2000
) -> Iterator[dict[str, Any]]:
    """One dict per project with readable columns: status name, countries, sectors, financiers."""
    project = table(models.Project)
    status_label = _labels(connection, "ActivityStatus")
    flow_label = _labels(connection, "FlowType")
    finance_label = _labels(connection, "FinanceType")
    sector_label = _labels(connection, "Sector") | _labels(connection, "SectorCategory")
    country = table(models.Country)
    country_name = dict(connection.execute(select(country.c.iso3, country.c.name_en)).all())

    conditions = project_conditions(flt)
    query = select(project).where(and_(True, *conditions)).order_by(project.c.id)
    last_id = 0
    while True:
        chunk = (
            connection.execute(query.where(project.c.id > last_id).limit(batch)).mappings().all()
        )
        if not chunk:
            return
        ids = [row["id"] for row in chunk]
        last_id = ids[-1]
        countries = _grouped(connection, models.ProjectCountry, ids, ("iso3", "percentage"))
        sectors = _grouped(
            connection, models.ProjectSector, ids, ("code", "vocabulary", "percentage")
        )
        financiers = _financiers(connection, ids)
        for row in chunk:
            pid = row["id"]
            cs = countries.get(pid, [])
            ss = sectors.get(pid, [])
            yield {
                "identifier": row["identifier"],
                "title": row["title"],
                "status": status_label.get(str(row["status"]), row["status"]),
                "status_code": row["status"],
                "recipient_countries": "; ".join(
                    f"{country_name.get(c[0], c[0])} ({c[1]:.12g}%)" for c in cs
                ),
                "recipient_iso3": "; ".join(c[0] for c in cs),
                "sectors": "; ".join(f"{sector_label.get(s[0], s[0])} ({s[2]:.12g}%)" for s in ss),
                "sector_codes": "; ".join(s[0] for s in ss),
                "financiers": "; ".join(financiers.get(pid, [])),
                "commitment_year": row["commitment_year"],
                "flow_class": row["flow_class"],
                "flow_type": flow_label.get(str(row["flow_type"]), row["flow_type"]),
                "finance_type": finance_label.get(str(row["finance_type"]), row["finance_type"]),
                "amount_original": row["amount_original"],
                "currency": row["amount_currency"],
                "amount_usd_nominal": row["amount_usd_nominal"],
                "amount_usd_constant": row["amount_usd_constant"],
                "constant_usd_base_year": row["amount_base_year"],
                "planned_start": row["planned_start"],
                "actual_start": row["actual_start"],
                "planned_end": row["planned_end"],
                "actual_end": row["actual_end"],
                "umbrella": row["is_umbrella"],
                "recommended_for_aggregates": row["recommended_for_aggregates"],
                "quality": row["quality"],
                "dataset": row["dataset"],
                "source_record_id": row["source_record_id"],
                "synthetic": row["is_synthetic"],
            }


def _grouped(
    connection: Connection, model: type[models.Base], ids: list[int], columns: tuple[str, ...]
) -> dict[int, list[tuple[Any, ...]]]:
    t = table(model)
    result: dict[int, list[tuple[Any, ...]]] = {}
    rows = connection.execute(
        select(t.c.project_id, *(t.c[c] for c in columns))
        .where(t.c.project_id.in_(ids))
        .order_by(t.c.project_id, *(t.c[c] for c in columns[:1]))
    )
    for pid, *values in rows:
        result.setdefault(pid, []).append(tuple(values))
    return result


def _financiers(connection: Connection, ids: list[int]) -> dict[int, list[str]]:
    part = table(models.Participation)
    org = table(models.Organisation)
    rows = connection.execute(
        select(part.c.project_id, org.c.name)
        .join(org, org.c.id == part.c.organisation_id)
        .where(part.c.project_id.in_(ids), part.c.role == "funding")
        .order_by(part.c.project_id, org.c.name)
    )
    result: dict[int, list[str]] = {}
    for pid, name in rows:
        result.setdefault(pid, []).append(name)
    return result


def location_rows(
    connection: Connection, flt: ProjectFilter = ALL_PROJECTS
) -> Iterator[dict[str, Any]]:
    """Project locations with coordinates, joined to their project's identity and amount."""
    project = table(models.Project)
    location = table(models.Location)
    query = (
        select(
            project.c.identifier,
            project.c.title,
            project.c.status,
            project.c.amount_usd_constant,
            project.c.amount_base_year,
            project.c.dataset,
            project.c.is_synthetic,
            location.c.name,
            location.c.admin_level,
            location.c.admin_code,
            location.c.share,
            location.c.lat,
            location.c.lon,
            location.c.source,
        )
        .join(location, location.c.project_id == project.c.id)
        .where(location.c.lat.is_not(None), location.c.lon.is_not(None))
        .order_by(project.c.id, location.c.id)
    )
    query = query.where(and_(True, *project_conditions(flt)))
    for row in connection.execute(query).mappings():
        yield dict(row)


def count_projects(connection: Connection) -> int:
    return int(
        connection.execute(select(func.count()).select_from(table(models.Project))).scalar_one()
    )
