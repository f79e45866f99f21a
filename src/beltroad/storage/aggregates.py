"""Breakdowns of the portfolio, aggregated in the database (GROUP BY, shares as SQL arithmetic).

The aggregation rule (docs/product.md): an amount is split by the project's country and sector
percentages (60% counts 0.6); grouping by country and sector multiplies the two shares. A project
with no country (or sector, or financier) row falls in the null group, share 1. Counts are whole
projects unless split counts are asked for, when they are the summed shares.

Nothing is loaded into Python but the grouped rows: the query must stay fast on a million projects,
so the split tables are joined directly (no window functions) and ``COUNT(DISTINCT)`` is used only
where a join can repeat a project within a group.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Connection,
    Float,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Subquery

from beltroad.storage import models
from beltroad.storage.models import table

#: Dimensions and the split source each one is read from (None: a column of the project).
DIMENSIONS: dict[str, str | None] = {
    "country": "country",
    "region": "country",
    "income": "country",
    "corridor": None,
    "sector": "sector",
    "sector5": "sector",
    "year": None,
    "flow-class": None,
    "status": None,
    "financier": "financier",
    "dataset": None,
}
MEASURES: tuple[str, ...] = ("commitment", "commitment-nominal", "disbursement", "projects")
RULES: tuple[str, ...] = ("aiddata", "all")

#: A filter value that selects the null ("unspecified") group.
UNSPECIFIED = None


@dataclass(frozen=True)
class BreakdownQuery:
    """What to group by, what to sum, under which rule, restricted by ``filters`` (dim, value)."""

    by: tuple[str, ...]
    measure: str = "commitment"
    rule: str = "aiddata"
    filters: tuple[tuple[str, Any], ...] = ()
    split_counts: bool = False


@dataclass(frozen=True)
class BreakdownTotals:
    rows: list[dict[str, Any]] = field(default_factory=list)
    projects: float = 0
    amount: float | None = None
    base_years: tuple[int, ...] = ()
    synthetic_projects: int = 0


@dataclass(frozen=True)
class _Source:
    """A table joined to projects for split dimensions: its columns and each row's share."""

    joins: tuple[tuple[Any, ColumnElement[bool]], ...]
    columns: dict[str, ColumnElement[Any]]
    share: ColumnElement[Any]
    key: str | None  # the dimension that is unique per project within this source


def _country_source(dims: set[str]) -> _Source:
    pc = table(models.ProjectCountry)
    country = table(models.Country)
    project = table(models.Project)
    joins: list[tuple[Any, ColumnElement[bool]]] = [(pc, pc.c.project_id == project.c.id)]
    if dims & {"region", "income"}:
        joins.append((country, country.c.iso3 == pc.c.iso3))
    return _Source(
        joins=tuple(joins),
        columns={
            "country": pc.c.iso3,
            "region": country.c.region,
            "income": country.c.income_group,
        },
        # 60% -> 0.6 (IATI percentages of one vocabulary add up to 100).
        share=func.coalesce(pc.c.percentage, 100.0) / 100.0,
        key="country",
    )


def _sector_source(dims: set[str]) -> _Source:
    ps = table(models.ProjectSector)
    project = table(models.Project)
    # Vocabulary 1 is DAC 5-digit (its category is the first 3 digits); 2 is DAC 3-digit.
    on = and_(ps.c.project_id == project.c.id, ps.c.vocabulary.in_(("1", "2")))
    return _Source(
        joins=((ps, on),),
        columns={
            "sector": case((ps.c.vocabulary == "1", func.substr(ps.c.code, 1, 3)), else_=ps.c.code),
            "sector5": case((ps.c.vocabulary == "1", ps.c.code), else_=None),
        },
        share=func.coalesce(ps.c.percentage, 100.0) / 100.0,
        key=None,
    )


def _financier_source(dims: set[str]) -> _Source:
    """Funding organisations; IATI gives no percentages here, so each takes an equal share."""
    part = table(models.Participation)
    org = table(models.Organisation)
    project = table(models.Project)
    one = cast(literal(1.0), Float)
    funders = (
        select(
            part.c.project_id,
            org.c.name.label("financier"),
            (one / func.count().over(partition_by=part.c.project_id)).label("share"),
        )
        .select_from(part.join(org, org.c.id == part.c.organisation_id))
        .where(part.c.role == "funding")
        .subquery("bd_financier")
    )
    return _Source(
        joins=((funders, funders.c.project_id == project.c.id),),
        columns={"financier": funders.c.financier},
        share=func.coalesce(funders.c.share, 1.0),
        key="financier",
    )


_SOURCES = {"country": _country_source, "sector": _sector_source, "financier": _financier_source}


