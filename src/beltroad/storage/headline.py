"""As-of queries behind ``beltroad headline``: what the registry holds on a given date.

Each query returns the figure with its provenance: how many records, from which datasets, how
many of them synthetic. Everything is aggregated in the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    union,
)

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
    # One round trip: the union is already distinct (a row per party, dataset, synthetic flag
    # and dating: at most a few per party), so counting its rows here is cheaper than the five
    # COUNT(DISTINCT ...) queries over it that it replaces, and gives the same figures.
    rows = connection.execute(_party_sources(as_of, column)).all()
    parties: set[Any] = set()
    by_dataset: dict[str, set[Any]] = {}
    synthetic: set[Any] = set()
    undated: set[Any] = set()
    for party, dataset, is_synthetic, dated in rows:
        parties.add(party)
        by_dataset.setdefault(str(dataset), set()).add(party)
        if is_synthetic:
            synthetic.add(party)
        if not dated:
            undated.add(party)
    notes: list[str] = []
    if undated:
        notes.append(f"{len(undated)} counted with no known joining date")
    if countries:
        notes.append(f"{INITIATOR} (the initiator) is not counted as its own partner")
    return Figure(
        value=float(len(parties)),
        records=len(rows),
        datasets={name: len(members) for name, members in by_dataset.items()},
        synthetic=len(synthetic),
        notes=tuple(notes),
    )


def _enterprise_totals(connection: Connection, active: Any) -> list[Any]:
    """(dataset, enterprises, synthetic, with stock, stock, min and max base year) per dataset
    with an active enterprise, in one pass over the table."""
    e = models.OverseasEnterprise
    years = (func.min(e.stock_base_year), func.max(e.stock_base_year))
    if connection.dialect.name != "sqlite":
        # PostgreSQL hash-aggregates the groups in one scan.
        return list(
            connection.execute(
                select(
                    e.dataset,
                    func.count(),
                    func.sum(cast(e.is_synthetic, Integer)),
                    func.count(e.stock_usd_constant),
                    func.coalesce(func.sum(e.stock_usd_constant), 0.0),
                    *years,
                )
                .where(active)
                .group_by(e.dataset)
            ).all()
        )
    # SQLite would group by walking the dataset index and fetching every row out of order; the
    # few datasets come from that index alone, then one sequential scan sums each (CASE).
    names = list(connection.execute(select(e.dataset).distinct()).scalars())
    if not names:
        return []
    columns: list[Any] = []
    for name in names:
        # With one dataset (the usual case) every active row is its own: no CASE per row,
        # which would double the scan's cost.
        def of(value: Any, name: str = name) -> Any:
            return value if len(names) == 1 else case((e.dataset == name, value))

        columns += [
            func.count() if len(names) == 1 else func.count(of(1)),
            func.sum(of(cast(e.is_synthetic, Integer))),
            func.count(of(e.stock_usd_constant)),
            func.coalesce(func.sum(of(e.stock_usd_constant)), 0.0),
        ]
    row = connection.execute(select(*columns, *years).where(active)).one()
    low, high = row[-2], row[-1]
    return [
        (name, *row[4 * i : 4 * i + 4], low, high)
        for i, name in enumerate(names)
        if row[4 * i]  # only datasets with an active enterprise, as GROUP BY would give
    ]


def enterprises(connection: Connection, as_of: dt.date) -> tuple[Figure, Figure]:
    """Overseas enterprises operating on ``as_of``, and their investment stock (constant USD)."""
    e = models.OverseasEnterprise
    active = and_(
        or_(e.established_on.is_(None), e.established_on <= as_of),
        or_(e.closed_on.is_(None), e.closed_on > as_of),
    )
    rows = _enterprise_totals(connection, active)
    lows = [r[5] for r in rows if r[5] is not None]
    highs = [r[6] for r in rows if r[6] is not None]
    base_years: list[Any]
    if not lows:
        base_years = []
    elif min(lows) == max(highs):
        base_years = [min(lows)]  # one base year: no need for a second pass
    else:
        base_years = list(
            connection.execute(
                select(e.stock_base_year)
                .where(active, e.stock_base_year.is_not(None))
                .distinct()
                .order_by(e.stock_base_year)
            ).scalars()
        )
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
    earliest after it. Figures with a ``scope`` of their own (say, only zones in partner
    countries) are part of the series but never the benchmark."""
    table = models.table(models.ReportedStatistic)
    rows = connection.execute(
        select(table).where(table.c.scope.is_(None)).order_by(table.c.key, table.c.as_of)
    ).mappings()
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


def newest_date(connection: Connection) -> dt.date | None:
    """The newest date the headline's records carry: a partnership joined or left, a document
    signed, an enterprise established or closed, a zone established (its year's last day).

    Expiry dates are left out: they are plans, often years ahead, not something that happened.
    """
    p, d, e = models.Partnership, models.CooperationDocument, models.OverseasEnterprise
    z = models.CooperationZone
    columns = (
        p.joined_on,
        p.exited_on,
        d.signed_on,
        e.established_on,
        e.closed_on,
        z.established_year,
    )
    newest = connection.execute(
        select(*(select(func.max(column)).scalar_subquery() for column in columns))
    ).one()
    dates = [value for value in newest[:5] if value is not None]
    if newest[5] is not None:
        dates.append(dt.date(int(newest[5]), 12, 31))
    return max(dates) if dates else None


def series(connection: Connection) -> list[dict[str, Any]]:
    """Every reported statistic, by key then date: the dated series with their sources."""
    table = models.table(models.ReportedStatistic)
    statement = select(table).order_by(table.c.key, table.c.as_of, table.c.source)
    return [dict(row) for row in connection.execute(statement).mappings()]


def citations(connection: Connection, names: list[str]) -> dict[str, str | None]:
    """The citation of each named dataset (None where none was given)."""
    d = models.Dataset
    if not names:
        return {}
    rows = connection.execute(select(d.name, d.citation).where(d.name.in_(sorted(names))))
    return {str(name): citation for name, citation in rows}


def synthetic_datasets(connection: Connection) -> list[str]:
    d = models.Dataset
    return list(connection.execute(select(d.name).where(d.is_synthetic.is_(True))).scalars())


def stock_by_base_year(connection: Connection, as_of: dt.date) -> dict[int, float]:
    """Investment stock of the enterprises operating on ``as_of``, summed per base year (the
    headline converts these few sums to one basis instead of adding them)."""
    e = models.OverseasEnterprise
    active = and_(
        or_(e.established_on.is_(None), e.established_on <= as_of),
        or_(e.closed_on.is_(None), e.closed_on > as_of),
        e.stock_base_year.is_not(None),
    )
    rows = connection.execute(
        select(e.stock_base_year, func.sum(e.stock_usd_constant))
        .where(active)
        .group_by(e.stock_base_year)
    ).all()
    return {int(year): float(total or 0.0) for year, total in rows if year is not None}
