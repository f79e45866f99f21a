"""As-of queries behind ``beltroad headline``: what the registry holds on a given date.

Each query returns the figure with its provenance: how many records, from which datasets, how
many of them synthetic. Everything is aggregated in the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Integer, Select, and_, cast, func, literal, or_, select, union

from beltroad.storage import models

INITIATOR = "CHN"
"""China initiated the Belt and Road: it is never its own partner, even when a list names it."""


@dataclass(frozen=True)
class Figure:
    """A registry figure as of a date, with where it came from."""

    value: float
    records: int
    datasets: dict[str, int] = field(default_factory=dict)
    synthetic: int = 0
    notes: tuple[str, ...] = ()
    base_years: tuple[int, ...] = ()


@dataclass(frozen=True)
class ReportedRow:
    key: str
    label: str
    value: float
    qualifier: str
    unit: str
    as_of: dt.date
    source: str


def _partnership_in_force(as_of: dt.date) -> Any:
    p = models.Partnership
    return and_(
        or_(p.joined_on.is_(None), p.joined_on <= as_of),
        or_(p.exited_on.is_(None), p.exited_on >= as_of),
    )


def _document_in_force(as_of: dt.date) -> Any:
    d = models.CooperationDocument
    return and_(
        d.signed_on.is_not(None),
        d.signed_on <= as_of,
        or_(d.expires_on.is_(None), d.expires_on >= as_of),
        d.status.not_in(("draft", "proposed")),
    )


def _party_sources(as_of: dt.date, column: str) -> Select[Any]:
    """(party, dataset, is_synthetic, joined_known) rows from partnerships and documents."""
    p, d, dp = models.Partnership, models.CooperationDocument, models.DocumentParty
    p_party, dp_party = getattr(p, column), getattr(dp, column)
    from_partnerships = select(
        p_party.label("party"),
        p.dataset.label("dataset"),
        p.is_synthetic.label("synthetic"),
        p.joined_on.is_not(None).label("dated"),
    ).where(p_party.is_not(None), _partnership_in_force(as_of))
    from_documents = (
        select(
            dp_party.label("party"),
            d.dataset.label("dataset"),
            d.is_synthetic.label("synthetic"),
            literal(True).label("dated"),
        )
        .join(d, d.id == dp.document_id)
        .where(dp_party.is_not(None), _document_in_force(as_of))
    )
    if column == "organisation_id":
        o = models.Organisation
        international = select(o.id).where(o.is_international.is_(True))
        from_documents = from_documents.where(dp_party.in_(international))
    else:
        from_partnerships = from_partnerships.where(p_party != INITIATOR)
        from_documents = from_documents.where(dp_party != INITIATOR)
    return union(from_partnerships, from_documents).subquery().select()


def partners(connection: Connection, as_of: dt.date, *, countries: bool) -> Figure:
    """Distinct partner countries (or international organisations) in force on ``as_of``.

    In force: a partnership joined on or before the date (or with no known date) and not exited
    before it, or a cooperation document signed on or before the date and not expired before it.
    """
    column = "country_iso3" if countries else "organisation_id"
    sources = _party_sources(as_of, column).subquery()
    value = connection.execute(select(func.count(func.distinct(sources.c.party)))).scalar_one()
    by_dataset = connection.execute(
        select(sources.c.dataset, func.count(func.distinct(sources.c.party))).group_by(
            sources.c.dataset
        )
    ).all()
    synthetic = connection.execute(
        select(func.count(func.distinct(sources.c.party))).where(sources.c.synthetic.is_(True))
    ).scalar_one()
    undated = connection.execute(
        select(func.count(func.distinct(sources.c.party))).where(sources.c.dated.is_(False))
    ).scalar_one()
    records = connection.execute(select(func.count()).select_from(sources)).scalar_one()
    notes: list[str] = []
    if undated:
        notes.append(f"{undated} counted with no known joining date")
    if countries:
        notes.append(f"{INITIATOR} (the initiator) is not counted as its own partner")
    return Figure(
        value=float(value),
        records=int(records),
        datasets={str(name): int(n) for name, n in by_dataset},
        synthetic=int(synthetic),
        notes=tuple(notes),
    )


def enterprises(connection: Connection, as_of: dt.date) -> tuple[Figure, Figure]:
    """Overseas enterprises operating on ``as_of``, and their investment stock (constant USD)."""
    e = models.OverseasEnterprise
    active = and_(
        or_(e.established_on.is_(None), e.established_on <= as_of),
        or_(e.closed_on.is_(None), e.closed_on > as_of),
    )
    rows: list[Any] = list(
        connection.execute(
            select(
                e.dataset,
                func.count(),
                func.sum(cast(e.is_synthetic, Integer)),
                func.count(e.stock_usd_constant),
                func.coalesce(func.sum(e.stock_usd_constant), 0.0),
            )
            .where(active)
            .group_by(e.dataset)
        ).all()
    )
    base_years = connection.execute(
        select(e.stock_base_year)
        .where(active, e.stock_base_year.is_not(None))
        .distinct()
        .order_by(e.stock_base_year)
    ).scalars()
    count = sum(int(r[1]) for r in rows)
    synthetic = sum(int(r[2] or 0) for r in rows)
    with_stock = sum(int(r[3]) for r in rows)
    notes = (
        (f"{count - with_stock} enterprises have no constant-USD stock",)
        if count - with_stock
        else ()
    )
    return (
        Figure(float(count), count, {str(r[0]): int(r[1]) for r in rows}, synthetic),
        Figure(
            float(sum(float(r[4]) for r in rows)),
            with_stock,
            {str(r[0]): int(r[3]) for r in rows if r[3]},
            synthetic,
            notes,
            tuple(int(y) for y in base_years if y is not None),
        ),
    )


def zone_local_jobs(connection: Connection, as_of: dt.date) -> Figure:
    """Local jobs in cooperation zones established by the year of ``as_of`` (as last reported)."""
    z = models.CooperationZone
    rows: list[Any] = list(
        connection.execute(
            select(
                z.dataset,
                func.count(),
                func.sum(cast(z.is_synthetic, Integer)),
                func.coalesce(func.sum(z.jobs_local), 0),
            )
            .where(or_(z.established_year.is_(None), z.established_year <= as_of.year))
            .group_by(z.dataset)
        ).all()
    )
    notes = ("jobs are the zones' latest reported figures, not a history",) if rows else ()
    return Figure(
        float(sum(int(r[3]) for r in rows)),
        sum(int(r[1]) for r in rows),
        {str(r[0]): int(r[1]) for r in rows},
        sum(int(r[2] or 0) for r in rows),
        notes,
    )


def reported(connection: Connection, as_of: dt.date) -> dict[str, ReportedRow]:
    """Per key, the reported statistic nearest ``as_of``: the latest on or before it, else the
    earliest after it."""
    table = models.table(models.ReportedStatistic)
    rows = connection.execute(select(table).order_by(table.c.key, table.c.as_of)).mappings()
    chosen: dict[str, ReportedRow] = {}
    for r in rows:
        row = ReportedRow(
            r["key"],
            r["label"],
            float(r["value"]),
            r["qualifier"],
            r["unit"],
            r["as_of"],
            r["source"],
        )
        # rows come in date order: a later one on or before the date replaces an earlier one
        if row.as_of <= as_of or row.key not in chosen:
            chosen[row.key] = row
    return chosen


def synthetic_datasets(connection: Connection) -> list[str]:
    d = models.Dataset
    return list(connection.execute(select(d.name).where(d.is_synthetic.is_(True))).scalars())