def breakdown(connection: Connection, query: BreakdownQuery) -> BreakdownTotals:
    """Group the registry's projects by ``query.by`` and sum ``query.measure``.

    One GROUP BY query; a second one only when whole-project totals need ``COUNT(DISTINCT)``.

    >>> breakdown(conn, BreakdownQuery(by=("country",)))  # doctest: +SKIP
    BreakdownTotals(rows=[{'country': 'PAK', 'projects': 3, 'amount': 1.2e9}, ...], ...)
    """
    project = table(models.Project)
    dims = {*query.by, *(name for name, _ in query.filters)}
    needed = sorted({src for d in dims if (src := DIMENSIONS[d]) is not None})
    sources = {name: _SOURCES[name](dims) for name in needed}

    from_clause: Any = project
    share: ColumnElement[Any] = cast(literal(1.0), Float)
    for source in sources.values():
        for target, on in source.joins:
            from_clause = from_clause.outerjoin(target, on)
        share = share * source.share

    amount, base_year = _measure(query.measure)
    if query.measure == "disbursement":
        disb = _disbursements()
        from_clause = from_clause.outerjoin(disb, disb.c.project_id == project.c.id)
        amount, base_year = disb.c.amount, disb.c.base_year

    def column(dim: str) -> ColumnElement[Any]:
        src = DIMENSIONS[dim]
        if src is not None:
            return sources[src].columns[dim]
        return {
            "corridor": project.c.corridor_id,
            "year": project.c.commitment_year,
            "flow-class": project.c.flow_class,
            "status": project.c.status,
            "dataset": project.c.dataset,
        }[dim]

    conditions: list[ColumnElement[bool]] = []
    if query.rule == "aiddata":
        conditions.append(
            or_(
                project.c.recommended_for_aggregates.is_(None),
                project.c.recommended_for_aggregates == true(),
            )
        )
        conditions.append(project.c.is_umbrella == False)  # noqa: E712 (SQL, not Python)
    split_filtered = False
    for dim, value in query.filters:
        col = column(dim)
        conditions.append(col.is_(None) if value is UNSPECIFIED else col == value)
        split_filtered = split_filtered or DIMENSIONS[dim] is not None
    where = and_(true(), *conditions)

    # A project appears once per group unless a joined source can give it several rows there.
    pinned = {d for d, v in query.filters if v is not UNSPECIFIED}
    fan_out = any(s.key is None or s.key not in {*query.by, *pinned} for s in sources.values())
    if query.split_counts:
        projects: ColumnElement[Any] = func.sum(share)
    elif fan_out:
        projects = func.count(func.distinct(project.c.id))
    else:
        projects = func.count()
    summed = func.sum(amount * share) if amount is not None else literal(None)
    synthetic = func.sum(case((project.c.is_synthetic == true(), 1), else_=0))
    year_min = func.min(base_year) if base_year is not None else literal(None)
    year_max = func.max(base_year) if base_year is not None else literal(None)

    grouped = (
        select(
            *(column(d).label(d) for d in query.by),
            projects.label("projects"),
            summed.label("amount"),
            synthetic.label("synthetic"),
            year_min.label("year_min"),
            year_max.label("year_max"),
        )
        .select_from(from_clause)
        .where(where)
        .group_by(*(column(d) for d in query.by))
    )
    rows: list[dict[str, Any]] = []
    years: set[int] = set()
    synthetic_rows = 0
    for found in connection.execute(grouped).mappings():
        row = dict(found)
        years |= {int(y) for y in (row.pop("year_min"), row.pop("year_max")) if y is not None}
        synthetic_rows += int(row.pop("synthetic") or 0)
        rows.append(row)
    rows.sort(key=lambda r: [(r[d] is None, "" if r[d] is None else str(r[d])) for d in query.by])

    amounts = [r["amount"] for r in rows if r["amount"] is not None]
    total_amount = sum(amounts) if amounts else None
    if query.split_counts or not sources:
        total_projects: float = sum(r["projects"] or 0 for r in rows)
    elif not split_filtered:  # every condition is on the project row: no join needed
        count = select(func.count()).select_from(project).where(where)
        total_projects = connection.execute(count).scalar_one() or 0
    else:  # a project split across groups counts once in the total
        distinct = select(func.count(func.distinct(project.c.id))).select_from(from_clause)
        total_projects = connection.execute(distinct.where(where)).scalar_one() or 0
    if query.measure == "projects":
        for row in rows:
            row["amount"] = row["projects"]
        total_amount = total_projects
    return BreakdownTotals(
        rows=rows,
        projects=total_projects,
        amount=total_amount,
        base_years=tuple(sorted(years)),
        synthetic_projects=synthetic_rows,
    )


def _measure(measure: str) -> tuple[ColumnElement[Any] | None, ColumnElement[Any] | None]:
    project = table(models.Project)
    if measure == "commitment":
        return project.c.amount_usd_constant, project.c.amount_base_year
    if measure == "commitment-nominal":
        return project.c.amount_usd_nominal, None
    return None, None


def _disbursements() -> Subquery:
    """Type-3 transactions per project, in constant USD (one row a project, so no fan-out)."""
    tx = table(models.Transaction)
    return (
        select(
            tx.c.project_id,
            func.sum(tx.c.usd_constant).label("amount"),
            func.max(tx.c.base_year).label("base_year"),
        )
        .where(tx.c.type == 3)
        .group_by(tx.c.project_id)
        .subquery("bd_disbursement")
    )
